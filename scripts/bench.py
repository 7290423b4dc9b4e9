#!/usr/bin/env python
"""Benchmark the course in the smoke profile: per chapter, wall time and peak memory of a run,
then render time of our post renderer next to plain `jupyter nbconvert --to markdown`.

    python scripts/bench.py [chapters/NN_*.ipynb ...]     (make bench)

Writes the table to stdout and to build/bench.md.
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from genai_course.publish.execute import (  # noqa: E402
    RUN_ONE,
    measure,
    smoke_environment,
    write_report,
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    env = smoke_environment()
    python, jupyter = sys.executable, str(Path(sys.executable).with_name("jupyter"))
    rows = [
        "| chapter | smoke run (s) | peak RSS (MiB) | render (s) | nbconvert --to markdown (s) |",
        "|---|---|---|---|---|",
    ]
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        executed_dir, ours, plain = (Path(scratch) / name for name in ("executed", "ours", "plain"))
        for notebook in notebooks:
            run = measure([python, "-c", RUN_ONE, str(notebook), str(executed_dir)], env, ROOT)
            executed = executed_dir / Path(notebook).name
            if not run.ok:
                failed = True
                rows.append(
                    f"| {Path(notebook).stem} | FAILED after {run.seconds:.1f} | "
                    f"{run.peak_mib:.0f} | | |"
                )
                continue
            render = measure(
                [
                    python,
                    "scripts/render_posts.py",
                    str(executed),
                    "--out",
                    str(ours),
                    "--overwrite",
                ],
                env,
                ROOT,
            )
            convert = measure(
                [
                    jupyter,
                    "nbconvert",
                    "--to",
                    "markdown",
                    str(executed),
                    "--output-dir",
                    str(plain),
                ],
                env,
                ROOT,
            )
            rows.append(
                f"| {Path(notebook).stem} | {run.seconds:.1f} | {run.peak_mib:.0f} | "
                f"{render.seconds:.2f} | {convert.seconds:.2f} |"
            )
            print(rows[-1], flush=True)
    write_report(rows, ROOT / "build" / "bench.md")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
