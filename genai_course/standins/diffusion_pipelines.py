"""Tiny diffusion pipelines for chapters 06 (SDXL, SD 1.5) and 07 (ModelScope text-to-video).

Each stand-in is a complete pipeline of the hub model's own classes (UNet, VAE, CLIP text
encoders, CLIP tokenizer, scheduler) with a few thousand weights instead of billions, saved with
`pipe.save_pretrained`, so `DiffusionPipeline.from_pretrained(checkpoint(...))` is the same line in
both profiles. Sizes follow diffusers' own tiny test pipelines.
"""
from __future__ import annotations

from .common import shipped_text
from . import standin

# Stand-in text encoders: 2 layers of width 32 over a 1000-token CLIP BPE trained on shipped text.
_TEXT_WIDTH = 32
_PROJECTION = 32
_VOCAB = 1000
_MAX_LENGTH = 77  # the real CLIP context; an untrained tokenizer would default to a huge value


def clip_tokenizer():
    """A CLIP BPE tokenizer trained on the shipped corpus, `model_max_length` set (ch. 06)."""
    from transformers import CLIPTokenizer

    extra = ["a pixel art noun with glasses", "a red circle moving right", "a blue square moving down"]
    tokenizer = CLIPTokenizer().train_new_from_iterator(list(shipped_text()) + extra, vocab_size=_VOCAB)
    tokenizer.model_max_length = _MAX_LENGTH
    return tokenizer


def _clip_config(tokenizer):
    from transformers import CLIPTextConfig

    return CLIPTextConfig(
        vocab_size=len(tokenizer),
        hidden_size=_TEXT_WIDTH,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=_MAX_LENGTH,
        projection_dim=_PROJECTION,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def _tiny_vae():
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


_SD_BETAS = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1)


@standin("stabilityai/stable-diffusion-xl-base-1.0")
def build_sdxl(out_dir):
    """SDXL: two CLIP text encoders (the second with projection), a text_time UNet, Euler scheduler."""
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    tokenizer = clip_tokenizer()
    time_embed = 8
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=32,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=time_embed,
        transformer_layers_per_block=(1, 1),
        # six size/crop numbers, each embedded, plus the pooled text embedding of encoder 2
        projection_class_embeddings_input_dim=6 * time_embed + _PROJECTION,
        cross_attention_dim=2 * _TEXT_WIDTH,  # both encoders' hidden states, concatenated
        norm_num_groups=8,
    )
    pipe = StableDiffusionXLPipeline(
        vae=_tiny_vae(),
        text_encoder=CLIPTextModel(_clip_config(tokenizer)),
        text_encoder_2=CLIPTextModelWithProjection(_clip_config(tokenizer)),
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(**_SD_BETAS, timestep_spacing="leading"),
    )
    pipe.save_pretrained(out_dir)


def _tiny_unet_blocks(dims: str) -> dict:
    """A two-level cross-attention UNet's settings, for UNet2DConditionModel ("2D") or UNet3DConditionModel ("3D")."""
    return dict(
        block_out_channels=(32, 64),
        layers_per_block=1,
        sample_size=16,
        down_block_types=(f"CrossAttnDownBlock{dims}", f"DownBlock{dims}"),
        up_block_types=(f"UpBlock{dims}", f"CrossAttnUpBlock{dims}"),
        cross_attention_dim=_TEXT_WIDTH,
        attention_head_dim=8,
        norm_num_groups=8,
    )


@standin("stable-diffusion-v1-5/stable-diffusion-v1-5")
def build_sd15(out_dir):
    """Stable Diffusion 1.x: one CLIP text encoder, a cross-attention UNet, PNDM scheduler."""
    from diffusers import PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel

    tokenizer = clip_tokenizer()
    unet = UNet2DConditionModel(**_tiny_unet_blocks("2D"))
    pipe = StableDiffusionPipeline(
        vae=_tiny_vae(),
        text_encoder=CLIPTextModel(_clip_config(tokenizer)),
        tokenizer=tokenizer,
        unet=unet,
        scheduler=PNDMScheduler(**_SD_BETAS, skip_prk_steps=True),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(out_dir)


@standin("ali-vilab/text-to-video-ms-1.7b")
def build_text_to_video(out_dir):
    """ModelScope text-to-video: a UNet3D (spatial + temporal layers) over per-frame VAE latents."""
    from diffusers import DDIMScheduler, TextToVideoSDPipeline, UNet3DConditionModel
    from transformers import CLIPTextModel

    tokenizer = clip_tokenizer()
    unet = UNet3DConditionModel(**_tiny_unet_blocks("3D"))
    pipe = TextToVideoSDPipeline(
        vae=_tiny_vae(),
        text_encoder=CLIPTextModel(_clip_config(tokenizer)),
        tokenizer=tokenizer,
        unet=unet,
        scheduler=DDIMScheduler(**_SD_BETAS, clip_sample=False, set_alpha_to_one=False),
    )
    pipe.save_pretrained(out_dir)
