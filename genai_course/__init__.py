"""Helpers for the notebook course on generative AI.

Small pieces with one job each; every docstring names the chapter that introduced it.
"""

from .errors import explain, install_friendly_errors
from .hub import load_hub_dataset
from .machine import hardware, skipped_steps
from .paths import DATA_DIR, REPO_ROOT, data_path, work_dir
from .profile import (
    current_profile,
    describe_environment,
    device,
    pick,
    pick_steps,
    seed_everything,
)
from .standins import checkpoint

__version__ = "0.1.0"

__all__ = [
    "DATA_DIR",
    "REPO_ROOT",
    "checkpoint",
    "current_profile",
    "data_path",
    "describe_environment",
    "device",
    "explain",
    "hardware",
    "install_friendly_errors",
    "load_hub_dataset",
    "pick",
    "pick_steps",
    "seed_everything",
    "skipped_steps",
    "start_chapter",
    "work_dir",
]


# Deprecations raised inside a library's own code, not the chapter's: fastai's AWD-LSTM
# scripts a dropout mask with torch.jit (ch. 01); peft and trl still ask transformers whether
# gradient checkpointing is on under its old name (ch. 12).
LIBRARY_DEPRECATIONS = (
    r"`torch\.jit\.script` is deprecated",
    r"`is_gradient_checkpointing` is deprecated",
)


def quiet_libraries() -> None:
    """Keep library chatter (load reports, advice, generation notices) out of the chapters (ch. 01).

    Errors still show, and so do warnings raised with `warnings.warn`, except the deprecation
    notices listed below that only a library's maintainers can act on; progress bars stay on for
    long work (the post renderer drops them).
    """
    import logging
    import os
    import warnings

    for message in LIBRARY_DEPRECATIONS:
        warnings.filterwarnings("ignore", message=message, category=FutureWarning)

    # Read by each library when it first configures its logger, so later imports stay quiet too.
    for variable in ("TRANSFORMERS_VERBOSITY", "DIFFUSERS_VERBOSITY", "DATASETS_VERBOSITY"):
        os.environ.setdefault(variable, "error")
    for name in (
        "transformers",
        "diffusers",
        "datasets",
        "huggingface_hub",
        "accelerate",
        "peft",
        "trl",
        "bitsandbytes",  # on CPUs with AVX-512 BF16 it asks for an optional kernels package
    ):
        logging.getLogger(name).setLevel(logging.ERROR)


def start_chapter(packages=("torch",)) -> None:
    """Every chapter's set-up: friendly errors, no chatter, then profile and versions (ch. 01)."""
    install_friendly_errors()
    quiet_libraries()
    print(describe_environment(packages))
