"""The code a chapter defines in its cells, for tests that keep the package's copies equal to it."""
import ast
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def python_source(cell_source: str) -> str:
    """A code cell as plain Python: IPython turns `!shell` and `%magic` lines into calls."""
    return TransformerManager().transform_cell(cell_source)


def defined_in_chapter(notebook: str, name: str) -> str:
    """Source text of the top-level class or function `name` defined in a chapter's code cells."""
    nb = nbformat.read(CHAPTERS / notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = python_source(cell.source)
        for node in ast.parse(source).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
                return ast.get_source_segment(source, node)
    raise LookupError(f"{notebook} defines no {name}")
