"""Retrieval-augmented answering: knowledge base, retrievers, reranker, grounded prompts (ch. 15).

Documents become chunks that remember where they came from (source file, section or page); chunks
are found by dense vectors in a Qdrant collection, by BM25 keywords, or by both fused; a
CrossEncoder reorders the candidates; the instruct model answers only from numbered chunks and
cites them. Chapter 14 uses the chunker and the grounded prompt on single documents.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

NOT_FOUND = "Not in the documents."
TEXT_SUFFIXES = (".md", ".markdown", ".txt")
PAGE_BREAK = "\f"  # between the pages of a PDF's text, so sections can name their page


@dataclass(frozen=True)
class Chunk:
    """A piece of a document small enough for one prompt, with where it came from (ch. 14)."""

    id: int
    text: str
    source: str
    section: str

    @property
    def label(self) -> str:
        """Where a reader finds the chunk: `source, section` (ch. 14)."""
        return f"{self.source}, {self.section}" if self.section else self.source


def pdf_text(path) -> str:
    """The text of a PDF, pages separated by form feeds (ch. 14)."""
    from pypdf import PdfReader

    return PAGE_BREAK.join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def read_folder(folder) -> list[dict]:
    """Every PDF, markdown and text file under `folder` as `{"text", "source"}` rows (ch. 15)."""
    folder = Path(folder)
    rows = []
    for path in sorted(folder.rglob("*")):
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            text = pdf_text(path)
        elif suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
        else:
            continue
        rows.append({"text": text, "source": path.relative_to(folder).as_posix()})
    if not rows:
        raise FileNotFoundError(f"no .pdf, .md or .txt files under {folder}")
    return rows


def load_knowledge_base(source: str, split: str = "train") -> list[dict]:
    """`{"text", "source"}` rows from a folder of documents, or a hub dataset of them (ch. 15)."""
    from .hub import load_hub_dataset

    if Path(source).is_dir():
        return read_folder(source)
    table = load_hub_dataset(source, split=split)
    missing = {"text", "source"} - set(table.column_names)
    if missing:
        raise ValueError(
            f"{source} has columns {table.column_names}; a knowledge base needs text and source"
        )
    return [{"text": row["text"], "source": row["source"]} for row in table]


def split_sections(text: str) -> list[tuple[str, str]]:
    """(section, body) pairs: PDF pages as "page N", else markdown headings (ch. 14)."""
    if PAGE_BREAK in text:
        return [
            (f"page {n}", page) for n, page in enumerate(text.split(PAGE_BREAK), 1) if page.strip()
        ]
    sections, title, lines = [], "", []
    for line in text.splitlines():
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            if " ".join(lines).strip():
                sections.append((title, "\n".join(lines).strip()))
            title, lines = heading.group(1).strip(), []
        else:
            lines.append(line)
    if " ".join(lines).strip():
        sections.append((title, "\n".join(lines).strip()))
    return sections


def word_windows(text: str, size: int, overlap: int) -> list[str]:
    """`text` as windows of at most `size` words, each sharing `overlap` with the last (ch. 14)."""
    if not 0 <= overlap < size:
        raise ValueError(f"overlap must be in [0, size), got overlap={overlap}, size={size}")
    words = text.split()
    step = size - overlap
    return [" ".join(words[i : i + size]) for i in range(0, max(len(words) - overlap, 1), step)]


def document_title(text: str, source: str) -> str:
    """A markdown document's first `# ` heading, else its source (ch. 15)."""
    match = re.search(r"^#\s+(.+)$", text, flags=re.M)
    return match.group(1).strip() if match else source


def chunk_documents(rows, size: int = 200, overlap: int = 40, start_id: int = 0) -> list[Chunk]:
    """Sections of every document cut into word windows, headed by document and section (ch. 14).

    The heading line makes a chunk about "Warranty" findable by the product it belongs to.
    """
    chunks = []
    for row in rows:
        title = document_title(row["text"], row["source"])
        for section, body in split_sections(row["text"]):
            for window in word_windows(body, size, overlap):
                heading = f"{title} > {section}" if section and section != title else title
                chunks.append(
                    Chunk(start_id + len(chunks), f"{heading}\n{window}", row["source"], section)
                )
    return chunks


# ---------------------------------------------------------------- the vector store


def open_store(location: str):
    """A Qdrant client: a URL for a server or cluster, ":memory:" for RAM, else a folder (ch. 15).

    The folder is Qdrant's embedded (local) mode, no server needed. For a URL the API key, if
    any, comes from the QDRANT_API_KEY environment variable.
    """
    from qdrant_client import QdrantClient

    if location.startswith(("http://", "https://")):
        return QdrantClient(url=location, api_key=os.environ.get("QDRANT_API_KEY"))
    if location == ":memory:":
        return QdrantClient(location=":memory:")
    Path(location).mkdir(parents=True, exist_ok=True)
    return QdrantClient(path=str(location))


def create_collection(
    client, name: str, dimensions: int, shards: int = 1, replicas: int = 1
) -> None:
    """A fresh cosine-distance collection; `shards` and `replicas` matter on a cluster (ch. 15).

    The embedded mode runs one process, so it accepts and ignores them, as the server does for 1.
    """
    from qdrant_client import models

    if client.collection_exists(name):
        client.delete_collection(name)
    client.create_collection(
        name,
        vectors_config=models.VectorParams(size=dimensions, distance=models.Distance.COSINE),
        shard_number=shards,
        replication_factor=replicas,
    )


def index_chunks(client, name: str, chunks, vectors, batch_size: int = 256) -> None:
    """Upsert one point per chunk: its vector, with text, source and section as payload (ch. 15)."""
    from qdrant_client import models
    from tqdm.auto import tqdm

    for start in tqdm(range(0, len(chunks), batch_size), desc="indexing", unit="batch"):
        points = [
            models.PointStruct(
                id=c.id,
                vector=[float(x) for x in v],
                payload={"text": c.text, "source": c.source, "section": c.section},
            )
            for c, v in zip(chunks[start : start + batch_size], vectors[start : start + batch_size])
        ]
        client.upsert(name, points=points, wait=True)


def dense_search(client, name: str, vector, k: int) -> list[tuple[int, float]]:
    """The `k` nearest chunks to `vector` as (chunk id, cosine similarity), best first (ch. 15)."""
    hits = client.query_points(name, query=[float(x) for x in vector], limit=k).points
    return [(int(hit.id), float(hit.score)) for hit in hits]


# ---------------------------------------------------------------- keywords, fusion, reranking


def bm25_index(chunks):
    """A bm25s index over the chunks' text, English stop words removed (ch. 15)."""
    import bm25s

    index = bm25s.BM25()
    index.index(
        bm25s.tokenize([c.text for c in chunks], stopwords="en", show_progress=False),
        show_progress=False,
    )
    return index


def bm25_search(index, query: str, k: int) -> list[tuple[int, float]]:
    """The `k` best chunks by BM25, (position in the index, score), no zero scores (ch. 15)."""
    import bm25s

    tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
    k = min(k, index.scores["num_docs"])
    ids, scores = index.retrieve(tokens, k=k, show_progress=False)
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if s > 0]


def reciprocal_rank_fusion(rankings, k: int = 60) -> list[tuple[int, float]]:
    """Fuse ranked (id, score) lists by summing 1 / (k + rank): scales never meet (ch. 15)."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (chunk_id, _) in enumerate(ranking, 1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])


def rerank(cross_encoder, question: str, chunks, candidates, top_n: int) -> list[tuple[int, float]]:
    """Score each candidate chunk with the question by a CrossEncoder; the `top_n` best (ch. 15)."""
    ids = [chunk_id for chunk_id, _ in candidates]
    if not ids:
        return []
    scores = cross_encoder.predict(
        [(question, chunks[i].text) for i in ids], show_progress_bar=False
    )
    return sorted(zip(ids, map(float, scores)), key=lambda item: -item[1])[:top_n]


# ---------------------------------------------------------------- evaluation


def is_relevant(chunk: Chunk, target: str) -> bool:
    """Whether `chunk` comes from `target`, a source or `source#section` (ch. 15)."""
    return target in (chunk.source, f"{chunk.source}#{chunk.section}")


def first_hit(ranked_ids, chunks, target: str) -> int | None:
    """The 1-based rank of the first relevant chunk, None when none is relevant (ch. 15)."""
    for rank, chunk_id in enumerate(ranked_ids, 1):
        if is_relevant(chunks[chunk_id], target):
            return rank
    return None


def recall_at_k(ranks, k: int) -> float:
    """The share of questions whose first relevant chunk ranks within the top `k` (ch. 15)."""
    return sum(r is not None and r <= k for r in ranks) / len(ranks)


def mean_reciprocal_rank(ranks) -> float:
    """The mean of 1 / rank of the first relevant chunk, 0 when none was found (ch. 15)."""
    return sum(1.0 / r for r in ranks if r is not None) / len(ranks)


# ---------------------------------------------------------------- grounded answers

GROUNDED_SYSTEM = (
    "You answer questions using only the numbered passages the user gives you. After each "
    "fact, cite the passage it came from in square brackets, like [2]. If the passages do not "
    "contain the answer, "
    f"reply exactly: {NOT_FOUND}"
)
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
# Words an answer may use without a passage saying them: function words and citation chatter.
_FREE = set(
    """a an the and or of to in on at for by with from as is are was were be been it its this that
these those there their they you your i we our can will would should may might must not no do
does did has have had so if then than which who what when where how why according passage
passages""".split()
)


def numbered_passages(chunks) -> str:
    """Chunks as "[n] (where) text" lines, numbered from 1 in the order given (ch. 14)."""
    return "\n\n".join(f"[{n}] ({c.label}) {c.text}" for n, c in enumerate(chunks, 1))


def grounded_messages(question: str, chunks) -> list[dict]:
    """Chat messages: answer `question` from the numbered `chunks` only, citing them (ch. 14)."""
    user = f"Passages:\n\n{numbered_passages(chunks)}\n\nQuestion: {question}"
    return [{"role": "system", "content": GROUNDED_SYSTEM}, {"role": "user", "content": user}]


def grounded_answer(chat, question: str, chunks, ranked, top: int, min_relevance: float):
    """(answer, cited, read) from the `top` ranked chunks scoring `min_relevance` or more (ch. 15).

    When none does, the answer is NOT_FOUND and the model is not asked: retrieval found nothing
    relevant, and a model left without passages answers from memory. `chat(messages)` replies.
    """
    passages = [chunks[i] for i, score in ranked[:top] if score >= min_relevance]
    if not passages:
        return NOT_FOUND, [], []
    answer = chat(grounded_messages(question, passages))
    return answer, cited(answer, passages), passages


def cited(answer: str, chunks) -> list:
    """The chunks an answer cites as [n], in order; numbers naming no passage dropped (ch. 14)."""
    numbers = dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", answer))
    return [chunks[n - 1] for n in numbers if 1 <= n <= len(chunks)]


def content_words(text: str) -> set[str]:
    """Lower-cased words and numbers of `text`, function words and [n] markers left out (ch. 14)."""
    return {w for w in _WORD.findall(re.sub(r"\[\d+\]", " ", text.lower())) if w not in _FREE}


def support(answer: str, passages) -> float:
    """The share of the answer's content words found in `passages`; 1.0 if it has none (ch. 14).

    A lexical check of faithfulness: a word the passages never use was not taken from them.
    """
    words = content_words(answer)
    if not words:
        return 1.0
    found = set().union(*(content_words(p.text) for p in passages)) if passages else set()
    return len(words & found) / len(words)


def format_reply(answer: str, sources) -> str:
    """Markdown for an app: the answer, then each cited chunk quoted under its label (ch. 14)."""
    quoted = "\n\n".join(f"**{c.label}**\n\n> {c.text.splitlines()[-1][:600]}" for c in sources)
    return f"{answer}\n\n{quoted}" if quoted else answer


def build_chat_app(respond, example: str):
    """A Gradio chat: `respond(message, history)` returns an answer with its sources (ch. 15)."""
    import gradio as gr

    return gr.ChatInterface(
        respond,
        title="Ask the manuals",
        description="Answers come only from the knowledge base, and cite the chunks they used.",
        textbox=gr.Textbox(value=example, elem_id="question", placeholder="Ask a question"),
        chatbot=gr.Chatbot(elem_id="chat", height=420),
        api_name="chat",
    )
