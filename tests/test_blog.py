"""clean_corpus on the shipped sample blog, and its pieces on small cases."""

from pathlib import Path

import pytest

from genai_course.blog import (
    CorpusError,
    clean_corpus,
    clean_post,
    decode_post,
    replace_code,
    strip_frontmatter,
)
from genai_course.paths import data_path

BLOG = data_path("blog")


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    dst = tmp_path_factory.mktemp("corpus")
    return clean_corpus(BLOG, dst), dst


def test_every_text_post_written_and_junk_skipped_with_reasons(cleaned):
    report, dst = cleaned
    posts = sorted(p.relative_to(BLOG) for p in BLOG.rglob("*.md"))
    skipped = dict(report.skipped)
    assert skipped == {
        Path("posts/2023/diagram.md"): "binary",
        Path("posts/2024/draft-empty.md"): "empty",
        Path("posts/2024/untitled-whitespace.md"): "empty",
    }
    written = [path for path, _ in report.written]
    assert sorted(written + list(skipped)) == posts
    assert len(written) >= 40
    for path in written:
        assert (dst / path.with_suffix(".txt")).is_file()  # same folders, .txt suffix
    assert not list(dst.rglob("*.png")) and not list(dst.rglob("*.md"))


def test_no_frontmatter_and_no_code_left(cleaned):
    _, dst = cleaned
    texts = {p: p.read_text(encoding="utf-8") for p in dst.rglob("*.txt")}
    for path, text in texts.items():
        assert not text.startswith(("---", "+++")), path
        assert "title:" not in text.splitlines()[0] and "title =" not in text.splitlines()[0], path
        assert "```" not in text and "~~~" not in text, path
        assert "`" not in text, path  # every inline span became a token
    joined = "\n".join(texts.values())
    assert joined.count("<CODE>") >= 10 and joined.count("<INLINE_CODE>") >= 10


def test_legacy_encodings_are_decoded(cleaned):
    report, dst = cleaned
    assert report.encodings().get("cp1252", 0) >= 2
    latin = (dst / "posts/2022/notes-from-a-cafe.txt").read_text(encoding="utf-8")
    windows = (dst / "posts/2023/on-pricing-side-projects.txt").read_text(encoding="utf-8")
    assert "é" in latin and "€" in windows and "“" in windows


def test_rule_inside_a_post_is_kept(cleaned):
    _, dst = cleaned
    assert "\n---\n" in (dst / "posts/2022/reviewing-pull-requests.txt").read_text(encoding="utf-8")


def test_decode_post_reasons():
    assert decode_post(b"") == (None, "empty")
    assert decode_post(b" \r\n\t") == (None, "empty")
    assert decode_post(b"\x89PNG\r\n\x1a\nrest") == (None, "binary")
    assert decode_post(b"abc\x00def") == (None, "binary")
    assert decode_post("caf\u00e9".encode("utf-8")) == ("caf\u00e9", "utf-8")
    assert decode_post("\u201cquoted\u201d \u20ac5".encode("cp1252")) == (
        "\u201cquoted\u201d \u20ac5",
        "cp1252",
    )
    assert decode_post(b"\x81\x8d control bytes") == (None, "undecodable")


def test_frontmatter_only_at_the_top():
    assert strip_frontmatter("---\ntitle: x\n---\nbody\n---\nmore") == "body\n---\nmore"
    assert strip_frontmatter('+++\ntitle = "x"\n+++\nbody') == "body"
    assert (
        strip_frontmatter("body\n---\nnot frontmatter\n---\n")
        == "body\n---\nnot frontmatter\n---\n"
    )


def test_code_fences():
    text = (
        "a `x` b ``y `z` w``\n````md\n```python\nprint()\n```\n````\n"
        "~~~\ncode\n~~~\nafter\n```\nunclosed"
    )
    assert replace_code(text) == "a <INLINE_CODE> b <INLINE_CODE>\n<CODE>\n<CODE>\nafter\n<CODE>"


def test_clean_post_tidies_blank_lines():
    assert clean_post("---\na: 1\n---\r\n\r\nhello\n\n\n\nworld\n") == "hello\n\nworld\n"


def test_refuses_to_write_inside_the_posts(tmp_path):
    (tmp_path / "a.md").write_text("hello", encoding="utf-8")
    with pytest.raises(ValueError, match="outside the posts folder"):
        clean_corpus(tmp_path, tmp_path / "clean")
    with pytest.raises(NotADirectoryError):
        clean_corpus(tmp_path / "missing", tmp_path.parent / "out")


# ------------------------------------------------ clean_corpus writes only what it owns


def _posts(root: Path, **files: str) -> Path:
    for name, text in files.items():
        path = root / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_file_of_the_users_in_dst_is_never_overwritten(tmp_path):
    src = _posts(tmp_path / "blog", hello="# Hello\n\nA post.")
    mine = _posts(tmp_path / "corpus", **{"hello.txt": "my own notes"}) / "hello.txt"
    with pytest.raises(CorpusError, match="not written by clean_corpus"):
        clean_corpus(src, tmp_path / "corpus")
    assert mine.read_text(encoding="utf-8") == "my own notes"


def test_a_folder_with_other_files_is_refused_even_without_a_clash(tmp_path):
    src = _posts(tmp_path / "blog", **{"a.md": "A post."})
    _posts(tmp_path / "corpus", **{"unrelated.txt": "not a post"})
    with pytest.raises(CorpusError, match="unrelated.txt"):
        clean_corpus(src, tmp_path / "corpus")


def test_posts_that_clean_to_one_file_are_reported(tmp_path):
    src = _posts(
        tmp_path / "blog",
        **{
            "a.md": "From a.md.",
            "a.markdown": "From a.markdown.",
            "b.md": "Lower b.",
            "B.md": "Upper B.",
        },
    )
    report = clean_corpus(src, tmp_path / "corpus")
    written = [path.as_posix() for path, _ in report.written]
    skipped = {path.as_posix(): reason for path, reason in report.skipped}
    assert len(written) == 2 and len(skipped) == 2
    assert "a.markdown" in skipped.get("a.md", "") or "a.md" in skipped.get("a.markdown", "")
    assert "same" in " ".join(skipped.values())
    assert sorted(
        p.name for p in (tmp_path / "corpus").iterdir() if not p.name.startswith(".")
    ) == sorted(Path(name).with_suffix(".txt").name for name in written)
    assert "skipped 2" in str(report)


def test_a_rerun_removes_the_corpus_files_of_deleted_posts(tmp_path):
    src = _posts(tmp_path / "blog", **{"keep.md": "Kept.", "2024__gone.md": "Deleted later."})
    dst = tmp_path / "corpus"
    clean_corpus(src, dst)
    assert (dst / "2024" / "gone.txt").is_file()
    (src / "2024" / "gone.md").unlink()
    (src / "keep.md").write_text("Kept, and edited.", encoding="utf-8")
    report = clean_corpus(src, dst)
    assert [p.as_posix() for p, _ in report.written] == ["keep.md"]
    assert not (dst / "2024").exists()
    assert (dst / "keep.txt").read_text(encoding="utf-8") == "Kept, and edited.\n"


def test_a_rerun_onto_another_blog_replaces_the_old_corpus(tmp_path):
    dst = tmp_path / "corpus"
    clean_corpus(BLOG, dst)
    src = _posts(tmp_path / "mine", **{"2025__first.md": "My first post."})
    clean_corpus(src, dst)
    assert sorted(
        p.relative_to(dst).as_posix()
        for p in dst.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    ) == ["2025/first.txt"]


def test_src_inside_dst_is_refused(tmp_path):
    # dst/posts/x.md would clean to dst/posts/x.txt: a file inside src
    src = _posts(tmp_path / "site" / "posts", **{"posts__x.md": "Nested."})
    before = sorted(p for p in tmp_path.rglob("*"))
    with pytest.raises(CorpusError, match="inside"):
        clean_corpus(src, tmp_path / "site")
    assert sorted(p for p in tmp_path.rglob("*")) == before


# ------------------------------------------------ chapter 01, run again on another blog

CHAPTER = Path(__file__).resolve().parents[1] / "chapters" / "01_blog_post_imitator.ipynb"


def _run_chapter_data_cells(posts: Path, output_dir: Path):
    """Chapter 01 from its set-up to its DataBlock, on `posts`, writing under `output_dir`."""
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell

    from genai_course.publish.execute import kernel_config

    nb = nbformat.read(CHAPTER, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code" or {"remove-cell", "nbval-check-output"} & set(
            cell.metadata.get("tags", [])
        ):
            continue
        cells.append(cell)
        if "parameters" in cell.metadata.get("tags", []):
            cells.append(
                new_code_cell(
                    f"POSTS = Path({str(posts)!r})\nOUTPUT_DIR = Path({str(output_dir)!r})\n"
                    "CORPUS = OUTPUT_DIR / 'corpus'\nreport = clean_corpus(POSTS, CORPUS)"
                )
            )
        if "blocks.dataloaders(" in cell.source:
            break
    cells.append(
        new_code_cell(
            "items = sorted(p.name for p in [*dls.train_ds.items, *dls.valid_ds.items])\n"
            "print(items, 'zanzibar' in dls.vocab)"
        )
    )
    nb.cells = cells
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        config=kernel_config(),
        resources={"metadata": {"path": str(CHAPTER.parent)}},
    ).execute()
    return nb.cells[-1].outputs[0]["text"]


def test_chapter_01_runs_again_on_another_blog(tmp_path):
    _run_chapter_data_cells(BLOG, tmp_path / "out")
    mine = _posts(
        tmp_path / "mine",
        **{
            "2025__zanzibar.md": "Zanzibar, zanzibar: a trip to Zanzibar.\n" * 20,
            "2025__home.md": "Back home from Zanzibar, with zanzibar coffee.\n" * 20,
            "notes.md": "Notes on the zanzibar trip, zanzibar again.\n" * 20,
        },
    )
    assert (
        _run_chapter_data_cells(mine, tmp_path / "out")
        == "['home.txt', 'notes.txt', 'zanzibar.txt'] True\n"
    )
