"""LoRA fine-tuning of a diffusion UNet, image or video, with a training loop short enough to read.

Chapters 06 (Stable Diffusion UNet on pixel-art nouns) and 07 (UNet3D on short clips) share it: the
loop only sees latents and text embeddings, so a batch of images (B, C, H, W) and a batch of
videos (B, C, F, H, W) go through the same lines. Chapter 06 shows `train_lora` in full; the copy
here is kept equal to it by tests/test_diffusion_lora.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

ATTENTION_PROJECTIONS = ["to_q", "to_k", "to_v", "to_out.0"]


def place_pipeline(pipe, offload: bool):
    """Put a pipeline on the device: model CPU offload if `offload`, else `.to(device)` (ch. 06).

    Pass `hardware().offload`, which is True only with a CUDA GPU.
    """
    from .machine import hardware

    if hasattr(pipe, "remove_all_hooks"):
        pipe.remove_all_hooks()  # undo an earlier offload, so a pipeline can be placed again
    if offload:
        pipe.enable_model_cpu_offload()  # one model on the GPU at a time: UNet, then VAE, ...
    else:
        pipe.to(hardware().device)
    return pipe


def add_lora(unet, rank: int, alpha: int | None = None, target_modules=None) -> int:
    """Freeze `unet`, add LoRA to its attention projections; returns the adapter size (ch. 06)."""
    from peft import LoraConfig, inject_adapter_in_model

    if rank < 1:
        raise ValueError(f"LoRA rank must be a positive integer, got {rank!r}")
    config = LoraConfig(r=rank, lora_alpha=alpha or rank, init_lora_weights="gaussian",
                        target_modules=target_modules or ATTENTION_PROJECTIONS)
    unet.requires_grad_(False)
    if hasattr(unet, "add_adapter"):  # UNet2DConditionModel: diffusers' own peft integration
        unet.add_adapter(config)
    else:  # UNet3DConditionModel has no add_adapter: inject the same layers with peft directly
        inject_adapter_in_model(config, unet)
    # Train the adapters in float32 even when the frozen base runs in float16.
    for param in unet.parameters():
        if param.requires_grad:
            param.data = param.data.float()
    return sum(p.numel() for p in unet.parameters() if p.requires_grad)


def lora_state_dict(unet) -> dict[str, torch.Tensor]:
    """The adapter weights in diffusers' naming, ready for `Pipeline.save_lora_weights` (ch. 06)."""
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft.utils import get_peft_model_state_dict

    return convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))


@torch.no_grad()
def encode_pixels(vae, pixels: torch.Tensor, batch_size: int = 8) -> torch.Tensor:
    """VAE latents, scaled, of images (B, 3, H, W) or videos (B, 3, F, H, W) in [-1, 1] (ch. 06).

    Frames go through the VAE `batch_size` at a time; the latents come back on the CPU in float32.
    """
    if pixels.ndim not in (4, 5):
        raise ValueError("expected images (B, 3, H, W) or videos (B, 3, F, H, W), "
                         f"got shape {tuple(pixels.shape)}")
    is_video = pixels.ndim == 5
    # A video's frames are images to the VAE.
    frames = pixels.permute(0, 2, 1, 3, 4).flatten(0, 1) if is_video else pixels
    param = next(vae.parameters())
    latents = torch.cat([
        vae.encode(chunk.to(param.device, param.dtype)).latent_dist.mean  # the mean: deterministic
        for chunk in frames.split(batch_size)
    ]).float().cpu() * vae.config.scaling_factor
    if is_video:
        latents = latents.unflatten(0, (pixels.shape[0], pixels.shape[2])).permute(0, 2, 1, 3, 4)
    return latents


@torch.no_grad()
def encode_prompts(tokenizer, text_encoder, prompts) -> torch.Tensor:
    """CLIP hidden states (N, tokens, width) of `prompts`, padded to the full length (ch. 06)."""
    # A datasets Column is not a list.
    prompts = [prompts] if isinstance(prompts, str) else list(prompts)
    if not prompts or not all(isinstance(p, str) for p in prompts):
        raise ValueError("prompts must be a non-empty list of strings")
    ids = tokenizer(prompts, padding="max_length", max_length=tokenizer.model_max_length,
                    truncation=True, return_tensors="pt").input_ids
    return text_encoder(ids.to(text_encoder.device))[0].float().cpu()


def denoising_loss(unet, noise_scheduler, latents, text_embeddings, noise, timesteps):
    """Mean squared error between the noise added at `timesteps` and the UNet's guess (ch. 06)."""
    param = next(unet.parameters())
    latents, noise = latents.to(param.device), noise.to(param.device)
    timesteps = timesteps.to(param.device)
    noisy = noise_scheduler.add_noise(latents, noise, timesteps)
    weight_dtype = unet.dtype
    half = weight_dtype != torch.float32
    with torch.autocast(param.device.type, dtype=weight_dtype, enabled=half):
        text = text_embeddings.to(param.device, weight_dtype)
        prediction = unet(noisy.to(weight_dtype), timesteps, encoder_hidden_states=text).sample
    if noise_scheduler.config.prediction_type == "v_prediction":
        target = noise_scheduler.get_velocity(latents, noise, timesteps)
    else:
        target = noise
    return F.mse_loss(prediction.float(), target.float())


@torch.no_grad()
def fixed_noise_loss(unet, noise_scheduler, latents, text_embeddings, seed: int = 0,
                     repeats: int = 4, batch_size: int = 8) -> float:
    """Denoising loss on fixed noise and timesteps, `batch_size` examples per UNet call (ch. 06).

    The same seed draws the same noise, so before and after are measured alike; the chunks keep a
    large set from meeting the UNet in one pass.
    """
    if len(latents) == 0 or len(latents) != len(text_embeddings):
        raise ValueError(f"need one text embedding per latent, got {len(text_embeddings)} "
                         f"for {len(latents)}")
    generator = torch.Generator().manual_seed(seed)
    total = 0.0
    for _ in range(repeats):
        for start in range(0, len(latents), batch_size):
            chunk = latents[start:start + batch_size]
            text = text_embeddings[start:start + batch_size]
            noise = torch.randn(chunk.shape, generator=generator)
            steps = torch.randint(0, noise_scheduler.config.num_train_timesteps, (len(chunk),),
                                  generator=generator)
            loss = denoising_loss(unet, noise_scheduler, chunk, text, noise, steps)
            total += loss.item() * len(chunk)
    return total / (repeats * len(latents))


@dataclass
class LoraRun:
    """What `train_lora` measured: loss and learning rate at every step (ch. 06)."""

    losses: list[float] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)


def train_lora(unet, noise_scheduler, latents, text_embeddings, *, steps: int, learning_rate: float,
               warmup_steps: int, batch_size: int = 1, seed: int = 0) -> LoraRun:
    """Fit the UNet's trainable (LoRA) weights to predict the noise added to `latents` (ch. 06).

    AdamW with linear warm-up then cosine decay; every step draws a random batch, random noise and
    random timesteps from a seeded generator.
    """
    from diffusers.optimization import get_cosine_schedule_with_warmup

    if len(latents) != len(text_embeddings):
        raise ValueError(f"{len(latents)} latents but {len(text_embeddings)} text embeddings")
    if steps < 1 or not 0 <= warmup_steps < steps:
        raise ValueError(f"need steps >= 1 and 0 <= warmup_steps < steps, "
                         f"got {steps=}, {warmup_steps=}")
    trainable = [p for p in unet.parameters() if p.requires_grad]
    if not any("lora_" in name for name, p in unet.named_parameters() if p.requires_grad):
        raise ValueError("the UNet has nothing to train: call add_lora(unet, rank) first")
    optimizer = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=1e-2)
    # Warm-up matters: full-size LoRA updates on step 1 can wreck the pretrained attention.
    schedule = get_cosine_schedule_with_warmup(optimizer, warmup_steps, steps)
    # float16 gradients can underflow to zero: scale the loss up on a GPU, as mixed precision does.
    first = next(unet.parameters())
    on_gpu_in_fp16 = first.dtype == torch.float16 and first.device.type == "cuda"
    scaler = torch.amp.GradScaler(first.device.type, enabled=on_gpu_in_fp16)
    generator = torch.Generator().manual_seed(seed)
    run = LoraRun()
    unet.train()
    for _ in tqdm(range(steps), desc="LoRA steps"):
        index = torch.randint(0, len(latents), (batch_size,), generator=generator)
        batch = latents[index]
        noise = torch.randn(batch.shape, generator=generator)
        timesteps = torch.randint(0, noise_scheduler.config.num_train_timesteps, (batch_size,),
                                  generator=generator)
        text = text_embeddings[index]
        loss = denoising_loss(unet, noise_scheduler, batch, text, noise, timesteps)
        scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        run.learning_rates.append(schedule.get_last_lr()[0])
        scaler.step(optimizer)
        scaler.update()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        run.losses.append(loss.item())
    unet.eval()
    return run


def saved_activations_gib(model, *args, **kwargs) -> float:
    """GiB of the tensors autograd saves for backward in one call `model(*args, **kwargs)` (ch. 06).

    Run it on the meta device (model and inputs), where it costs no memory. Weights are left out
    (they are counted as weights), and so are attention-probability matrices: a GPU's
    memory-efficient attention kernel does not store them, the meta device's reference path does.
    """
    weights = {tuple(p.shape) for p in model.parameters()}
    weights |= {shape[::-1] for shape in weights}  # transposed views of Linear weights
    saved = {}

    def count(tensor):
        shape = tuple(tensor.shape)
        # (heads, queries, keys): self-attention is square, cross-attention has 77 text tokens
        probabilities = len(shape) >= 3 and (shape[-1] == 77 or shape[-1] == shape[-2] > 128)
        if not probabilities and shape not in weights:
            saved[id(tensor)] = tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(count, lambda tensor: tensor):
        model(*args, **kwargs)
    return sum(saved.values()) / 2**30
