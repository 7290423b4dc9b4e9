"""Stand-ins for the BERT encoders of chapter 09, DistilBERT (uncased) and BioBERT (cased).

Chapter 13 builds its reward model on the same DistilBERT.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..paths import data_path
from . import standin
from .common import shipped_text, train_wordpiece


def _sample_text() -> list[str]:
    # The shipped ADE sample, so drug and effect names get whole-word pieces as in a biomedical
    # vocabulary, and the shipped reviews of chapter 13.
    texts = []
    for name in ("classification.jsonl", "relations.jsonl"):
        for line in data_path("ade", name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts + pd.read_csv(data_path("reviews", "train.csv"))["text"].tolist()


def _wordpiece_vocab(lowercase: bool, vocab_size: int = 3000) -> dict[str, int]:
    tokenizer = train_wordpiece(list(shipped_text()) + _sample_text(), vocab_size, lowercase=lowercase)
    return tokenizer.get_vocab()


@standin("distilbert/distilbert-base-uncased")
def build_distilbert(out_dir: Path) -> None:
    """A 2-layer DistilBertForMaskedLM; task heads are added fresh at load time, as with the hub model."""
    from transformers import DistilBertConfig, DistilBertForMaskedLM, DistilBertTokenizerFast

    tokenizer = DistilBertTokenizerFast(vocab=_wordpiece_vocab(lowercase=True), do_lower_case=True, model_max_length=128)
    config = DistilBertConfig(
        vocab_size=len(tokenizer), dim=64, n_layers=2, n_heads=2, hidden_dim=128,
        max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
    )
    DistilBertForMaskedLM(config).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


@standin("dmis-lab/biobert-v1.1")
def build_biobert(out_dir: Path) -> None:
    """A 2-layer cased BertForPreTraining, the class of the hub checkpoint."""
    from transformers import BertConfig, BertForPreTraining, BertTokenizerFast

    tokenizer = BertTokenizerFast(vocab=_wordpiece_vocab(lowercase=False), do_lower_case=False, model_max_length=128)
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=128, max_position_embeddings=128, pad_token_id=tokenizer.pad_token_id,
    )
    BertForPreTraining(config).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
