"""Stand-in for chapter 13's policy: a tiny GPT-2 that already writes short reviews, like lvwerra/gpt2-imdb."""
from __future__ import annotations

import pandas as pd

from ..paths import data_path
from . import standin
from .common import shipped_text, train_briefly, train_byte_bpe


def _chapter_texts() -> list[str]:
    """The shipped corpus plus the shipped reviews, so the tiny vocabulary covers them."""
    return list(shipped_text()) + pd.read_csv(data_path("reviews", "train.csv"))["text"].tolist()


@standin("lvwerra/gpt2-imdb")
def build_gpt2_policy(out_dir):
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    raw = train_byte_bpe(_chapter_texts(), vocab_size=600, special_tokens=["<|endoftext|>"])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, bos_token="<|endoftext|>", eos_token="<|endoftext|>", unk_token="<|endoftext|>"
    )
    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=256, n_embd=64, n_layer=2, n_head=4,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
    )
    model = GPT2LMHeadModel(config)
    _learn_to_write_reviews(model, tokenizer)  # like lvwerra/gpt2-imdb: a policy that already writes reviews
    tokenizer.save_pretrained(out_dir)
    model.save_pretrained(out_dir)


def _learn_to_write_reviews(model, tokenizer, steps=120):
    """A few seconds of language modelling on the shipped reviews, so RLHF has something to steer."""
    import torch

    texts = [text + tokenizer.eos_token for text in pd.read_csv(data_path("reviews", "train.csv"))["text"]]
    ids = [tokenizer(text)["input_ids"] for text in texts]
    width = max(len(row) for row in ids)
    input_ids = torch.tensor([row + [tokenizer.eos_token_id] * (width - len(row)) for row in ids])
    mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in ids])
    labels = input_ids.masked_fill(mask == 0, -100)
    labels[torch.arange(len(ids)), mask.sum(1) - 1] = tokenizer.eos_token_id  # learn to stop
    train_briefly(model, lambda: {"input_ids": input_ids, "attention_mask": mask, "labels": labels}, steps)
