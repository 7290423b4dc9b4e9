"""Stand-ins for chapter 06: tiny SDXL and SD 1.5 pipelines of the hub models' own classes.

Each stand-in is a complete pipeline whose parts are built from the hub's own config files with
only their sizes shrunk (see `common.py`), saved the way the hub stores them: float32 files plus
an `fp16` variant, and the hub's model_index.json. So
`DiffusionPipeline.from_pretrained(checkpoint(...), variant="fp16")` is one line in every profile.
"""
from __future__ import annotations

from . import standin
from .common import (
    SD_BETAS,
    TEXT_WIDTH,
    clip_tokenizer,
    save_like_hub,
    tiny_clip_text_model,
    tiny_diffusers_model,
    tiny_vae,
)

SDXL = "stabilityai/stable-diffusion-xl-base-1.0"
SD15 = "stable-diffusion-v1-5/stable-diffusion-v1-5"
TIME_EMBED = 8  # the hub's addition_time_embed_dim is 256


@standin(SDXL)
def build_sdxl(out_dir):
    """SDXL: two CLIP text encoders (the second with projection), a text_time UNet, Euler."""
    from diffusers import EulerDiscreteScheduler, StableDiffusionXLPipeline, UNet2DConditionModel

    tokenizer = clip_tokenizer()
    unet = tiny_diffusers_model(
        SDXL, "unet", UNet2DConditionModel,
        block_out_channels=(32, 64, 64), layers_per_block=1,
        attention_head_dim=(1, 2, 2),  # head counts in diffusers' legacy naming (hub: 5, 10, 20)
        transformer_layers_per_block=(1, 1, 1), norm_num_groups=8,
        cross_attention_dim=2 * TEXT_WIDTH,  # both encoders' hidden states, concatenated
        addition_time_embed_dim=TIME_EMBED,
        # six size/crop numbers, each embedded, plus the pooled text embedding of encoder 2
        projection_class_embeddings_input_dim=6 * TIME_EMBED + TEXT_WIDTH,
    )
    pipe = StableDiffusionXLPipeline(
        vae=tiny_vae(SDXL),
        text_encoder=tiny_clip_text_model(SDXL, "text_encoder", tokenizer),
        text_encoder_2=tiny_clip_text_model(SDXL, "text_encoder_2", tokenizer),
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(**SD_BETAS, timestep_spacing="leading"),
    )
    save_like_hub(pipe, out_dir, SDXL)


def tiny_safety_checker():
    """SD's safety checker (a CLIP vision tower and concept embeddings) at width 32 (ch. 06).

    Its concept thresholds start at 1.0, above any cosine similarity, so it never blanks an image.
    """
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPConfig

    tower = dict(hidden_size=TEXT_WIDTH, intermediate_size=64, num_hidden_layers=2,
                 num_attention_heads=4)
    vision = {**tower, "image_size": 224, "patch_size": 32}
    config = CLIPConfig(text_config=tower, vision_config=vision, projection_dim=TEXT_WIDTH)
    return StableDiffusionSafetyChecker(config)


@standin(SD15)
def build_sd15(out_dir):
    """Stable Diffusion 1.5: a CLIP text encoder, a cross-attention UNet, PNDM, safety checker."""
    from diffusers import PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPImageProcessor

    tokenizer = clip_tokenizer()
    # attention_head_dim is a head count here (the hub's: 8); 2 heads of 16 keep a CPU quick.
    unet = tiny_diffusers_model(SD15, "unet", UNet2DConditionModel,
                                block_out_channels=(32, 32, 64, 64), layers_per_block=1,
                                norm_num_groups=8, attention_head_dim=2,
                                cross_attention_dim=TEXT_WIDTH)
    pipe = StableDiffusionPipeline(
        vae=tiny_vae(SD15),
        text_encoder=tiny_clip_text_model(SD15, "text_encoder", tokenizer),
        tokenizer=tokenizer,
        unet=unet,
        scheduler=PNDMScheduler(**SD_BETAS, skip_prk_steps=True),
        safety_checker=tiny_safety_checker(),
        feature_extractor=CLIPImageProcessor(),  # 224-pixel crops, as the hub's preprocessor
    )
    save_like_hub(pipe, out_dir, SD15)
