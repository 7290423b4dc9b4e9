"""Stand-in for chapter 11's FLAN-T5-large: a tiny T5ForConditionalGeneration.

It keeps the hub checkpoint's config keys (gated-GELU, an output head of its own), its
generation_config.json and tokenizer_config.json (pad 0 is not eos 1; 100 extra ids), the module
names LoRA targets (`q`, `v`) and float32 weights. The chapter's quantisation is the hardware's
decision, so on a CPU this float32 model is what the LoRA adapters train on.
"""
from __future__ import annotations

from pathlib import Path

from ..paths import data_path
from . import standin
from .common import hub_config, shipped_text, train_briefly, train_t5_tokenizer, write_hub_files

HUB_ID = "google/flan-t5-large"
SIZES = dict(d_model=64, d_ff=128, d_kv=16, num_heads=4, num_layers=2, num_decoder_layers=2)


def _pubmedqa_text() -> tuple[list[str], list[str], list[str]]:
    """The PubMedQA replica's questions, long answers and abstract sections."""
    import pandas as pd

    replica = data_path("hub", "qiaojin--PubMedQA", "pqa_labeled", "train-00000-of-00001.parquet")
    rows = pd.read_parquet(replica)
    sections = [text for context in rows["context"] for text in context["contexts"]]
    return rows["question"].tolist(), rows["long_answer"].tolist(), sections


def _pretrain_copying(model, tokenizer, texts: list[str], steps: int = 150) -> None:
    # A few seconds of learning to copy sentences, so the stand-in starts as a working seq2seq model
    # (like the real pre-trained model), not noise that LoRA on q and v alone could not rescue.
    import torch

    generator = torch.Generator().manual_seed(0)

    def next_batch():
        batch = [texts[int(i)] for i in torch.randint(len(texts), (16,), generator=generator)]
        enc = tokenizer(batch, max_length=32, truncation=True, padding=True, return_tensors="pt")
        return {**enc, "labels": enc.input_ids.masked_fill(enc.attention_mask == 0, -100)}

    train_briefly(model, next_batch, steps)


@standin(HUB_ID)
def build_flan_t5_large(out_dir: Path) -> None:
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    questions, answers, sections = _pubmedqa_text()
    # Biomedical words get pieces of their own. The long answers are what the chapter teaches, so
    # the stand-in learns to copy sentences from everything else and never sees a test answer.
    texts = list(shipped_text()) + questions + answers + sections
    tokenizer = train_t5_tokenizer(texts, vocab_size=1000)
    config = hub_config(HUB_ID, **SIZES, vocab_size=len(tokenizer))
    model = T5ForConditionalGeneration(T5Config.from_dict(config))
    # transformers ties T5's head to the input embedding when building one; FLAN-T5 has its own.
    head = torch.empty_like(model.shared.weight).normal_(std=config["d_model"] ** -0.5)
    model.lm_head.weight = torch.nn.Parameter(head)
    _pretrain_copying(model, tokenizer, list(shipped_text()) + questions + sections)
    tokenizer.save_pretrained(out_dir)
    model.save_pretrained(out_dir)
    write_hub_files(out_dir, HUB_ID, "tokenizer_config.json", "generation_config.json",
                    config={**config, "dtype": "float32"})
