"""Unit tests for genai_course.diffusion_lora (chapters 06 and 07)."""
import pytest
import torch
from diffusers import AutoencoderKL, DDPMScheduler, UNet2DConditionModel, UNet3DConditionModel

from genai_course.diffusion_lora import (
    add_lora,
    encode_pixels,
    fixed_noise_loss,
    lora_state_dict,
    place_pipeline,
    train_lora,
)


def tiny_unet(video=False):
    torch.manual_seed(0)
    common = dict(block_out_channels=(16, 32), layers_per_block=1, sample_size=8, cross_attention_dim=16,
                  attention_head_dim=4, norm_num_groups=8)
    if video:
        return UNet3DConditionModel(down_block_types=("CrossAttnDownBlock3D", "DownBlock3D"),
                                    up_block_types=("UpBlock3D", "CrossAttnUpBlock3D"), **common)
    return UNet2DConditionModel(down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), **common)


@pytest.mark.parametrize("video", [False, True])
def test_lora_training_lowers_the_loss_and_touches_only_adapters(video):
    unet = tiny_unet(video)
    total = sum(p.numel() for p in unet.parameters())
    trainable = add_lora(unet, rank=4)
    assert 0 < trainable < total / 5
    frozen_before = {n: p.clone() for n, p in unet.named_parameters() if not p.requires_grad}
    shape = (2, 4, 2, 8, 8) if video else (2, 4, 8, 8)
    latents = torch.randn(shape, generator=torch.Generator().manual_seed(1))
    text = torch.randn(2, 5, 16, generator=torch.Generator().manual_seed(2))
    scheduler = DDPMScheduler(num_train_timesteps=100)
    before = fixed_noise_loss(unet, scheduler, latents, text)
    run = train_lora(unet, scheduler, latents, text, steps=12, learning_rate=1e-2, warmup_steps=2, batch_size=2)
    after = fixed_noise_loss(unet, scheduler, latents, text)
    assert after < before
    assert len(run.losses) == 12
    assert all(torch.equal(p, frozen_before[n]) for n, p in unet.named_parameters() if not p.requires_grad)
    state = lora_state_dict(unet)
    assert state and all("lora" in key for key in state)


def test_warmup_is_honoured():
    unet = tiny_unet()
    add_lora(unet, rank=2)
    latents, text = torch.randn(1, 4, 8, 8), torch.randn(1, 5, 16)
    run = train_lora(unet, DDPMScheduler(num_train_timesteps=100), latents, text,
                     steps=10, learning_rate=1e-3, warmup_steps=4)
    assert run.learning_rates[0] == 0.0
    assert run.learning_rates[0] < run.learning_rates[2] < run.learning_rates[4] == pytest.approx(1e-3)
    assert run.learning_rates[-1] < 1e-3  # cosine decay after the warm-up


def test_bad_inputs_raise_clear_errors():
    unet = tiny_unet()
    with pytest.raises(ValueError, match="add_lora"):
        train_lora(unet, DDPMScheduler(), torch.randn(1, 4, 8, 8), torch.randn(1, 5, 16),
                   steps=2, learning_rate=1e-3, warmup_steps=0)
    with pytest.raises(ValueError, match="rank"):
        add_lora(unet, rank=0)
    add_lora(unet, rank=2)
    with pytest.raises(ValueError, match="warmup_steps"):
        train_lora(unet, DDPMScheduler(), torch.randn(1, 4, 8, 8), torch.randn(1, 5, 16),
                   steps=2, learning_rate=1e-3, warmup_steps=2)
    with pytest.raises(ValueError, match="text embeddings"):
        train_lora(unet, DDPMScheduler(), torch.randn(2, 4, 8, 8), torch.randn(1, 5, 16),
                   steps=2, learning_rate=1e-3, warmup_steps=0)


def test_encode_pixels_handles_images_and_videos():
    vae = AutoencoderKL(block_out_channels=(8, 16), down_block_types=("DownEncoderBlock2D",) * 2,
                        up_block_types=("UpDecoderBlock2D",) * 2, norm_num_groups=4, latent_channels=4)
    assert encode_pixels(vae, torch.zeros(3, 3, 16, 16)).shape == (3, 4, 8, 8)
    assert encode_pixels(vae, torch.zeros(2, 3, 5, 16, 16)).shape == (2, 4, 5, 8, 8)
    with pytest.raises(ValueError, match="expected images"):
        encode_pixels(vae, torch.zeros(3, 16, 16))


def test_place_pipeline_without_gpu_moves_to_device():
    class Recorder:
        moved_to = None
        hooks_removed = False

        def remove_all_hooks(self):
            self.hooks_removed = True

        def to(self, where):
            self.moved_to = where

        def enable_model_cpu_offload(self):
            raise AssertionError("offload needs a GPU")

    pipe = Recorder()
    if not torch.cuda.is_available():
        place_pipeline(pipe, offload=True)
        assert pipe.moved_to == "cpu" and pipe.hooks_removed
