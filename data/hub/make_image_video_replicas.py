"""Rebuild the replicas of chapters 05-07: ylecun/mnist, m1guelpf/nouns and
Wild-Heart/Disney-VideoGeneration-Dataset.

Each replica copies its hub repository's layout (folders, file names, README, columns, features) in
miniature; the evidence for each layout is in the replica's REPLICA.md. The contents are made here:
- `ylecun--mnist`: scikit-learn's bundled 8x8 digits (UCI, CC BY 4.0), upscaled to MNIST's 28x28.
- `m1guelpf--nouns`: 2,000 procedural pixel-art characters with captions in the hub's wording.
- `Wild-Heart--Disney-VideoGeneration-Dataset`: 8 procedural black-and-white clips with captions.

Run from the repository root: `.venv/bin/python data/hub/make_image_video_replicas.py`.
It rewrites only the data files it makes (READMEs and REPLICA.md are kept by hand).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import imageio.v3 as iio
import numpy as np
from datasets import ClassLabel, Dataset, Features, Image, Value
from PIL import Image as PILImage

HERE = Path(__file__).resolve().parent


def mnist_replica() -> None:
    """MNIST's parquet files under `mnist/`: 1,500 train and 297 test digits, image + ClassLabel."""
    from sklearn.datasets import load_digits

    def upscale(pixels):
        grey = PILImage.fromarray((pixels * (255 / 16)).astype(np.uint8), mode="L")
        return grey.resize((28, 28), PILImage.BILINEAR)  # white ink on black, like MNIST

    digits = load_digits()
    features = Features({"image": Image(), "label": ClassLabel(names=[str(d) for d in range(10)])})
    out = HERE / "ylecun--mnist" / "mnist"
    out.mkdir(parents=True, exist_ok=True)
    for split, rows in (("train", slice(0, 1500)), ("test", slice(1500, None))):
        table = Dataset.from_dict({"image": [upscale(p) for p in digits.images[rows]],
                                   "label": digits.target[rows].tolist()}, features=features)
        table.to_parquet(out / f"{split}-00000-of-00001.parquet")


COLORS = {"red": (220, 50, 47), "blue": (38, 139, 210), "green": (133, 153, 0),
          "yellow": (240, 200, 40), "purple": (108, 113, 196), "orange": (203, 75, 22),
          "pink": (211, 54, 130), "teal": (42, 161, 152), "gray": (130, 130, 130),
          "brown": (121, 85, 58)}
BACKGROUNDS = {"cool": (213, 215, 225), "warm": (228, 205, 180)}
HEADS = {"square": (6, 8, 14, 16), "wide": (8, 5, 12, 22), "tall": (3, 10, 17, 12),
         "round": (6, 8, 14, 16)}


def noun(body, head, glasses, background, head_color):
    """A 32x32 character (body, head, two-lens "noggles") on a plain background, shown at 64x64."""
    g = np.zeros((32, 32, 3), np.uint8)
    g[:] = BACKGROUNDS[background]
    g[22:32, 9:23] = COLORS[body]
    g[25:27, 13:19] = 255 - np.array(COLORS[body])  # a chest stripe
    top, left, h, w = HEADS[head]
    g[top:top + h, left:left + w] = COLORS[head_color]
    if head == "round":  # cut the corners
        for dy, dx in [(0, 0), (0, w - 1), (h - 1, 0), (h - 1, w - 1)]:
            g[top + dy, left + dx] = BACKGROUNDS[background]
    y = top + h // 2 - 2
    for x0 in (left + 1, left + w // 2 + 1):
        g[y:y + 5, x0:x0 + 5] = COLORS[glasses]
        g[y + 1:y + 4, x0 + 1:x0 + 3] = 255
        g[y + 1:y + 4, x0 + 3:x0 + 4] = 0
    g[y + 2, left:left + w // 2 + 1] = COLORS[glasses]
    return PILImage.fromarray(g).resize((64, 64), PILImage.NEAREST)


def nouns_replica(rows: int = 2000) -> None:
    """One train parquet file under `data/` with the hub's file name: `image` and `text` columns."""
    rng = np.random.default_rng(6)
    names, images, texts = list(COLORS), [], []
    for i in range(rows):
        body, head_color, glasses = rng.choice(names, 3, replace=False)
        head, background = list(HEADS)[i % 4], ["cool", "warm"][(i // 4) % 2]
        images.append(noun(body, head, glasses, background, head_color))
        texts.append(f"a pixel art character with square {glasses} glasses, "
                     f"a {head_color} {head} head and a {body}-colored body "
                     f"on a {background} background")
    table = Dataset.from_dict({"image": images, "text": texts},
                              features=Features({"image": Image(), "text": Value("string")}))
    out = HERE / "m1guelpf--nouns" / "data"
    out.mkdir(parents=True, exist_ok=True)
    table.to_parquet(out / "train-00000-of-00001-72206f7d9a3e29b2.parquet")


# (shape, motion, caption) of each clip; grey shapes on a pale floor, like an old cartoon.
CLIPS = [
    ("circle", "right", "A black and white animated scene: a dark ball rolls from left to right "
                        "along the deck of a small boat while the camera stays still."),
    ("circle", "left", "A black and white cartoon shot: a dark ball bounces to the left across a "
                       "pale floor, leaving the frame on the far side."),
    ("square", "down", "A black and white animated sequence: a heavy crate drops slowly from the "
                       "top of the frame onto the deck."),
    ("square", "up", "A black and white cartoon scene: a crate is hoisted upwards on an unseen "
                     "rope, swaying slightly as it rises."),
    ("circle", "bob", "A black and white animated clip: a round buoy bobs up and down on the "
                      "water as the current carries it to the right."),
    ("square", "right", "A black and white cartoon: a boxy steamboat chugs from left to right "
                        "across the river, its outline trembling."),
    ("circle", "down", "A black and white animated scene: a dark ball falls from the sky and "
                       "lands in the middle of the deck."),
    ("square", "left", "A black and white cartoon shot: a small square cabin slides to the left "
                       "as the boat turns in the current."),
]
WIDTH, HEIGHT, FPS, SECONDS = 96, 56, 30, 6  # the hub's clips: 640 x 380, 30 fps, 6 s


def clip(shape: str, motion: str, rng) -> np.ndarray:
    """Frames (180, HEIGHT, WIDTH, 3) of a grey shape crossing a pale background, with grain."""
    frames = FPS * SECONDS
    yy, xx = np.mgrid[:HEIGHT, :WIDTH]
    out = np.empty((frames, HEIGHT, WIDTH, 3), np.uint8)
    for t in range(frames):
        s = t / (frames - 1)
        across, down = s * (WIDTH - 16), s * (HEIGHT - 12)
        cx, cy = {"right": (8 + across, HEIGHT / 2), "left": (WIDTH - 8 - across, HEIGHT / 2),
                  "down": (WIDTH / 2, 6 + down), "up": (WIDTH / 2, HEIGHT - 6 - down),
                  "bob": (8 + across, HEIGHT / 2 + 8 * np.sin(6 * np.pi * s))}[motion]
        grey = np.full((HEIGHT, WIDTH), 225.0)
        grey[int(HEIGHT * 0.75):] = 190  # the deck
        mask = ((xx - cx) ** 2 + (yy - cy) ** 2 <= 49) if shape == "circle" else (
            (abs(xx - cx) <= 7) & (abs(yy - cy) <= 7))
        grey[mask] = 40
        grey += rng.normal(0, 6, grey.shape)  # film grain
        out[t] = np.clip(grey, 0, 255).astype(np.uint8)[..., None]
    return out


def disney_replica() -> None:
    """`videos/<md5>.mp4`, `videos.txt` (one path a line) and `prompt.txt` (one caption a line)."""
    root = HERE / "Wild-Heart--Disney-VideoGeneration-Dataset"
    (root / "videos").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    paths, prompts = [], []
    for shape, motion, caption in CLIPS:
        name = hashlib.md5(caption.encode()).hexdigest() + ".mp4"  # 32 hex digits, as the hub's
        iio.imwrite(root / "videos" / name, clip(shape, motion, rng), fps=FPS, extension=".mp4",
                    macro_block_size=8)
        paths.append(f"videos/{name}")
        prompts.append(caption)
    (root / "videos.txt").write_text("\n".join(paths) + "\n", encoding="utf-8")
    (root / "prompt.txt").write_text("\n".join(prompts) + "\n", encoding="utf-8")


if __name__ == "__main__":
    mnist_replica()
    nouns_replica()
    disney_replica()
    print("replicas written under", HERE)
