"""Stand-in for FLAN-T5 base (ch. 03): a tiny T5ForConditionalGeneration, Unigram tokenizer.

It keeps the hub checkpoint's config keys (gated-GELU, `tie_word_embeddings: false`, so an
output head of its own and no decoder-output scaling), its generation_config.json and
tokenizer_config.json, and float32 weights.
"""
from __future__ import annotations

from pathlib import Path

from ..paths import data_path
from . import standin
from .common import hub_config, shipped_text, train_t5_tokenizer, write_hub_files

HUB_ID = "google/flan-t5-base"
SIZES = dict(d_model=64, d_ff=128, d_kv=16, num_heads=4, num_layers=2, num_decoder_layers=2)


def _chat_lines() -> list[str]:
    # The sample export's messages and senders: the tiny vocabulary covers its languages, accents.
    from ..chat import load_telegram_export

    df = load_telegram_export(data_path("chat", "sample_export.json"))
    return (df["sender"] + ": " + df["text"]).tolist()


@standin(HUB_ID)
def build_flan_t5_base(out_dir: Path) -> None:
    """A 2+2-layer T5ForConditionalGeneration; <pad>=0, </s>=1, <unk>=2, 100 extra ids (ch. 03)."""
    import torch
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = train_t5_tokenizer(list(shipped_text()) + _chat_lines() * 3, vocab_size=1200)
    config = hub_config(HUB_ID, **SIZES, vocab_size=len(tokenizer))
    model = T5ForConditionalGeneration(T5Config.from_dict(config))
    # transformers ties T5's head to the input embedding when it builds one; FLAN-T5 ships its own.
    head = torch.empty_like(model.shared.weight).normal_(std=config["d_model"] ** -0.5)
    model.lm_head.weight = torch.nn.Parameter(head)
    tokenizer.save_pretrained(out_dir)
    model.save_pretrained(out_dir)
    write_hub_files(out_dir, HUB_ID, "tokenizer_config.json", "generation_config.json",
                    config={**config, "dtype": "float32"})
