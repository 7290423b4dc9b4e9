"""Stand-in for FLAN-T5 base (ch. 03): a tiny T5ForConditionalGeneration with a trained Unigram tokenizer."""
from __future__ import annotations

from pathlib import Path

from ..paths import data_path
from . import standin
from .common import shipped_text, train_t5_tokenizer


def _chat_lines() -> list[str]:
    # The sample export's messages and senders, so the tiny vocabulary covers its languages and accents.
    from ..chat import load_telegram_export

    df = load_telegram_export(data_path("chat", "sample_export.json"))
    return (df["sender"] + ": " + df["text"]).tolist()


@standin("google/flan-t5-base")
def build_flan_t5_base(out_dir: Path) -> None:
    """A 2+2-layer T5ForConditionalGeneration; tokenizer with <pad>=0, </s>=1, <unk>=2 and 100 extra ids (ch. 03)."""
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = train_t5_tokenizer(list(shipped_text()) + _chat_lines() * 3, vocab_size=1200)
    config = T5Config(
        vocab_size=len(tokenizer), d_model=64, d_ff=128, d_kv=16, num_heads=4, num_layers=2,
        num_decoder_layers=2, feed_forward_proj="gated-gelu", tie_word_embeddings=False,
        decoder_start_token_id=tokenizer.pad_token_id, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    tokenizer.save_pretrained(out_dir)
    T5ForConditionalGeneration(config).save_pretrained(out_dir)
