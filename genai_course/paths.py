"""Where the course keeps its shipped data, so chapters never spell an absolute path."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "data"


def data_path(*parts: str) -> Path:
    """A file or folder under the course's shipped `data/` (ch. 01)."""
    path = DATA_DIR.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: the course's data/ folder ships it; is this a full clone?")
    return path
