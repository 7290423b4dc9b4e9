"""Tiny offline stand-ins for hub checkpoints, so the smoke profile runs the chapters' own loading code.

Each builder makes a model of the same class as the hub checkpoint, with a tokenizer or processor
trained on shipped text, and saves both with `save_pretrained`. `checkpoint(hub_id)` returns the hub
id in the full profile and the stand-in's folder in smoke, so a chapter's `from_pretrained(...)`
call is the same line in both.

Builders live in the modules of this package and register themselves with `@standin("hub/id")`;
every module here is imported on first lookup, so adding a module is all it takes.
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import pkgutil
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..paths import DATA_DIR
from ..profile import seed_everything, uses_hub
from . import common

Builder = Callable[[Path], None]
_BUILDERS: dict[str, Builder] = {}
STANDIN_SEED = 0


def standin(*hub_ids: str):
    """Register a builder `fn(out_dir)` that saves a tiny stand-in for each of `hub_ids` (ch. 01)."""

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
    return Path(os.environ.get("GENAI_CACHE", Path.home() / ".cache" / "genai_course")) / "standins"


@lru_cache(maxsize=1)
def _shared_inputs_digest() -> str:
    # Builders train tokenizers (and a few models) on shipped data and share helpers in common.py.
    digest = hashlib.sha256(inspect.getsource(common).encode())
    for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(DATA_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _builder_fingerprint(builder: Builder) -> str:
    # Editing a builder, the shared helpers or the shipped data rebuilds the stand-in; nothing else does.
    source = inspect.getsource(inspect.getmodule(builder)) + _shared_inputs_digest()
    return hashlib.sha256(source.encode()).hexdigest()[:10]


def standin_path(hub_id: str) -> Path:
    """The folder holding the stand-in for `hub_id`, built on first use and reused after (ch. 01)."""
    _load_builder_modules()
    if hub_id not in _BUILDERS:
        raise KeyError(
            f"no smoke stand-in is registered for {hub_id!r}; add a builder with @standin({hub_id!r}) "
            f"in genai_course/standins/. Registered: {', '.join(sorted(_BUILDERS))}"
        )
    builder = _BUILDERS[hub_id]
    target = cache_root() / f"{hub_id.replace('/', '--')}-{_builder_fingerprint(builder)}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
        try:
            seed_everything(STANDIN_SEED)
            builder(staging)
            # A concurrent run may have finished first; its copy is as good as ours.
            if not target.exists():
                staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def checkpoint(hub_id: str) -> str:
    """What to pass to `from_pretrained`: the hub id in full, the local stand-in folder in smoke and rehearse (ch. 01)."""
    if uses_hub():
        return hub_id
    return str(standin_path(hub_id))
