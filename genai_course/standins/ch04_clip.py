"""Stand-in for CLIP (ch. 04): a tiny random `CLIPModel`, CLIP BPE tokenizer on shipped text.

It keeps the hub checkpoint's config keys (the legacy `eos_token_id: 2`, so text features are
read at the highest token id, which is `<|endoftext|>` here as there), its 224-pixel
`preprocessor_config.json` and 32-pixel patches, its tokenizer_config.json and float32 weights.
"""
from __future__ import annotations

import json

from . import standin
from .common import hub_config, shipped_text, write_hub_files

HUB_ID = "openai/clip-vit-base-patch32"
BOS, EOS = "<|startoftext|>", "<|endoftext|>"
TOWER = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2)


def _clip_bpe_vocab_and_merges(vocab_size: int):
    """A BPE on shipped text with CLIP's normaliser and word splitter; BOS, EOS the last ids."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import CLIPTokenizerFast

    splitter = CLIPTokenizerFast().backend_tokenizer  # empty, but carries CLIP's text pipeline
    tokenizer = Tokenizer(models.BPE(end_of_word_suffix="</w>"))
    tokenizer.normalizer = splitter.normalizer
    tokenizer.pre_tokenizer = splitter.pre_tokenizer
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - 2,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        end_of_word_suffix="</w>",
        show_progress=False,
    )
    tokenizer.train_from_iterator(shipped_text(), trainer=trainer)
    vocab = tokenizer.get_vocab()
    vocab.update({BOS: len(vocab), EOS: len(vocab) + 1})  # as in CLIP's vocabulary: 49406, 49407
    merges = json.loads(tokenizer.to_str())["model"]["merges"]  # [[left, right], ...]
    return vocab, [tuple(pair) for pair in merges]


@standin(HUB_ID)
def build_clip(out_dir):
    """A 2-layer text and a 2-layer vision tower of width 32 over 224-pixel images (ch. 04)."""
    from transformers import CLIPConfig, CLIPModel, CLIPTokenizerFast

    vocab, merges = _clip_bpe_vocab_and_merges(vocab_size=1000)
    tokenizer = CLIPTokenizerFast(vocab=vocab, merges=merges, bos_token=BOS, eos_token=EOS,
                                  unk_token=EOS, pad_token=EOS)
    hub = hub_config(HUB_ID)
    config = hub_config(
        HUB_ID, projection_dim=32,
        text_config={**hub["text_config"], **TOWER, "vocab_size": len(tokenizer)},
        vision_config={**hub["vision_config"], **TOWER},
    )
    tokenizer.save_pretrained(out_dir)
    CLIPModel(CLIPConfig.from_dict(config)).save_pretrained(out_dir)
    write_hub_files(out_dir, HUB_ID, "tokenizer_config.json", "preprocessor_config.json",
                    config={**config, "dtype": "float32"})
