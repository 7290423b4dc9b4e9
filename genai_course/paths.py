"""Where the course keeps its shipped data, so chapters never spell an absolute path."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"


def data_path(*parts: str) -> Path:
    """A file or folder under the course's shipped `data/` (ch. 01)."""
    path = DATA_DIR.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the course's data/ folder ships it; is this a "
                                "full clone?")
    return path


def work_dir(name: str) -> Path:
    """A folder under `build/work/` for what a chapter writes: corpora, checkpoints (ch. 01)."""
    path = REPO_ROOT / "build" / "work" / name
    path.mkdir(parents=True, exist_ok=True)
    return path
