#!/usr/bin/env python
"""Render executed chapter notebooks into blog posts laid out for Hugo, Jekyll or Pelican.

    python scripts/render_posts.py build/executed/*.ipynb --out build/posts [--format hugo|jekyll|pelican] [--overwrite]

hugo: `slug/index.md` page bundles; jekyll: `_posts/DATE-slug.md` + `assets/posts/slug/`;
pelican: `content/slug.md` + `content/images/slug/`. README.md "Publish a chapter" says where they go.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from genai_course.publish.posts import DEFAULT_REPO, ENGINES, PostError, write_post  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="executed .ipynb files")
    parser.add_argument("--out", type=Path, default=Path("build/posts"), help="folder for the posts")
    parser.add_argument("--overwrite", action="store_true", help="replace posts that already exist")
    parser.add_argument("--format", choices=sorted(ENGINES), default="hugo", help="blog engine to lay posts out for")
    parser.add_argument("--repo", default=DEFAULT_REPO, help="GitHub owner/name for the Colab badge")
    args = parser.parse_args(argv)
    failed = 0
    for notebook in args.notebooks:
        try:
            print(write_post(notebook, args.out, overwrite=args.overwrite, repo=args.repo, engine=args.format))
        except PostError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
