"""The book's step-to-step diffusion scheme and its small time-conditioned U-Net (ch. 05).

Chapter 05 defines `TimeBlock` and `TimeStepUNet` in full; the copies here are kept equal to the
chapter's by tests/test_diffusion.py.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def noise_schedule(steps: int) -> torch.Tensor:
    """Noise fraction at each of the `steps + 1` stages: 1.0 (pure noise) down to 0.0 (ch. 05)."""
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    return torch.linspace(1.0, 0.0, steps + 1)


def mix_with_noise(images: torch.Tensor, t: torch.Tensor, schedule: torch.Tensor, generator=None):
    """The noisy image at stage t and the slightly cleaner one at t+1, same noise (ch. 05)."""
    if images.dim() != 4:
        raise ValueError(f"images must be a batch (N, C, H, W), got shape {tuple(images.shape)}")
    if t.shape != (images.shape[0],):
        raise ValueError(f"t must hold one stage per image: expected shape ({images.shape[0]},), "
                         f"got {tuple(t.shape)}")
    if int(t.min()) < 0 or int(t.max()) >= len(schedule) - 1:
        raise ValueError(f"stages must lie in 0..{len(schedule) - 2}, "
                         f"got {int(t.min())}..{int(t.max())}")
    # torch noise in the images' own dtype and device: no float64 numpy arrays sneak in.
    noise = torch.randn(images.shape, generator=generator, dtype=images.dtype).to(images.device)
    schedule = schedule.to(images.device, images.dtype)
    now = schedule[t].view(-1, 1, 1, 1)
    later = schedule[t + 1].view(-1, 1, 1, 1)
    return images * (1 - now) + noise * now, images * (1 - later) + noise * later


class TimeBlock(nn.Module):
    """Two 3x3 convolutions, one gated by the time embedding, then LayerNorm and ReLU (ch. 05)."""

    def __init__(self, in_channels: int, width: int, time_dim: int, size: int):
        super().__init__()
        self.gated_conv = nn.Conv2d(in_channels, width, kernel_size=3, padding=1)
        self.plain_conv = nn.Conv2d(in_channels, width, kernel_size=3, padding=1)
        self.time_gate = nn.Linear(time_dim, width)
        self.norm = nn.LayerNorm([width, size, size])

    def forward(self, x: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        gate = F.relu(self.time_gate(time))[:, :, None, None]
        mixed = self.plain_conv(x) + F.relu(self.gated_conv(x)) * gate
        return F.relu(self.norm(mixed))


class TimeStepUNet(nn.Module):
    """The book's U-Net: 4 gated blocks down, an MLP bottleneck that sees the time, 4 up (ch. 05).

    It maps an image at stage t (and t itself) to its guess of the image at stage t+1. The depth is
    fixed at four resolutions, so `image_size` must be divisible by 8.
    """

    LEVELS = 4

    def __init__(self, image_size: int = 32, channels: int = 1, width: int = 128,
                 time_dim: int = 192, bottleneck_channels: int = 32, hidden: int = 128):
        super().__init__()
        if image_size % 8:
            raise ValueError(f"image_size must divide by 8 (three halvings), got {image_size}")
        sizes = [image_size // 2**level for level in range(self.LEVELS)]  # e.g. 32, 16, 8, 4
        self.bottom = sizes[-1]
        self.bottleneck_channels = bottleneck_channels
        self.time_embedding = nn.Sequential(nn.Linear(1, time_dim), nn.LayerNorm([time_dim]),
                                            nn.ReLU())
        self.down = nn.ModuleList(TimeBlock(channels if i == 0 else width, width, time_dim, size)
                                  for i, size in enumerate(sizes))
        flat, squeezed = width * self.bottom**2, bottleneck_channels * self.bottom**2
        self.bottleneck = nn.Sequential(
            nn.Linear(flat + time_dim, hidden), nn.LayerNorm([hidden]), nn.ReLU(),
            nn.Linear(hidden, squeezed), nn.LayerNorm([squeezed]), nn.ReLU(),
        )
        self.up = nn.ModuleList(
            TimeBlock((bottleneck_channels if i == 0 else width) + width, width, time_dim, size)
            for i, size in enumerate(reversed(sizes))
        )
        # The book put this 1x1 convolution inside the up loop, which crashes on the second pass.
        self.to_image = nn.Conv2d(width, channels, kernel_size=1)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """`x`: (N, C, H, W) images at stage t; `t`: (N,) stages as fractions of the way, 0-1."""
        time = self.time_embedding(t.view(-1, 1).to(x.dtype))
        skips = []
        for level, block in enumerate(self.down):
            x = block(x, time)
            skips.append(x)
            if level < self.LEVELS - 1:
                x = F.max_pool2d(x, 2)
        x = self.bottleneck(torch.cat([x.flatten(1), time], dim=1))
        x = x.view(-1, self.bottleneck_channels, self.bottom, self.bottom)
        for level, block in enumerate(self.up):
            x = block(torch.cat([x, skips[-1 - level]], dim=1), time)
            if level < self.LEVELS - 1:
                x = F.interpolate(x, scale_factor=2, mode="bilinear")
        return self.to_image(x)


@torch.no_grad()
def sample_by_feedback(model: nn.Module, n: int, steps: int, image_shape: tuple, generator=None,
                       keep_every: int = 1):
    """Feed noise through the model `steps` times; returns final images and kept stages (ch. 05)."""
    if n < 1 or steps < 1:
        raise ValueError(f"n and steps must be positive, got n={n}, steps={steps}")
    where = next(model.parameters()).device
    x = torch.randn((n, *image_shape), generator=generator).to(where)
    trajectory = [x.cpu()]
    for t in range(steps):
        x = model(x, torch.full((n,), t / steps, device=where))
        if (t + 1) % keep_every == 0 or t + 1 == steps:
            trajectory.append(x.cpu())
    return x.cpu(), trajectory


def nearest_real_distance(samples: torch.Tensor, reals: torch.Tensor) -> torch.Tensor:
    """RMS pixel distance from each sample to its closest real image, both in [-1, 1] (ch. 05)."""
    if samples.shape[1:] != reals.shape[1:]:
        raise ValueError(f"samples {tuple(samples.shape[1:])} and reals {tuple(reals.shape[1:])} "
                         "differ in shape")
    distances = torch.cdist(samples.flatten(1).float(), reals.flatten(1).float())
    return distances.min(dim=1).values / samples[0].numel() ** 0.5
