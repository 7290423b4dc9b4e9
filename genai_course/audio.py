"""Audio helpers for chapter 08: loading and decoding speech, WER two ways, CTC collapse, collators.

Decoding goes through soundfile + librosa rather than `datasets.Audio`, whose encoder and decoder
need torchcodec (a wheel tied to one torch version, plus FFmpeg's shared libraries). soundfile and
librosa are plain pip wheels, so one decoder serves a hub parquet dataset and a local folder alike.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


def load_speech(folder: str, split: str):
    """A split of a local audiofolder-style folder, with an undecoded `audio` column (ch. 08).

    The folder holds `<split>/metadata.csv` with a `file_name` column next to its audio files, the
    layout of `datasets`' audiofolder, so your own recordings load like the shipped clips.
    """
    from datasets import load_dataset

    metadata = Path(folder) / split / "metadata.csv"
    if not metadata.exists():
        raise FileNotFoundError(
            f"{metadata} is missing: a local speech folder needs <split>/metadata.csv"
        )
    table = load_dataset("csv", data_files=str(metadata), split="train")
    if "file_name" not in table.column_names:
        raise ValueError(f"{metadata} needs a file_name column; it has {table.column_names}")
    where = str(metadata.parent.resolve())
    table = table.map(lambda row: {"audio": {"path": f"{where}/{row['file_name']}", "bytes": None}})
    return table.remove_columns("file_name")


# How an audio cell is stored in a parquet file: the encoded file's bytes and its name.
UNDECODED_AUDIO = {"bytes": "binary", "path": "string"}


def first_clips(path: str, count: int, **load_args):
    """The first `count` rows of a hub speech split, streamed, audio left undecoded (ch. 08).

    `load_args` are `load_hub_dataset`'s (`split=`, `revision=`, `data_dir=`...). Streaming reads
    the parquet shards a row at a time, so only the first shards of a large split are fetched.
    """
    from datasets import Dataset, Value

    from .hub import load_hub_dataset

    stream = load_hub_dataset(path, streaming=True, **load_args)
    stream = stream.cast_column(
        "audio", {key: Value(kind) for key, kind in UNDECODED_AUDIO.items()}
    )
    return Dataset.from_list(list(stream.take(count)), features=stream.features)


def decode_audio(audio: dict, sampling_rate: int) -> np.ndarray:
    """Mono float32 samples at `sampling_rate` from an undecoded `{"path", "bytes"}` (ch. 08)."""
    import librosa
    import soundfile as sf

    if not isinstance(audio, dict) or (audio.get("bytes") is None and audio.get("path") is None):
        raise ValueError(
            f"expected an undecoded audio cell with 'bytes' or 'path', got {audio!r:.80}"
        )
    source = io.BytesIO(audio["bytes"]) if audio.get("bytes") is not None else audio["path"]
    wave, native_rate = sf.read(source, dtype="float32", always_2d=True)
    wave = wave.mean(axis=1)
    if native_rate != sampling_rate:
        wave = librosa.resample(wave, orig_sr=native_rate, target_sr=sampling_rate)
    return wave.astype(np.float32)


def normalise_transcript(text: str) -> str:
    """Lower case, `[^\\w\\s]` removed, whitespace collapsed: the text WER compares (ch. 08)."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def _check_pairs(references: list[str], hypotheses: list[str]) -> None:
    if len(references) != len(hypotheses) or not references:
        raise ValueError(
            "need as many hypotheses as references, at least one "
            f"({len(hypotheses)} vs {len(references)})"
        )
    if any(not ref.split() for ref in references):
        raise ValueError(
            "every reference needs at least one word (WER divides by the reference length)"
        )


def corpus_wer(references: list[str], hypotheses: list[str]) -> float:
    """Word errors summed over all utterances over all reference words, in percent (ch. 08)."""
    import jiwer

    _check_pairs(references, hypotheses)
    return 100 * jiwer.wer(references, hypotheses)


def utterance_wers(references: list[str], hypotheses: list[str]) -> list[float]:
    """WER of each utterance on its own, in percent (ch. 08)."""
    import jiwer

    _check_pairs(references, hypotheses)
    return [100 * jiwer.wer(ref, hyp) for ref, hyp in zip(references, hypotheses)]


def mean_utterance_wer(references: list[str], hypotheses: list[str]) -> float:
    """The mean of per-utterance WERs: a two-word clip weighs like a twenty-word one (ch. 08)."""
    scores = utterance_wers(references, hypotheses)
    return float(sum(scores) / len(scores))


def ctc_collapse_steps(frame_ids: list[int], blank_id: int) -> tuple[list[int], list[int]]:
    """Greedy CTC decoding in two visible steps: merge repeated frame ids, drop blanks (ch. 08)."""
    merged = [token for i, token in enumerate(frame_ids) if i == 0 or token != frame_ids[i - 1]]
    return merged, [token for token in merged if token != blank_id]


@dataclass
class WhisperCollator:
    """Pads log-mels and labels; label padding becomes -100, a leading start token goes (ch. 08)."""

    processor: Any
    decoder_start_token_id: int

    def __call__(self, rows: list[dict]) -> dict:
        batch = self.processor.feature_extractor.pad(
            [{"input_features": row["input_features"]} for row in rows], return_tensors="pt"
        )
        labels = self.processor.tokenizer.pad(
            [{"input_ids": row["labels"]} for row in rows], return_tensors="pt"
        )
        ids = labels["input_ids"].masked_fill(labels["attention_mask"].ne(1), -100)
        # The tokenizer prepends <|startoftranscript|>; the model adds it again when it shifts
        # the labels right.
        if (ids[:, 0] == self.decoder_start_token_id).all():
            ids = ids[:, 1:]
        batch["labels"] = ids
        return batch


@dataclass
class TTSCollator:
    """Pads token ids and target spectrograms for SpeechT5, cut to the reduction factor (ch. 08).

    The targets are cut to a multiple of `reduction_factor`, the frames the decoder emits a step.
    """

    processor: Any
    reduction_factor: int

    def __call__(self, rows: list[dict]) -> dict:
        import torch

        if self.reduction_factor < 1:
            raise ValueError(f"reduction_factor must be at least 1, got {self.reduction_factor}")
        batch = self.processor.pad(
            input_ids=[{"input_ids": row["input_ids"]} for row in rows],
            labels=[{"input_values": row["labels"]} for row in rows],
            return_tensors="pt",
        )
        # Padded frames are ignored by the loss.
        batch["labels"] = batch["labels"].masked_fill(
            batch.pop("decoder_attention_mask").unsqueeze(-1).ne(1), -100
        )
        # The decoder emits `reduction_factor` frames a step: the target length must divide evenly.
        length = batch["labels"].shape[1]
        batch["labels"] = batch["labels"][:, : length - length % self.reduction_factor]
        batch["speaker_embeddings"] = torch.tensor(
            np.stack([row["speaker_embeddings"] for row in rows]), dtype=torch.float32
        )
        return batch


def replace_characters(text: str, replacements: dict[str, str]) -> str:
    """`text` with each key of `replacements` swapped for its value, e.g. "ŵ" -> "w" (ch. 08)."""
    for source, target in replacements.items():
        text = text.replace(source, target)
    return text
