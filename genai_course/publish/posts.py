"""Executed notebooks in, blog posts out for Hugo, Jekyll or Pelican: media as files, no notebook junk."""
from __future__ import annotations

import base64
import copy
import datetime as dt
import html
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

import nbformat
import yaml

from ..repository import BRANCH, REPOSITORY, colab_url

COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
DEFAULT_REPO = REPOSITORY
FIGURE_PREFIX = "figure"

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_STYLE_BLOCK = re.compile(r"<style[^>]*>.*?</style>", re.S | re.I)
_PROGRESS = re.compile(r"<progress[^>]*>.*?</progress>|<progress[^>]*/?>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")
_MEDIA_DATA_URI = re.compile(r"""src=["']data:((audio|video)/[\w.+-]+);base64,([^"']+)["']""", re.I)
_HUGO_SHORTCODE = re.compile(r"\{\{<(.*?)>\}\}|\{\{%(.*?)%\}\}", re.S)
_WIDGET_MIMES = {"application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json"}
_MEDIA_SUFFIX = {"audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav", "audio/mpeg": ".mp3",
                 "audio/ogg": ".ogg", "audio/flac": ".flac", "audio/mp4": ".m4a",
                 "video/mp4": ".mp4", "video/webm": ".webm", "video/ogg": ".ogv"}


class PostError(Exception):
    """Bad renderer input or an output that would be overwritten: reported as one line (ch. 01)."""


# ---------------------------------------------------------------- reading


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook, raising PostError with one line for every kind of bad input (ch. 01)."""
    path = Path(path)
    if not path.is_file():
        raise PostError(f"{path}: no such file")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PostError(f"{path}: not a notebook (not JSON: {exc.__class__.__name__})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list) or "nbformat" not in raw:
        raise PostError(f"{path}: not a notebook (no 'cells' list or 'nbformat' field)")
    # Colab saves widget state without its required `state` key, which fails validation; we drop it anyway.
    raw.get("metadata", {}).pop("widgets", None)
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)  # joins multi-line strings too
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise PostError(f"{path}: not a valid notebook ({str(exc).splitlines()[0]})") from None
    return nb


# ---------------------------------------------------------------- cleaning


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes from text outputs and tracebacks (ch. 01)."""
    return _ANSI.sub("", text)


def _collapse_carriage_returns(text: str) -> str:
    # A progress bar redrawn with \r leaves only its last state on a line.
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


class _TableParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows: list[tuple[bool, list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False
        self._row_is_head = False
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables += 1
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row, self._row_is_head = [], self._in_head
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append((self._row_is_head, self._row))
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def html_table_to_markdown(fragment: str) -> str | None:
    """A pandas/fastai HTML table as a markdown table; None when the fragment is not one table (ch. 01)."""
    parser = _TableParser()
    parser.feed(fragment)
    if parser.tables != 1 or not parser.rows:
        return None
    head = [cells for is_head, cells in parser.rows if is_head]
    body = [cells for is_head, cells in parser.rows if not is_head]
    if not head:
        head, body = [body[0]], body[1:]
    width = max(len(cells) for _, cells in parser.rows)
    # pandas writes the index name on a second header row: merge the header rows column by column.
    header = [" ".join(filter(None, column)).strip() for column in zip(*(r + [""] * (width - len(r)) for r in head))]

    def row(cells):
        cells = cells + [""] * (width - len(cells))
        return "| " + " | ".join(html.unescape(c).replace("|", "\\|") for c in cells) + " |"

    lines = [row(header), "|" + "|".join(["---"] * width) + "|"] + [row(cells) for cells in body]
    return "\n".join(lines)


def _clean_html(fragment: str) -> str:
    return _PROGRESS.sub("", _STYLE_BLOCK.sub("", fragment)).strip()


def _media_markdown(fragment: str, key: str, files: dict[str, bytes]) -> str | None:
    # An HTML5 player where the engine passes HTML through, and a plain link that works everywhere.
    match = _MEDIA_DATA_URI.search(fragment)
    if not match:
        return None
    mime, kind, payload = match.group(1).lower(), match.group(2).lower(), match.group(3)
    filename = f"{kind}_{key}{_MEDIA_SUFFIX.get(mime, '.wav' if kind == 'audio' else '.mp4')}"
    files[filename] = base64.b64decode(payload)
    return f'<{kind} controls src="{filename}"></{kind}>\n\n[Download the {kind}]({filename})'


def _clean_output(output, key: str, files: dict[str, bytes]):
    """The output as a post should show it, or None to drop it."""
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") == "stderr":
            return None
        text = _collapse_carriage_returns(strip_ansi(output.get("text", "")))
        return nbformat.v4.new_output("stream", name="stdout", text=text) if text.strip() else None
    if kind == "error":
        traceback = strip_ansi("\n".join(output.get("traceback", [])))
        return nbformat.v4.new_output("stream", name="stdout", text=traceback + "\n")
    data = dict(output.get("data", {}))
    if _WIDGET_MIMES & data.keys():
        return None
    if "image/gif" in data:  # nbconvert's markdown template has no GIF case: link it as a file ourselves
        files[f"image_{key}.gif"] = base64.b64decode("".join(data["image/gif"]))
        return nbformat.v4.new_output("display_data", data={"text/markdown": f"![gif](image_{key}.gif)"})
    if "text/html" in data:
        raw = "".join(data["text/html"])
        fragment = _clean_html(raw)
        markdown = _media_markdown(fragment, key, files) or html_table_to_markdown(fragment)
        if markdown is not None:
            return nbformat.v4.new_output("display_data", data={"text/markdown": markdown})
        if _PROGRESS.search(raw) or not (_TAGS.sub("", fragment).strip() or "<img" in fragment):
            return None  # a progress bar, its counters, or a bare style block
        data["text/html"] = fragment
    # A figure or table says it better than its repr.
    if data.keys() & {"image/png", "image/jpeg", "image/svg+xml", "text/html", "text/markdown"}:
        data.pop("text/plain", None)
    if "text/plain" in data:
        data["text/plain"] = strip_ansi("".join(data["text/plain"]))
    cleaned = copy.deepcopy(output)
    cleaned["data"] = data
    return cleaned


def clean_notebook(nb: nbformat.NotebookNode, files: dict[str, bytes]) -> nbformat.NotebookNode:
    """A copy of `nb` without hidden cells, widgets, progress bars, colour codes and warnings (ch. 01).

    Audio, video and GIFs found in outputs are moved into `files` (name -> bytes) and linked by name.
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = _tags(cell)
        if "remove-cell" in tags:
            continue
        cell.metadata.pop("widgets", None)
        if cell.cell_type == "code":
            if "remove-input" in tags:
                cell.metadata["transient"] = {"remove_source": True}  # what nbconvert's templates honour
            outputs = [] if "remove-output" in tags else cell.outputs
            cleaned = (_clean_output(o, f"{index}_{i}", files) for i, o in enumerate(outputs))
            cell.outputs = [o for o in cleaned if o is not None]
            if "remove-input" in tags and not cell.outputs:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb


# ---------------------------------------------------------------- writing


def slug_for(notebook_path: Path) -> str:
    """`01_blog_post_imitator.ipynb` -> `01-blog-post-imitator` (ch. 01)."""
    return re.sub(r"[^a-z0-9]+", "-", Path(notebook_path).stem.lower()).strip("-")


def post_metadata(nb: nbformat.NotebookNode, notebook_path: Path) -> dict:
    """Frontmatter from the notebook's `post` metadata; title defaults to the first heading, date to today (ch. 01)."""
    meta = dict(nb.metadata.get("post", {}))
    if "title" not in meta:
        heading = next((line for cell in nb.cells if cell.cell_type == "markdown"
                        for line in cell.source.splitlines() if line.startswith("# ")), None)
        meta["title"] = heading[2:].strip() if heading else Path(notebook_path).stem
    date = meta.get("date", dt.date.today())  # Jekyll names post files by date; Pelican skips undated posts
    meta["date"] = date.isoformat() if isinstance(date, (dt.date, dt.datetime)) else str(date)
    front = {"title": meta["title"]}
    for key in ("date", "description", "tags", "draft"):
        if key in meta:
            front[key] = meta[key]
    front.setdefault("draft", False)
    return front


def colab_badge(notebook_path: Path, repo: str = DEFAULT_REPO, branch: str = BRANCH) -> str:
    """The markdown 'Open in Colab' badge for a chapter (ch. 01)."""
    url = colab_url(Path(notebook_path).name, repo, branch)
    return f"[![Open In Colab]({COLAB_BADGE})]({url})"


def _drop_title_heading(body: str, title: str) -> str:
    # The engine prints the frontmatter title; a second H1 with the same words would repeat it.
    lines = body.lstrip("\n").splitlines()
    if lines and lines[0].strip() == f"# {title}":
        lines = lines[1:]
    return "\n".join(lines).strip("\n") + "\n"


def _yaml_block(front: dict) -> str:
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True).strip() + "\n---\n\n"


def hugo_frontmatter(front: dict, slug: str) -> str:
    """YAML frontmatter as Hugo reads it (ch. 01)."""
    return _yaml_block(front)


def jekyll_frontmatter(front: dict, slug: str) -> str:
    """YAML front matter for Jekyll's `post` layout; drafts become `published: false` (ch. 01)."""
    fields = {"layout": "post", **{k: v for k, v in front.items() if k != "draft"}}
    # Jekyll's automatic excerpt cuts the body at its first blank line, inside the raw block: use the description.
    fields["excerpt_separator"] = ""
    if "description" in front:
        fields["excerpt"] = front["description"]
    if front.get("draft"):
        fields["published"] = False
    return _yaml_block(fields)


def pelican_frontmatter(front: dict, slug: str) -> str:
    """Pelican's `Key: value` metadata lines; drafts get `Status: draft` (ch. 01)."""
    lines = {"Title": front["title"], "Date": front["date"], "Slug": slug,
             "Tags": ", ".join(map(str, front.get("tags", []))), "Summary": front.get("description", ""),
             "Status": "draft" if front.get("draft") else "published"}
    return "".join(f"{key}: {' '.join(str(value).split())}\n" for key, value in lines.items() if value) + "\n"


def escape_hugo_shortcodes(body: str) -> str:
    """Turn `{{< x >}}` and `{{% x %}}` into Hugo's comment form, which it prints literally (ch. 01)."""
    escaped = _HUGO_SHORTCODE.sub(lambda m: "{{</*" + m[1] + "*/>}}" if m[1] is not None
                                  else "{{%/*" + m[2] + "*/%}}", body)
    # Hugo fails the whole site on an opener without its closer, and has no way to print one literally.
    lone = re.search(r"\{\{[<%](?!/\*).*", escaped)
    if lone:
        raise PostError(f"Hugo cannot show an unclosed shortcode opener literally: {lone[0][:60]!r}")
    return escaped


def jekyll_raw(body: str) -> str:
    """Wrap the body in `{% raw %}` so Liquid leaves code with `{{ }}` or `{% %}` alone (ch. 01)."""
    # An `endraw` in the body would end the block early: print its `{%` from outside the block instead.
    body = re.sub(r"\{%(-?\s*endraw\s*-?%\})", r'{% endraw %}{{ "{%" }}\1{% raw %}', body)
    return "{% raw %}\n" + body + "{% endraw %}\n"


def jekyll_link(slug: str, name: str) -> str:
    """A file in assets/posts/<slug>/ through `relative_url`, so a site's `baseurl` works (ch. 01)."""
    # The body is one raw block: Liquid runs on the link only if we step out of the block and back in.
    return "{% endraw %}{{ '/assets/posts/" + slug + "/" + name + "' | relative_url }}{% raw %}"


@dataclass(frozen=True)
class Engine:
    """What differs between blog engines: where a post and its files go, how it links them, its metadata (ch. 01)."""

    post: str  # path of the markdown file under the output folder; {slug} and {date} are filled in
    files: str  # folder of the post's figures and media; may hold the markdown file too
    link: Callable[[str, str], str]  # (slug, file name) -> link target as written in the markdown
    frontmatter: Callable[[dict, str], str]
    protect: Callable[[str], str]  # keeps the engine's template syntax in code from being run


ENGINES = {
    "hugo": Engine("{slug}/index.md", "{slug}", lambda slug, name: name, hugo_frontmatter, escape_hugo_shortcodes),
    "jekyll": Engine("_posts/{date}-{slug}.md", "assets/posts/{slug}", jekyll_link, jekyll_frontmatter, jekyll_raw),
    # Pelican copies content/images/ as static files out of the box: no settings to change.
    "pelican": Engine("content/{slug}.md", "content/images/{slug}",
                      lambda slug, name: f"{{static}}/images/{slug}/{name}", pelican_frontmatter, lambda body: body),
}


def relink(body: str, names, link: Callable[[str], str]) -> str:
    """Point markdown links and `src` attributes at `names` through the engine's link style (ch. 01)."""
    for name in names:
        body = re.sub(rf'(\]\(|src="){re.escape(name)}([)"])', lambda m: m.group(1) + link(name) + m.group(2), body)
    return body


def notebook_to_markdown(nb: nbformat.NotebookNode, notebook_path: Path, repo: str = DEFAULT_REPO,
                         engine: str = "hugo"):
    """Render a notebook to (markdown text, {filename: bytes}) for a Hugo, Jekyll or Pelican post (ch. 01)."""
    from nbconvert import MarkdownExporter

    files: dict[str, bytes] = {}
    cleaned = clean_notebook(nb, files)
    exporter = MarkdownExporter()  # extracts figures to files by default
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    resources = {"unique_key": FIGURE_PREFIX, "output_files_dir": ""}
    body, resources = exporter.from_notebook_node(cleaned, resources=resources)
    files.update(resources.get("outputs", {}))
    front = post_metadata(nb, notebook_path)
    body = _drop_title_heading(body, front["title"])
    if COLAB_BADGE not in body:
        body = colab_badge(notebook_path, repo) + "\n\n" + body
    style, slug = ENGINES[engine], slug_for(notebook_path)
    body = relink(style.protect(body), files, lambda name: style.link(slug, name))
    return style.frontmatter(front, slug) + body, files


def _post_paths(engine: str, slug: str, date: str) -> tuple[str, str]:
    style = ENGINES[engine]
    return style.post.format(slug=slug, date=date), style.files.format(slug=slug)


def write_post(notebook_path: Path, out_dir: Path, *, overwrite: bool = False, repo: str = DEFAULT_REPO,
               engine: str = "hugo") -> Path:
    """Render one executed notebook into the engine's layout under `out_dir`, atomically; returns the markdown (ch. 01).

    Nothing is written when rendering fails, and an existing post (any date, for Jekyll) is only replaced
    with `overwrite`.
    """
    nb = read_notebook(notebook_path)
    out, slug = Path(out_dir), slug_for(notebook_path)
    post, folder = _post_paths(engine, slug, post_metadata(nb, notebook_path)["date"][:10])
    inside = Path(post).is_relative_to(folder)
    old_posts = [] if inside else out.glob(_post_paths(engine, slug, "[0-9]" * 4 + "-[0-9][0-9]" * 2)[0])
    existing = [path for path in [out / folder, *old_posts] if path.exists()]
    if existing and not overwrite:
        raise PostError(f"{existing[-1]} exists; pass --overwrite to replace it")
    markdown, files = notebook_to_markdown(nb, notebook_path, repo, engine)
    parts = ([folder] if files or inside else []) + ([] if inside else [post])
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}-", dir=out))
    try:
        (staging / folder).mkdir(parents=True, exist_ok=True)
        (staging / post).parent.mkdir(parents=True, exist_ok=True)
        (staging / post).write_text(markdown, encoding="utf-8")
        for name, payload in files.items():
            (staging / folder / name).write_bytes(payload if isinstance(payload, bytes) else payload.encode())
        for path in existing:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        # Everything is on disk by now; what is left are renames within one file system.
        for part in parts:
            (out / part).parent.mkdir(parents=True, exist_ok=True)
            (staging / part).rename(out / part)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / post
