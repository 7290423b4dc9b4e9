#!/usr/bin/env python
"""Benchmark chapter 15's retrieval stores: index time and query latency, shipped and synthetic.

    python scripts/bench_retrieval.py [--sizes shipped 100000] [--queries 200]

A benchmark, not a test. For each collection it times, on this machine's CPU:
- Qdrant's embedded store in a folder (`QdrantClient(path=...)`, the chapter's default) and in
  RAM (`":memory:"`): creating the collection and upserting every vector, then `--queries`
  top-10 searches;
- bm25s: indexing the chunks' text, then the same number of top-10 keyword searches.

"shipped" is the course's knowledge base (the replica of m-ric/huggingface_doc, 300 chunks); a
number is a synthetic collection of that many chunks, whose text is drawn from the shipped chunks'
words. Vectors are random unit vectors of 384 dimensions, all-MiniLM-L6-v2's width: a store's cost
depends on how many vectors it holds and how wide they are, not on what they mean. Writes
build/bench_retrieval.md.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GENAI_PROFILE", "smoke")  # the shipped replica, offline
from genai_course import rag  # noqa: E402
from genai_course.publish.execute import write_report  # noqa: E402

DIMENSIONS = 384


def shipped_chunks():
    return rag.chunk_documents(rag.load_knowledge_base("m-ric/huggingface_doc"), 200, 40)


def synthetic_chunks(count: int, seed: int = 0):
    """`count` chunks of 150 words drawn from the shipped chunks' vocabulary."""
    words = sorted({w for c in shipped_chunks() for w in c.text.split()})
    rng = random.Random(seed)
    return [
        rag.Chunk(
            i, " ".join(rng.choices(words, k=150)), f"synthetic/{i // 25}.md", f"part {i % 25}"
        )
        for i in range(count)
    ]


def unit_vectors(count: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, DIMENSIONS)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def latency_ms(search, queries) -> tuple[float, float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        search(query)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), float(np.percentile(times, 95))


def bench_qdrant(location: str, chunks, vectors, queries):
    store = rag.open_store(location)
    started = time.perf_counter()
    rag.create_collection(store, "bench", DIMENSIONS)
    rag.index_chunks(store, "bench", chunks, vectors, batch_size=1024)
    index_seconds = time.perf_counter() - started
    p50, p95 = latency_ms(lambda v: rag.dense_search(store, "bench", v, 10), queries)
    store.close()
    return index_seconds, p50, p95


def bench_bm25(chunks, questions):
    started = time.perf_counter()
    index = rag.bm25_index(chunks)
    index_seconds = time.perf_counter() - started
    p50, p95 = latency_ms(lambda q: rag.bm25_search(index, q, 10), questions)
    return index_seconds, p50, p95


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["shipped", "100000"])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--folder-up-to",
        type=int,
        default=20_000,
        help="time the folder store only up to this many chunks: it commits every "
        "point to SQLite on its own, so its index time grows by a fixed cost "
        "per point (default 20,000)",
    )
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench_retrieval")
    args = parser.parse_args(argv)
    from genai_course.hub import load_hub_dataset

    questions = list(load_hub_dataset("m-ric/huggingface_doc_qa_eval", split="train")["question"])
    questions = (questions * (args.queries // len(questions) + 1))[: args.queries]
    rows = [
        "| collection | chunks | store | index (s) | query p50 (ms) | query p95 (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for size in args.sizes:
        chunks = shipped_chunks() if size == "shipped" else synthetic_chunks(int(size))
        vectors, queries = unit_vectors(len(chunks), 1), unit_vectors(args.queries, 2)
        folder = args.work / f"qdrant-{size}"
        shutil.rmtree(folder, ignore_errors=True)  # ours: a fresh store each run
        results = {}
        if len(chunks) <= args.folder_up_to:
            results["Qdrant, folder (embedded)"] = bench_qdrant(
                str(folder), chunks, vectors, queries
            )
        results["Qdrant, :memory: (embedded)"] = bench_qdrant(":memory:", chunks, vectors, queries)
        results["bm25s"] = bench_bm25(chunks, questions)
        for store, (index_seconds, p50, p95) in results.items():
            rows.append(
                f"| {size} | {len(chunks)} | {store} | {index_seconds:.1f} | {p50:.2f} "
                f"| {p95:.2f} |"
            )
            print(rows[-1], flush=True)
    write_report(rows, ROOT / "build" / "bench_retrieval.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
