#!/usr/bin/env python
"""Benchmark the course in the smoke profile: per chapter, wall time and peak memory of a run,
then render time of our post renderer next to plain `jupyter nbconvert --to markdown`.

    python scripts/bench.py [chapters/NN_*.ipynb ...]     (make bench)

Writes the table to stdout and to build/bench.md.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from genai_course.execute import smoke_environment  # noqa: E402

RUN_ONE = "import sys; from pathlib import Path; from genai_course.execute import run_chapter; " \
          "run = run_chapter(Path(sys.argv[1]), Path(sys.argv[2])); sys.exit(0 if run.ok else 1)"


def timed(command: list[str], env: dict) -> tuple[float, float, bool]:
    """Wall seconds, peak RSS in MiB over the process tree, and success of one command."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    env = smoke_environment()
    python, jupyter = sys.executable, str(Path(sys.executable).with_name("jupyter"))
    rows = ["| chapter | smoke run (s) | peak RSS (MiB) | render (s) | nbconvert --to markdown (s) |",
            "|---|---|---|---|---|"]
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        executed_dir, ours, plain = (Path(scratch) / name for name in ("executed", "ours", "plain"))
        for notebook in notebooks:
            seconds, peak, ok = timed([python, "-c", RUN_ONE, str(notebook), str(executed_dir)], env)
            executed = executed_dir / Path(notebook).name
            if not ok:
                failed = True
                rows.append(f"| {Path(notebook).stem} | FAILED after {seconds:.1f} | {peak:.0f} | | |")
                continue
            render, _, _ = timed([python, "scripts/render_posts.py", str(executed), "--out", str(ours), "--overwrite"], env)
            convert, _, _ = timed([jupyter, "nbconvert", "--to", "markdown", str(executed), "--output-dir", str(plain)], env)
            rows.append(f"| {Path(notebook).stem} | {seconds:.1f} | {peak:.0f} | {render:.2f} | {convert:.2f} |")
            print(rows[-1], flush=True)
    table = "\n".join(rows)
    (ROOT / "build").mkdir(exist_ok=True)
    (ROOT / "build" / "bench.md").write_text(table + "\n", encoding="utf-8")
    print("\n" + table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
