#!/usr/bin/env python
"""Execute chapters in the smoke profile and store the outputs of their cells tagged
`nbval-check-output`.

Every other output is stripped, so the committed notebook holds exactly what nbval compares.
A chapter with a copy in tests/fixtures/ (the executed chapter the engine tests build sites from)
gets that copy replaced by this run's executed notebook, so the two stay in step.

    python scripts/refresh_checked_outputs.py chapters/01_blog_post_imitator.ipynb
"""
import argparse
import os
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT))
from genai_course.publish.execute import execute_notebook, smoke_environment, store_checked_outputs  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    os.environ.update(smoke_environment())
    for path in args.notebooks:
        executed = execute_notebook(path)
        if (FIXTURES / path.name).is_file():
            nbformat.write(executed, FIXTURES / path.name)
            print(f"stored the executed chapter in {FIXTURES / path.name}")
        source = nbformat.read(path, as_version=4)
        nbformat.write(store_checked_outputs(source, executed), path)
        print(f"stored checked outputs in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
