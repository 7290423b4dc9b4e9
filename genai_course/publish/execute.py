"""Execute chapter notebooks as a reader does, top to bottom; keep notebooks committed clean."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

# nbval compares the stored output of cells with this tag (it also reads a `# NBVAL_CHECK_OUTPUT`
# line, which would print in every post, so the course uses the tag only).
CHECK_TAG = "nbval-check-output"


@dataclass
class ChapterRun:
    """What one chapter's execution produced: where, how long, and the first error if any.

    `executed` is the executed notebook: in the output folder when the chapter ran through, in the
    failed folder (up to its failing cell) when it did not, None when it could not even be read.
    """

    notebook: Path
    executed: Path | None
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def kernel_config():
    """Kernel launch settings: transport encryption where jupyter_client and pyzmq offer it.

    jupyter_client then gives the kernel CurveZMQ keys, and ipykernel no longer warns on every
    start that it runs over TCP without encryption.
    """
    import zmq
    from jupyter_client import KernelManager
    from traitlets.config import Config

    if not zmq.has("curve") or "transport_encryption" not in KernelManager.class_trait_names():
        return Config()
    return Config({"KernelManager": {"transport_encryption": "auto"}})


def execute_notebook(path: Path, timeout: int = 1800,
                     nb: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel with its own folder as working directory.

    Pass `nb` (the notebook read from `path`) to keep its partly executed cells when a cell fails.
    `timeout` is the most seconds one cell may run.
    """
    from nbclient import NotebookClient

    path = Path(path)
    nb = nb if nb is not None else nbformat.read(path, as_version=4)
    # "immediate": a kernel busy in a timed-out cell is stopped, not left to finish and complain.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", config=kernel_config(),
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except Exception:
        # nbclient answers Ctrl-C by shutting the kernel down and failing the cell with an error of
        # its own; the reader asked to stop, so stop.
        if getattr(client, "_async_cleanup_kernel_future", None) is not None:
            raise KeyboardInterrupt from None
        raise
    return nb


def _why_it_failed(exc: Exception, timeout: int) -> str:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    if isinstance(exc, CellExecutionError):
        return f"{exc.ename}: {str(exc.evalue).splitlines()[0] if exc.evalue else ''}"
    if isinstance(exc, CellTimeoutError):
        return f"timed out: a cell ran longer than {timeout} s"
    if isinstance(exc, DeadKernelError):
        return "the kernel died (out of memory, or a crash in native code)"
    first = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0] if first else ''}"


def _write_atomically(nb: nbformat.NotebookNode, path: Path) -> None:
    # A run killed half-way must not leave a truncated notebook where a good one was.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    nbformat.write(nb, partial)
    partial.replace(path)


def run_chapter(path: Path, out_dir: Path, failed_dir: Path | None = None,
                timeout: int = 1800) -> ChapterRun:
    """Execute one chapter into `out_dir`, timing it; a failure is recorded, not raised.

    A chapter that fails (an error, a timeout, a dead kernel) is written to `failed_dir` (default
    `out_dir/failed`) up to its failing cell, so its traceback can be read, and the last good run in
    `out_dir` stays as it was. A file that is missing or not a notebook is reported the same way.
    """
    from .posts import PostError, read_notebook

    path, out_dir = Path(path), Path(out_dir)
    failed_dir = out_dir / "failed" if failed_dir is None else Path(failed_dir)
    start = time.perf_counter()
    try:
        nb = read_notebook(path)
    except PostError as exc:
        why = str(exc).removeprefix(f"{path}: ")
        return ChapterRun(path, None, time.perf_counter() - start, why)
    try:
        execute_notebook(path, timeout=timeout, nb=nb)
        error = None
    except Exception as exc:  # whatever stops a chapter is its result, not the end of the run
        error = _why_it_failed(exc, timeout)
    seconds = time.perf_counter() - start
    executed = (failed_dir if error else out_dir) / path.name
    _write_atomically(nb, executed)
    if error is None:
        (failed_dir / path.name).unlink(missing_ok=True)  # our record of an older failure
    return ChapterRun(path, executed, seconds, error)


def is_checked(cell) -> bool:
    """Whether nbval compares this cell's stored output."""
    return cell.cell_type == "code" and CHECK_TAG in cell.metadata.get("tags", [])


def strip_unchecked(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Mark checked cells `keep_output` and strip every other output, as nbstripout would."""
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


def store_checked_outputs(source: nbformat.NotebookNode,
                          executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy the executed outputs of checked cells into the committed notebook, strip the rest."""
    if len(source.cells) != len(executed.cells):
        raise ValueError("the executed notebook has a different number of cells than its source")
    for mine, ran in zip(source.cells, executed.cells):
        if is_checked(mine):
            mine.outputs, mine.execution_count = ran.outputs, ran.execution_count
    return strip_unchecked(source)


def offline_environment(profile: str = "smoke") -> dict[str, str]:
    """Environment for offline runs (smoke, rehearse): no hub, seeded hashing, quiet tokenizers."""
    env = dict(os.environ)
    env.update(GENAI_PROFILE=profile, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1",
               TRANSFORMERS_OFFLINE="1", PYTHONHASHSEED="0", TOKENIZERS_PARALLELISM="false")
    return env


def smoke_environment() -> dict[str, str]:
    """Environment for offline smoke runs."""
    return offline_environment("smoke")


# Runs one chapter in a process of its own, so its peak memory can be measured alone.
RUN_ONE = ("import sys; from pathlib import Path; "
           "from genai_course.publish.execute import run_chapter; "
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


def write_report(rows: list[str], path: Path) -> str:
    """Write a benchmark's markdown table to `path` (its folder made if needed) and print it."""
    table = "\n".join(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(table + "\n", encoding="utf-8")
    print("\n" + table, flush=True)
    return table
