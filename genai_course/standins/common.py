"""Pieces shared by the stand-in builders: the shipped training text and tokenizer trainers."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from ..paths import data_path


@lru_cache(maxsize=1)
def shipped_text() -> tuple[str, ...]:
    """Lines of the shipped English corpus that stand-in tokenizers are trained on (ch. 01)."""
    lines = data_path("corpus", "english.txt").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip())


def shipped_reviews() -> list[str]:
    """The training reviews of the course's IMDb replica: GPT-2's and DistilBERT's text (ch. 13)."""
    import pandas as pd

    path = data_path("hub", "stanfordnlp--imdb", "plain_text", "train-00000-of-00001.parquet")
    return pd.read_parquet(path)["text"].tolist()


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
    from tokenizers import (
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=lowercase)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size, special_tokens=specials, show_progress=False
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)],
    )
    return tokenizer


def train_unigram(
    texts: Iterable[str], vocab_size: int, special_tokens: list[str], unk_token: str = "<unk>"
):
    """A SentencePiece-style Unigram `tokenizers.Tokenizer` (T5 / SpeechT5 style) (ch. 03)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.Unigram())
    tokenizer.normalizer = normalizers.NFKC()
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        unk_token=unk_token,
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def train_t5_tokenizer(texts: Iterable[str], vocab_size: int, extra_ids: int = 100):
    """A T5 tokenizer in T5's layout (ch. 03).

    <pad>=0, </s>=1, <unk>=2, sentinels <extra_id_0> last.
    """
    import json

    from transformers import T5TokenizerFast

    backend = train_unigram(texts, vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"])
    pieces = [tuple(piece) for piece in json.loads(backend.to_str())["model"]["vocab"]]
    pieces += [(f"<extra_id_{i}>", 0.0) for i in range(extra_ids - 1, -1, -1)]
    return T5TokenizerFast(vocab=pieces, extra_ids=extra_ids, model_max_length=512)


def train_briefly(model, next_batch, steps: int, lr: float = 3e-3) -> None:
    """A few AdamW steps on `model(**next_batch())` (ch. 10).

    So a stand-in starts from working weights.
    """
    import torch

    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for _ in range(steps):
        model(**next_batch()).loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    model.eval()


# Diffusion stand-ins (ch. 06, 07): every part is built from the hub's own config.json with only its
# sizes shrunk, so the switches that decide behaviour (attention layout, SDXL's size conditioning,
# the VAE's scaling factor and float32 upcast) are the hub's. Text encoders have 2 layers of width
# 32 over a 1000-token CLIP BPE trained on shipped text.
TEXT_WIDTH = 32
CLIP_VOCAB = 1000
CLIP_MAX_LENGTH = 77  # the real CLIP context; an untrained tokenizer would default to a huge value
# Four blocks, as the hub's: latents are 1/8 of the image side. Few channels: the first block runs
# at full resolution, so it dominates the cost of a 512- or 1024-pixel rehearsal on a CPU.
TINY_VAE = dict(block_out_channels=(4, 8, 8, 8), layers_per_block=1, norm_num_groups=4)
SD_BETAS = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)


def clip_tokenizer():
    """A CLIP BPE tokenizer trained on shipped text and captions, max length 77 (ch. 06)."""
    from transformers import CLIPTokenizer

    from ..paths import data_path

    videos = data_path("hub", "Wild-Heart--Disney-VideoGeneration-Dataset", "prompt.txt")
    extra = [
        "a pixel art character with square red glasses, a blue round head, a green body",
        *videos.read_text(encoding="utf-8").splitlines(),
    ]
    texts = list(shipped_text()) + extra
    tokenizer = CLIPTokenizer().train_new_from_iterator(texts, vocab_size=CLIP_VOCAB)
    tokenizer.model_max_length = CLIP_MAX_LENGTH
    return tokenizer


def tiny_clip_text_model(hub_id: str, subfolder: str, tokenizer):
    """The hub's CLIP text encoder (class, activation, projection), 2 layers of 32 (ch. 06)."""
    import transformers

    from ..budget import hub_record

    config = hub_record(hub_id, f"{subfolder}/config.json")
    model_class = getattr(transformers, config["architectures"][0])
    bookkeeping = ("architectures", "model_type", "torch_dtype", "transformers_version")
    kept = {k: v for k, v in config.items() if not k.startswith("_") and k not in bookkeeping}
    sizes = dict(
        vocab_size=len(tokenizer),
        hidden_size=TEXT_WIDTH,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        projection_dim=TEXT_WIDTH,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return model_class(transformers.CLIPTextConfig(**{**kept, **sizes}))


def tiny_diffusers_model(hub_id: str, subfolder: str, model_class, **sizes):
    """A diffusers model from the hub's `<subfolder>/config.json` with `sizes` changed (ch. 06)."""
    from ..budget import hub_record

    return model_class.from_config({**hub_record(hub_id, f"{subfolder}/config.json"), **sizes})


def tiny_vae(hub_id: str):
    """The hub's AutoencoderKL (latents 1/8 of the image, scaling factor), 4-8 channels (ch. 06)."""
    from diffusers import AutoencoderKL

    return tiny_diffusers_model(hub_id, "vae", AutoencoderKL, **TINY_VAE)


def save_like_hub(pipe, out_dir, hub_id: str) -> None:
    """Save `pipe` as the hub stores it: float32 files, `fp16` variants, model_index.json (ch. 06).

    The hub repositories publish each part twice (`*.safetensors` in float32 and
    `*.fp16.safetensors` in float16), so `from_pretrained(..., variant="fp16")` is the same line on
    the hub and here; the hub's own model_index.json makes loading take the hub's path.
    """
    import json
    from pathlib import Path

    import torch

    from ..budget import HUB_RECORDS

    pipe.save_pretrained(out_dir)
    pipe.to(torch.float16).save_pretrained(out_dir, variant="fp16")
    # The float16 save rewrote the text encoders' config dtype; the hub's config says what it says.
    for record in (HUB_RECORDS / hub_id.replace("/", "--")).glob("*/config.json"):
        hub = json.loads(record.read_text(encoding="utf-8"))
        ours_path = Path(out_dir) / record.parent.name / "config.json"
        if "torch_dtype" in hub and ours_path.is_file():
            ours = json.loads(ours_path.read_text(encoding="utf-8"))
            ours["dtype"] = hub["torch_dtype"]
            ours_path.write_text(json.dumps(ours, indent=2), encoding="utf-8")
    write_hub_files(out_dir, hub_id, "model_index.json")


def hub_config(hub_id: str, **sizes) -> dict:
    """The hub checkpoint's config.json with `sizes` changed: same keys, ids, switches (ch. 02)."""
    from ..budget import hub_record

    return {**hub_record(hub_id), **sizes}


def write_hub_files(out_dir, hub_id: str, *names: str, config: dict | None = None) -> None:
    """Give a stand-in folder the hub repository's own files: loading takes the hub's path (ch. 02).

    `names` are copied as published (tokenizer_config.json, generation_config.json, ...); `config`,
    when given, replaces the config.json that `save_pretrained` wrote.
    """
    import json
    import shutil
    from pathlib import Path

    from ..budget import HUB_RECORDS

    for name in names:
        shutil.copyfile(HUB_RECORDS / hub_id.replace("/", "--") / name, Path(out_dir) / name)
    if config is not None:
        (Path(out_dir) / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
