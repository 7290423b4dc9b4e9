"""Stand-in for chapter 07: a tiny ModelScope text-to-video pipeline of the hub model's own classes."""
from __future__ import annotations

from . import standin
from .common import SD_BETAS, clip_text_config, clip_tokenizer, tiny_unet_blocks, tiny_vae


@standin("ali-vilab/text-to-video-ms-1.7b")
def build_text_to_video(out_dir):
    """ModelScope text-to-video: a UNet3D (spatial + temporal layers) over per-frame VAE latents."""
    from diffusers import DDIMScheduler, TextToVideoSDPipeline, UNet3DConditionModel
    from transformers import CLIPTextModel

    tokenizer = clip_tokenizer()
    unet = UNet3DConditionModel(**tiny_unet_blocks("3D"))
    pipe = TextToVideoSDPipeline(
        vae=tiny_vae(),
        text_encoder=CLIPTextModel(clip_text_config(tokenizer)),
        tokenizer=tokenizer,
        unet=unet,
        scheduler=DDIMScheduler(**SD_BETAS, clip_sample=False, set_alpha_to_one=False),
    )
    pipe.save_pretrained(out_dir)
