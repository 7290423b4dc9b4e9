#!/usr/bin/env python
"""Write chapter 14's PDF and video: a three-page annual report and a short spoken talk with slides.

    python data/demo_sources/make_sources.py

`report.pdf` is written by a small PDF writer below (the standard Helvetica font, so every PDF
reader and pypdf extract the text). `talk.mp4` is espeak-ng's voice reading four paragraphs, each
over a slide drawn with Pillow, joined by the ffmpeg binary that imageio-ffmpeg ships. The web
page, `garden.html`, is written by hand. Everything here is fictional and written for the course.
"""

from __future__ import annotations

import subprocess
import tempfile
import textwrap
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parent

REPORT = [
    (
        "Harbour Light Museum: annual report 2025",
        "The Harbour Light Museum occupies the former lighthouse keeper's cottage and the tower "
        "beside "
        "it at the end of the north pier. In 2025 the museum welcomed 18,400 visitors, up from "
        "15,900 the "
        "year before, helped by the new evening tours of the lantern room that ran from June to "
        "September. School visits rose to 62 classes, and the volunteer team grew to 41 people, "
        "who gave "
        "about 6,300 hours of their time. The tower itself was built in 1863 and its light was "
        "automated "
        "in 1979, when the last keeper, Margaret Tully, retired after twenty-two years of service.",
    ),
    (
        "Collections and conservation",
        "The largest project of the year was the conservation of the original second-order Fresnel "
        "lens, "
        "made of 112 glass prisms. Specialists from the county conservation studio cleaned each "
        "prism, "
        "replaced four cracked ones with copies cast from moulds of their neighbours, and restored "
        "the "
        "brass frame. The work took fourteen weeks and cost 38,000 pounds, of which 30,000 came "
        "from the "
        "Maritime Heritage Fund. The museum also received a gift of 240 logbooks kept by keepers "
        "between "
        "1870 and 1950, which volunteers are now scanning so that they can be searched online.",
    ),
    (
        "Finances and plans for 2026",
        "Income for the year was 212,000 pounds: 41 percent from admissions, 27 percent from "
        "grants, 19 "
        "percent from the shop and cafe, and the rest from donations and events. Spending was "
        "205,000 "
        "pounds, leaving a small surplus that has been set aside for repairs to the pier railings. "
        "In "
        "2026 the museum plans to open a weather station exhibit in the old fog-signal house, to "
        "extend "
        "opening hours to six days a week in summer, and to start a monthly talk series on the "
        "history "
        "of the coast. The trustees thank every visitor, volunteer and donor for a remarkable "
        "year.",
    ),
]

TALK = [
    (
        "How honeybees share directions",
        "Hello, and welcome to this short talk about how honeybees tell each other where to find "
        "food.",
    ),
    (
        "The waggle dance",
        "When a forager bee finds a rich patch of flowers, she returns to the hive and performs a "
        "waggle "
        "dance on the vertical comb. She runs a short straight line while shaking her body, then "
        "loops "
        "back and repeats it many times.",
    ),
    (
        "Angle and duration",
        "The angle of the straight run, measured from straight up, matches the angle between the "
        "sun and "
        "the flowers. The longer the waggle run lasts, the farther away the flowers are. A run of "
        "about "
        "one second means roughly one kilometre.",
    ),
    (
        "Why it matters",
        "Other bees follow the dancer, learn the direction and the distance, and fly straight to "
        "the "
        "food. This is how a colony can send hundreds of workers to the best flowers within an "
        "hour.",
    ),
]


def pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def page_stream(title: str, body: str, number: int) -> bytes:
    """PDF drawing operators for one A4 page: a bold title, wrapped body text, a page number."""
    lines = [f"BT /F2 16 Tf 56 780 Td ({pdf_escape(title)}) Tj ET"]
    y = 744
    for line in textwrap.wrap(body, 88):
        lines.append(f"BT /F1 11 Tf 56 {y} Td ({pdf_escape(line)}) Tj ET")
        y -= 16
    lines.append(f"BT /F1 9 Tf 290 40 Td (Page {number}) Tj ET")
    return "\n".join(lines).encode("latin-1")


def write_pdf(pages, path: Path) -> None:
    """A minimal PDF: a content stream per page, Helvetica (and Bold), a cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
        b"<< /Title (Harbour Light Museum annual report 2025) /Producer (genai-course) >>",
    ]
    kids = []
    for number, (title, body) in enumerate(pages, 1):
        stream = page_stream(title, body, number)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % len(objects)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))


def speak(text: str, path: Path) -> float:
    """espeak-ng reads `text` into a WAV file; its length in seconds."""
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(path), text], check=True)
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def slide(title: str, number: int, path: Path) -> None:
    """A 640x360 slide: the talk's colour band, a title and a slide number."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (640, 360), (250, 246, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 640, 70], fill=(214, 160, 40))
    font = ImageFont.load_default(size=30)
    for row, line in enumerate(textwrap.wrap(title, 32)):
        draw.text((40, 140 + 40 * row), line, fill=(40, 40, 40), font=font)
    draw.text((590, 320), str(number), fill=(120, 120, 120), font=ImageFont.load_default(size=18))
    image.save(path)


def write_video(parts, path: Path) -> None:
    """A slide per paragraph, shown while the voice reads it, muxed into an H.264/AAC MP4."""
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        concat, waves = [], []
        for n, (title, text) in enumerate(parts, 1):
            seconds = speak(text, tmp / f"part{n}.wav")
            slide(title, n, tmp / f"slide{n}.png")
            concat += [f"file 'slide{n}.png'", f"duration {seconds:.3f}"]
            waves.append(f"file 'part{n}.wav'")
        concat.append(
            f"file 'slide{len(parts)}.png'"
        )  # the concat demuxer drops the last duration otherwise
        (tmp / "slides.txt").write_text("\n".join(concat) + "\n")
        (tmp / "voice.txt").write_text("\n".join(waves) + "\n")
        subprocess.run(
            [
                ffmpeg,
                "-y",
                "-loglevel",
                "error",
                "-f",
                "concat",
                "-i",
                str(tmp / "slides.txt"),
                "-f",
                "concat",
                "-i",
                str(tmp / "voice.txt"),
                "-r",
                "4",
                "-c:v",
                "libx264",
                "-preset",
                "veryslow",
                "-crf",
                "30",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "32k",
                "-ac",
                "1",
                "-shortest",
                "-fflags",
                "+bitexact",
                "-flags",
                "+bitexact",
                "-map_metadata",
                "-1",
                str(path),
            ],
            check=True,
        )


def main() -> None:
    write_pdf(REPORT, HERE / "report.pdf")
    write_video(TALK, HERE / "talk.mp4")
    for name in ("report.pdf", "talk.mp4"):
        print(name, (HERE / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
