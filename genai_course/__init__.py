"""Helpers for the notebook course on generative AI.

Small pieces with one job each; every docstring names the chapter that introduced it.
"""
from .errors import explain, install_friendly_errors
from .machine import hardware, skipped_steps
from .hub import load_hub_dataset
from .paths import DATA_DIR, REPO_ROOT, data_path, work_dir
from .profile import current_profile, describe_environment, device, pick, pick_steps, seed_everything
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


def quiet_libraries() -> None:
    """Keep library chatter (load reports, advice, generation-config notices) out of the chapters (ch. 01).

    Errors still show, and so do warnings raised with `warnings.warn`; progress bars stay on for
    long work (the post renderer drops them).
    """
    import logging
    import os

    # Read by each library when it first configures its logger, so later imports stay quiet too.
    for variable in ("TRANSFORMERS_VERBOSITY", "DIFFUSERS_VERBOSITY", "DATASETS_VERBOSITY"):
        os.environ.setdefault(variable, "error")
    for name in ("transformers", "diffusers", "datasets", "huggingface_hub", "accelerate", "peft", "trl"):
        logging.getLogger(name).setLevel(logging.ERROR)


def start_chapter(packages=("torch",)) -> None:
    """The first cell of every chapter: friendly errors on, library chatter off, then profile, device and versions (ch. 01)."""
    install_friendly_errors()
    quiet_libraries()
    print(describe_environment(packages))
