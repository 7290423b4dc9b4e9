"""Regenerate the shipped smoke data of chapters 06 and 07: data/nouns_sample/ and data/clips/.

Pixel-art "nouns" with captions in the m1guelpf/nouns schema (image + text) and short clips of
coloured shapes with captions.jsonl, all procedural and seeded:  python data/clips/make_samples.py
"""
import json
from pathlib import Path
import numpy as np
from PIL import Image
import imageio.v3 as iio

ROOT = Path(__file__).resolve().parents[1]
rng = np.random.default_rng(6)
COLORS = {"red": (220, 50, 47), "blue": (38, 139, 210), "green": (133, 153, 0), "yellow": (240, 200, 40),
          "purple": (108, 113, 196), "orange": (203, 75, 22), "pink": (211, 54, 130), "teal": (42, 161, 152)}
BACKGROUNDS = {"cool": (213, 215, 225), "warm": (228, 205, 180)}
HEADS = ["square", "wide", "tall", "round"]

def noun(body, head, glasses, background, head_color):
    g = np.zeros((32, 32, 3), np.uint8); g[:] = BACKGROUNDS[background]
    g[22:32, 9:23] = COLORS[body]                       # body
    g[25:27, 13:19] = 255 - np.array(COLORS[body])      # a chest stripe
    top, left, h, w = {"square": (6, 8, 14, 16), "wide": (8, 5, 12, 22), "tall": (3, 10, 17, 12), "round": (6, 8, 14, 16)}[head]
    g[top:top + h, left:left + w] = COLORS[head_color]
    if head == "round":                                  # cut the corners
        for dy, dx in [(0, 0), (0, w - 1), (h - 1, 0), (h - 1, w - 1)]:
            g[top + dy, left + dx] = BACKGROUNDS[background]
    y = top + h // 2 - 2                                 # the "noggles": two square frames and a bridge
    for x0 in (left + 1, left + w // 2 + 1):
        g[y:y + 5, x0:x0 + 5] = COLORS[glasses]
        g[y + 1:y + 4, x0 + 1:x0 + 3] = 255
        g[y + 1:y + 4, x0 + 3:x0 + 4] = 0
    g[y + 2, left:left + w // 2 + 1] = COLORS[glasses]
    return Image.fromarray(g).resize((64, 64), Image.NEAREST)

rows = []
names = list(COLORS)
for i in range(8):
    body, head_color, glasses = rng.choice(names, 3, replace=False)
    head, background = HEADS[i % 4], ["cool", "warm"][i % 2]
    name = f"noun_{i}.png"
    noun(body, head, glasses, background, head_color).save(ROOT / "nouns_sample" / name)
    text = (f"a pixel art character with square {glasses} glasses, a {head_color} {head} head "
            f"and a {body}-colored body on a {background} background")
    rows.append({"file_name": name, "text": text})
(ROOT / "nouns_sample" / "metadata.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))

# Clips: a coloured shape crossing a plain background, 8 frames of 32x32.
def clip(shape, color, direction, frames=8, size=32):
    out = np.full((frames, size, size, 3), 235, np.uint8)
    yy, xx = np.mgrid[:size, :size]
    for t in range(frames):
        s = 4 + t * (size - 8) / (frames - 1)
        cx, cy = {"right": (s, 16), "left": (size - s, 16), "down": (16, s), "up": (16, size - s)}[direction]
        mask = ((xx - cx) ** 2 + (yy - cy) ** 2 <= 25) if shape == "circle" else ((abs(xx - cx) <= 4) & (abs(yy - cy) <= 4))
        out[t][mask] = COLORS[color]
    return out

specs = [("circle", "red", "right"), ("square", "blue", "down"), ("circle", "green", "up"),
         ("square", "yellow", "left"), ("circle", "purple", "down"), ("square", "red", "right")]
rows = []
for i, (shape, color, direction) in enumerate(specs):
    name = f"clip_{i}.mp4"
    iio.imwrite(ROOT / "clips" / name, clip(shape, color, direction), fps=8, extension=".mp4")
    rows.append({"file_name": name, "text": f"a {color} {shape} moving {direction} on a white background"})
(ROOT / "clips" / "captions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
