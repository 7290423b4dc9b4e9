#!/usr/bin/env python
"""Render executed chapter notebooks into blog posts laid out for Hugo, Jekyll or Pelican.

    python scripts/render_posts.py build/executed/*.ipynb --out build/posts
        [--format hugo|jekyll|pelican] [--overwrite] [--allow-errors]

hugo: `slug/index.md` page bundles; jekyll: `_posts/DATE-slug.md` + `assets/posts/slug/`;
pelican: `content/slug.md` + `content/images/slug/`. README.md "Publish a chapter" says where they
go.
`--out` keeps a `.render-manifest.json` of the files written for each post: `--overwrite` replaces
only those. A notebook with an error output is refused unless `--allow-errors`.
"""
import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from genai_course.publish.posts import DEFAULT_REPO, ENGINES, PostError, slug_for, write_post  # noqa: E402


def shared_slugs(notebooks: list[Path]) -> dict[Path, str]:
    """A one-line error for each notebook whose slug another one of this call has too."""
    by_slug = defaultdict(list)
    for notebook in dict.fromkeys(notebooks):  # the same file twice is one post
        by_slug[slug_for(notebook)].append(notebook)
    return {notebook: f"{notebook}: the slug {slug!r} is also that of "
                      f"{', '.join(str(other) for other in group if other != notebook)}; rename one"
            for slug, group in by_slug.items() if len(group) > 1 for notebook in group}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path, help="executed .ipynb files")
    parser.add_argument("--out", type=Path, default=Path("build/posts"),
                        help="folder for the posts")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace posts this renderer wrote before")
    parser.add_argument("--format", choices=sorted(ENGINES), default="hugo",
                        help="blog engine to lay posts out for")
    parser.add_argument("--repo", default=DEFAULT_REPO,
                        help="GitHub owner/name for the Colab badge")
    parser.add_argument("--allow-errors", action="store_true",
                        help="publish notebooks whose cells raised errors")
    args = parser.parse_args(argv)
    clashes = shared_slugs(args.notebooks)
    failed = 0
    for notebook in dict.fromkeys(args.notebooks):
        try:
            if notebook in clashes:
                raise PostError(clashes[notebook])
            print(write_post(notebook, args.out, overwrite=args.overwrite, repo=args.repo,
                             engine=args.format, allow_errors=args.allow_errors))
        except PostError as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
