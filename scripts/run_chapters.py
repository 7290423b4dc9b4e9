#!/usr/bin/env python
"""Run every chapter in the default profile, render the posts, and print what happened.

    python scripts/run_chapters.py [chapters/NN_*.ipynb ...] [--timeout SECONDS]

Executed notebooks go to build/executed/, posts to build/posts/. A chapter that fails (an error,
a cell over --timeout, a dead kernel, a missing or malformed file) is reported, its partly executed
notebook goes to build/failed/, and its last good notebook and post stay as they were; the other
chapters still run. The table is printed in every case, and the exit status is non-zero if any
chapter or post failed.
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from genai_course.profile import current_profile  # noqa: E402
from genai_course.publish.execute import run_chapter  # noqa: E402
from genai_course.publish.posts import PostError, write_post  # noqa: E402


def run_one(notebook: Path, build: Path, timeout: int, profile: str, tag: str) -> tuple[str, float]:
    """Run one chapter and render its post; prints a line as it starts and as it ends."""
    print(f"{tag} ({profile}) ...", flush=True)
    run = run_chapter(notebook, build / "executed", failed_dir=build / "failed", timeout=timeout)
    verdict, detail = "ok", ""
    if not run.ok:
        verdict, detail = "FAILED", run.error + (f" (see {run.executed})" if run.executed else "")
    else:
        try:
            write_post(run.executed, build / "posts", overwrite=True)
        except PostError as exc:
            verdict, detail = "POST FAILED", str(exc)
        except Exception as exc:  # a renderer bug must not stop the other chapters
            verdict, detail = "POST FAILED", f"{type(exc).__name__}: {exc}"
    print(f"{tag} {verdict} in {run.seconds:.1f} s" + (f": {detail}" if detail else ""), flush=True)
    return verdict + (f": {detail}" if detail else ""), run.seconds


def print_table(rows: list[tuple[str, str, str, float]]) -> None:
    width = max([len("chapter")] + [len(name) for name, *_ in rows])
    print(f"\n{'chapter':<{width}}  profile  {'seconds':>7}  status")
    for name, profile, status, seconds in rows:
        print(f"{name:<{width}}  {profile:<7}  {seconds:7.1f}  {status}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--timeout", type=int, default=1800,
                        help="seconds one cell may run (default 1800)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    try:
        profile = current_profile()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    rows, seen = [], {}
    try:
        for number, notebook in enumerate(notebooks, 1):
            tag = f"[{number}/{len(notebooks)}] {notebook.stem}"
            if notebook.name in seen:  # one executed copy and one post per file name
                status, seconds = f"FAILED: same file name as {seen[notebook.name]}", 0.0
                print(f"{tag} {status}", flush=True)
            else:
                seen[notebook.name] = notebook
                status, seconds = run_one(notebook, args.build, args.timeout, profile, tag)
            rows.append((notebook.stem, profile, status, seconds))
    except KeyboardInterrupt:
        done = len(rows)
        rows += [(notebook.stem, profile, "INTERRUPTED" if i == done else "not run", 0.0)
                 for i, notebook in enumerate(notebooks[done:], done)]
    print_table(rows)
    print(f"\nexecuted notebooks: {args.build / 'executed'}\nposts: {args.build / 'posts'}")
    if any(status == "INTERRUPTED" for _, _, status, _ in rows):
        return 130
    return 0 if all(status == "ok" for _, _, status, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
