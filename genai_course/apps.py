"""Demo apps over a web page, a PDF and a video's speech: cited answers and summaries (ch. 14).

Each source becomes text with sections (headings of the page, pages of the PDF, minutes of the
talk), then chunks that remember their section (`genai_course.rag`). A question is answered from
the few chunks that share the most words with it, and the answer cites them; a summary is made
chunk by chunk, then from the partial summaries. The Gradio app puts one tab per source in front.
"""

from __future__ import annotations

import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from .rag import bm25_index, bm25_search, grounded_answer

SPEECH_RATE = 16_000  # Whisper's feature extractor expects 16 kHz


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder) -> tuple[str, ThreadingHTTPServer]:
    """Serve `folder` on 127.0.0.1 from a thread: (base URL, server to shut down) (ch. 14)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


def page_text(url: str, selector: str = "main", timeout: float = 30) -> str:
    """A web page's text as markdown: headings kept as `#`, navigation and footer left out (ch. 14).

    `selector` picks the part of the page that holds the content (falls back to <body>).
    """
    import requests
    from bs4 import BeautifulSoup

    response = requests.get(url, timeout=timeout, headers={"User-Agent": "genai-course demo"})
    response.raise_for_status()
    soup = BeautifulSoup(response.content, "html.parser")
    root = soup.select_one(selector) or soup.body or soup
    lines = []
    for element in root.find_all(["h1", "h2", "h3", "h4", "p", "li"]):
        text = " ".join(element.get_text(" ", strip=True).split())
        if not text:
            continue
        level = int(element.name[1]) if element.name.startswith("h") else 0
        lines.append(f"{'#' * level} {text}" if level else text)
    return "\n\n".join(lines)


def video_speech(path, rate: int = SPEECH_RATE) -> np.ndarray:
    """A video's sound as mono float32 samples at `rate`, decoded by ffmpeg (ch. 14)."""
    import imageio_ffmpeg

    command = [
        imageio_ffmpeg.get_ffmpeg_exe(),
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(rate),
        "-f",
        "f32le",
        "-",
    ]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        raise ValueError(
            f"ffmpeg could not read the sound of {path}: {result.stderr.decode()[-300:]}"
        )
    return np.frombuffer(result.stdout, dtype=np.float32).copy()


def clock(seconds: float) -> str:
    """Seconds as m:ss (ch. 14)."""
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def speech_windows(samples: np.ndarray, seconds: float = 30.0, rate: int = SPEECH_RATE):
    """(label "m:ss-m:ss", samples) per window of `seconds`: Whisper hears 30 s at once (ch. 14).

    The last window is padded with silence to full length, as Whisper's training clips were, so
    windows batch together.
    """
    step = int(seconds * rate)
    windows = []
    for start in range(0, len(samples), step):
        piece = samples[start : start + step]
        label = f"{clock(start / rate)}-{clock((start + len(piece)) / rate)}"
        windows.append((label, np.pad(piece, (0, step - len(piece)))))
    return windows


def best_chunks(chunks, question: str, k: int) -> list:
    """The `k` chunks sharing the most (BM25-weighted) words with `question` (ch. 14)."""
    return [chunks[i] for i, _ in bm25_search(bm25_index(chunks), question, k)]


def answer_with_sources(chat, chunks, question: str, k: int) -> tuple[str, list]:
    """(answer, cited chunks) from the `k` chunks sharing most words with `question` (ch. 14).

    NOT_FOUND, without asking the model, when no chunk shares a word.

    `chat(messages)` returns the model's reply.
    """
    ranked = bm25_search(
        bm25_index(chunks), question, k
    )  # only chunks with a shared word score > 0
    answer, sources, _ = grounded_answer(chat, question, chunks, ranked, k, min_relevance=0.0)
    return answer, sources


def summarise_text(summarise, chunks, max_parts: int) -> str:
    """Summarise the first `max_parts` chunks, then their joined summaries: map, reduce (ch. 14).

    `summarise(text)` returns a summary of one text that fits the summariser.
    """
    parts = [summarise(chunk.text) for chunk in chunks[:max_parts]]
    return parts[0] if len(parts) == 1 else summarise(" ".join(parts))


def build_demo_app(answer, summarise, examples):
    """A Gradio Blocks app with a tab per source (URL, PDF, video): answers and summaries (ch. 14).

    `answer(kind, source, question)` and `summarise(kind, source)` return markdown; `examples` maps
    a kind to its starting (source, question), shown in the boxes.
    """
    import gradio as gr

    tabs = {
        "web": ("Web page", "URL of the page"),
        "pdf": ("PDF", "PDF file"),
        "video": ("Video", "Video file"),
    }
    with gr.Blocks(title="Ask a page, a PDF or a video") as app:
        gr.Markdown(
            "## Ask a web page, a PDF or a video\n"
            "Answers cite the part of the source they come from."
        )
        for kind, (title, label) in tabs.items():
            source, question = examples[kind]
            with gr.Tab(title):
                if kind == "web":
                    box = gr.Textbox(label=label, value=source)
                else:
                    box = gr.File(label=label, value=source, type="filepath")
                asked = gr.Textbox(label="Question", value=question)
                with gr.Row():
                    ask_button = gr.Button("Answer", variant="primary", elem_id=f"answer-{kind}")
                    summary_button = gr.Button("Summarise", elem_id=f"summarise-{kind}")
                reply = gr.Markdown(elem_id=f"reply-{kind}")
                ask_button.click(
                    partial(answer, kind), [box, asked], reply, api_name=f"answer_{kind}"
                )
                summary_button.click(
                    partial(summarise, kind), box, reply, api_name=f"summarise_{kind}"
                )
    return app


def launch(app):
    """Start a Gradio app on 127.0.0.1, shown inline, without blocking; its local URL (ch. 14)."""
    app.launch(
        server_name="127.0.0.1", prevent_thread_lock=True, inline=True, quiet=True, show_error=True
    )
    return app.local_url
