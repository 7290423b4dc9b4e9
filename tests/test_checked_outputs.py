"""A stored (checked) output must be the same in every profile, since Colab readers see it.

A cell's output can differ between profiles when it reads, directly or through earlier cells, a
value the profile or the hardware chooses: a `pick`, a `checkpoint`, a hub dataset, `hardware()`.
This follows those values from cell to cell and fails when a checked cell reads one.
"""
import ast
from pathlib import Path

import nbformat
import pytest
from chapter_code import python_source

from genai_course.publish.execute import is_checked

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
SOURCES = {"pick", "pick_steps", "at_least", "at_most", "checkpoint", "load_hub_dataset",
           "hub_snapshot", "hardware", "current_profile", "uses_hub", "device"}


def local_names(node) -> set[str]:
    """Names bound inside functions, lambdas and comprehensions of `node`: not the cell's."""
    names = set()
    for scope in ast.walk(node):
        if isinstance(scope, (ast.FunctionDef, ast.Lambda)):
            names |= {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)}
            body = scope.body if isinstance(scope.body, list) else [scope.body]
            names |= {n.id for part in body for n in ast.walk(part)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        elif isinstance(scope, ast.comprehension):
            names |= {n.id for n in ast.walk(scope.target) if isinstance(n, ast.Name)}
    return names


def reads(node) -> set[str]:
    loaded = {n.id for n in ast.walk(node)
              if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return loaded - local_names(node)


def writes(node) -> set[str]:
    """Names a top-level statement binds or changes in the cell's (the notebook's) scope."""
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    stored = {n.id for n in ast.walk(node)
              if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    names = stored - local_names(node)
    # `x.attr = value` and `x[key] = value` change x
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    for target in targets:
        while isinstance(target, (ast.Attribute, ast.Subscript)):
            target = target.value
        if isinstance(target, ast.Name):
            names.add(target.id)
    return names


def profile_dependent_reads(nb) -> list[tuple[str, set[str]]]:
    """(cell id, profile-dependent names it reads) for every checked cell that reads some."""
    tainted, found = set(SOURCES), []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        seen = set()
        for statement in ast.parse(python_source(cell.source)).body:
            dependent = reads(statement) & tainted
            seen |= dependent
            if dependent:
                tainted |= writes(statement)
            else:  # rebound to a value the profile does not choose
                tainted -= writes(statement) - SOURCES
        if is_checked(cell) and seen:
            found.append((cell.get("id"), seen))
    return found


# Checked cells that read a stand-in on purpose: what they print is a part of the hub checkpoint
# that tests/test_standin_fidelity.py holds equal (special tokens, chat template, generation
# config), or the prompt prefix Whisper's tokenizer writes before any row's own text.
FAITHFUL_BY_TEST = {
    ("08_audio_clap_whisper_speecht5", "3fabce37"): "Whisper's prompt tokens and decoder start",
    ("10_prompting_llms", "01da2d09"): "Qwen's chat template",
    ("10_prompting_llms", "a2f6c9d1"): "Qwen's generation config",
    ("10_prompting_llms", "c5d7e1a9"): "Qwen's generation config merged into a request",
    ("10_prompting_llms", "e9a1f7c3"): "Qwen's generation config overridden",
    ("10_prompting_llms", "61442b9f"): "Qwen's chat template",
    ("11_lora_qlora_qa", "784525ae"): "T5's pad and eos tokens",
}


@pytest.mark.parametrize("stem", CHAPTERS)
def test_checked_cells_read_nothing_the_profile_chooses(stem):
    nb = nbformat.read(ROOT / "chapters" / f"{stem}.ipynb", as_version=4)
    reads = [(cell, names) for cell, names in profile_dependent_reads(nb)
             if (stem, cell) not in FAITHFUL_BY_TEST]
    assert reads == []


def test_the_rule_follows_values_through_cells():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in [
        'DATA = pick(full="org/big", smoke="org/small")\nSEED = 0',
        "rows = load(DATA)\nsplit = rows.split(SEED)",
        "print(len(split))",
        "print(SEED)",
        "split = [1, 2]\nprint(len(split))",
    ]]
    for cell in nb.cells[2:]:
        cell.metadata["tags"] = ["nbval-check-output"]
    assert [cell_id for cell_id, _ in profile_dependent_reads(nb)] == [nb.cells[2].id]
