"""Stand-in for CLIP (ch. 04): a tiny random `CLIPModel` with a real `CLIPProcessor` trained on shipped text."""
from __future__ import annotations

import json

from .common import shipped_text
from . import standin

BOS, EOS = "<|startoftext|>", "<|endoftext|>"
IMAGE_SIZE = 32  # the hub model sees 224x224 crops; 32 keeps the smoke run fast
MAX_TEXT_LENGTH = 77  # same context as the hub model


def _clip_bpe_vocab_and_merges(vocab_size: int):
    """Train a BPE on shipped text with CLIP's own normaliser and word splitter; return vocab and merges."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import CLIPTokenizerFast

    splitter = CLIPTokenizerFast().backend_tokenizer  # empty, but carries CLIP's text pipeline
    tokenizer = Tokenizer(models.BPE(end_of_word_suffix="</w>"))
    tokenizer.normalizer = splitter.normalizer
    tokenizer.pre_tokenizer = splitter.pre_tokenizer
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[BOS, EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        end_of_word_suffix="</w>",
        show_progress=False,
    )
    tokenizer.train_from_iterator(shipped_text(), trainer=trainer)
    merges = json.loads(tokenizer.to_str())["model"]["merges"]  # [[left, right], ...]
    return tokenizer.get_vocab(), [tuple(pair) for pair in merges]


@standin("openai/clip-vit-base-patch32")
def build_clip(out_dir):
    from transformers import (
        CLIPConfig,
        CLIPImageProcessor,
        CLIPModel,
        CLIPProcessor,
        CLIPTextConfig,
        CLIPTokenizerFast,
        CLIPVisionConfig,
    )

    vocab, merges = _clip_bpe_vocab_and_merges(vocab_size=1000)
    tokenizer = CLIPTokenizerFast(vocab=vocab, merges=merges, model_max_length=MAX_TEXT_LENGTH)
    image_processor = CLIPImageProcessor(
        size={"shortest_edge": IMAGE_SIZE}, crop_size={"height": IMAGE_SIZE, "width": IMAGE_SIZE}
    )
    processor = CLIPProcessor(image_processor=image_processor, tokenizer=tokenizer)

    text = CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=MAX_TEXT_LENGTH,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    vision = CLIPVisionConfig(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        image_size=IMAGE_SIZE,
        patch_size=8,
    )
    model = CLIPModel(CLIPConfig(text_config=text.to_dict(), vision_config=vision.to_dict(), projection_dim=32))
    processor.save_pretrained(out_dir)
    model.save_pretrained(out_dir)
