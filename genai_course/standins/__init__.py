"""Tiny offline stand-ins for hub checkpoints, so the smoke profile runs the chapters' own loading.

Each builder makes a model of the same class as the hub checkpoint, with a tokenizer or processor
trained on shipped text, and saves both with `save_pretrained`. `checkpoint(hub_id)` returns the hub
id in the full profile and the stand-in's folder in smoke, so a chapter's `from_pretrained(...)`
call is the same line in both.

Builders live in the modules of this package and register themselves with `@standin("hub/id")`;
every module here is imported on first lookup, so adding a module is all it takes.

A built stand-in carries a manifest of its files and their SHA-256 sums, written last. A folder
whose files differ from it in any way (one missing, changed or added, or no manifest at all: an
interrupted or older build) is rebuilt on its next use rather than loaded half-way.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import os
import pkgutil
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from ..budget import HUB_RECORDS
from ..paths import DATA_DIR
from ..profile import seed_everything, uses_hub
from . import common

Builder = Callable[[Path], None]
_BUILDERS: dict[str, Builder] = {}
STANDIN_SEED = 0
MANIFEST = ".standin-manifest.json"


def standin(*hub_ids: str):
    """Register a builder `fn(out_dir)` saving a tiny stand-in for each of `hub_ids` (ch. 01)."""

    def register(fn: Builder) -> Builder:
        for hub_id in hub_ids:
            if hub_id in _BUILDERS and _BUILDERS[hub_id] is not fn:
                raise ValueError(f"two stand-in builders claim {hub_id!r}")
            _BUILDERS[hub_id] = fn
        return fn

    return register


def _load_builder_modules() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def registered_ids() -> list[str]:
    """Every hub id that has a stand-in (ch. 01)."""
    _load_builder_modules()
    return sorted(_BUILDERS)


def cache_root() -> Path:
    """Where stand-ins are saved: `$GENAI_CACHE` or `~/.cache/genai_course` (ch. 01)."""
    raw = os.environ.get("GENAI_CACHE", "").strip()
    if not raw:  # unset or empty: never the working directory
        return Path.home() / ".cache" / "genai_course" / "standins"
    root = Path(raw).expanduser()
    if not root.is_absolute():
        # Chapters run in their own folder: a relative cache would be a different one there.
        raise ValueError(f"GENAI_CACHE={raw!r} must be an absolute path")
    return root / "standins"


@lru_cache(maxsize=1)
def _shared_inputs_digest() -> str:
    # Builders train tokenizers (and a few models) on shipped data, copy configs from the hub
    # records beside this package, and share helpers in common.py. Notes (*.md) feed no build.
    digest = hashlib.sha256(inspect.getsource(common).encode())
    for folder in (DATA_DIR, HUB_RECORDS):
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix != ".md"):
            digest.update(path.relative_to(folder.parent).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _builder_fingerprint(builder: Builder) -> str:
    # Editing a builder, the shared helpers, the shipped data or a hub record rebuilds the stand-in.
    source = inspect.getsource(inspect.getmodule(builder)) + _shared_inputs_digest()
    return hashlib.sha256(source.encode()).hexdigest()[:10]


def _file_sums(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != MANIFEST}


def _intact(folder: Path) -> bool:
    """Whether `folder` holds exactly the files its manifest lists, byte for byte."""
    try:
        listed = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return _file_sums(folder) == listed


def _install(staging: Path, target: Path) -> None:
    """Move a finished build into place, setting a damaged copy aside first."""
    for _ in range(3):
        if _intact(target):
            return  # a concurrent run finished first; its copy is as good as ours
        if target.exists():
            aside = target.with_name(f".damaged-{target.name}-{uuid.uuid4().hex[:8]}")
            try:
                target.rename(aside)
            except FileNotFoundError:
                continue  # another run set it aside already
            if aside.is_dir():
                shutil.rmtree(aside, ignore_errors=True)
            else:
                aside.unlink()
        try:
            staging.rename(target)
            return
        except OSError:
            continue  # another run's copy landed in between: check it
    raise RuntimeError(f"could not install the stand-in at {target}; remove that folder and retry")


def _sweep_abandoned(folder: Path, hours: float = 6) -> None:
    """Remove the staging folders of builds killed long ago; a build takes minutes, not hours."""
    cutoff = time.time() - hours * 3600
    for path in folder.glob(".building-*"):
        if path.is_dir() and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def _build(builder: Builder, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_abandoned(target.parent)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    try:
        seed_everything(STANDIN_SEED)
        builder(staging)
        manifest = {"files": _file_sums(staging)}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _install(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def standin_path(hub_id: str) -> Path:
    """The folder of the stand-in for `hub_id`: built on first use, checked and reused (ch. 01)."""
    _load_builder_modules()
    if hub_id not in _BUILDERS:
        raise KeyError(
            f"no smoke stand-in is registered for {hub_id!r}; add a builder with "
            f"@standin({hub_id!r}) in genai_course/standins/. "
            f"Registered: {', '.join(sorted(_BUILDERS))}"
        )
    builder = _BUILDERS[hub_id]
    target = cache_root() / f"{hub_id.replace('/', '--')}-{_builder_fingerprint(builder)}"
    if not _intact(target):
        _build(builder, target)
    return target


def checkpoint(hub_id: str) -> str:
    """What to pass to `from_pretrained` (ch. 01).

    The hub id in full, the local stand-in folder in smoke and rehearse.
    """
    if uses_hub():
        return hub_id
    return str(standin_path(hub_id))


def _point_fastai_at(models: Path) -> None:
    """Make fastai's downloads resolve offline: a FASTAI_HOME whose `model` folder is `models`."""
    from fastai.data.external import fastai_cfg

    home = cache_root().parent / "fastai_home" / models.name
    home.mkdir(parents=True, exist_ok=True)
    config = f"[DEFAULT]\ndata = data\narchive = archive\nstorage = tmp\nmodel = {models}\n"
    current = home / "config.ini"
    if not current.is_file() or current.read_text(encoding="utf-8") != config:
        partial = home / f".config.ini.{os.getpid()}"
        partial.write_text(config, encoding="utf-8")
        partial.replace(home / "config.ini")
    os.environ["FASTAI_HOME"] = str(home)
    fastai_cfg.cache_clear()  # fastai reads FASTAI_HOME once and remembers


def pretrained_lm_config(url: str) -> dict:
    """The AWD-LSTM sizes of fastai's pretrained weights at `url`, e.g. `URLs.WT103_FWD` (ch. 01).

    Full: fastai's `awd_lstm_lm_config`, the sizes those weights were trained with, and
    `language_model_learner(..., pretrained=True)` downloads them from fast.ai as usual. Smoke and
    rehearse: fastai's download folder (FASTAI_HOME) is pointed at the stand-in, so that same call
    loads a small AWD-LSTM in fastai's format offline; its sizes are returned.
    """
    from fastai.text.all import awd_lstm_lm_config

    if uses_hub():
        return dict(awd_lstm_lm_config)
    folder = standin_path("fastai/" + url.rsplit("/", 1)[-1].removesuffix(".tgz"))
    _point_fastai_at(folder)
    return json.loads((folder / "config.json").read_text(encoding="utf-8"))["config"]
