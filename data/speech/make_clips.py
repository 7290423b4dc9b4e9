"""Remake data/speech/ (ch. 08): espeak-ng clips at 16 kHz mono, and non-speech sounds from numpy.

Needs espeak-ng (apt-get install espeak-ng); the chapter itself only reads the shipped files.
"""

import csv
import subprocess
import tempfile
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent
SR = 16000

WELSH = [
    "Mae'r dŵr yn oer.",
    "Dyma'r tŷ newydd.",
    "Mae'r gŵr yn canu.",
    "Bore da, sut wyt ti?",
    "Mae hi'n bwrw glaw.",
    "Mae'r ci yn rhedeg.",
    "Diolch yn fawr iawn.",
    "Mae'r ffôn ar y bwrdd.",
]
ENGLISH = [
    "hello world",
    "the cat sat on the mat",
    "good morning everyone",
    "speech to text is fun",
]
VOICES = {
    "cy": [("alaw", "cy+f3"), ("bryn", "cy+m3"), ("ceri", "cy+f5")],
    "en": [("dana", "en-us+f2")],
}


def speak(text, voice):
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", tmp.name, text], check=True)
        wave, sr = sf.read(tmp.name, dtype="float32")
    wave = librosa.resample(wave, orig_sr=sr, target_sr=SR)
    wave, _ = librosa.effects.trim(wave, top_db=35)
    wave = np.pad(wave, (int(0.1 * SR), int(0.1 * SR)))
    return 0.9 * wave / np.abs(wave).max()


def write_folder(folder, rows):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "metadata.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0][1]))
        w.writeheader()
        for wave, row in rows:
            sf.write(folder / row["file_name"], wave, SR, subtype="PCM_16")
            w.writerow(row)


def welsh_rows(voices):
    rows = []
    for name, voice in voices:
        for i, text in enumerate(WELSH):
            rows.append(
                (
                    speak(text, voice),
                    {"file_name": f"{name}_{i:02d}.wav", "transcription": text, "speaker_id": name},
                )
            )
    return rows


write_folder(ROOT / "welsh" / "train", welsh_rows(VOICES["cy"][:2]))
write_folder(ROOT / "welsh" / "test", welsh_rows(VOICES["cy"][2:]))
write_folder(
    ROOT / "english" / "test",
    [
        (
            speak(t, VOICES["en"][0][1]),
            {"file_name": f"dana_{i:02d}.wav", "transcription": t, "speaker_id": "dana"},
        )
        for i, t in enumerate(ENGLISH)
    ],
)

# Non-speech sounds for CLAP, synthesised so they ship without licences.
rng = np.random.default_rng(0)
t = np.arange(int(1.5 * SR)) / SR


def bark():
    out = np.zeros_like(t)
    for start in (0.1, 0.55, 0.95):
        n, s = int(0.18 * SR), int(start * SR)
        tt = np.arange(n) / SR
        f0 = 450 * np.exp(-4 * tt)
        tone = sum(np.sin(2 * np.pi * k * np.cumsum(f0) / SR) / k for k in range(1, 6))
        burst = (tone + 0.6 * rng.standard_normal(n)) * np.exp(-12 * tt) * np.minimum(1, tt * 200)
        out[s : s + n] += burst
    return out


def siren():
    f = 750 + 350 * np.sin(2 * np.pi * 1.2 * t)
    phase = 2 * np.pi * np.cumsum(f) / SR
    return np.sin(phase) + 0.3 * np.sin(2 * phase)


def rain():
    noise = rng.standard_normal(t.size)
    drops = np.zeros_like(t)
    drops[rng.integers(0, t.size, 300)] = rng.uniform(1, 4, 300)
    drops = np.convolve(drops, np.exp(-np.arange(80) / 10), mode="same")
    return librosa.effects.preemphasis(noise * 0.5) + drops * rng.standard_normal(t.size)


sounds = []
for name, wave in [("dog_bark", bark()), ("siren", siren()), ("rain", rain())]:
    wave = (0.8 * wave / np.abs(wave).max()).astype("float32")
    sounds.append((wave, {"file_name": f"{name}.wav", "label": name.replace("_", " ")}))
write_folder(ROOT / "sounds" / "test", sounds)
