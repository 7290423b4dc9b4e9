"""Chapter 14's demo app: reading a page, a PDF and a video's sound, cited answers, summaries,
and the Gradio app through gradio_client and headless Chromium (no request may leave 127.0.0.1)."""

import ast
import inspect
import os
from pathlib import Path

import nbformat
import pytest

from genai_course import apps, rag
from genai_course.browser import leaving_loopback
from genai_course.paths import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
SOURCES = DATA_DIR / "demo_sources"
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="module")
def served():
    base, server = apps.serve_folder(SOURCES)
    yield base
    server.shutdown()


def test_page_text_keeps_headings_and_leaves_out_navigation(served):
    text = apps.page_text(f"{served}/garden.html")
    assert text.startswith("# Riverside Community Garden: member handbook")
    assert "## Water" in text and "Plots · Water" not in text and "registered charity" not in text
    sections = [s for s, _ in rag.split_sections(text)]
    assert sections == [
        "Riverside Community Garden: member handbook",
        "Plots and membership",
        "Water",
        "Tools",
        "Compost",
        "Events",
        "Contact",
    ]


def test_pdf_pages_become_sections():
    chunks = rag.chunk_documents(
        [{"text": rag.pdf_text(SOURCES / "report.pdf"), "source": "report.pdf"}], 120, 20
    )
    assert {c.section for c in chunks} == {"page 1", "page 2", "page 3"}
    assert "18,400 visitors" in " ".join(c.text for c in chunks if c.section == "page 1")


def test_video_sound_is_decoded_and_windowed():
    samples = apps.video_speech(SOURCES / "talk.mp4")
    assert samples.dtype.name == "float32" and 46 < len(samples) / apps.SPEECH_RATE < 48
    assert 0.01 < float(abs(samples).max()) <= 1.0  # speech, not silence
    windows = apps.speech_windows(samples)
    assert [label for label, _ in windows] == ["0:00-0:30", "0:30-0:47"]
    assert all(len(w) == 30 * apps.SPEECH_RATE for _, w in windows)  # the last padded with silence
    assert (
        windows[1][1][: len(samples) - len(windows[0][1])] == samples[len(windows[0][1]) :]
    ).all()
    with pytest.raises(ValueError, match="ffmpeg"):
        apps.video_speech(SOURCES / "garden.html")


def test_answers_cite_the_chunks_they_read_and_refuse_without_shared_words():
    chunks = rag.chunk_documents(
        [{"text": rag.pdf_text(SOURCES / "report.pdf"), "source": "report.pdf"}], 120, 20
    )
    prompts = []

    def chat(messages):
        prompts.append(messages[1]["content"])
        return "18,400 visitors came [1]."

    answer, sources = apps.answer_with_sources(
        chat, chunks, "How many visitors came to the museum?", k=2
    )
    assert answer == "18,400 visitors came [1]." and sources and sources[0].section == "page 1"
    assert prompts[0].startswith("Passages:\n\n[1] (report.pdf, page 1)")
    assert apps.answer_with_sources(chat, chunks, "Zyxwv qwerty?", k=2) == (rag.NOT_FOUND, [])
    assert len(prompts) == 1  # no shared word: the model was not asked


def test_summaries_map_then_reduce():
    seen = []

    def summarise(text):
        seen.append(text)
        return f"<{len(seen)}>"

    chunks = [rag.Chunk(i, f"part {i}", "s", "") for i in range(5)]
    assert apps.summarise_text(summarise, chunks, max_parts=3) == "<4>"
    assert seen == ["part 0", "part 1", "part 2", "<1> <2> <3>"]
    assert (
        apps.summarise_text(summarise, chunks[:1], max_parts=3) == "<5>"
    )  # one part: no reduce step


def test_leaving_loopback_names_every_outside_host():
    urls = [
        "http://127.0.0.1:7860/",
        "http://localhost/x.js",
        "data:image/png;base64,xx",
        "blob:http://127.0.0.1/1",
        "https://fonts.googleapis.com/css2",
        "http://[::1]:80/",
        "https://cdn.example/app.js",
    ]
    assert leaving_loopback(urls) == [
        "https://fonts.googleapis.com/css2",
        "https://cdn.example/app.js",
    ]


def test_chapter_shows_the_package_app():
    nb = nbformat.read(ROOT / "chapters" / "14_demo_apps.ipynb", as_version=4)
    shown = next(
        c.source for c in nb.cells if c.cell_type == "code" and "def build_demo_app(" in c.source
    )
    assert ast.dump(ast.parse(shown)) == ast.dump(ast.parse(inspect.getsource(apps.build_demo_app)))


@pytest.fixture(scope="module")
def demo_app(served):
    """The chapter's app on the shipped sources: a 'model' citing [1], a summariser counting."""
    readers = {"web": apps.page_text, "pdf": rag.pdf_text}

    def chunks_of(kind, source):
        return rag.chunk_documents(
            [{"text": readers[kind](source), "source": Path(source).name}], 120, 20
        )

    def answer(kind, source, question):
        found = apps.answer_with_sources(
            lambda m: "As written [1].", chunks_of(kind, source), question, 2
        )
        return rag.format_reply(*found)

    def summarise(kind, source):
        return apps.summarise_text(
            lambda text: f"{len(text.split())} words", chunks_of(kind, source), 4
        )

    examples = {
        "web": (f"{served}/garden.html", "When can members use water from the standpipes?"),
        "pdf": (str(SOURCES / "report.pdf"), "How many visitors?"),
        "video": (str(SOURCES / "talk.mp4"), "What is the waggle dance?"),
    }
    app = apps.build_demo_app(answer, summarise, examples)
    url = apps.launch(app)
    yield url, examples
    app.close()


def test_demo_app_answers_through_gradio_client(demo_app):
    from gradio_client import Client, handle_file

    url, examples = demo_app
    client = Client(url, verbose=False)
    web = client.predict(*examples["web"], api_name="/answer_web")
    assert web.startswith("As written [1].") and "**garden.html, Water**" in web
    pdf = client.predict(
        handle_file(examples["pdf"][0]), "How many visitors came in 2025?", api_name="/answer_pdf"
    )
    assert "**report.pdf, page 1**" in pdf
    assert client.predict(handle_file(examples["pdf"][0]), api_name="/summarise_pdf").endswith(
        "words"
    )
    assert client.predict(*examples["web"][:1], "Zyxwv?", api_name="/answer_web") == rag.NOT_FOUND


def test_demo_app_page_stays_on_loopback(demo_app, tmp_path):
    from genai_course.browser import chromium_binary, screenshot

    if chromium_binary() is None:
        pytest.skip(
            "!!! chromium is not installed (scripts/install_engines.sh): "
            "the browser check did NOT run !!!"
        )
    url, _ = demo_app
    requested = screenshot(
        url, tmp_path / "app.png", ready="#answer-web", click="#answer-web", filled="#reply-web"
    )
    assert requested and not leaving_loopback(requested), requested
    assert (tmp_path / "app.png").stat().st_size > 10_000
