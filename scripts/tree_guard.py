"""Run a command and fail if it left files in the git working tree that were not there before.

Chapters write under build/ and the stand-in cache only; a stray output folder (a relative
`output_dir`, a notebook saved beside itself) would otherwise go unnoticed until it is committed.
Entries that were already untracked or modified before the command are the user's own and are
ignored. Outside a git checkout the command simply runs.

    python scripts/tree_guard.py -- make-like command and its arguments
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def tree_state() -> set[str] | None:
    """`git status --porcelain` lines (untracked files listed one by one), or None outside git."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO, capture_output=True, text=True,
    )
    return set(status.stdout.splitlines()) if status.returncode == 0 else None


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "--" or len(argv) < 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    before = tree_state()
    try:
        code = subprocess.run(argv[1:], cwd=REPO).returncode
    except KeyboardInterrupt:  # the command got the Ctrl-C too and has stopped
        return 130
    after = tree_state()
    left = sorted(after - before) if before is not None and after is not None else []
    if left:
        command = " ".join(argv[1:])
        print(f"tree_guard: `{command}` left files in the working tree:", file=sys.stderr)
        print("\n".join(f"  {line}" for line in left), file=sys.stderr)
        print("tree_guard: write under OUTPUT_DIR (build/work/<chapter>) instead.", file=sys.stderr)
    return code or (1 if left else 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
