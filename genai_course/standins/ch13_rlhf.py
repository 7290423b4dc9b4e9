"""Stand-in for chapter 13's policy: a tiny GPT-2 that already writes short reviews, like
lvwerra/gpt2-imdb."""
from __future__ import annotations

from . import standin
from .common import shipped_reviews, shipped_text, train_briefly, train_byte_bpe

ENDOFTEXT = "<|endoftext|>"  # GPT-2's one special token: bos, eos and unk; there is no pad token


@standin("lvwerra/gpt2-imdb")
def build_gpt2_policy(out_dir):
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    raw = train_byte_bpe(list(shipped_text()) + shipped_reviews(), vocab_size=600,
                         special_tokens=[ENDOFTEXT])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, bos_token=ENDOFTEXT,
                                        eos_token=ENDOFTEXT, unk_token=ENDOFTEXT,
                                        model_max_length=1024)
    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=1024, n_embd=64, n_layer=2, n_head=4,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
    )
    model = GPT2LMHeadModel(config)  # float32, as the hub weights are stored
    _learn_to_write_reviews(model, tokenizer)  # like lvwerra/gpt2-imdb, it writes reviews
    tokenizer.save_pretrained(out_dir)
    model.save_pretrained(out_dir)


def _learn_to_write_reviews(model, tokenizer, steps=120):
    """Seconds of language modelling on the shipped reviews, so RLHF has something to steer."""
    import torch

    ids = [tokenizer(text + tokenizer.eos_token)["input_ids"] for text in shipped_reviews()]
    width = max(len(row) for row in ids)
    input_ids = torch.tensor([row + [tokenizer.eos_token_id] * (width - len(row)) for row in ids])
    mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in ids])
    labels = input_ids.masked_fill(mask == 0, -100)
    labels[torch.arange(len(ids)), mask.sum(1) - 1] = tokenizer.eos_token_id  # learn to stop
    batch = {"input_ids": input_ids, "attention_mask": mask, "labels": labels}
    train_briefly(model, lambda: batch, steps)
