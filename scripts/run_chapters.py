#!/usr/bin/env python
"""Run every chapter in the default profile, render the posts, and print what happened.

    python scripts/run_chapters.py [chapters/NN_*.ipynb ...]

Executed notebooks go to build/executed/, posts to build/posts/. A failing chapter is reported and
the others still run; the exit status is non-zero if any chapter or post failed.
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from genai_course.publish.execute import run_chapter  # noqa: E402
from genai_course.publish.posts import write_post  # noqa: E402
from genai_course.profile import current_profile  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    profile = current_profile()
    rows = []
    for notebook in notebooks:
        print(f"running {notebook.name} ({profile}) ...", flush=True)
        run = run_chapter(notebook, args.build / "executed")
        status = "ok" if run.ok else f"FAILED: {run.error} (see {run.executed})"
        if run.ok:
            try:
                write_post(run.executed, args.build / "posts", overwrite=True)
            except Exception as exc:  # a renderer failure must not stop the other chapters
                status = f"POST FAILED: {type(exc).__name__}: {exc}"
        rows.append((notebook.stem, profile, status, run.seconds))
    width = max(len(r[0]) for r in rows) if rows else 7
    print(f"\n{'chapter':<{width}}  profile  {'seconds':>7}  status")
    for name, prof, status, seconds in rows:
        print(f"{name:<{width}}  {prof:<7}  {seconds:7.1f}  {status}")
    print(f"\nexecuted notebooks: {args.build / 'executed'}\nposts: {args.build / 'posts'}")
    return 0 if all(r[2] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
