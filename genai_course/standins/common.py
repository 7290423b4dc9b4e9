"""Pieces shared by the stand-in builders: the shipped training text and tokenizer trainers."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

from ..paths import data_path


@lru_cache(maxsize=1)
def shipped_text() -> tuple[str, ...]:
    """Lines of the shipped English corpus that stand-in tokenizers are trained on (ch. 01)."""
    lines = data_path("corpus", "english.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip())


def train_byte_bpe(texts: Iterable[str], vocab_size: int, special_tokens: list[str]):
    """A byte-level BPE `tokenizers.Tokenizer` (GPT-2 / BLOOM / Llama style) (ch. 02)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def train_wordpiece(texts: Iterable[str], vocab_size: int, lowercase: bool = True):
    """A BERT-style WordPiece `tokenizers.Tokenizer` with [CLS]/[SEP] post-processing (ch. 09)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials, show_progress=False)
    tokenizer.train_from_iterator(texts, trainer=trainer)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return tokenizer


def train_unigram(texts: Iterable[str], vocab_size: int, special_tokens: list[str], unk_token: str = "<unk>"):
    """A SentencePiece-style Unigram `tokenizers.Tokenizer` (T5 / SpeechT5 style) (ch. 03)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.Unigram())
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=special_tokens, unk_token=unk_token, show_progress=False
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def train_t5_tokenizer(texts: Iterable[str], vocab_size: int, extra_ids: int = 100):
    """A T5 tokenizer in T5's layout: <pad>=0, </s>=1, <unk>=2, sentinels <extra_id_0> last (ch. 03)."""
    import json

    from transformers import T5TokenizerFast

    backend = train_unigram(texts, vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"])
    pieces = [tuple(piece) for piece in json.loads(backend.to_str())["model"]["vocab"]]
    pieces += [(f"<extra_id_{i}>", 0.0) for i in range(extra_ids - 1, -1, -1)]
    return T5TokenizerFast(vocab=pieces, extra_ids=extra_ids, model_max_length=512)


def train_briefly(model, next_batch, steps: int, lr: float = 3e-3) -> None:
    """A few AdamW steps on `model(**next_batch())`, so a stand-in starts from working weights (ch. 10)."""
    import torch

    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        model(**next_batch()).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()


# Diffusion stand-ins (ch. 06, 07): text encoders of 2 layers of width 32 over a 1000-token CLIP BPE
# trained on shipped text.
TEXT_WIDTH = 32
PROJECTION = 32
CLIP_VOCAB = 1000
CLIP_MAX_LENGTH = 77  # the real CLIP context; an untrained tokenizer would default to a huge value


def clip_tokenizer():
    """A CLIP BPE tokenizer trained on the shipped corpus, `model_max_length` set (ch. 06)."""
    from transformers import CLIPTokenizer

    extra = ["a pixel art noun with glasses", "a red circle moving right", "a blue square moving down"]
    tokenizer = CLIPTokenizer().train_new_from_iterator(list(shipped_text()) + extra, vocab_size=CLIP_VOCAB)
    tokenizer.model_max_length = CLIP_MAX_LENGTH
    return tokenizer


def clip_text_config(tokenizer):
    """A 2-layer CLIP text encoder config over `tokenizer` (ch. 06)."""
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=TEXT_WIDTH,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=CLIP_MAX_LENGTH,
        projection_dim=PROJECTION,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def tiny_vae():
    """A two-block AutoencoderKL with 4 latent channels (ch. 06)."""
    from diffusers import AutoencoderKL

    # Two blocks: latents are half the image side (the real VAEs use four blocks, an eighth).
    return AutoencoderKL(
        block_out_channels=(16, 32),
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=64,
    )


SD_BETAS = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)


def tiny_unet_blocks(dims: str) -> dict:
    """A two-level cross-attention UNet's settings, for UNet2DConditionModel ("2D") or UNet3DConditionModel ("3D") (ch. 06)."""
    return dict(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=16,
        down_block_types=(f"CrossAttnDownBlock{dims}", f"DownBlock{dims}"),
        up_block_types=(f"UpBlock{dims}", f"CrossAttnUpBlock{dims}"),
        cross_attention_dim=TEXT_WIDTH,
        attention_head_dim=8,
        norm_num_groups=8,
    )
