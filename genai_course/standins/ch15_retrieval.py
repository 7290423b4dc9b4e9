"""Stand-ins for chapter 15's retrieval models: a sentence-transformers bi-encoder, a CrossEncoder.

Both are 2-layer BERTs over a WordPiece vocabulary trained on shipped text, saved by
sentence-transformers itself, so `SentenceTransformer(path)` and `CrossEncoder(path)` load them
exactly as they load the hub models. The bi-encoder gets a few seconds of training on (section
title, section text) pairs of the shipped manuals, so its vectors match a product and topic; it
never sees the evaluation questions. The CrossEncoder is left untrained (a yes/no head needs
minutes on a CPU to learn anything), so its scores, and reranking in smoke, are noise.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pandas as pd

from ..paths import data_path
from . import standin
from .common import shipped_text, train_wordpiece

WIDTH = 64
MAX_SEQ_LENGTH = 256  # all-MiniLM-L6-v2's sentence_bert_config.json
TRAIN_STEPS = 60
BATCH = 16


def _manual_sections() -> list[tuple[str, str]]:
    """(title query, section text) pairs of the shipped manuals: ("Kestrel K2 Warranty", "...")."""
    table = pd.read_csv(data_path("hub", "m-ric--huggingface_doc", "huggingface_doc.csv"))
    pairs = []
    for text in table["text"]:
        product = text.splitlines()[0].removeprefix("# ").removesuffix(" user manual")
        for block in text.split("\n## ")[1:]:
            title, _, body = block.partition("\n")
            pairs.append((f"{product} {title.strip()}", body.strip()))
    return pairs


def _bert(out_dir: Path, head: str) -> None:
    """A tiny uncased BERT (`BertModel` or `BertForSequenceClassification`) and its tokenizer."""
    from transformers import BertConfig, BertForSequenceClassification, BertModel, BertTokenizerFast

    texts = list(shipped_text()) + [f"{q} {t}" for q, t in _manual_sections()]
    vocab = train_wordpiece(texts, vocab_size=3000, lowercase=True).get_vocab()
    tokenizer = BertTokenizerFast(vocab=vocab, do_lower_case=True, model_max_length=512)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=WIDTH,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=128,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
        num_labels=1,
    )
    model = BertModel(config) if head == "none" else BertForSequenceClassification(config)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


@standin("sentence-transformers/all-MiniLM-L6-v2")
def build_minilm_bi_encoder(out_dir: Path) -> None:
    """BERT + mean pooling + normalisation, as in the hub model's modules.json."""
    import torch
    from sentence_transformers import SentenceTransformer, models

    with tempfile.TemporaryDirectory() as bert_dir:
        _bert(Path(bert_dir), head="none")
        encoder = models.Transformer(bert_dir, max_seq_length=MAX_SEQ_LENGTH)
        model = SentenceTransformer(
            modules=[encoder, models.Pooling(WIDTH, "mean"), models.Normalize()], device="cpu"
        )
    pairs, rng = _manual_sections(), random.Random(0)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(TRAIN_STEPS):  # in-batch negatives, as sentence-transformers' MNRL loss
        batch = rng.sample(pairs, BATCH)
        queries, passages = [model.tokenize(list(side)) for side in zip(*batch)]
        q = model(queries)["sentence_embedding"]
        p = model(passages)["sentence_embedding"]
        loss = torch.nn.functional.cross_entropy(q @ p.T * 20, torch.arange(BATCH))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()
    model.save(str(out_dir))


@standin("cross-encoder/ms-marco-MiniLM-L-6-v2")
def build_minilm_cross_encoder(out_dir: Path) -> None:
    """BertForSequenceClassification, one label, raw (Identity) scores as on the hub; untrained."""
    import torch
    from sentence_transformers import CrossEncoder

    with tempfile.TemporaryDirectory() as bert_dir:
        _bert(Path(bert_dir), head="classification")
        CrossEncoder(bert_dir, activation_fn=torch.nn.Identity(), device="cpu").save(str(out_dir))
