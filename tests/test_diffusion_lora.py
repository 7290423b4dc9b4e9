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
    common = dict(block_out_channels=(16, 32), layers_per_block=1, sample_size=8,
                  cross_attention_dim=16, attention_head_dim=4, norm_num_groups=8)
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
    run = train_lora(unet, scheduler, latents, text, steps=12, learning_rate=1e-2, warmup_steps=2,
                     batch_size=2)
    after = fixed_noise_loss(unet, scheduler, latents, text)
    assert after < before
    assert len(run.losses) == 12
    frozen = [(n, p) for n, p in unet.named_parameters() if not p.requires_grad]
    assert all(torch.equal(p, frozen_before[n]) for n, p in frozen)
    state = lora_state_dict(unet)
    assert state and all("lora" in key for key in state)


def test_warmup_is_honoured():
    unet = tiny_unet()
    add_lora(unet, rank=2)
    latents, text = torch.randn(1, 4, 8, 8), torch.randn(1, 5, 16)
    run = train_lora(unet, DDPMScheduler(num_train_timesteps=100), latents, text,
                     steps=10, learning_rate=1e-3, warmup_steps=4)
    assert run.learning_rates[0] == 0.0
    rates = run.learning_rates
    assert rates[0] < rates[2] < rates[4] == pytest.approx(1e-3)
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
                        up_block_types=("UpDecoderBlock2D",) * 2, norm_num_groups=4,
                        latent_channels=4)
    assert encode_pixels(vae, torch.zeros(3, 3, 16, 16)).shape == (3, 4, 8, 8)
    assert encode_pixels(vae, torch.zeros(2, 3, 5, 16, 16)).shape == (2, 4, 5, 8, 8)
    with pytest.raises(ValueError, match="expected images"):
        encode_pixels(vae, torch.zeros(3, 16, 16))


def test_place_pipeline_moves_to_the_device_unless_offloading():
    class Recorder:
        moved_to = None
        hooks_removed = False
        offloaded = False

        def remove_all_hooks(self):
            self.hooks_removed = True

        def to(self, where):
            self.moved_to = where

        def enable_model_cpu_offload(self):
            self.offloaded = True

    from genai_course import hardware

    pipe = place_pipeline(Recorder(), offload=False)
    assert pipe.moved_to == hardware().device and pipe.hooks_removed and not pipe.offloaded
    pipe = place_pipeline(Recorder(), offload=True)
    assert pipe.offloaded and pipe.moved_to is None


class BatchRecorder(torch.nn.Module):
    """Wraps a UNet and records the batch size of every call."""

    def __init__(self, unet):
        super().__init__()
        self.unet, self.batches = unet, []

    @property
    def dtype(self):
        return self.unet.dtype

    def forward(self, sample, *args, **kwargs):
        self.batches.append(len(sample))
        return self.unet(sample, *args, **kwargs)


def test_fixed_noise_loss_scores_in_chunks_and_repeats_exactly():
    # 2,000 latents in one UNet call is what ran a T4 (and a CPU) out of memory.
    unet = BatchRecorder(tiny_unet())
    latents, text = torch.randn(10, 4, 8, 8), torch.randn(10, 5, 16)
    scheduler = DDPMScheduler(num_train_timesteps=100)
    first = fixed_noise_loss(unet, scheduler, latents, text, repeats=2, batch_size=4)
    assert max(unet.batches) <= 4 and sum(unet.batches) == 2 * len(latents)
    assert fixed_noise_loss(unet, scheduler, latents, text, repeats=2, batch_size=4) == first
    with pytest.raises(ValueError, match="one text embedding per latent"):
        fixed_noise_loss(unet, scheduler, latents, text[:3])


def test_package_train_lora_equals_chapter_06s():
    import inspect

    from chapter_code import defined_in_chapter

    from genai_course import diffusion_lora

    chapter = defined_in_chapter("06_sdxl_text_to_image.ipynb", "train_lora")
    assert inspect.getsource(diffusion_lora.train_lora).strip() == chapter.strip(), (
        "chapter 06 and genai_course/diffusion_lora.py define different train_lora functions")


def test_chapter_06_streams_the_images_to_latents():
    """Chapter 06's encode_dataset holds one batch of pixels at a time (2,000 at 512 px: 6 GB)."""
    from chapter_code import defined_in_chapter

    decoded, in_flight = [], []

    class Images:
        """A dataset whose `iter` counts decoded images; indexing the whole column is refused."""

        def __len__(self):
            return 10

        def __getitem__(self, key):
            raise AssertionError(f"the whole {key!r} column was read at once")

        def iter(self, batch_size):
            for start in range(0, 10, batch_size):
                n = min(batch_size, 10 - start)
                decoded.append(n)
                yield {"image": [object()] * n, "text": ["a caption"] * n}

    def encode_pixels(vae, pixels, batch_size):
        in_flight.append(len(pixels))
        return torch.zeros(len(pixels), 4, 2, 2)

    namespace = {"torch": torch, "math": __import__("math"), "tqdm": lambda it, **kw: it,
                 "to_pixels": lambda image, size: torch.zeros(3, size, size),
                 "encode_pixels": encode_pixels,
                 "encode_prompts": lambda tokenizer, encoder, texts: torch.zeros(len(texts), 77, 8)}
    exec(defined_in_chapter("06_sdxl_text_to_image.ipynb", "encode_dataset"), namespace)
    latents, text = namespace["encode_dataset"](type("Pipe", (), {"vae": None, "tokenizer": None,
                                                                   "text_encoder": None}),
                                                Images(), 16, 4)
    assert latents.shape == (10, 4, 2, 2) and text.shape == (10, 77, 8)
    assert decoded == [4, 4, 2] and max(in_flight) <= 4


def test_unet3d_trains_without_gradient_checkpointing():
    # Chapter 07 must not ask for it: diffusers' UNet3DConditionModel raises on
    # enable_gradient_checkpointing(), so its training memory is budgeted without it.
    assert not UNet3DConditionModel._supports_gradient_checkpointing
    with pytest.raises(ValueError, match="does not support gradient checkpointing"):
        tiny_unet(video=True).enable_gradient_checkpointing()


def test_saved_activations_count_inputs_not_weights_nor_attention_maps():
    from genai_course.diffusion_lora import saved_activations_gib

    class SelfAttention(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = torch.nn.Linear(16, 48)

        def forward(self, x):  # x: (batch, 256 tokens, 16)
            q, k, v = self.qkv(x).unflatten(-1, (3, 2, 8)).permute(2, 0, 3, 1, 4)
            return torch.nn.functional.scaled_dot_product_attention(q, k, v)

    with torch.device("meta"):
        linear = torch.nn.Linear(1000, 1000)
        # a Linear layer saves its input (and its weight, which is counted as a weight)
        assert saved_activations_gib(linear, torch.randn(3, 1000)) * 2**30 == 3 * 1000 * 4
        attention = SelfAttention()
        counted = saved_activations_gib(attention, torch.randn(1, 256, 16)) * 2**30
    # q, k, v and the output are a few KiB each; the 2 x 256 x 256 probabilities (512 KiB) are not
    assert 0 < counted < 2 * 256 * 256 * 4
