"""Stand-ins for chapters 12 (T5 and Llama summarisation) and 13 (RLHF: reward model and GRPO policy)."""
from __future__ import annotations

import pandas as pd

from . import standin
from ..paths import data_path
from .common import shipped_text, train_briefly, train_byte_bpe, train_t5_tokenizer, train_wordpiece

# A Zephyr-style chat template like TinyLlama-1.1B-Chat's, so `apply_chat_template` works offline.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + eos_token + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)


def _chapter_texts() -> list[str]:
    """The shipped corpus plus the chapters' own sample data, so the tiny vocabularies cover it."""
    texts = list(shipped_text())
    texts += pd.read_parquet(data_path("xsum", "train.parquet"))["document"].tolist()
    dialogues = pd.read_csv(data_path("dialogsum", "train.csv"))
    texts += dialogues["dialogue"].tolist() + dialogues["summary"].tolist()
    texts += pd.read_csv(data_path("reviews", "train.csv"))["text"].tolist()
    return texts


@standin("google-t5/t5-small")
def build_t5_small(out_dir):
    from transformers import T5Config, T5ForConditionalGeneration

    tokenizer = train_t5_tokenizer(_chapter_texts(), vocab_size=600, extra_ids=10)  # pad=0, eos=1: pad is not eos
    config = T5Config(
        vocab_size=len(tokenizer), d_model=64, d_kv=16, d_ff=128, num_layers=2, num_decoder_layers=2,
        num_heads=4, pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
    )
    tokenizer.save_pretrained(out_dir)
    T5ForConditionalGeneration(config).save_pretrained(out_dir)


@standin("TinyLlama/TinyLlama-1.1B-Chat-v1.0")
def build_tinyllama_chat(out_dir):
    from tokenizers import processors
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<unk>", "<s>", "</s>", "<|user|>", "<|assistant|>", "<|system|>"]
    raw = train_byte_bpe(_chapter_texts(), vocab_size=800, special_tokens=specials)
    raw.post_processor = processors.TemplateProcessing(single="<s> $A", special_tokens=[("<s>", raw.token_to_id("<s>"))])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="</s>",
        chat_template=CHAT_TEMPLATE,
    )
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id,
    )
    tokenizer.save_pretrained(out_dir)
    LlamaForCausalLM(config).save_pretrained(out_dir)


@standin("openai-community/gpt2", "lvwerra/gpt2-imdb")
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


@standin("distilbert/distilbert-base-uncased")
def build_distilbert_base(out_dir):
    from transformers import DistilBertConfig, DistilBertForMaskedLM, PreTrainedTokenizerFast

    raw = train_wordpiece(_chapter_texts(), vocab_size=800)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
        mask_token="[MASK]",
    )
    config = DistilBertConfig(
        vocab_size=len(tokenizer), dim=64, hidden_dim=128, n_layers=2, n_heads=4, max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
    )
    tokenizer.save_pretrained(out_dir)
    DistilBertForMaskedLM(config).save_pretrained(out_dir)
