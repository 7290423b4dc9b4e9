"""CI, before `make test`: would a chapter's first cell change Colab's kernel or torch?

Builds a fresh virtualenv holding the packages of .ci/colab-constraints.txt at Colab's versions
(without their dependencies: pip only needs them present to count them as installed), then runs
each distinct first cell's install line there as the cell runs it, with `--dry-run --report`.
Fails if pip cannot resolve it, or if it would install any of those packages at all (a new
version, or a reinstall). Needs the package index; downloads torch once (pip caches it).
Standard library and pip only, so CI runs it before building .venv.

    python3 scripts/check_colab_install.py [--python python3.13] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from colab_setup import canonicalize_name  # noqa: E402
from pip_progress import Screen, explain_failure, run_pip  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PINS = REPO / ".ci" / "colab-constraints.txt"
COLAB_PYTHON = "3.13"


def read_pins(path: Path) -> dict[str, str]:
    """`name==version` lines -> {canonical name: version}."""
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    pairs = (line.split("==") for line in lines if line)
    return {canonicalize_name(name): version for name, version in pairs}


def install_cells(chapters: list[Path]) -> dict[str, list[str]]:
    """Each distinct first code cell -> the chapters that carry it."""
    cells: dict[str, list[str]] = {}
    for path in chapters:
        notebook = json.loads(path.read_text())  # plain JSON: this runs before any virtualenv
        code = (cell["source"] for cell in notebook["cells"] if cell["cell_type"] == "code")
        first = next(code, "")
        cells.setdefault("".join(first), []).append(path.name)
    return cells


def install_commands(cell: str, python: str, report: Path) -> list[list[str]]:
    """The cell's install lines as dry-run commands for `python`, the clone being this repo."""
    lines = [line.strip() for line in cell.splitlines()]
    clones = [shlex.split(line)[-1] for line in lines if line.startswith("!git clone")]
    commands = []
    for line in lines:
        for clone in clones:
            line = line.replace(clone, str(REPO))
        words = shlex.split(line)
        dry = ["--dry-run", "--report", str(report)]
        if words[:1] == ["%run"]:
            commands.append([python, *words[1:], *dry])
        elif words[:2] in (["%pip", "install"], ["!pip", "install"]):
            commands.append([python, "-m", "pip", "install", *words[2:], *dry])
    return commands


def pinned_venv(where: Path, python: str, pins: Path) -> str:
    """A fresh virtualenv holding Colab's pinned packages; its python."""
    subprocess.run([python, "-m", "venv", str(where)], check=True)
    venv_python = str(where / "bin" / "python")
    print(f"check_colab_install: installing Colab's pins ({pins.relative_to(REPO)}) into {where}")
    command = [venv_python, "-m", "pip", "install", "--progress-bar", "off", "--no-deps",
               "-r", str(pins)]
    returncode, _ = run_pip(command, where / "pins.log", Screen())
    if returncode:
        sys.exit(explain_failure(where / "pins.log"))
    return venv_python


def changes(report: Path, pins: dict[str, str]) -> list[str]:
    """Pinned packages the report would install: `name pinned -> new`."""
    items = json.loads(report.read_text())["install"]
    found = {canonicalize_name(i["metadata"]["name"]): i["metadata"]["version"] for i in items}
    return [f"{name} {pins[name]} -> {found[name]}" for name in sorted(pins.keys() & found.keys())]


def check_cell(cell: str, venv_python: str, pins: dict[str, str], work: Path) -> list[str]:
    """Problems with one install cell: unresolvable, no install line, or pinned packages changed."""
    report = work / "report.json"
    commands = install_commands(cell, venv_python, report)
    if not commands:
        return ["no install line (`%run .../colab_setup.py` or `%pip install`) in the first cell"]
    problems = []
    for command in commands:
        report.unlink(missing_ok=True)
        print("check_colab_install: resolving", shlex.join(command[1:]))
        if subprocess.run(command, cwd=REPO).returncode or not report.exists():
            problems.append(f"pip cannot resolve it next to Colab's pins: {shlex.join(command)}")
            continue
        problems += [f"would change {change}" for change in changes(report, pins)]
    return problems


def check(work: Path, python: str) -> int:
    """Build the pinned virtualenv under `work`, check every distinct first cell; 1 on a problem."""
    version = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2], sep='.')"],
                             capture_output=True, text=True, check=True).stdout.strip()
    if version != COLAB_PYTHON:
        print(f"check_colab_install: note: Python {version} here, {COLAB_PYTHON} on Colab "
              "(pass --python to match)")
    pins = read_pins(PINS)
    venv_python = pinned_venv(work / "venv", python, PINS)
    cells = install_cells(sorted((REPO / "chapters").glob("[0-9][0-9]_*.ipynb")))
    failed = False
    for cell, chapters in cells.items():
        numbers = ", ".join(name[:2] for name in chapters)
        print(f"check_colab_install: the first cell of chapters {numbers}")
        problems = check_cell(cell, venv_python, pins, work)
        for problem in problems:
            print(f"check_colab_install: FAIL: {problem}")
        if not problems:
            print(f"check_colab_install: ok: it keeps all {len(pins)} pinned packages of Colab")
        failed |= bool(problems)
    return int(failed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter for the virtualenv")
    parser.add_argument("--keep", type=Path, help="build the virtualenv here and keep it")
    args = parser.parse_args()
    if args.keep:
        return check(args.keep, args.python)
    with tempfile.TemporaryDirectory(prefix="colab-check-") as scratch:
        return check(Path(scratch), args.python)


if __name__ == "__main__":
    sys.exit(main())
