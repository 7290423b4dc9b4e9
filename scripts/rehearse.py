#!/usr/bin/env python
"""Rehearse the full profile offline: every chapter with the full profile's values on the stand-ins.

    python scripts/rehearse.py [chapters/NN_*.ipynb ...]     (make rehearse)

`GENAI_PROFILE=rehearse` gives each chapter its full sizes, switches and dataset loaders, with the
tiny stand-in models and the local replicas of hub datasets, on this machine's CPU. Step counts are
capped by GENAI_REHEARSE_STEPS (default 2). Steps that need CUDA (mixed precision, 4-bit weights,
CPU offload) are not taken; each chapter's list of them is reported. A chapter fails when a cell
fails or when its peak host memory passes --max-rss-gib (a Colab runtime has about 12.7 GB of RAM).

Writes the table to stdout and build/rehearse.md, executed notebooks to build/rehearse/.
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from genai_course.machine import SKIP_LOG_ENV  # noqa: E402
from genai_course.publish.execute import (  # noqa: E402
    RUN_ONE,
    measure,
    offline_environment,
    write_report,
)


def skipped(log: Path) -> list[str]:
    """The distinct CUDA-only steps a chapter did not take, from its skip log."""
    if not log.exists():
        return []
    steps = [
        json.loads(line)["step"]
        for line in log.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return sorted(set(steps))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument(
        "--max-rss-gib",
        type=float,
        default=12.0,
        help=(
            "fail a chapter whose peak host memory passes this "
            "(default 12, a Colab runtime's RAM)"
        ),
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "rehearse")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [
        "| chapter | status | seconds | peak RSS (MiB) | CUDA-only steps not taken |",
        "|---|---|---|---|---|",
    ]
    failures = 0
    for notebook in notebooks:
        log = args.out / f"{notebook.stem}.skipped.jsonl"
        log.unlink(missing_ok=True)
        env = {**offline_environment("rehearse"), SKIP_LOG_ENV: str(log)}
        print(f"rehearsing {notebook.name} ...", flush=True)
        run = measure([sys.executable, "-c", RUN_ONE, str(notebook), str(args.out)], env, ROOT)
        status = "ok"
        if not run.ok:
            status = (
                "FAILED: "
                f"{run.output.strip().splitlines()[-1] if run.output.strip() else 'no output'}"
            )
        elif run.peak_mib > args.max_rss_gib * 1024:
            status = (
                f"FAILED: peak host memory {run.peak_mib / 1024:.1f} GiB > {args.max_rss_gib} GiB"
            )
        failures += status != "ok"
        rows.append(
            f"| {notebook.stem} | {status} | {run.seconds:.1f} | {run.peak_mib:.0f} | "
            f"{'; '.join(skipped(log)) or 'none'} |"
        )
        print(rows[-1], flush=True)
    write_report(rows, args.out.parent / "rehearse.md")
    print(f"\nexecuted notebooks: {args.out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
