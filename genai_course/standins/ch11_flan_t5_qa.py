"""Stand-in for chapter 11's FLAN-T5: a tiny T5ForConditionalGeneration with a T5 tokenizer trained on shipped text."""
from __future__ import annotations

import json
from pathlib import Path

from . import standin
from ..paths import data_path
from .common import shipped_text, train_briefly, train_t5_tokenizer


def _pubmedqa_text() -> list[str]:
    # The shipped PubMedQA-style rows, so biomedical words get their own pieces.
    lines = []
    for raw in data_path("pubmedqa", "train.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(raw)
        lines += [row["question"], row["long_answer"], *row["context"]["contexts"]]
    return lines


def _pretrain_copying(model, tokenizer, texts: list[str], steps: int = 150) -> None:
    # A few seconds of learning to copy sentences, so the stand-in starts as a working encoder-decoder
    # (like the real pre-trained model) rather than noise that LoRA on q and v alone could not rescue.
    import torch

    generator = torch.Generator().manual_seed(0)

    def next_batch():
        batch = [texts[int(i)] for i in torch.randint(len(texts), (16,), generator=generator)]
        enc = tokenizer(batch, max_length=32, truncation=True, padding=True, return_tensors="pt")
        return {**enc, "labels": enc.input_ids.masked_fill(enc.attention_mask == 0, -100)}

    train_briefly(model, next_batch, steps)


@standin("google/flan-t5-large")
def build_flan_t5_large(out_dir: Path) -> None:
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = train_t5_tokenizer(list(shipped_text()) + _pubmedqa_text(), vocab_size=1000, extra_ids=0)
    # FLAN-T5's shape in miniature: gated-GELU feed-forward, untied input/output embeddings.
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=64,
        d_kv=16,
        d_ff=128,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=4,
        feed_forward_proj="gated-gelu",
        tie_word_embeddings=False,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    model = T5ForConditionalGeneration(config)
    _pretrain_copying(model, tokenizer, list(shipped_text()) + _pubmedqa_text())
    tokenizer.save_pretrained(out_dir)
    model.save_pretrained(out_dir)
