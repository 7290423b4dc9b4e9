"""Stand-in for chapter 07: a tiny ModelScope text-to-video pipeline of the hub model's classes."""
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

T2V = "ali-vilab/text-to-video-ms-1.7b"


@standin(T2V)
def build_text_to_video(out_dir):
    """ModelScope text-to-video: a UNet3D (spatial + temporal layers) over per-frame VAE latents."""
    from diffusers import DDIMScheduler, TextToVideoSDPipeline, UNet3DConditionModel

    tokenizer = clip_tokenizer()
    # The hub's attention_head_dim of 64 is a head count (diffusers' legacy name): 2 heads here.
    unet = tiny_diffusers_model(T2V, "unet", UNet3DConditionModel,
                                block_out_channels=(32, 32, 64, 64), layers_per_block=1,
                                norm_num_groups=8, attention_head_dim=2,
                                cross_attention_dim=TEXT_WIDTH)
    pipe = TextToVideoSDPipeline(
        vae=tiny_vae(T2V),
        text_encoder=tiny_clip_text_model(T2V, "text_encoder", tokenizer),
        tokenizer=tokenizer,
        unet=unet,
        scheduler=DDIMScheduler(**SD_BETAS, clip_sample=False, set_alpha_to_one=False),
    )
    save_like_hub(pipe, out_dir, T2V)
