"""Write each chapter's Colab badge and install cell from genai_course/repository.py.

The badge ends the title cell (an older badge is replaced). The install cell is the chapter's
first code cell, tagged `remove-cell`: an existing one is rewritten in place (its id kept), or a
new one goes right after the title cell. A fork changes REPOSITORY (and BRANCH) in
genai_course/repository.py and runs this. `--check` writes nothing and exits 1 when a chapter
differs from what it would write.

    python scripts/sync_chapter_headers.py [--check] [chapters/NN_slug.ipynb ...]
"""
from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from genai_course.repository import BRANCH, REPOSITORY, clone_url, colab_url  # noqa: E402

BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BADGE = re.compile(r"\[!\[Open In Colab\]\(" + re.escape(BADGE_IMAGE) + r"\)\]\([^)\s]*\)")
INSTALL_TAG = "remove-cell"
# `!` and `%run` are IPython: {course} is the Python variable. The logic lives in the clone's
# scripts/colab_setup.py, so a fix there reaches every chapter without editing them.
INSTALL_CELL = """\
# On Colab or Kaggle (Internet on): fetch the course, install what it needs. Elsewhere: nothing.
import importlib.util
import os
import sys

if importlib.util.find_spec("genai_course") is None and (
        "google.colab" in sys.modules or "KAGGLE_KERNEL_RUN_TYPE" in os.environ):
    course = os.path.abspath("genai-course")
    if not os.path.isdir(course):
        !git clone -q --depth 1 --branch {branch} {clone_url} {{course}}
    %run {{course}}/scripts/colab_setup.py
    sys.path.insert(0, course)"""


def badge(notebook_name: str, repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """The markdown "Open in Colab" badge of a chapter."""
    return f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(notebook_name, repository, branch)})"


def install_cell(repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """The source of every chapter's first code cell."""
    return INSTALL_CELL.format(branch=branch, clone_url=clone_url(repository))


def with_badge(title: str, new_badge: str) -> str:
    """The title cell's text with `new_badge` in place of its badge, or after it."""
    if BADGE.search(title):
        return BADGE.sub(lambda _: new_badge, title, count=1)
    return title.rstrip("\n") + "\n\n" + new_badge


def sync(nb, notebook_name: str, repository: str = REPOSITORY, branch: str = BRANCH) -> bool:
    """Write the badge and install cell into `nb`; whether anything changed."""
    before = copy.deepcopy(nb)
    title = nb.cells[0]
    title.source = with_badge(title.source, badge(notebook_name, repository, branch))
    first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), None)
    if first_code is not None and INSTALL_TAG in nb.cells[first_code].metadata.get("tags", []):
        nb.cells[first_code].source = install_cell(repository, branch)
    else:
        cell = nbformat.v4.new_code_cell(install_cell(repository, branch))
        cell.metadata["tags"] = [INSTALL_TAG]
        nb.cells.insert(1, cell)
    return nb != before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 on a difference")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((REPO / "chapters").glob("[0-9][0-9]_*.ipynb"))
    differ = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if sync(nb, path.name):
            differ.append(path)
            if not args.check:
                nbformat.write(nb, path)
    verb = "differ from" if args.check else "rewritten from"
    names = ", ".join(p.name for p in differ) or "none"
    print(f"sync_chapter_headers: {len(differ)} of {len(paths)} chapters {verb} "
          f"genai_course/repository.py ({REPOSITORY}@{BRANCH}): {names}")
    return int(args.check and bool(differ))


if __name__ == "__main__":
    sys.exit(main())
