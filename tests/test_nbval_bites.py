"""nbval really compares the stored outputs of checked cells: a wrong one must fail."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from genai_course.publish.execute import CHECK_TAG, strip_unchecked


def _notebook(path: Path, stored: str) -> Path:
    checked = new_code_cell(
        "print(6 * 7)",
        execution_count=1,
        metadata={"tags": [CHECK_TAG]},
        outputs=[new_output("stream", name="stdout", text=stored)],
    )
    unchecked = new_code_cell("import random\nprint(random.random())")
    nb = new_notebook(cells=[checked, unchecked])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb = strip_unchecked(nb)  # as committed: checked output kept, the rest stripped
    nbformat.write(nb, path)
    return path


def _nbval(path: Path):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", str(path)],
        capture_output=True,
        text=True,
        cwd=path.parent,
    )


def test_right_stored_output_passes(tmp_path):
    result = _nbval(_notebook(tmp_path / "right.ipynb", "42\n"))
    assert result.returncode == 0, result.stdout[-2000:]


def test_changed_checked_output_fails(tmp_path):
    result = _nbval(_notebook(tmp_path / "wrong.ipynb", "41\n"))
    assert result.returncode == 1
    assert "1 failed" in result.stdout and "41" in result.stdout and "42" in result.stdout


def test_strip_keeps_only_checked_outputs(tmp_path):
    nb = nbformat.read(_notebook(tmp_path / "nb.ipynb", "42\n"), as_version=4)
    checked, unchecked = nb.cells
    assert checked.metadata["keep_output"] is True and checked.outputs[0]["text"] == "42\n"
    assert checked.execution_count == 1 and unchecked.execution_count is None
    assert unchecked.outputs == [] and "keep_output" not in unchecked.metadata


def test_progress_plugin_prints_one_line_per_notebook(tmp_path):
    notebook = _notebook(tmp_path / "right.ipynb", "42\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-p",
            "no:cacheprovider",
            "-p",
            "genai_course.publish.nbval_progress",
            str(notebook),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert re.search(r"^right\.ipynb ok in \d+\.\d s \(2 passed cells\)$", result.stdout, re.M), (
        result.stdout
    )
    wrong = _nbval(_notebook(tmp_path / "wrong.ipynb", "41\n"))
    assert "FAILED in" not in wrong.stdout  # the plugin prints only when asked for
