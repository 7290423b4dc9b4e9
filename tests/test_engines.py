"""Posts built by the real engines (Hugo, Jekyll, Pelican), and Hugo pages in headless Chromium.

Builds every post from tests/fixtures/*.ipynb (media.ipynb and messy.ipynb are made by the scripts
beside them; 01_blog_post_imitator.ipynb is chapter 01 executed in smoke, rewritten by
`make refresh CHAPTERS=chapters/01_blog_post_imitator.ipynb`, checked to have the chapter's cells)
plus the executed chapters in $GENAI_EXECUTED_DIR (default build/executed, written by `make run`),
which win over a fixture of the same name.
Engines missing from the machine are skipped loudly; scripts/install_engines.sh installs them
(CI does).
"""

import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import warnings
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse
from urllib.request import urlopen

import pytest

from genai_course.browser import DevTools as _DevTools
from genai_course.browser import chromium as start_chromium
from genai_course.publish.posts import (
    ENGINES,
    PostError,
    clean_notebook,
    escape_hugo_shortcodes,
    post_metadata,
    read_notebook,
    slug_for,
    write_post,
)

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = Path(os.environ.get("GENAI_EXECUTED_DIR", ROOT / "build" / "executed"))
NOTEBOOKS = sorted(
    {
        nb.name: nb
        for nb in [
            *(ROOT / "tests" / "fixtures").glob("*.ipynb"),
            *EXECUTED.glob("[0-9][0-9]_*.ipynb"),
        ]
    }.values()
)
JEKYLL_BASEURL = "/blog"  # proves asset links go through relative_url
PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
    "<title>{title}</title></head>"
    "<body><h1>{title}</h1>{content}</body></html>\n"
)
# Anything of this kind in a log means a broken post; engines word it differently.
LOG_PROBLEM = re.compile(r"warn|error|not found|unable to find|missing|deprecat", re.I)


def _need(binary: str, package: str) -> str:
    path = shutil.which(binary)
    if path is None:
        message = (
            f"!!! {binary} is not installed: `apt-get install -y {package}` (or run "
            f"scripts/install_engines.sh as root); the {binary} checks of the rendered posts "
            "did NOT run !!!"
        )
        warnings.warn(
            message, stacklevel=2
        )  # the warnings summary shows without -rs, unlike skip reasons
        pytest.skip(message)
    return path


def _run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"{command[0]} failed:\n{log}"
    return log


def _build_hugo(site: Path, posts: Path, unsafe: bool = True) -> tuple[Path, str]:
    hugo = _need("hugo", "hugo")
    (site / "hugo.toml").write_text(
        'baseURL = "http://127.0.0.1/"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        # the README's recipe: goldmark passes the <audio>/<video> players through
        f"[markup.goldmark.renderer]\nunsafe = {str(unsafe).lower()}\n"
    )
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(PAGE.format(title="{{ .Title }}", content="{{ .Content }}"))
    shutil.copytree(posts, site / "content" / "posts")
    log = _run(
        [
            hugo,
            "--buildDrafts",
            "--panicOnWarning",
            "--printPathWarnings",
            "--destination",
            "public",
        ],
        site,
    )
    return site / "public", log


def _build_jekyll(site: Path, posts: Path) -> tuple[Path, str]:
    jekyll = _need("jekyll", "jekyll")
    (site / "_config.yml").write_text(
        f"baseurl: {JEKYLL_BASEURL}\npermalink: /posts/:slug/\nmarkdown: kramdown\n"
        "liquid:\n  error_mode: strict\n  strict_filters: true\n"
    )
    (site / "_layouts").mkdir()
    (site / "_layouts" / "post.html").write_text(
        PAGE.format(title="{{ page.title }}", content="{{ content }}")
    )
    shutil.copytree(posts, site, dirs_exist_ok=True)
    log = _run(
        [
            jekyll,
            "build",
            "--unpublished",
            "--future",
            "--strict_front_matter",
            "--destination",
            "_site",
        ],
        site,
    )
    return site / "_site", log


def _build_pelican(site: Path, posts: Path) -> tuple[Path, str]:
    pytest.importorskip(
        "pelican", reason="!!! pelican is not installed: it is in requirements.txt !!!"
    )
    (site / "pelicanconf.py").write_text(
        'SITENAME = "test"\nSITEURL = ""\nTIMEZONE = "UTC"\nDEFAULT_LANG = "en"\n'
        "RELATIVE_URLS = True\n"
        'THEME = "simple"\n'
        "FEED_ALL_ATOM = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = "
        "AUTHOR_FEED_RSS = None\n"
    )
    shutil.copytree(posts, site, dirs_exist_ok=True)
    log = _run(
        [
            sys.executable,
            "-m",
            "pelican",
            "content",
            "--settings",
            "pelicanconf.py",
            "--output",
            "output",
            "--fatal",
            "warnings",
        ],
        site,
    )
    return site / "output", log


BUILDERS = {"hugo": _build_hugo, "jekyll": _build_jekyll, "pelican": _build_pelican}


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def site(request, tmp_path_factory):
    """One site per engine with every rendered post: (engine, output folder, log, {slug: files})."""
    engine = request.param
    posts = tmp_path_factory.mktemp(f"{engine}-posts")
    files = {}
    for notebook in NOTEBOOKS:
        write_post(notebook, posts, engine=engine)
        folder = posts / ENGINES[engine].files.format(slug=slug_for(notebook))
        files[slug_for(notebook)] = sorted(
            p.name for p in folder.glob("*") if not p.name.endswith(".md")
        )
    started = time.perf_counter()
    output, log = BUILDERS[engine](tmp_path_factory.mktemp(f"{engine}-site"), posts)
    print(f"{engine}: built {len(NOTEBOOKS)} posts in {time.perf_counter() - started:.1f} s")
    return engine, output, log, files


def _page(engine: str, output: Path, notebook: Path) -> Path:
    slug, draft = slug_for(notebook), post_metadata(read_notebook(notebook), notebook).get("draft")
    if engine == "pelican":
        return output / ("drafts" if draft else "") / f"{slug}.html"
    return output / "posts" / slug / "index.html"


def _local_links(page: Path, output: Path, markup: str, base: str) -> dict[str, Path]:
    """Every on-site src/href on the page, mapped to the file the server would send."""
    url = "/" + page.relative_to(output).as_posix()
    links = {}
    for link in re.findall(r'(?:src|href)="([^"]+)"', markup):
        target = urlparse(urljoin(base + url, html.unescape(link)))
        if (
            target.scheme in ("", "http")
            and target.netloc in ("", "127.0.0.1")
            and not link.startswith("data:")
        ):
            path = unquote(target.path)
            path = path[len(base) :] if base and path.startswith(base) else path
            links[link] = output / path.lstrip("/") / ("index.html" if path.endswith("/") else "")
    return links


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_engine_log_is_clean(site):
    engine, _, log, _ = site
    assert not [line for line in log.splitlines() if LOG_PROBLEM.search(line)], (
        f"{engine} complained:\n{log}"
    )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_built_page(site, notebook):
    engine, output, _, files = site
    page = _page(engine, output, notebook)
    assert page.is_file(), f"{engine} did not build {page.relative_to(output)}"
    markup = page.read_text(encoding="utf-8")
    nb = read_notebook(notebook)
    assert html.escape(post_metadata(nb, notebook)["title"], quote=False) in markup

    outside_code = re.sub(r"<pre[^>]*>.*?</pre>|<code[^>]*>.*?</code>", "", markup, flags=re.S)
    links = _local_links(page, output, outside_code, JEKYLL_BASEURL if engine == "jekyll" else "")
    broken = sorted(link for link, path in links.items() if not path.is_file())
    assert not broken, f"{engine}: links to missing files: {broken}"
    served = {path.name for path in links.values()}
    for name in files[slug_for(notebook)]:
        assert name in served, f"{engine}: {name} is not linked from the page"
        if name.endswith((".wav", ".mp3", ".ogg", ".flac", ".m4a", ".mp4", ".webm", ".ogv")):
            kind = "video" if name.endswith((".mp4", ".webm", ".ogv")) else "audio"
            assert re.search(rf'<{kind} controls(="")? src="[^"]*{re.escape(name)}"', markup), (
                f"no {kind} player"
            )
            assert re.search(rf'<a href="[^"]*{re.escape(name)}">Download the {kind}</a>', markup)

    text = _text(markup)
    cleaned = clean_notebook(nb, {})
    for cell in cleaned.cells:
        if cell.cell_type == "code" and "remove_source" not in cell.metadata.get("transient", {}):
            for line in cell.source.splitlines():
                assert line.strip() in text, f"{engine}: code line lost: {line!r}"
    if any(
        "|---|" in "".join(o.get("data", {}).get("text/markdown", ""))
        for c in cleaned.cells
        for o in c.get("outputs", [])
    ):
        assert "<table" in markup

    # template syntax, our escapes of it, and notebook junk may show in code blocks only
    for leak in (
        "{{<",
        "{{%",
        "{%",
        "*/>}}",
        "{static}",
        "{attach}",
        "<style",
        "widget-view",
        "vnd.jupyter",
    ):
        assert leak not in outside_code, f"{engine}: {leak!r} leaked into the page"


def test_template_syntax_survives_as_code(site):
    engine, output, _, _ = site
    notebook = ROOT / "tests" / "fixtures" / "media.ipynb"
    text = _text(_page(engine, output, notebook).read_text(encoding="utf-8"))
    assert "Prose may say {{ name }} too." in text
    for printed in (
        '{{< figure src="x.png" >}} and {{% note %}}',
        "{{ page.title }} {% include x.html %}",
        '{% raw %} Liquid {%- endraw -%} and {{ "{% endraw %}" }}',
    ):
        assert text.count(printed) == 2, (
            f"{engine} changed {printed!r}"
        )  # in the code and in its output
    messy = _text(
        _page(engine, output, ROOT / "tests" / "fixtures" / "messy.ipynb").read_text(
            encoding="utf-8"
        )
    )
    assert messy.count("{{ liquid }} and {% tag %} survive as code") == 2  # the code and its output


def test_hugo_prints_escaped_shortcodes_literally(tmp_path):
    lines = [
        'a = "{{< figure src=x >}}"',
        'b = "{{% note %}} multi',
        'line {{% /note %}}"',
        'c = "{{</* already escaped */>}}"',
        'd = "lone closers >}} %}}"',
    ]
    posts = tmp_path / "posts" / "tricky"
    posts.mkdir(parents=True)
    body = escape_hugo_shortcodes("```python\n" + "\n".join(lines) + "\n```\n")
    (posts / "index.md").write_text("---\ntitle: Tricky\n---\n\n" + body, encoding="utf-8")
    (tmp_path / "site").mkdir()
    output, _ = _build_hugo(tmp_path / "site", tmp_path / "posts")
    text = _text((output / "posts" / "tricky" / "index.html").read_text(encoding="utf-8"))
    assert all(line in text for line in lines), text
    with pytest.raises(PostError, match="unclosed shortcode opener"):
        escape_hugo_shortcodes('x = "{{<"  # Hugo would fail the whole site')


def test_hugo_default_config_still_links_media(tmp_path):
    """Without `unsafe = true` Hugo drops the players, but download links still reach the files."""
    write_post(ROOT / "tests" / "fixtures" / "media.ipynb", tmp_path / "posts")
    (tmp_path / "site").mkdir()
    output, _ = _build_hugo(tmp_path / "site", tmp_path / "posts", unsafe=False)
    markup = (output / "posts" / "media" / "index.html").read_text(encoding="utf-8")
    assert "<video" not in markup and '<a href="video_2_0.mp4">Download the video</a>' in markup
    assert (output / "posts" / "media" / "video_2_0.mp4").is_file()


# ---------------------------------------------------------------- headless Chromium


@pytest.fixture
def chromium(tmp_path):
    """Headless Chromium with remote debugging on a free port; yields the DevTools HTTP address."""
    binary = _need("chromium", "chromium")
    pytest.importorskip("websocket", reason="websocket-client is in requirements.txt")
    # offline by design: off-site requests fail at once instead of timing out
    offline = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    with start_chromium(tmp_path / "profile", extra_flags=(offline,), binary=binary) as devtools:
        yield devtools


@pytest.fixture
def hugo_site(tmp_path):
    """Every post (chapter 01 and the fixtures at least) built by Hugo and served on 127.0.0.1.

    Yields (origin, page URLs).
    """
    for notebook in NOTEBOOKS:
        write_post(notebook, tmp_path / "posts")
    (tmp_path / "site").mkdir()
    output, _ = _build_hugo(tmp_path / "site", tmp_path / "posts")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    yield origin, [f"{origin}/posts/{slug_for(notebook)}/" for notebook in NOTEBOOKS]
    server.shutdown()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


_MEDIA_STATE = """new Promise(done => {
  const all = Array.from(document.querySelectorAll('img, audio, video'));
  const settled = () => all.every(m => m.tagName === 'IMG' ? m.complete \
: (m.readyState >= 1 || m.error));
  const report = () => done(all.map(m => ({tag: m.tagName, src: m.currentSrc || m.src,
    ok: m.tagName === 'IMG' ? m.naturalWidth > 0 : m.readyState >= 1 && !m.error})));
  const start = Date.now();
  (function poll() { settled() || Date.now() - start > 10000 ? report() \
: setTimeout(poll, 50); })();
})"""


def _errors(events: list[dict], origin: str) -> list[tuple[str, str]]:
    """Failed requests, error responses, console errors and exceptions of the site itself."""
    urls = {
        e["params"]["requestId"]: e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
    }
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.loadingFailed":
            errors.append((urls.get(params["requestId"], ""), params["errorText"]))
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            errors.append((params["response"]["url"], str(params["response"]["status"])))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            errors.append((params["entry"].get("url", ""), params["entry"]["text"]))
        elif method == "Runtime.exceptionThrown" or (
            method == "Runtime.consoleAPICalled" and params["type"] == "error"
        ):
            errors.append(("", json.dumps(params)[:500]))
    # Off-site things (the Colab badge) cannot load offline; everything of the site's own must.
    return [(url, why) for url, why in errors if not url or url.startswith(origin)]


def test_hugo_pages_in_chromium(chromium, hugo_site):
    """Each Hugo page: every image decodes, every player loads its file, the console stays clean."""
    origin, pages = hugo_site
    target = json.load(urlopen(f"{chromium}/json/list"))
    page = _DevTools(next(t for t in target if t["type"] == "page")["webSocketDebuggerUrl"])
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.call(f"{domain}.enable")
    for url in pages:
        page.events.clear()
        page.call("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired")
        media = page.call(
            "Runtime.evaluate", expression=_MEDIA_STATE, awaitPromise=True, returnByValue=True
        )["result"]["value"]
        own = [m for m in media if m["src"].startswith(origin)]
        assert any(m["tag"] == "IMG" for m in own), f"{url} shows no image of its own: {media}"
        assert all(m["ok"] for m in own), f"{url}: {own}"
        assert not _errors(page.events, origin), f"{url}: {_errors(page.events, origin)}"


# ------------------------------------------------ outputs cannot run engine syntax

HOSTILE_TEXT = (
    "{% endraw now %}{{ 6 | times: 7 }} {%- endraw -%}{% if true %} {%endraw%} {{ site.time }}\n"
    "{{< x */>}} {{% y %}} {static}/z.png |filename|w.md\n"
)
HOSTILE_HTML = (
    '<p>Links <a href="{filename}/nothing.md">one</a> <a href="|filename|old.md">two</a> '
    '<img src="{static}/missing.png" alt="three"> {% endraw %}{{ 6 | times: 7 }}</p>'
)
HOSTILE_MARKDOWN = "[four]({filename}/gone.md) and {% endraw %}{{ 6 | times: 7 }} and {{% note %}}"


def _hostile_notebook(path: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    outputs = [
        new_output("stream", name="stdout", text=HOSTILE_TEXT),
        new_output("display_data", data={"text/html": HOSTILE_HTML, "text/plain": "html"}),
        new_output("display_data", data={"text/markdown": HOSTILE_MARKDOWN, "text/plain": "md"}),
    ]
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Hostile outputs"),
            new_code_cell("show()", execution_count=1, outputs=outputs),
        ]
    )
    nb.metadata["post"] = {"title": "Hostile outputs", "date": "2026-11-21"}
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("engine", sorted(BUILDERS))
def test_outputs_cannot_run_engine_syntax(tmp_path, engine):
    """Whatever a cell printed, the engine prints: no Liquid runs, no link rewritten, it builds."""
    notebook = _hostile_notebook(tmp_path / "hostile.ipynb")
    write_post(notebook, tmp_path / "posts", engine=engine)
    (tmp_path / "site").mkdir()
    output, log = BUILDERS[engine](tmp_path / "site", tmp_path / "posts")
    assert not [line for line in log.splitlines() if LOG_PROBLEM.search(line)], log
    markup = _page(engine, output, notebook).read_text(encoding="utf-8")
    text = _text(markup)
    for line in HOSTILE_TEXT.splitlines():
        assert line in text, f"{engine} changed {line!r}"
    assert "42" not in text, f"{engine} ran Liquid from an output"
    assert "{% endraw %}{{ 6 | times: 7 }}" in text.split(HOSTILE_TEXT.splitlines()[-1])[-1]


def test_hugo_comment_opener_without_closer_is_refused():
    with pytest.raises(PostError, match="unclosed shortcode"):
        escape_hugo_shortcodes("x = '{{</* never closed'")


@pytest.mark.parametrize(
    "copy", sorted((ROOT / "tests" / "fixtures").glob("[0-9][0-9]_*.ipynb")), ids=lambda p: p.stem
)
def test_executed_chapter_copies_are_in_step(copy):
    """A fixture copy of an executed chapter has the chapter's cells; `make refresh` writes both."""
    import nbformat

    def cells(path):
        return [
            (c.get("id"), c.cell_type, c.source, c.metadata.get("tags", []))
            for c in nbformat.read(path, as_version=4).cells
        ]

    chapter = ROOT / "chapters" / copy.name
    assert chapter.is_file() and cells(copy) == cells(chapter), (
        f"{copy.relative_to(ROOT)} is out of step with {chapter.relative_to(ROOT)}: run "
        f"`make refresh CHAPTERS=chapters/{copy.name}`"
    )
