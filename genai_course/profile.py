"""Profiles: which values a chapter runs with, and where its models and data come from.

| profile    | values (`pick`) | models and datasets                   | where it runs          |
|------------|-----------------|---------------------------------------|------------------------|
| `full`     | full            | the Hugging Face Hub                  | a GPU (a Colab T4)     |
| `smoke`    | smoke           | local stand-ins and replicas, offline | any CPU, about a minute |
| `rehearse` | full            | local stand-ins and replicas, offline | a CPU, before a release |

The rehearsal runs the full profile's sizes, switches and loaders on the tiny stand-ins, so what
only the full values reach (a whole-dataset forward pass, a switch a model does not support, a
dataset config that does not exist) fails here rather than on a learner's GPU. Step counts in it
are capped by `GENAI_REHEARSE_STEPS` (see `pick_steps`).
"""

from __future__ import annotations

import os
import platform
import random
from importlib import metadata

PROFILES = ("full", "smoke", "rehearse")
REHEARSE_STEPS_ENV = "GENAI_REHEARSE_STEPS"
DEFAULT_REHEARSE_STEPS = 2


def current_profile() -> str:
    """The active profile: `GENAI_PROFILE` if set, else full with CUDA, smoke without (ch. 01)."""
    chosen = os.environ.get("GENAI_PROFILE", "").strip().lower()
    if chosen:
        if chosen not in PROFILES:
            raise ValueError(
                f"GENAI_PROFILE={chosen!r} is not a profile; use one of {', '.join(PROFILES)}."
            )
        return chosen
    import torch

    return "full" if torch.cuda.is_available() else "smoke"


def uses_hub() -> bool:
    """Whether models and datasets come from the Hugging Face Hub (ch. 01).

    They do in the full profile, and come from local copies in smoke and rehearse.
    """
    return current_profile() == "full"


def pick(*, full, smoke):
    """The value for the active profile; full values in `full` and `rehearse` (ch. 01).

    Only the parameters cell calls it, and only for values (sizes, ids, rates, thresholds), never
    for a switch that changes which code runs: `tests/test_one_code_path.py` enforces both.
    """
    return smoke if current_profile() == "smoke" else full


def rehearse_steps() -> int:
    """The step cap of a rehearsal: `GENAI_REHEARSE_STEPS`, default 2 (ch. 01)."""
    raw = os.environ.get(REHEARSE_STEPS_ENV, "").strip() or str(DEFAULT_REHEARSE_STEPS)
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(
            f"{REHEARSE_STEPS_ENV}={raw!r} must be a whole number of steps, at least 1"
        )
    return int(raw)


def pick_steps(*, full: int, smoke: int) -> int:
    """Like `pick`, for step, epoch and sampling-step counts (ch. 01).

    Capped by `GENAI_REHEARSE_STEPS` in a rehearsal. A rehearsal checks that the full profile's
    code runs, not that it converges, so a couple of steps at full size are enough and keep it
    short on a CPU.
    """
    value = pick(full=full, smoke=smoke)
    return min(value, rehearse_steps()) if current_profile() == "rehearse" else value


def at_least(*, full: float, smoke: float) -> float:
    """A pass mark for a hidden check that a number learned in training is high enough (ch. 12).

    The full value in full, the smoke value in smoke. A rehearsal trains the tiny stand-ins for
    `GENAI_REHEARSE_STEPS` steps to see the full profile's code run, not learn, so it gets -inf:
    the chapter's other checks (shapes, dtypes, finite values) still run there.
    """
    return float("-inf") if current_profile() == "rehearse" else pick(full=full, smoke=smoke)


def at_most(*, full: float, smoke: float) -> float:
    """Like `at_least`, for a number that must stay low enough: +inf in a rehearsal (ch. 13)."""
    return float("inf") if current_profile() == "rehearse" else pick(full=full, smoke=smoke)


def device() -> str:
    """`cuda` when a GPU is present, `mps` on Apple silicon, else `cpu` (ch. 01)."""
    from .machine import hardware

    return hardware().device


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
    """One line naming profile, device, GPU memory and library versions (ch. 01).

    Every chapter prints it.
    """
    from .machine import hardware

    versions = ", ".join(f"{name} {_version(name)}" for name in packages)
    return (
        f"profile: {current_profile()} | device: {hardware().describe()} | "
        f"python {platform.python_version()} | {versions}"
    )
