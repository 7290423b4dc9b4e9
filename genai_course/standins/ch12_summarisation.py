"""Stand-ins for chapter 12: T5-small (XSum) and TinyLlama-1.1B-Chat (DialogSum).

Each carries its hub checkpoint's stored dtype, special tokens and generation_config.json (copied as
published); TinyLlama also its chat template. Chapter 14 reuses the T5 summariser.

The TinyLlama stand-in gets a few seconds of language modelling on the shipped corpus and the
DialogSum replica's training dialogues and summaries, as the real model met English in pre-training:
LoRA on a frozen random network learns nothing but the most frequent token in a smoke run's few
steps, and the chapter's checks would see only degenerate summaries.
"""
from __future__ import annotations

import pandas as pd

from ..budget import hub_record
from ..paths import data_path
from . import standin
from .common import shipped_text, train_briefly, train_byte_bpe, train_t5_tokenizer, write_hub_files

T5_ID = "google-t5/t5-small"
LLAMA_ID = "TinyLlama/TinyLlama-1.1B-Chat-v1.0"


def _dialogsum_train():
    return pd.read_csv(data_path("hub", "knkarthick--dialogsum", "train.csv"))


def _chapter_texts() -> list[str]:
    """The shipped corpus plus the chapter's XSum and DialogSum replicas, for the vocabularies."""
    xsum = data_path("hub", "EdinburghNLP--xsum@refs-convert-parquet", "default", "train",
                     "0000.parquet")
    dialogues = _dialogsum_train()
    return (list(shipped_text()) + pd.read_parquet(xsum)["document"].tolist()
            + dialogues["dialogue"].tolist() + dialogues["summary"].tolist())


def _learn_the_language(model, tokenizer, steps=120):
    """Language modelling on shipped text and the DialogSum replica's training split, seeded."""
    import torch

    dialogsum = _dialogsum_train()
    texts = list(shipped_text()) + dialogsum["dialogue"].tolist() + dialogsum["summary"].tolist()
    batch = tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
    labels = batch["input_ids"].masked_fill(batch["attention_mask"] == 0, -100)
    generator = torch.Generator().manual_seed(0)

    def sample():
        rows = torch.randint(len(texts), (16,), generator=generator)
        return {"input_ids": batch["input_ids"][rows], "labels": labels[rows],
                "attention_mask": batch["attention_mask"][rows]}

    train_briefly(model, sample, steps)


@standin(T5_ID)
def build_t5_small(out_dir):
    from transformers import T5Config, T5ForConditionalGeneration

    # T5's layout, as in the hub tokenizer: <pad>=0 (also the decoder start), </s>=1, <unk>=2. The
    # generation_config.json copied below names its tokens by these ids.
    tokenizer = train_t5_tokenizer(_chapter_texts(), vocab_size=600, extra_ids=10)
    config = T5Config(
        vocab_size=len(tokenizer), d_model=64, d_kv=16, d_ff=128, num_layers=2,
        num_decoder_layers=2, num_heads=4, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.pad_token_id,
        task_specific_params=hub_record(T5_ID)["task_specific_params"],
    )
    tokenizer.save_pretrained(out_dir)
    T5ForConditionalGeneration(config).save_pretrained(out_dir)  # float32, as on the hub
    write_hub_files(out_dir, T5_ID, "generation_config.json")


@standin(LLAMA_ID)
def build_tinyllama_chat(out_dir):
    import torch
    from tokenizers import processors
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    hub_tokenizer = hub_record(LLAMA_ID, "tokenizer_config.json")
    # Only <unk>, <s>, </s> are special, at ids 0, 1, 2 as on the hub (its generation_config.json
    # names them by id); <|user|> and <|assistant|> are plain text there too.
    raw = train_byte_bpe(_chapter_texts(), vocab_size=800, special_tokens=["<unk>", "<s>", "</s>"])
    raw.post_processor = processors.TemplateProcessing(
        single="<s> $A", special_tokens=[("<s>", raw.token_to_id("<s>"))])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
        pad_token="</s>",
        chat_template=hub_tokenizer["chat_template"], padding_side=hub_tokenizer["padding_side"],
        model_max_length=hub_tokenizer["model_max_length"],
    )
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        tie_word_embeddings=False,
    )
    model = LlamaForCausalLM(config)
    _learn_the_language(model, tokenizer)
    tokenizer.save_pretrained(out_dir)
    model.to(torch.bfloat16).save_pretrained(out_dir)  # bfloat16, as on the hub
    write_hub_files(out_dir, LLAMA_ID, "generation_config.json")
