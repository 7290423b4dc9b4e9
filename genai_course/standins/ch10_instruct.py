"""Stand-in for the instruct LLM of chapters 10, 14 and 15: a tiny Qwen2.5-1.5B-Instruct.

Read from the hub's own files in `hub/Qwen--Qwen2.5-1.5B-Instruct/`: the config keys, the stored
dtype (bfloat16), the chat template, the special tokens (`<|im_end|>` ends a turn, `<|endoftext|>`
pads, no BOS) and the whole generation_config.json, sampling defaults included (do_sample,
temperature 0.7, top_p 0.8, top_k 20, repetition_penalty 1.1), with each token id moved to the id
the same token has in the stand-in's vocabulary.
"""
from __future__ import annotations

from pathlib import Path

from ..budget import hub_record
from . import standin
from .common import hub_config, shipped_text, train_briefly, train_byte_bpe

HUB_ID = "Qwen/Qwen2.5-1.5B-Instruct"
SIZES = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2)
# The real tokenizer's first added tokens: <|endoftext|> pads, <|im_start|>, <|im_end|> frame turns.
QWEN_SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def _chat_lines() -> list[str]:
    # Shipped sentences wrapped as ChatML turns, so the tokenizer learns what surrounds the markers.
    lines = list(shipped_text())
    return [f"<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n{answer}<|im_end|>\n"
            for question, answer in zip(lines[0::2], lines[1::2])]


def _pretrain(model, tokenizer, texts: list[str], steps: int) -> None:
    # A few dozen steps on shipped text so smoke replies are word-like rather than random bytes.
    import torch

    ids = tokenizer("\n".join(texts), return_tensors="pt").input_ids[0]
    block = 64
    blocks = ids[: len(ids) // block * block].view(-1, block)

    def next_batch():
        batch = blocks[torch.randint(len(blocks), (8,))]
        return {"input_ids": batch, "labels": batch}

    train_briefly(model, next_batch, steps)


def _tokenizer():
    from transformers import Qwen2TokenizerFast

    hub = hub_record(HUB_ID, "tokenizer_config.json")
    texts = list(shipped_text()) + _chat_lines()
    backend = train_byte_bpe(texts, vocab_size=700, special_tokens=QWEN_SPECIALS)
    return Qwen2TokenizerFast(
        tokenizer_object=backend, bos_token=hub["bos_token"], eos_token=hub["eos_token"],
        pad_token=hub["pad_token"], unk_token=hub["unk_token"],
        additional_special_tokens=QWEN_SPECIALS[1:], model_max_length=hub["model_max_length"],
        chat_template=hub["chat_template"],
    )


def _generation_config(tokenizer):
    """The hub's generation_config.json, each token id moved to the stand-in's id for that token."""
    from transformers import GenerationConfig

    added = hub_record(HUB_ID, "tokenizer_config.json")["added_tokens_decoder"]
    hub_tokens = {int(i): entry["content"] for i, entry in added.items()}

    def ours(value):
        if isinstance(value, list):
            return [ours(v) for v in value]
        return tokenizer.convert_tokens_to_ids(hub_tokens[value])

    fields = {key: ours(value) if key.endswith("token_id") else value
              for key, value in hub_record(HUB_ID, "generation_config.json").items()
              if key != "transformers_version"}
    return GenerationConfig(**fields)


@standin(HUB_ID)
def build_qwen25_instruct(out_dir: Path) -> None:
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = _tokenizer()
    generation = _generation_config(tokenizer)
    config = hub_config(HUB_ID, **SIZES, vocab_size=len(tokenizer),
                        bos_token_id=generation.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    model = Qwen2ForCausalLM(Qwen2Config.from_dict(config))
    # Plain prose only: trained on chat-wrapped lines, the tiny model just repeats role names.
    _pretrain(model, tokenizer, list(shipped_text()), steps=200)
    model = model.to(torch.bfloat16)  # the hub's weights are stored in bfloat16
    model.generation_config = generation
    tokenizer.save_pretrained(out_dir)
    model.save_pretrained(out_dir)
