"""Stand-ins for the BERT encoders of chapter 09, DistilBERT (uncased) and BioBERT (cased).

Chapter 13 builds its reward model on the same DistilBERT, so its vocabulary also covers the shipped
reviews. Both keep their hub checkpoint's config keys and tokenizer files: DistilBERT's
tokenizer_config.json names no class (transformers picks one from config.json), and BioBERT v1.1
ships `pytorch_model.bin`, `vocab.txt`, `tokenizer_config.json` and `special_tokens_map.json` only,
no safetensors and no tokenizer.json, so loading goes the same way here as from the hub.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..paths import data_path
from . import standin
from .common import hub_config, shipped_reviews, shipped_text, train_wordpiece, write_hub_files

ADE_REPLICA = ("hub", "ade-benchmark-corpus--ade_corpus_v2")
ADE_CONFIGS = ("Ade_corpus_v2_classification", "Ade_corpus_v2_drug_ade_relation")
TINY_BERT = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=2, intermediate_size=128)


def _sample_text() -> list[str]:
    # The ADE replica's sentences, so drug and effect names get whole-word pieces as in a
    # biomedical vocabulary, and the shipped reviews of chapter 13.
    texts = []
    for config in ADE_CONFIGS:
        texts += pd.read_parquet(data_path(*ADE_REPLICA, config))["text"].tolist()
    return texts + shipped_reviews()


def _wordpiece_vocab(lowercase: bool, vocab_size: int = 3000) -> dict[str, int]:
    texts = list(shipped_text()) + _sample_text()
    tokenizer = train_wordpiece(texts, vocab_size, lowercase=lowercase)
    return tokenizer.get_vocab()


@standin("distilbert/distilbert-base-uncased")
def build_distilbert(out_dir: Path) -> None:
    """A 2-layer DistilBertForMaskedLM; task heads start fresh when loaded, as on the hub."""
    from transformers import DistilBertConfig, DistilBertForMaskedLM, DistilBertTokenizerFast

    tokenizer = DistilBertTokenizerFast(vocab=_wordpiece_vocab(lowercase=True), do_lower_case=True)
    config = hub_config("distilbert/distilbert-base-uncased", dim=64, n_layers=2, n_heads=2,
                        hidden_dim=128, vocab_size=len(tokenizer))
    assert tokenizer.pad_token_id == config["pad_token_id"]
    tokenizer.save_pretrained(out_dir)
    DistilBertForMaskedLM(DistilBertConfig.from_dict(config)).save_pretrained(out_dir)
    write_hub_files(out_dir, "distilbert/distilbert-base-uncased", "tokenizer_config.json",
                    config={**config, "dtype": "float32"})


@standin("dmis-lab/biobert-v1.1")
def build_biobert(out_dir: Path) -> None:
    """A 2-layer cased BertModel saved as the hub's is: pytorch_model.bin and vocab.txt (ch. 09)."""
    import torch
    from transformers import BertConfig, BertModel

    vocab = _wordpiece_vocab(lowercase=False)
    config = hub_config("dmis-lab/biobert-v1.1", **TINY_BERT, vocab_size=len(vocab))
    assert vocab["[PAD]"] == config["pad_token_id"]
    tokens = sorted(vocab, key=vocab.get)
    (out_dir / "vocab.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    torch.save(BertModel(BertConfig.from_dict(config)).state_dict(), out_dir / "pytorch_model.bin")
    # The hub's config.json states no dtype (float32 weights) and keeps its own keys only.
    write_hub_files(out_dir, "dmis-lab/biobert-v1.1", "tokenizer_config.json",
                    "special_tokens_map.json", config=config)
