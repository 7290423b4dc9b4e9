"""Stand-ins for chapter 06: tiny SDXL and SD 1.5 pipelines of the hub models' own classes.

Each stand-in is a complete pipeline (UNet, VAE, CLIP text encoders, CLIP tokenizer, scheduler) with a
few thousand weights instead of billions, saved with `pipe.save_pretrained`, so
`DiffusionPipeline.from_pretrained(checkpoint(...))` is the same line in both profiles. Sizes follow
diffusers' own tiny test pipelines.
"""
from __future__ import annotations

from . import standin
from .common import PROJECTION, SD_BETAS, TEXT_WIDTH, clip_text_config, clip_tokenizer, tiny_unet_blocks, tiny_vae


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
        projection_class_embeddings_input_dim=6 * time_embed + PROJECTION,
        cross_attention_dim=2 * TEXT_WIDTH,  # both encoders' hidden states, concatenated
        norm_num_groups=8,
    )
    pipe = StableDiffusionXLPipeline(
        vae=tiny_vae(),
        text_encoder=CLIPTextModel(clip_text_config(tokenizer)),
        text_encoder_2=CLIPTextModelWithProjection(clip_text_config(tokenizer)),
        tokenizer=tokenizer,
        tokenizer_2=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(**SD_BETAS, timestep_spacing="leading"),
    )
    pipe.save_pretrained(out_dir)


@standin("stable-diffusion-v1-5/stable-diffusion-v1-5")
def build_sd15(out_dir):
    """Stable Diffusion 1.x: one CLIP text encoder, a cross-attention UNet, PNDM scheduler."""
    from diffusers import PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextModel

    tokenizer = clip_tokenizer()
    unet = UNet2DConditionModel(**tiny_unet_blocks("2D"))
    pipe = StableDiffusionPipeline(
        vae=tiny_vae(),
        text_encoder=CLIPTextModel(clip_text_config(tokenizer)),
        tokenizer=tokenizer,
        unet=unet,
        scheduler=PNDMScheduler(**SD_BETAS, skip_prk_steps=True),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(out_dir)
