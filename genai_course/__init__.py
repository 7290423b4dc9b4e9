"""Helpers for the notebook course on generative AI.

Small pieces with one job each; every docstring names the chapter that introduced it.
"""
from .errors import explain, install_friendly_errors
from .paths import DATA_DIR, REPO_ROOT, data_path, work_dir
from .profile import current_profile, describe_environment, device, pick, seed_everything
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
    "install_friendly_errors",
    "pick",
    "seed_everything",
    "start_chapter",
    "work_dir",
]


def start_chapter(packages=("torch",)) -> None:
    """The first cell of every chapter: friendly errors on, then profile, device and versions (ch. 01)."""
    install_friendly_errors()
    print(describe_environment(packages))
