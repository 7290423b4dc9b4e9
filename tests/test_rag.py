"""Chapter 15's retrieval: chunks with sources, the Qdrant store (embedded and by URL), BM25,
fusion, metrics, the relevance gate, citations, the chat app via gradio_client and Chromium."""

import ast
import json
import os
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import numpy as np
import pytest

from genai_course import rag
from genai_course.paths import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def chunk(i, text="x", source="a.md", section="S"):
    return rag.Chunk(i, text, source, section)


# ---------------------------------------------------------------- documents and chunks


def test_sections_follow_headings_and_pdf_pages():
    text = "# Manual\n\nIntro words.\n\n## Warranty\n\nTwo years.\n\n## Cleaning\n\nWipe it."
    assert rag.split_sections(text) == [
        ("Manual", "Intro words."),
        ("Warranty", "Two years."),
        ("Cleaning", "Wipe it."),
    ]
    assert rag.split_sections(f"first page{rag.PAGE_BREAK}{rag.PAGE_BREAK}third") == [
        ("page 1", "first page"),
        ("page 3", "third"),
    ]


def test_windows_overlap_and_cover_every_word():
    words = " ".join(str(i) for i in range(25))
    windows = rag.word_windows(words, size=10, overlap=3)
    assert [w.split()[0] for w in windows] == ["0", "7", "14", "21"] and windows[-1].split()[
        -1
    ] == "24"
    assert all(len(w.split()) <= 10 for w in windows)
    with pytest.raises(ValueError):
        rag.word_windows(words, size=5, overlap=5)


def test_chunks_start_with_document_and_section():
    chunks = rag.chunk_documents(
        [
            {
                "text": "# Kestrel K2 user manual\n\n## Warranty\n\nThree years.",
                "source": "manuals/kestrel.md",
            }
        ],
        size=50,
        overlap=5,
        start_id=7,
    )
    assert chunks == [
        rag.Chunk(
            7, "Kestrel K2 user manual > Warranty\nThree years.", "manuals/kestrel.md", "Warranty"
        )
    ]
    assert chunks[0].label == "manuals/kestrel.md, Warranty"


def test_one_parameter_reads_a_folder_of_pdfs_and_markdown(tmp_path):
    shutil.copy(DATA_DIR / "demo_sources" / "report.pdf", tmp_path / "report.pdf")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "setup.md").write_text("# Setup\n\nPlug it in.\n")
    (tmp_path / "page.html").write_text("<p>not read</p>")
    rows = rag.load_knowledge_base(str(tmp_path))
    assert [r["source"] for r in rows] == ["notes/setup.md", "report.pdf"]
    labels = [c.label for c in rag.chunk_documents(rows, 120, 20)]
    assert labels[0] == "notes/setup.md, Setup" and "report.pdf, page 3" in labels
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FileNotFoundError):
        rag.load_knowledge_base(str(empty))


def test_shipped_questions_each_have_an_answering_chunk():
    from genai_course.hub import load_hub_dataset

    chunks = rag.chunk_documents(rag.load_knowledge_base("m-ric/huggingface_doc"), 200, 40)
    questions = load_hub_dataset("m-ric/huggingface_doc_qa_eval", split="train")
    assert len(chunks) == 300 and len(questions) == 96
    for target, answer in zip(questions["source_doc"], questions["answer"]):
        relevant = [c for c in chunks if rag.is_relevant(c, target)]
        assert len(relevant) == 1, target
        assert answer.lower() in relevant[0].text.lower(), (target, answer)


# ---------------------------------------------------------------- retrieval


def test_qdrant_embedded_store_finds_the_nearest(tmp_path):
    store = rag.open_store(str(tmp_path / "qdrant"))
    chunks = [chunk(0, "north"), chunk(1, "east"), chunk(2, "south")]
    vectors = np.array([[0, 1], [1, 0], [0, -1]], dtype=np.float32)
    for _ in range(2):  # creating again starts from an empty collection
        rag.create_collection(store, "c", 2, shards=2, replicas=2)
        rag.index_chunks(store, "c", chunks, vectors)
    assert store.count("c").count == 3
    hits = rag.dense_search(store, "c", [0.9, 0.1], k=2)
    assert [i for i, _ in hits] == [1, 0] and hits[0][1] > hits[1][1]
    store.close()


class _FakeQdrant(BaseHTTPRequestHandler):
    """Answers the few REST calls of create_collection like a Qdrant server, and records them."""

    calls: list = []

    def _reply(self, result):
        body = json.dumps({"result": result, "status": "ok", "time": 0.0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"null")
        self.calls.append(
            (self.command, self.path.split("?")[0], body, self.headers.get("api-key"))
        )

    def do_GET(self):
        self._record()
        if self.path.split("?")[0].endswith("/exists"):
            return self._reply({"exists": True})
        self._reply({"title": "qdrant - vector search engine", "version": "1.15.0"})

    def do_DELETE(self):
        self._record()
        self._reply(True)

    def do_PUT(self):
        self._record()
        self._reply(True)

    def log_message(self, *args):
        pass


def test_a_url_reaches_a_cluster_with_shards_and_replicas(monkeypatch):
    """The code path of a server: the REST calls carry shard_number and replication_factor."""
    monkeypatch.setenv("QDRANT_API_KEY", "secret")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeQdrant)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _FakeQdrant.calls.clear()
        store = rag.open_store(f"http://127.0.0.1:{server.server_address[1]}")
        rag.create_collection(store, "manuals", 384, shards=2, replicas=2)
    finally:
        server.shutdown()
    writes = [
        (method, path, body, key)
        for method, path, body, key in _FakeQdrant.calls
        if method != "GET"
    ]
    assert [(m, p) for m, p, _, _ in writes] == [
        ("DELETE", "/collections/manuals"),
        ("PUT", "/collections/manuals"),
    ]
    created = writes[1][2]
    assert created["shard_number"] == 2 and created["replication_factor"] == 2
    assert created["vectors"] == {"size": 384, "distance": "Cosine"}
    assert {key for *_, key in writes} == {"secret"}


def test_bm25_finds_exact_tokens_and_drops_zero_scores():
    chunks = [
        chunk(0, "error E47 means the filter is blocked"),
        chunk(1, "warranty of three years"),
        chunk(2, "clean the filter monthly"),
    ]
    index = rag.bm25_index(chunks)
    assert [i for i, _ in rag.bm25_search(index, "What does E47 mean?", 3)] == [0]
    assert rag.bm25_search(index, "zebra", 3) == []


def test_reciprocal_rank_fusion_rewards_agreement():
    fused = rag.reciprocal_rank_fusion([[(1, 0.9), (2, 0.8)], [(2, 12.0), (3, 7.0)]], k=60)
    assert [i for i, _ in fused] == [2, 1, 3]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_rerank_orders_candidates_by_cross_encoder_score():
    class Scorer:
        def predict(self, pairs, show_progress_bar=False):
            return [len(text) for _, text in pairs]

    chunks = [chunk(0, "a"), chunk(1, "abc"), chunk(2, "ab")]
    assert rag.rerank(Scorer(), "q", chunks, [(0, 1.0), (1, 0.5), (2, 0.1)], top_n=2) == [
        (1, 3.0),
        (2, 2.0),
    ]
    assert rag.rerank(Scorer(), "q", chunks, [], top_n=2) == []


def test_metrics_on_known_ranks():
    chunks = [chunk(0, source="a.md", section="X"), chunk(1, source="b.md", section="Y")]
    assert (
        rag.first_hit([0, 1], chunks, "b.md#Y") == 2 and rag.first_hit([0, 1], chunks, "b.md") == 2
    )
    assert rag.first_hit([0], chunks, "b.md") is None
    ranks = [1, 3, None, 2]
    assert rag.recall_at_k(ranks, 1) == 0.25 and rag.recall_at_k(ranks, 3) == 0.75
    assert rag.mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 1 / 2) / 4)


# ---------------------------------------------------------------- grounded answers


def test_gate_says_not_found_without_asking_the_model():
    def chat(messages):
        raise AssertionError("the model must not be asked")

    chunks = [chunk(0, "warranty of three years")]
    assert rag.grounded_answer(chat, "q?", chunks, [(0, -5.0)], top=3, min_relevance=0.0) == (
        rag.NOT_FOUND,
        [],
        [],
    )
    assert rag.grounded_answer(chat, "q?", chunks, [], top=3, min_relevance=0.0) == (
        rag.NOT_FOUND,
        [],
        [],
    )


def test_grounded_answer_numbers_passages_and_keeps_citations():
    seen = []

    def chat(messages):
        seen.append(messages)
        return "Three years [2], see also [9]."

    chunks = [chunk(0, "noise 40 dB"), chunk(1, "warranty of three years", section="Warranty")]
    answer, sources, read = rag.grounded_answer(
        chat, "How long?", chunks, [(0, 2.0), (1, 1.0)], 3, 0.5
    )
    assert sources == [chunks[1]] and read == chunks  # [9] names no passage and is ignored
    prompt = seen[0][1]["content"]
    assert "[1] (a.md, S) noise 40 dB" in prompt and "[2] (a.md, Warranty)" in prompt
    assert rag.NOT_FOUND in seen[0][0]["content"]
    assert (
        rag.support(answer, sources) == 0.5
    )  # "three" and "years" are cited; "see" and "also" are not


def test_support_counts_words_the_passages_never_say():
    passages = [chunk(0, "The warranty lasts three years from purchase.")]
    assert rag.support("It lasts three years [1].", passages) == 1.0
    assert rag.support("It lasts five years.", passages) == pytest.approx(2 / 3)
    assert rag.support("", passages) == 1.0 and rag.support("Five.", []) == 0.0


# ---------------------------------------------------------------- the chat app


def _notebook_function(notebook: Path, name: str) -> str:
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and f"def {name}(" in cell.source:
            return cell.source
    raise AssertionError(f"{notebook.name} defines no {name}")


def test_chapter_shows_the_package_chat_app():
    import inspect

    shown = _notebook_function(ROOT / "chapters" / "15_rag_chatbot.ipynb", "build_chat_app")
    assert ast.dump(ast.parse(shown)) == ast.dump(ast.parse(inspect.getsource(rag.build_chat_app)))


@pytest.fixture(scope="module")
def chat_app():
    """The chat app over the shipped manuals: BM25, and a 'model' that cites [1]."""
    chunks = rag.chunk_documents(rag.load_knowledge_base("m-ric/huggingface_doc"), 200, 40)
    index = rag.bm25_index(chunks)

    def respond(message, history):
        ranked = rag.bm25_search(index, message, 3)
        answer, sources, _ = rag.grounded_answer(
            lambda m: "From the manual [1].", message, chunks, ranked, 3, 0.0
        )
        return rag.format_reply(answer, sources)

    from genai_course.apps import launch

    app = rag.build_chat_app(
        respond, example="How long is the Kestrel K2 covered by its guarantee?"
    )
    url = launch(app)
    yield url
    app.close()


def test_chat_app_answers_through_gradio_client(chat_app):
    from gradio_client import Client

    client = Client(chat_app, verbose=False)
    reply = client.predict("What does the Kestrel K2 warranty cover?", api_name="/chat")
    assert (
        reply.startswith("From the manual [1].") and "**manuals/kestrel-k2.md, Warranty**" in reply
    )
    assert client.predict("Zyxwv qwerty?", api_name="/chat") == rag.NOT_FOUND


def test_chat_app_page_stays_on_loopback(chat_app, tmp_path):
    from genai_course.browser import chromium_binary, leaving_loopback, screenshot

    if chromium_binary() is None:
        pytest.skip(
            "!!! chromium is not installed (scripts/install_engines.sh): "
            "the browser check did NOT run !!!"
        )
    requested = screenshot(
        chat_app,
        tmp_path / "chat.png",
        ready="#question textarea",
        submit="#question textarea",
        filled='#chat [data-testid="bot"]',
    )
    assert requested and not leaving_loopback(requested), requested
    assert (tmp_path / "chat.png").stat().st_size > 10_000
