"""Committed chapters are clean: checked outputs only, no widget state, the contract's cells."""

import copy
import re
from pathlib import Path

import nbformat
import pytest

from genai_course.publish.execute import is_checked, strip_unchecked

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_chapters():
    assert CHAPTERS, "no chapters found"


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def chapter(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_only_checked_outputs_are_stored(chapter):
    path, nb = chapter
    assert strip_unchecked(copy.deepcopy(nb)) == nb, (
        f"{path.name}: run `make refresh CHAPTERS=chapters/{path.name}`"
    )


def test_no_widget_state(chapter):
    _, nb = chapter
    assert "widgets" not in nb.metadata
    assert not any("widgets" in cell.metadata for cell in nb.cells)


def test_post_metadata(chapter):
    _, nb = chapter
    post = nb.metadata["post"]
    assert {"title", "date", "tags", "description", "draft"} <= post.keys()
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith(
        f"# {post['title']}"
    )
    assert "colab-badge.svg" in nb.cells[0].source


def test_one_parameters_cell_and_setup(chapter):
    _, nb = chapter
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert any("start_chapter(" in source for source in code)
    assert any(
        "remove-cell" in c.metadata.get("tags", []) and "assert" in c.source for c in nb.cells
    )
    assert any(is_checked(c) for c in nb.cells), "no cell is compared by nbval"


def test_no_profile_branches_outside_parameters(chapter):
    _, nb = chapter
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            assert "pick(" not in cell.source and "current_profile(" not in cell.source, (
                cell.source[:80]
            )


def test_no_hard_coded_cuda_tokens_or_absolute_paths(chapter):
    _, nb = chapter
    for cell in nb.cells:
        assert not re.search(r"""(\.to\(|device\s*=\s*)["']cuda""", cell.source), cell.source[:80]
        assert not re.search(r"hf_[A-Za-z0-9]{30,}|sk-[A-Za-z0-9]{30,}", cell.source)
        assert not re.search(r"""["'](/home/|/root/|/work/|/tmp/|C:\\\\)""", cell.source), (
            cell.source[:80]
        )


# Everything a chapter writes goes under the one folder its parameters cell names.
OUTPUT_LINE = re.compile(r"""^OUTPUT_DIR = work_dir\(["'](?P<name>[^"']+)["']\)""", re.MULTILINE)
OTHER_OUTPUTS = re.compile(
    r"""tempfile|mkdtemp|REPO_ROOT|work_dir\(|output_dir\s*=\s*["']|Path\(["'](?:build|outputs?)"""
)


def test_one_output_folder(chapter):
    path, nb = chapter
    parameters = next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    match = OUTPUT_LINE.search(parameters)
    assert match and match["name"] == path.stem, (
        f'{path.name}: the parameters cell needs OUTPUT_DIR = work_dir("{path.stem}")'
    )
    for cell in nb.cells:
        source = OUTPUT_LINE.sub("", cell.source) if cell.source is parameters else cell.source
        if cell.cell_type == "code":
            assert not OTHER_OUTPUTS.search(source), (
                f"{path.name}: write under OUTPUT_DIR only:\n{source[:200]}"
            )
