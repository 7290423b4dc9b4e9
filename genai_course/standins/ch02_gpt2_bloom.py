"""Stand-ins for the causal LMs of ch. 02: GPT-2 and BLOOM, tiny, with byte-level BPE trained on shipped text."""
from __future__ import annotations

from pathlib import Path

from ..paths import data_path
from . import standin
from .common import shipped_text, train_byte_bpe


def _training_text() -> list[str]:
    # The shipped corpus plus the chapter's own texts, so the tiny vocabularies cover them.
    lines = list(shipped_text())
    for name in ("pond_notes.txt", "lorem_ipsum.txt"):
        text = data_path("walden", name).read_text(encoding="utf-8")
        lines += [line for line in text.splitlines() if line.strip()]
    return lines


@standin("gpt2")
def build_gpt2(out_dir: Path) -> None:
    """A 2-layer GPT2LMHeadModel with a GPT-2 style tokenizer (no pad token, eos = bos) (ch. 02)."""
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    backend = train_byte_bpe(_training_text(), vocab_size=1024, special_tokens=["<|endoftext|>"])
    tokenizer = GPT2TokenizerFast(
        tokenizer_object=backend, bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<|endoftext|>",
        model_max_length=128,
    )
    eos = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=128, n_embd=64, n_layer=2, n_head=2,
        bos_token_id=eos, eos_token_id=eos,
    )
    tokenizer.save_pretrained(out_dir)
    GPT2LMHeadModel(config).save_pretrained(out_dir)


@standin("bigscience/bloom-560m")
def build_bloom(out_dir: Path) -> None:
    """A 2-layer BloomForCausalLM with a BLOOM style tokenizer (<pad> = 3, </s> = 2) (ch. 02)."""
    from transformers import BloomConfig, BloomForCausalLM, PreTrainedTokenizerFast

    specials = ["<unk>", "<s>", "</s>", "<pad>"]  # BLOOM's ids 0..3
    backend = train_byte_bpe(_training_text(), vocab_size=1024, special_tokens=specials)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend, unk_token="<unk>", bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        padding_side="left", model_max_length=256,
    )
    config = BloomConfig(
        vocab_size=len(tokenizer), hidden_size=64, n_layer=2, n_head=4,
        bos_token_id=1, eos_token_id=2, pad_token_id=3,
    )
    tokenizer.save_pretrained(out_dir)
    BloomForCausalLM(config).save_pretrained(out_dir)
