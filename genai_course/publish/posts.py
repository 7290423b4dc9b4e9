"""Executed notebooks in, posts out for Hugo, Jekyll or Pelican: media as files, no junk."""
from __future__ import annotations

import base64
import copy
import datetime as dt
import hashlib
import html
import json
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

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
_HUGO_ESCAPED = re.compile(r"\{\{</\*.*?\*/>\}\}|\{\{%/\*.*?\*/%\}\}", re.S)
_LIQUID_OPENER = re.compile(r"\{[{%]")
# A `{` or `|` opening a URL in an HTML attribute or a markdown link: Pelican's {static} syntax.
_PELICAN_LINK = re.compile(r"""(=\s*["']|\]\(\s*|^\s*\[[^\]]+\]:\s*)([{|])""", re.M)
MANIFEST = ".render-manifest.json"  # in the output folder: the files written for each post
_WIDGET_MIMES = {"application/vnd.jupyter.widget-view+json",
                 "application/vnd.jupyter.widget-state+json"}
_MEDIA_SUFFIX = {"audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav",
                 "audio/mpeg": ".mp3", "audio/ogg": ".ogg", "audio/flac": ".flac",
                 "audio/mp4": ".m4a",
                 "video/mp4": ".mp4", "video/webm": ".webm", "video/ogg": ".ogv"}


class PostError(Exception):
    """Bad renderer input or an output that would be overwritten: reported as one line."""


# ---------------------------------------------------------------- reading


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read and validate a notebook, raising PostError with one line for every kind of bad input."""
    path = Path(path)
    if path.is_dir():
        raise PostError(f"{path}: a folder, not a notebook")
    if not path.is_file():
        raise PostError(f"{path}: no such file")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PostError(f"{path}: not a notebook (not JSON: {exc.__class__.__name__})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list) or "nbformat" not in raw:
        raise PostError(f"{path}: not a notebook (no 'cells' list or 'nbformat' field)")
    # Colab saves widget state without its required `state` key, which fails validation; we drop
    # it anyway.
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
    """Remove terminal colour codes from text outputs and tracebacks."""
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
    """A pandas/fastai HTML table as a markdown table; None when the fragment is not one table."""
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
    padded = (r + [""] * (width - len(r)) for r in head)
    header = [" ".join(filter(None, column)).strip() for column in zip(*padded)]

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
    # nbconvert's markdown template has no GIF case: link it as a file ourselves
    if "image/gif" in data:
        files[f"image_{key}.gif"] = base64.b64decode("".join(data["image/gif"]))
        link = f"![gif](image_{key}.gif)"
        return nbformat.v4.new_output("display_data", data={"text/markdown": link})
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
    """A copy of `nb` without hidden cells, widgets, progress bars, colour codes and warnings.

    Audio, video and GIFs found in outputs are moved into `files` (name -> bytes) and linked by
    name.
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
                # what nbconvert's templates honour
                cell.metadata["transient"] = {"remove_source": True}
            outputs = [] if "remove-output" in tags else cell.outputs
            cleaned = (_clean_output(o, f"{index}_{i}", files) for i, o in enumerate(outputs))
            cell.outputs = [o for o in cleaned if o is not None]
            if "remove-input" in tags and not cell.outputs:
                continue
        cells.append(cell)
    nb.cells = cells
    return nb


# ---------------------------------------------------------------- checking


def failed_cells(nb: nbformat.NotebookNode):
    """(cell number from 1, error output) for each error of a cell not tagged `raises-exception`."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "raises-exception" not in _tags(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    yield index + 1, output


def refuse_errors(nb: nbformat.NotebookNode, notebook_path: Path) -> None:
    """Raise PostError when a cell failed: a post must not publish a failure as the story."""
    for number, error in failed_cells(nb):
        message = str(error.get("evalue", "")).strip().splitlines()
        raise PostError(f"{notebook_path}: cell {number} raised {error.get('ename', 'an error')}"
                        f"{': ' + message[0][:120] if message else ''}; pass --allow-errors to "
                        "publish it anyway, or tag the cell raises-exception if the error is the "
                        "point")


# ---------------------------------------------------------------- writing


def slug_for(notebook_path: Path) -> str:
    """`01_blog_post_imitator.ipynb` -> `01-blog-post-imitator`; never empty.

    Accents are dropped (`Ünïcödé` -> `unicode`); a name with no ASCII letter or digit at all
    (`日本語.ipynb`) gets `post-` and a short hash of the name, so two such names stay apart.
    """
    stem = Path(notebook_path).stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")
    return slug or "post-" + hashlib.sha256(stem.encode()).hexdigest()[:8]


def _iso_date(value, notebook_path: Path) -> str:
    """The post date as ISO 8601 text; anything else is refused: Jekyll names the file by it."""
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value).strip()
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            return parse(text).isoformat()
        except ValueError:
            continue
    raise PostError(f"{notebook_path}: the post date {value!r} is not a date "
                    "(YYYY-MM-DD, optionally with a time)")


def post_metadata(nb: nbformat.NotebookNode, notebook_path: Path) -> dict:
    """Frontmatter from the notebook's `post` metadata; title defaults to the first heading, date to
    today."""
    meta = dict(nb.metadata.get("post", {}))
    if "title" not in meta:
        heading = next((line for cell in nb.cells if cell.cell_type == "markdown"
                        for line in cell.source.splitlines() if line.startswith("# ")), None)
        meta["title"] = heading[2:].strip() if heading else Path(notebook_path).stem
    # Jekyll names post files by date; Pelican skips undated posts
    meta["date"] = _iso_date(meta.get("date", dt.date.today()), notebook_path)
    if isinstance(meta.get("tags"), str):  # "a, b" written for a list
        meta["tags"] = [tag.strip() for tag in meta["tags"].split(",") if tag.strip()]
    front = {"title": meta["title"]}
    for key in ("date", "description", "tags", "draft"):
        if key in meta:
            front[key] = meta[key]
    front.setdefault("draft", False)
    return front


def colab_badge(notebook_path: Path, repo: str = DEFAULT_REPO, branch: str = BRANCH) -> str:
    """The markdown 'Open in Colab' badge for a chapter."""
    url = colab_url(Path(notebook_path).name, repo, branch)
    return f"[![Open In Colab]({COLAB_BADGE})]({url})"


def _drop_title_heading(body: str, title: str) -> str:
    # The engine prints the frontmatter title; a second H1 with the same words would repeat it.
    lines = body.lstrip("\n").splitlines()
    if lines and lines[0].strip() == f"# {title}":
        lines = lines[1:]
    return "\n".join(lines).strip("\n") + "\n"


def _yaml_block(front: dict) -> str:
    fields = yaml.safe_dump(front, sort_keys=False, allow_unicode=True).strip()
    return "---\n" + fields + "\n---\n\n"


def hugo_frontmatter(front: dict, slug: str) -> str:
    """YAML frontmatter as Hugo reads it."""
    return _yaml_block(front)


def jekyll_frontmatter(front: dict, slug: str) -> str:
    """YAML front matter for Jekyll's `post` layout; drafts become `published: false`."""
    fields = {"layout": "post", **{k: v for k, v in front.items() if k != "draft"}}
    # The description makes a better excerpt than Jekyll's default, the first paragraph (the badge).
    fields["excerpt_separator"] = ""
    if "description" in front:
        fields["excerpt"] = front["description"]
    if front.get("draft"):
        fields["published"] = False
    return _yaml_block(fields)


def pelican_frontmatter(front: dict, slug: str) -> str:
    """Pelican's `Key: value` metadata lines; drafts get `Status: draft`."""
    lines = {"Title": front["title"], "Date": front["date"], "Slug": slug,
             "Tags": ", ".join(map(str, front.get("tags", []))),
             "Summary": front.get("description", ""),
             "Status": "draft" if front.get("draft") else "published"}
    return "".join(f"{key}: {' '.join(str(value).split())}\n"
                   for key, value in lines.items() if value) + "\n"


def escape_hugo_shortcodes(body: str) -> str:
    """Turn `{{< x >}}` and `{{% x %}}` into Hugo's comment form, which it prints literally."""
    escaped = _HUGO_SHORTCODE.sub(lambda m: "{{</*" + m[1] + "*/>}}" if m[1] is not None
                                  else "{{%/*" + m[2] + "*/%}}", body)
    # Hugo fails the whole site on an opener without its closer (a comment opener included), and
    # has no way to print one literally.
    lone = re.search(r"\{\{[<%].*", _HUGO_ESCAPED.sub("", escaped))
    if lone:
        raise PostError(f"Hugo cannot show an unclosed shortcode opener literally: "
                        f"{lone[0][:60]!r}")
    return escaped


def escape_liquid(body: str) -> str:
    """Print every `{{` and `{%` through Liquid itself, so no text can open (or close) a tag.

    `{% raw %}` around the body would not do: any `{% endraw ... %}` in an output ends it early.
    """
    return _LIQUID_OPENER.sub(lambda m: '{{ "' + m[0] + '" }}', body)


def jekyll_link(slug: str, name: str) -> str:
    """A file in assets/posts/<slug>/ through `relative_url`, so a site's `baseurl` works."""
    return "{{ '/assets/posts/" + slug + "/" + name + "' | relative_url }}"


def kramdown_markdown_output(mime: str, text: str) -> str:
    """Keep kramdown's `{::comment}`-style extensions in a markdown output from hiding the post."""
    return text.replace("{:", "\\{:") if mime == "text/markdown" else text


def pelican_output_links(mime: str, text: str) -> str:
    """Percent-encode a `{`/`|` opening a link in an output: Pelican would read it as `{static}`."""
    return _PELICAN_LINK.sub(lambda m: m[1] + ("%7B" if m[2] == "{" else "%7C"), text)


@dataclass(frozen=True)
class Engine:
    """What differs between blog engines: where a post and its files go, how it links them, its
    metadata, and how it keeps its template syntax in text from running."""

    post: str  # path of the markdown file under the output folder; {slug} and {date} are filled in
    files: str  # folder of the post's figures and media; may hold the markdown file too
    link: Callable[[str, str], str]  # (slug, file name) -> link target as written in the markdown
    frontmatter: Callable[[dict, str], str]
    protect: Callable[[str], str]  # keeps the engine's template syntax in the body from being run
    # (mime, an HTML or markdown output) -> the same output in a form the engine leaves alone
    protect_output: Callable[[str, str], str]


ENGINES = {
    "hugo": Engine("{slug}/index.md", "{slug}", lambda slug, name: name, hugo_frontmatter,
                   escape_hugo_shortcodes, lambda mime, text: text),
    "jekyll": Engine("_posts/{date}-{slug}.md", "assets/posts/{slug}", jekyll_link,
                     jekyll_frontmatter,
                     escape_liquid, kramdown_markdown_output),
    # Pelican copies content/images/ as static files out of the box: no settings to change.
    "pelican": Engine("content/{slug}.md", "content/images/{slug}",
                      lambda slug, name: f"{{static}}/images/{slug}/{name}", pelican_frontmatter,
                      lambda body: body, pelican_output_links),
}


def relink(body: str, names, link: Callable[[str], str]) -> str:
    """Point markdown links and `src` attributes at `names` through the engine's link style."""
    for name in names:
        target = link(name)
        body = re.sub(rf'(\]\(|src="){re.escape(name)}([)"])',
                      lambda m, target=target: m.group(1) + target + m.group(2), body)
    return body


def _protect_outputs(nb: nbformat.NotebookNode, protect: Callable[[str, str], str]) -> None:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime in ("text/html", "text/markdown"):
                if mime in output.get("data", {}):
                    output["data"][mime] = protect(mime, "".join(output["data"][mime]))


def notebook_to_markdown(nb: nbformat.NotebookNode, notebook_path: Path, repo: str = DEFAULT_REPO,
                         engine: str = "hugo"):
    """Render a notebook to (markdown, {filename: bytes}) for a Hugo, Jekyll or Pelican post."""
    from nbconvert import MarkdownExporter

    files: dict[str, bytes] = {}
    style, slug = ENGINES[engine], slug_for(notebook_path)
    cleaned = clean_notebook(nb, files)
    _protect_outputs(cleaned, style.protect_output)
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
    body = relink(style.protect(body), files, lambda name: style.link(slug, name))
    return style.frontmatter(front, slug) + body, files


# ---------------------------------------------------------------- what the renderer owns


def _read_manifest(out: Path) -> dict:
    path = out / MANIFEST
    if not path.is_file():
        return {"posts": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(manifest["posts"], dict)
        return manifest
    except (ValueError, KeyError, TypeError, AssertionError):
        raise PostError(f"{path} is damaged: without it the renderer cannot tell its files from "
                        "yours; move the posts you want to keep and delete that folder") from None


def _write_manifest(out: Path, manifest: dict) -> None:
    partial = out / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(out / MANIFEST)


def _confined(out: Path, relative: str) -> Path:
    path = (out / relative).resolve()
    if not path.is_relative_to(out.resolve()):
        raise PostError(f"{relative} would be written outside {out}")
    return path


def _plan(out: Path, key: str, notebook_path: Path, planned: list[str], manifest: dict,
          overwrite: bool) -> set[str]:
    """The files of this post's last render, after checking that writing `planned` loses nothing."""
    entry = manifest["posts"].get(key)
    if entry and entry["notebook"] != Path(notebook_path).name:
        raise PostError(f"{out / entry['post']} is the post of {entry['notebook']}, and "
                        f"{Path(notebook_path).name} has the same slug; rename one notebook")
    previous = set(entry["files"]) if entry else set()
    if previous and not overwrite:
        raise PostError(f"{out / entry['post']} exists; pass --overwrite to replace it")
    owners = {name: other for other, record in manifest["posts"].items() if other != key
              for name in record["files"]}
    for name in planned:
        path = _confined(out, name)
        blocking = next((p for p in path.parents if p.is_relative_to(out.resolve())
                         and p.exists() and not p.is_dir()), None)
        if blocking is not None:
            raise PostError(f"{blocking} is a file where the post needs a folder; move it away")
        if name in owners:
            raise PostError(f"{path} belongs to the post {owners[name]}; rename one of the "
                            "notebooks")
        if name not in previous and (path.exists() or path.is_symlink()):
            raise PostError(f"{path} exists and was not written by the renderer; move it away")
    return previous


def _remove(out: Path, names) -> None:
    root = out.resolve()
    for name in names:
        path = _confined(out, name)  # a hand-edited manifest must not reach outside `out`
        path.unlink(missing_ok=True)
        for folder in path.parents:  # folders our removals emptied; never `out` or above
            if folder == root or not folder.is_relative_to(root) or any(folder.iterdir()):
                break
            folder.rmdir()


def write_post(notebook_path: Path, out_dir: Path, *, overwrite: bool = False,
               repo: str = DEFAULT_REPO, engine: str = "hugo", allow_errors: bool = False) -> Path:
    """Render one executed notebook into the engine's layout under `out_dir`; returns the post.

    A notebook with an error output is refused unless `allow_errors` (or the cell is tagged
    `raises-exception`). `out_dir/.render-manifest.json` lists the files written for each post:
    `overwrite` replaces those and removes the ones a new render no longer makes, and nothing else
    is ever replaced or removed. Nothing is written when rendering fails.
    """
    nb = read_notebook(notebook_path)
    if not allow_errors:
        refuse_errors(nb, notebook_path)
    out, slug = Path(out_dir), slug_for(notebook_path)
    if out.exists() and not out.is_dir():
        raise PostError(f"{out} is a file, not a folder for posts")
    style = ENGINES[engine]
    post = style.post.format(slug=slug, date=post_metadata(nb, notebook_path)["date"][:10])
    folder = style.files.format(slug=slug)
    manifest, key = _read_manifest(out), f"{engine}:{slug}"
    markdown, files = notebook_to_markdown(nb, notebook_path, repo, engine)
    for name in files:
        if name in ("", ".", "..") or Path(name).name != name:
            raise PostError(f"{notebook_path}: an output file is named {name!r}; names must not "
                            "hold folders")
    payloads = {post: markdown.encode("utf-8"),
                **{f"{folder}/{name}": data if isinstance(data, bytes) else data.encode()
                   for name, data in files.items()}}
    previous = _plan(out, key, notebook_path, list(payloads), manifest, overwrite)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{slug}-", dir=out))
    try:
        for index, payload in enumerate(payloads.values()):
            (staging / str(index)).write_bytes(payload)
        # Listed before anything moves: an interrupted render leaves no file the renderer disowns.
        record = {"notebook": Path(notebook_path).name, "post": post, "files": sorted(payloads)}
        manifest["posts"][key] = {**record, "files": sorted(previous | set(payloads))}
        _write_manifest(out, manifest)
        for index, name in enumerate(payloads):
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / str(index)).replace(out / name)
        _remove(out, previous - set(payloads))
        manifest["posts"][key] = record
        _write_manifest(out, manifest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out / post
