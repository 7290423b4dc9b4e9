"""Profiles: `full` runs the real hub models on a GPU, `smoke` runs tiny stand-ins offline on a CPU."""
from __future__ import annotations

import os
import platform
import random
from importlib import metadata

PROFILES = ("full", "smoke")


def current_profile() -> str:
    """The active profile: `GENAI_PROFILE` if set, else full with CUDA and smoke without (ch. 01)."""
    chosen = os.environ.get("GENAI_PROFILE", "").strip().lower()
    if chosen:
        if chosen not in PROFILES:
            raise ValueError(f"GENAI_PROFILE={chosen!r} is not a profile; use one of {', '.join(PROFILES)}.")
        return chosen
    import torch

    return "full" if torch.cuda.is_available() else "smoke"


def pick(*, full, smoke):
    """The value for the active profile; the parameters cell is the only place that calls it (ch. 01)."""
    return full if current_profile() == "full" else smoke


def device() -> str:
    """`cuda` when a GPU is present, `mps` on Apple silicon, else `cpu` (ch. 01)."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and GPU) so reruns repeat (ch. 01)."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe_environment(packages=("torch",)) -> str:
    """One line naming profile, device, GPU memory and library versions, printed by every chapter (ch. 01)."""
    import torch

    where = device()
    if where == "cuda":
        props = torch.cuda.get_device_properties(0)
        where = f"cuda ({props.name}, {props.total_memory / 2**30:.0f} GiB)"
    versions = ", ".join(f"{name} {_version(name)}" for name in packages)
    return f"profile: {current_profile()} | device: {where} | python {platform.python_version()} | {versions}"
