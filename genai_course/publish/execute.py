"""Execute chapter notebooks the way a reader does, top to bottom, and keep notebooks committed clean."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

# nbval compares the stored output of cells with this tag (it also reads a `# NBVAL_CHECK_OUTPUT` line,
# which would print in every post, so the course uses the tag only).
CHECK_TAG = "nbval-check-output"


@dataclass
class ChapterRun:
    """What one chapter's execution produced: where, how long, and the first error if any (ch. 01)."""

    notebook: Path
    executed: Path
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def execute_notebook(path: Path, timeout: int = 1800, nb: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel with its own folder as working directory (ch. 01).

    Pass `nb` (the notebook read from `path`) to keep its partly executed cells when a cell fails.
    """
    from nbclient import NotebookClient

    path = Path(path)
    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb


def run_chapter(path: Path, out_dir: Path) -> ChapterRun:
    """Execute one chapter into `out_dir`, timing it; a failure is recorded, not raised (ch. 01).

    A failed chapter is written too, up to its failing cell, so its traceback can be read.
    """
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    out_dir.mkdir(parents=True, exist_ok=True)
    executed = out_dir / path.name
    start = time.perf_counter()
    try:
        execute_notebook(path, nb=nb)
        error = None
    except CellExecutionError as exc:
        error = f"{exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}"
    seconds = time.perf_counter() - start
    nbformat.write(nb, executed)
    return ChapterRun(path, executed, seconds, error)


def is_checked(cell) -> bool:
    """Whether nbval compares this cell's stored output (ch. 01)."""
    return cell.cell_type == "code" and CHECK_TAG in cell.metadata.get("tags", [])


def strip_unchecked(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Mark checked cells `keep_output` and strip every other output, as nbstripout would (ch. 01)."""
    from nbstripout import strip_output

    counts = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if is_checked(cell):
            cell.metadata["keep_output"] = True
            counts[index] = cell.execution_count
        else:
            cell.metadata.pop("keep_output", None)
    nb = strip_output(nb, keep_output=False, keep_count=False, keep_id=True)
    # nbval refuses a stored output whose cell has no execution count ("unrun reference cell").
    for index, count in counts.items():
        nb.cells[index].execution_count = count
    return nb


def store_checked_outputs(source: nbformat.NotebookNode, executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy the executed outputs of checked cells into the committed notebook, strip the rest (ch. 01)."""
    if len(source.cells) != len(executed.cells):
        raise ValueError("the executed notebook has a different number of cells than its source")
    for mine, ran in zip(source.cells, executed.cells):
        if is_checked(mine):
            mine.outputs, mine.execution_count = ran.outputs, ran.execution_count
    return strip_unchecked(source)


def offline_environment(profile: str = "smoke") -> dict[str, str]:
    """Environment for offline runs (smoke or rehearse): no hub, seeded hashing, quiet tokenizers."""
    env = dict(os.environ)
    env.update(GENAI_PROFILE=profile, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONHASHSEED="0", TOKENIZERS_PARALLELISM="false")
    return env


def smoke_environment() -> dict[str, str]:
    """Environment for offline smoke runs."""
    return offline_environment("smoke")


# Runs one chapter in a process of its own, so its peak memory can be measured alone.
RUN_ONE = ("import sys; from pathlib import Path; from genai_course.publish.execute import run_chapter; "
           "run = run_chapter(Path(sys.argv[1]), Path(sys.argv[2])); "
           "print(run.error or '', end=''); sys.exit(0 if run.ok else 1)")


@dataclass
class Measured:
    """Wall seconds, peak RSS of the process tree in MiB, exit status and output of one command."""

    seconds: float
    peak_mib: float
    ok: bool
    output: str


def measure(command: list[str], env: dict, cwd: Path) -> Measured:
    """Run a command, timing it and reading the peak resident memory of it and its children."""
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        output = out.read().decode("utf-8", "replace")
    return Measured(seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status) == 0, output)
