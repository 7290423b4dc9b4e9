"""One code path: profiles pick values, not which code runs; hardware decides hardware switches."""

import ast
import re
from pathlib import Path

import nbformat
import pytest
from chapter_code import python_source

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("[0-9][0-9]_*.ipynb"))
PROFILE_CALLS = ("pick", "pick_steps", "current_profile", "uses_hub")
# Hardware questions go through genai_course.hardware(), which both profiles call the same way.
DTYPES = {"float16", "bfloat16", "float32", "half"}
HARDWARE_PROBES = re.compile(r"is_bf16_supported|torch\.cuda\.is_available\(|device\(\)\s*[!=]=")


def calls(tree, names):
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names
    ]


def switch_problems(parameters: str) -> list[str]:
    """Picks in a parameters cell that choose a code path rather than a value."""
    problems = []
    for call in calls(ast.parse(parameters), {"pick", "pick_steps"}):
        values = {kw.arg: kw.value for kw in call.keywords}
        for side, node in values.items():
            if isinstance(node, ast.Constant) and (
                node.value is None or isinstance(node.value, bool)
            ):
                problems.append(
                    f"line {call.lineno}: {side}={node.value!r} makes the pick a switch"
                )
            if any(isinstance(n, ast.Attribute) and n.attr in DTYPES for n in ast.walk(node)):
                problems.append(
                    f"line {call.lineno}: precision is the hardware's choice "
                    "(hardware().compute_dtype())"
                )
        if call.func.id == "pick_steps" and not all(
            isinstance(v, ast.Constant) and isinstance(v.value, int) for v in values.values()
        ):
            problems.append(f"line {call.lineno}: pick_steps takes whole numbers")
    return problems


def picked_names(parameters: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(parameters)):
        if isinstance(node, ast.Assign) and calls(node.value, {"pick", "pick_steps"}):
            names |= {
                t.id for target in node.targets for t in ast.walk(target) if isinstance(t, ast.Name)
            }
    return names


def names_in_conditions(source: str) -> set[str]:
    tests = [
        node.test
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.If, ast.IfExp, ast.While))
    ]
    return {n.id for test in tests for n in ast.walk(test) if isinstance(n, ast.Name)}


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def chapter(request):
    nb = nbformat.read(request.param, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1, "one parameters cell"
    return python_source(parameters[0].source), [
        python_source(c.source) for c in code if c is not parameters[0]
    ]


def test_picks_choose_values_not_switches(chapter):
    parameters, _ = chapter
    assert switch_problems(parameters) == []


def test_profile_is_read_only_in_the_parameters_cell(chapter):
    _, others = chapter
    for source in others:
        assert not calls(ast.parse(source), PROFILE_CALLS), (
            f"a profile call outside the parameters cell:\n{source[:200]}"
        )


def test_no_branch_on_a_picked_value(chapter):
    parameters, others = chapter
    picked = picked_names(parameters)
    for source in [parameters, *others]:
        assert not picked & names_in_conditions(source), (
            f"branches on {picked & names_in_conditions(source)}"
        )


def test_hardware_is_asked_through_hardware(chapter):
    parameters, others = chapter
    for source in [parameters, *others]:
        assert not HARDWARE_PROBES.search(source), (
            f"ask genai_course.hardware() instead:\n{source[:200]}"
        )


# The rules themselves, on sources that break them.
def test_rules_catch_switches_and_branches():
    bad = (
        'A = pick(full=True, smoke=False)\nB = pick(full=None, smoke={"x": 1})\n'
        "C = pick_steps(full=2.5, smoke=1)\n"
        "D = pick(full=torch.float16, smoke=torch.float32)\n"
    )
    assert len(switch_problems(bad)) == 6
    assert (
        switch_problems('A = pick(full="gpt2", smoke="x")\nN = pick_steps(full=100, smoke=2)\n')
        == []
    )
    assert names_in_conditions("if QUANTIZE:\n    pass\nx = 1 if not A else 2\n") == {
        "QUANTIZE",
        "A",
    }
    assert picked_names("A, B = pick(full=(1, 2), smoke=(3, 4))\nC = 3\n") == {"A", "B"}
    assert HARDWARE_PROBES.search('BF16 = device() == "cuda" and torch.cuda.is_bf16_supported()')
