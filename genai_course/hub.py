"""Hub datasets in the full profile, local replicas of the same repositories offline.

`checkpoint()` does this for models. For data, a chapter calls `load_hub_dataset` with the real
repository id and the real arguments (config name, `data_dir`, split, revision). In the full
profile that is `datasets.load_dataset` on the hub; in smoke and rehearse the same call runs on
`data/hub/<org>--<name>[@<revision>]/`, a small replica laid out like that repository at that
revision (same folders, configs, columns and features). Each replica's `REPLICA.md` records the
evidence for its layout. A wrong config name or `data_dir` therefore fails offline exactly as it
would on the hub.
"""

from __future__ import annotations

from pathlib import Path

from .paths import DATA_DIR
from .profile import uses_hub

REPLICAS_DIR = DATA_DIR / "hub"


def replica_folder_name(repo_id: str, revision: str | None = None) -> str:
    """`org--name`, plus `@revision` (slashes as dashes) unless it is the main branch (ch. 05)."""
    name = repo_id.replace("/", "--")
    if revision and revision != "main":
        name += "@" + revision.replace("/", "-")
    return name


def replica_path(repo_id: str, revision: str | None = None) -> Path:
    """The local replica of a hub repository at a revision, or a clear error if none (ch. 05)."""
    path = REPLICAS_DIR / replica_folder_name(repo_id, revision)
    if not path.is_dir():
        known = (
            sorted(p.name for p in REPLICAS_DIR.iterdir() if p.is_dir())
            if REPLICAS_DIR.is_dir()
            else []
        )
        at = f" at revision {revision!r}" if revision else ""
        raise FileNotFoundError(
            f"no local replica of {repo_id!r}{at} (looked for {path}). Offline profiles load "
            f"hub data from replicas in data/hub/; there are: {', '.join(known) or 'none'}."
        )
    return path


def load_hub_dataset(path: str, name: str | None = None, *, revision: str | None = None, **kwargs):
    """`datasets.load_dataset` on the hub, or on its replica offline (ch. 05).

    Called as `datasets.load_dataset(path, name, revision=..., **kwargs)`.

    A local folder (a reader's own data) is loaded as it is, in every profile.
    """
    from datasets import load_dataset

    if uses_hub() or Path(path).exists():
        return load_dataset(path, name, revision=revision, **kwargs)
    return load_dataset(str(replica_path(path, revision)), name, **kwargs)


def hub_snapshot(
    repo_id: str, *, repo_type: str = "dataset", revision: str | None = None, **kwargs
) -> Path:
    """A local folder with a hub repo's files: downloaded in full, the replica offline (ch. 07).

    For repositories that are folders of files rather than a `datasets` layout (videos and a
    captions file, say). `kwargs` go to `huggingface_hub.snapshot_download` (`allow_patterns=`).
    A local folder (a reader's own files, laid out the same way) is returned as it is, in every
    profile.
    """
    if Path(repo_id).is_dir():
        return Path(repo_id)
    if not uses_hub():
        return replica_path(repo_id, revision)
    from huggingface_hub import snapshot_download

    return Path(snapshot_download(repo_id, repo_type=repo_type, revision=revision, **kwargs))


def web_file(url: str, offline: Path) -> str:
    """A text on the web (a Gutenberg book, say) in full; offline, the shipped file (ch. 02).

    The offline file comes back as a `file://` URL, so one `urllib.request.urlopen` call reads
    either: a rehearsal keeps the full profile's values but never touches the network.
    """
    return url if uses_hub() else Path(offline).resolve().as_uri()
