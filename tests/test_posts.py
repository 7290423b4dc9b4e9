"""The renderer: golden output for a notebook full of junk, and one-line errors for bad input."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from genai_course.publish.posts import (
    ENGINES,
    PostError,
    html_table_to_markdown,
    slug_for,
    write_post,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
GOLDEN = ROOT / "tests" / "golden" / "messy"
RENDER = [sys.executable, str(ROOT / "scripts" / "render_posts.py")]


@pytest.fixture
def messy_post(tmp_path):
    index = write_post(FIXTURES / "messy.ipynb", tmp_path)
    return index, index.read_text(encoding="utf-8")


def test_matches_golden_post(messy_post):
    index, text = messy_post
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        (GOLDEN / "index.md").write_text(text, encoding="utf-8")
    assert text == (GOLDEN / "index.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in index.parent.iterdir()) == [
        "audio_10_0.wav",
        "figure_8_0.png",
        "index.md",
    ]


@pytest.mark.parametrize(
    "junk",
    [
        "<style",
        "<progress",
        "widget-view",
        "application/vnd.jupyter",
        "\x1b[",
        "this warning goes to stderr",
        "UserWarning",
        "tqdm widget",
        "100.00%",
        "secret_setup",
        "only the code of this cell is shown\n",
        "# A messy notebook",
        "IntSlider(value=3, ",
        "data:audio",
    ],
)
def test_post_has_no_junk(messy_post, junk):
    outputs = re.sub(r"```python\n.*?```", "", messy_post[1], flags=re.S)  # code may name them
    assert junk not in outputs


def test_post_keeps_what_matters(messy_post):
    text = messy_post[1]
    assert text.startswith("---\ntitle: A messy notebook\ndate: '2026-11-23'\n")
    assert "colab-badge.svg" in text
    assert "| model | accuracy |\n|---|---|\n| small | 0.81 |" in text
    assert "green and bold" in text and "ValueError: a coloured traceback" in text
    assert "    step 2\n" in text and "step 0" not in text
    assert "{{ liquid }} and {% tag %}" in text
    # remove-input keeps the output only, remove-output the code only, remove-cell neither
    assert (
        "print('only the output" not in text and "    only the output of this cell is shown" in text
    )
    assert "print('only the code of this cell is shown')" in text
    assert "    only the code of this cell is shown" not in text
    assert "secret_setup" not in text


def test_every_linked_file_exists(messy_post):
    index, text = messy_post
    targets = set(re.findall(r"\]\((?!https?:)([^)]+)\)", text)) | set(
        re.findall(r'src="([^"]+)"', text)
    )
    assert targets == {"figure_8_0.png", "audio_10_0.wav"}
    for name in targets:
        assert (index.parent / name).stat().st_size > 0
    assert (index.parent / "figure_8_0.png").read_bytes().startswith(b"\x89PNG")
    assert (index.parent / "audio_10_0.wav").read_bytes().startswith(b"RIFF")


def test_pandas_table_with_index_name():
    fragment = (
        '<table border="1" class="dataframe"><thead><tr><th></th><th>loss</th></tr>'
        "<tr><th>epoch</th><th></th></tr></thead><tbody><tr><th>0</th><td>1.5</td></tr>"
        "<tr><th>1</th><td>a|b</td></tr></tbody></table>"
    )
    assert (
        html_table_to_markdown(fragment)
        == "| epoch | loss |\n|---|---|\n| 0 | 1.5 |\n| 1 | a\\|b |"
    )
    assert html_table_to_markdown("<p>no table</p>") is None


def test_slug():
    assert slug_for(Path("chapters/01_blog_post_imitator.ipynb")) == "01-blog-post-imitator"


def _bad_inputs(tmp_path):
    (tmp_path / "notjson.ipynb").write_text("{ not json", encoding="utf-8")
    (tmp_path / "notnb.ipynb").write_text(json.dumps({"hello": 1}), encoding="utf-8")
    (tmp_path / "binary.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    return {
        "missing.ipynb": "no such file",
        "notjson.ipynb": "not JSON",
        "notnb.ipynb": "no 'cells' list",
        "binary.ipynb": "not JSON",
    }


def test_bad_input_one_line_error_and_nothing_written(tmp_path):
    out = tmp_path / "posts"
    for name, message in _bad_inputs(tmp_path).items():
        result = subprocess.run(
            RENDER + [str(tmp_path / name), "--out", str(out)], capture_output=True, text=True
        )
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_existing_post_is_kept_unless_overwrite(tmp_path):
    first = write_post(FIXTURES / "messy.ipynb", tmp_path)
    first.write_text("my edits", encoding="utf-8")
    with pytest.raises(PostError, match="exists; pass --overwrite"):
        write_post(FIXTURES / "messy.ipynb", tmp_path)
    assert first.read_text(encoding="utf-8") == "my edits"
    result = subprocess.run(
        RENDER + [str(FIXTURES / "messy.ipynb"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and first.read_text(encoding="utf-8") == "my edits"
    write_post(FIXTURES / "messy.ipynb", tmp_path, overwrite=True)
    assert first.read_text(encoding="utf-8") != "my edits"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".render-manifest.json",
        "messy",
    ]  # nothing staged left


def test_failed_render_leaves_no_half_written_post(tmp_path, monkeypatch):
    import genai_course.publish.posts as posts

    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(posts, "notebook_to_markdown", broken)
    with pytest.raises(RuntimeError):
        posts.write_post(FIXTURES / "messy.ipynb", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_jekyll_layout(tmp_path):
    post = write_post(FIXTURES / "messy.ipynb", tmp_path, engine="jekyll")
    assert post == tmp_path / "_posts" / "2026-11-23-messy.md"
    assert sorted(p.name for p in (tmp_path / "assets" / "posts" / "messy").iterdir()) == [
        "audio_10_0.wav",
        "figure_8_0.png",
    ]
    text = post.read_text(encoding="utf-8")
    assert text.startswith("---\nlayout: post\ntitle: A messy notebook\ndate: '2026-11-23'\n")
    assert "published: false\n" in text and "draft:" not in text
    assert "\n---\n\n[![Open In Colab]" in text and "{% raw %}" not in text
    assert (
        """code = '{{ "{{" }} liquid }} and {{ "{%" }} tag %} survive as code'""" in text
    )  # printed by Liquid
    assert "![png]({{ '/assets/posts/messy/figure_8_0.png' | relative_url }})" in text


def test_pelican_layout(tmp_path):
    post = write_post(FIXTURES / "messy.ipynb", tmp_path, engine="pelican")
    assert post == tmp_path / "content" / "messy.md"
    assert sorted(p.name for p in (tmp_path / "content" / "images" / "messy").iterdir()) == [
        "audio_10_0.wav",
        "figure_8_0.png",
    ]
    text = post.read_text(encoding="utf-8")
    assert text.startswith(
        "Title: A messy notebook\nDate: 2026-11-23\nSlug: messy\nTags: testing\n"
        "Summary: Every kind of notebook junk.\nStatus: draft\n\n[![Open In Colab]"
    )
    assert '<audio controls src="{static}/images/messy/audio_10_0.wav"></audio>' in text


def test_jekyll_rerender_with_a_new_date_replaces_the_old_post(tmp_path):
    nb = json.loads((FIXTURES / "messy.ipynb").read_text(encoding="utf-8"))
    nb["metadata"]["post"]["date"] = "2026-12-01"
    moved = tmp_path / "in" / "messy.ipynb"
    moved.parent.mkdir()
    moved.write_text(json.dumps(nb), encoding="utf-8")
    out = tmp_path / "site"
    write_post(FIXTURES / "messy.ipynb", out, engine="jekyll")
    with pytest.raises(PostError, match="2026-11-23-messy.md exists"):
        write_post(moved, out, engine="jekyll")
    write_post(moved, out, engine="jekyll", overwrite=True)
    assert [p.name for p in (out / "_posts").iterdir()] == ["2026-12-01-messy.md"]
    assert sorted(p.name for p in out.iterdir()) == [
        ".render-manifest.json",
        "_posts",
        "assets",
    ]  # none staged


def test_cli_format(tmp_path):
    result = subprocess.run(
        RENDER + [str(FIXTURES / "messy.ipynb"), "--out", str(tmp_path), "--format", "jekyll"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "_posts" / "2026-11-23-messy.md")


# ------------------------------------------------ nothing of the user's is lost


def _copy_notebook(src: Path, dst: Path, **post) -> Path:
    nb = json.loads(src.read_text(encoding="utf-8"))
    nb["metadata"].setdefault("post", {}).update(post)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(nb), encoding="utf-8")
    return dst


def _mine(path: Path, text: str = "the author's own file") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_slug_is_never_empty_and_names_stay_apart():
    slugs = {
        slug_for(Path(name))
        for name in ("日本語.ipynb", "Ünïcödé.ipynb", "???.ipynb", "---.ipynb", "中文.ipynb")
    }
    assert "" not in slugs and len(slugs) == 5
    assert slug_for(Path("Ünïcödé.ipynb")) == "unicode"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs)


@pytest.mark.parametrize(
    "engine, shared", [("jekyll", "assets/posts"), ("pelican", "content/images"), ("hugo", ".")]
)
def test_nameless_notebook_never_touches_shared_folders(tmp_path, engine, shared):
    out = tmp_path / "site"
    mine = [_mine(out / shared / "my-photo.png"), _mine(out / shared / "older-post" / "chart.png")]
    nameless = _copy_notebook(FIXTURES / "messy.ipynb", tmp_path / "日本語.ipynb")
    for _ in range(2):
        result = subprocess.run(
            RENDER
            + [
                str(nameless),
                "--out",
                str(out),
                "--format",
                engine,
                "--overwrite",
                "--allow-errors",
            ],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    assert all(path.read_text(encoding="utf-8") == "the author's own file" for path in mine)


def test_one_call_refuses_two_notebooks_with_one_slug(tmp_path):
    first = _copy_notebook(FIXTURES / "messy.ipynb", tmp_path / "a" / "messy.ipynb", title="First")
    second = _copy_notebook(
        FIXTURES / "messy.ipynb", tmp_path / "b" / "Messy.ipynb", title="Second"
    )
    out = tmp_path / "posts"
    result = subprocess.run(
        RENDER + [str(first), str(second), "--out", str(out), "--overwrite", "--allow-errors"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "messy" in result.stderr and str(first) in result.stderr and str(second) in result.stderr
    assert not (out / "messy").exists()  # neither silently wins


@pytest.mark.parametrize("engine", ["hugo", "jekyll", "pelican"])
def test_overwrite_replaces_only_what_the_renderer_wrote(tmp_path, engine):
    out = tmp_path / "site"
    post = write_post(FIXTURES / "messy.ipynb", out, engine=engine, allow_errors=True)
    folder = out / ENGINES[engine].files.format(slug="messy")
    stale = folder / "audio_10_0.wav"
    own = _mine(folder / "my-notes.txt")
    # The next render has no audio: the old audio file was the renderer's and goes; the author's
    # note stays.
    quieter = _copy_notebook(FIXTURES / "messy.ipynb", tmp_path / "in" / "messy.ipynb")
    nb = json.loads(quieter.read_text(encoding="utf-8"))
    nb["cells"][10]["outputs"] = []
    quieter.write_text(json.dumps(nb), encoding="utf-8")
    assert write_post(quieter, out, engine=engine, overwrite=True, allow_errors=True) == post
    assert not stale.exists() and (folder / "figure_8_0.png").is_file()
    assert own.read_text(encoding="utf-8") == "the author's own file"


def test_overwrite_never_replaces_a_file_it_did_not_write(tmp_path):
    out = tmp_path / "site"
    own = _mine(out / "messy" / "figure_8_0.png", "an image the author made")
    with pytest.raises(PostError, match="not written by the renderer"):
        write_post(FIXTURES / "messy.ipynb", out, overwrite=True, allow_errors=True)
    assert own.read_text(encoding="utf-8") == "an image the author made"
    assert sorted(p.name for p in (out / "messy").iterdir()) == ["figure_8_0.png"]


@pytest.mark.parametrize(
    "date", ["../../../outside", "2026-01-02/../../../../x", "2026-02-30", "soon", ""]
)
def test_a_bad_date_is_an_error_and_writes_nothing(tmp_path, date):
    notebook = _copy_notebook(FIXTURES / "messy.ipynb", tmp_path / "in" / "messy.ipynb", date=date)
    out = tmp_path / "deep" / "er" / "site"
    with pytest.raises(PostError, match="date"):
        write_post(notebook, out, engine="jekyll", allow_errors=True)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["messy.ipynb"]


def test_dates_with_a_time_are_accepted(tmp_path):
    notebook = _copy_notebook(
        FIXTURES / "messy.ipynb", tmp_path / "in" / "messy.ipynb", date="2026-01-02T10:30:00"
    )
    post = write_post(notebook, tmp_path / "site", engine="jekyll", allow_errors=True)
    assert post.name == "2026-01-02-messy.md"


def test_error_outputs_are_refused_unless_allowed(tmp_path):
    notebook = _copy_notebook(FIXTURES / "messy.ipynb", tmp_path / "in" / "messy.ipynb")
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"][13]["metadata"].pop("tags", None)  # an error nobody said to expect
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(
        PostError, match=r"cell 14 raised ValueError: a coloured traceback.*--allow-errors"
    ):
        write_post(notebook, tmp_path / "site")
    assert not (tmp_path / "site").exists()
    result = subprocess.run(
        RENDER + [str(notebook), "--out", str(tmp_path / "site")], capture_output=True, text=True
    )
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    result = subprocess.run(
        RENDER + [str(notebook), "--out", str(tmp_path / "site"), "--allow-errors"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_an_error_the_author_expects_is_published(tmp_path):
    # messy.ipynb tags its failing cell `raises-exception`, the tag nbclient and nbval read too
    text = write_post(FIXTURES / "messy.ipynb", tmp_path / "site").read_text(encoding="utf-8")
    assert "ValueError: a coloured traceback" in text


# ------------------------------------------------ more inputs a careful user might try


def test_an_out_folder_that_is_a_file_is_an_error(tmp_path):
    _mine(tmp_path / "posts")
    with pytest.raises(PostError, match="is a file, not a folder"):
        write_post(FIXTURES / "messy.ipynb", tmp_path / "posts", allow_errors=True)
    _mine(tmp_path / "site" / "messy", "a file where the post's folder goes")
    with pytest.raises(PostError, match="is a file where the post needs a folder"):
        write_post(FIXTURES / "messy.ipynb", tmp_path / "site", overwrite=True)
    with pytest.raises(PostError, match="a folder, not a notebook"):
        write_post(tmp_path, tmp_path / "other")


def test_a_hand_edited_manifest_cannot_remove_files_outside_out(tmp_path):
    out = tmp_path / "site"
    write_post(FIXTURES / "messy.ipynb", out)
    victim = _mine(tmp_path / "precious.txt")
    manifest = json.loads((out / ".render-manifest.json").read_text(encoding="utf-8"))
    manifest["posts"]["hugo:messy"]["files"].append("../precious.txt")
    (out / ".render-manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(PostError, match="outside"):
        write_post(FIXTURES / "messy.ipynb", out, overwrite=True)
    assert victim.read_text(encoding="utf-8") == "the author's own file"


def test_tags_written_as_one_string_are_a_list(tmp_path):
    notebook = _copy_notebook(
        FIXTURES / "messy.ipynb", tmp_path / "in" / "messy.ipynb", tags="fastai, nlp"
    )
    text = write_post(notebook, tmp_path / "site", engine="pelican").read_text(encoding="utf-8")
    assert "\nTags: fastai, nlp\n" in text
