"""Stand-ins for the causal LMs of ch. 02: tiny GPT-2 and BLOOM, byte-level BPE on shipped text.

Both keep their hub checkpoint's config keys, special-token ids, tokenizer_config.json and stored
dtype: GPT-2 is float32 with `<|endoftext|>` at id 50256; BLOOM-560m stores float16 weights, so a
`from_pretrained` without `dtype=` gives a float16 model here exactly as on the hub.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..paths import data_path
from . import standin
from .common import hub_config, shipped_text, train_byte_bpe, write_hub_files

GPT2_EOS = "<|endoftext|>"
GPT2_SIZES = dict(n_embd=64, n_layer=2, n_head=2)
BLOOM_SIZES = dict(n_embed=64, n_layer=2, num_attention_heads=4, vocab_size=1024)


def _training_text() -> list[str]:
    # The shipped corpus plus the chapter's own texts, so the tiny vocabularies cover them.
    lines = list(shipped_text())
    for name in ("pond_notes.txt", "lorem_ipsum.txt"):
        text = data_path("walden", name).read_text(encoding="utf-8")
        lines += [line for line in text.splitlines() if line.strip()]
    return lines


def _gpt2_tokenizer(vocab_size: int):
    """Byte-level BPE trained on shipped text, padded to GPT-2's vocabulary: EOS at its hub id.

    The filler entries are unused four-letter strings: no merge produces them, so encoding never
    does, and the tiny model learns to leave them alone.
    """
    from itertools import product
    from string import ascii_lowercase

    from tokenizers import Tokenizer, models

    trained = train_byte_bpe(_training_text(), vocab_size=1024, special_tokens=[])
    trained = json.loads(trained.to_str())
    vocab = dict(trained["model"]["vocab"])
    words = ("".join(letters) for letters in product(ascii_lowercase, repeat=4))
    fillers = (word for word in words if word not in vocab)
    while len(vocab) < vocab_size - 1:
        vocab[next(fillers)] = len(vocab)
    vocab[GPT2_EOS] = vocab_size - 1
    merges = [tuple(pair) if isinstance(pair, list) else tuple(pair.split(" "))
              for pair in trained["model"]["merges"]]
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    backend = train_byte_bpe([], vocab_size=1, special_tokens=[])  # for its byte-level pipeline
    tokenizer.pre_tokenizer, tokenizer.decoder = backend.pre_tokenizer, backend.decoder
    tokenizer.add_special_tokens([GPT2_EOS])
    return tokenizer


@standin("gpt2")
def build_gpt2(out_dir: Path) -> None:
    """A 2-layer GPT2LMHeadModel, float32, 50,257-token vocabulary with EOS = 50256 (ch. 02)."""
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    config = hub_config("gpt2", **GPT2_SIZES)
    tokenizer = GPT2TokenizerFast(tokenizer_object=_gpt2_tokenizer(config["vocab_size"]),
                                  bos_token=GPT2_EOS, eos_token=GPT2_EOS, unk_token=GPT2_EOS)
    assert tokenizer.convert_tokens_to_ids(GPT2_EOS) == config["eos_token_id"]
    tokenizer.save_pretrained(out_dir)
    GPT2LMHeadModel(GPT2Config.from_dict(config)).save_pretrained(out_dir)
    # The hub's tokenizer_config.json names no class and no special tokens: transformers picks
    # GPT2Tokenizer from config.json and its default <|endoftext|> tokens, here as there.
    write_hub_files(out_dir, "gpt2", "tokenizer_config.json", "generation_config.json",
                    config={**config, "dtype": "float32"})


@standin("bigscience/bloom-560m")
def build_bloom(out_dir: Path) -> None:
    """A 2-layer BloomForCausalLM in float16 as on the hub; <unk>/<s>/</s>/<pad> = 0..3 (ch. 02)."""
    from transformers import BloomConfig, BloomForCausalLM, PreTrainedTokenizerFast

    config = hub_config("bigscience/bloom-560m", **BLOOM_SIZES)
    specials = ["<unk>", "<s>", "</s>", "<pad>"]  # BLOOM's ids 0..3
    backend = train_byte_bpe(_training_text(), config["vocab_size"], special_tokens=specials)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>",
                                        bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    tokenizer.save_pretrained(out_dir)
    BloomForCausalLM(BloomConfig.from_dict(config)).half().save_pretrained(out_dir)
    (out_dir / "generation_config.json").unlink(missing_ok=True)  # the hub repository has none
    # The hub's config.json states no dtype; its weights are float16 (weights.json), so dtype="auto"
    # gives float16 there. Stating it here gives the same model.
    write_hub_files(out_dir, "bigscience/bloom-560m", "tokenizer_config.json",
                    config={**config, "dtype": "float16"})
