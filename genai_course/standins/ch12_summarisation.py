"""Stand-ins for chapter 12: T5-small (XSum) and a TinyLlama chat model (DialogSum)."""
from __future__ import annotations

import pandas as pd

from . import standin
from ..paths import data_path
from .common import shipped_text, train_byte_bpe, train_t5_tokenizer

# A Zephyr-style chat template like TinyLlama-1.1B-Chat's, so `apply_chat_template` works offline.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + eos_token + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)


def _chapter_texts() -> list[str]:
    """The shipped corpus plus the chapter's own sample data, so the tiny vocabularies cover it."""
    texts = list(shipped_text())
    texts += pd.read_parquet(data_path("xsum", "train.parquet"))["document"].tolist()
    dialogues = pd.read_csv(data_path("dialogsum", "train.csv"))
    return texts + dialogues["dialogue"].tolist() + dialogues["summary"].tolist()


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
