"""Audio helpers for chapter 08: loading and decoding speech, WER two ways, CTC collapse, and training collators.

Decoding goes through soundfile + librosa rather than `datasets.Audio`, whose encoder and decoder need
torchcodec (a wheel tied to one torch version, plus FFmpeg's shared libraries). soundfile and librosa
are plain pip wheels, so one loader serves a hub parquet dataset and a local folder alike.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


def load_speech(source: str, split: str, config: str | None = None, revision: str | None = None):
    """A split with an undecoded `audio` column, from a hub dataset or a local audiofolder-style folder (ch. 08).

    A local folder holds `<split>/metadata.csv` with a `file_name` column next to its audio files, the
    layout of `datasets`' audiofolder, so your own recordings load the same way as the shipped clips.
    """
    from datasets import Audio, load_dataset

    local = Path(source)
    if local.is_dir():
        metadata = local / split / "metadata.csv"
        if not metadata.exists():
            raise FileNotFoundError(f"{metadata} is missing: a local speech folder needs <split>/metadata.csv")
        table = load_dataset("csv", data_files=str(metadata), split="train")
        if "file_name" not in table.column_names:
            raise ValueError(f"{metadata} needs a file_name column; it has {table.column_names}")
        folder = str(metadata.parent.resolve())
        table = table.map(lambda row: {"audio": {"path": f"{folder}/{row['file_name']}", "bytes": None}})
        return table.remove_columns("file_name")
    table = load_dataset(source, config, split=split, revision=revision)
    return table.cast_column("audio", Audio(decode=False))


def decode_audio(audio: dict, sampling_rate: int) -> np.ndarray:
    """Mono float32 samples at `sampling_rate` from an undecoded `{"path", "bytes"}` audio cell (ch. 08)."""
    import librosa
    import soundfile as sf

    if not isinstance(audio, dict) or (audio.get("bytes") is None and audio.get("path") is None):
        raise ValueError(f"expected an undecoded audio cell with 'bytes' or 'path', got {audio!r:.80}")
    source = io.BytesIO(audio["bytes"]) if audio.get("bytes") is not None else audio["path"]
    wave, native_rate = sf.read(source, dtype="float32", always_2d=True)
    wave = wave.mean(axis=1)
    if native_rate != sampling_rate:
        wave = librosa.resample(wave, orig_sr=native_rate, target_sr=sampling_rate)
    return wave.astype(np.float32)


def normalise_transcript(text: str) -> str:
    """Lower-case, punctuation removed with `[^\\w\\s]`, whitespace collapsed: the text WER compares (ch. 08)."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def _check_pairs(references: list[str], hypotheses: list[str]) -> None:
    if len(references) != len(hypotheses) or not references:
        raise ValueError(f"need as many hypotheses as references, at least one ({len(hypotheses)} vs {len(references)})")
    if any(not ref.split() for ref in references):
        raise ValueError("every reference needs at least one word (WER divides by the reference length)")


def corpus_wer(references: list[str], hypotheses: list[str]) -> float:
    """Word errors summed over all utterances divided by all reference words, in percent (ch. 08)."""
    import jiwer

    _check_pairs(references, hypotheses)
    return 100 * jiwer.wer(references, hypotheses)


def utterance_wers(references: list[str], hypotheses: list[str]) -> list[float]:
    """WER of each utterance on its own, in percent (ch. 08)."""
    import jiwer

    _check_pairs(references, hypotheses)
    return [100 * jiwer.wer(ref, hyp) for ref, hyp in zip(references, hypotheses)]


def mean_utterance_wer(references: list[str], hypotheses: list[str]) -> float:
    """The plain mean of per-utterance WERs, which weighs a two-word clip like a twenty-word one (ch. 08)."""
    scores = utterance_wers(references, hypotheses)
    return float(sum(scores) / len(scores))


def ctc_collapse_steps(frame_ids: list[int], blank_id: int) -> tuple[list[int], list[int]]:
    """Greedy CTC decoding in two visible steps: merge repeated frame ids, then drop blanks (ch. 08)."""
    merged = [token for i, token in enumerate(frame_ids) if i == 0 or token != frame_ids[i - 1]]
    return merged, [token for token in merged if token != blank_id]


@dataclass
class WhisperCollator:
    """Pads log-mel features and label ids; label padding becomes -100, a leading start token is cut (ch. 08)."""

    processor: Any
    decoder_start_token_id: int

    def __call__(self, rows: list[dict]) -> dict:
        batch = self.processor.feature_extractor.pad(
            [{"input_features": row["input_features"]} for row in rows], return_tensors="pt"
        )
        labels = self.processor.tokenizer.pad([{"input_ids": row["labels"]} for row in rows], return_tensors="pt")
        ids = labels["input_ids"].masked_fill(labels["attention_mask"].ne(1), -100)
        # The tokenizer prepends <|startoftranscript|>; the model adds it again when it shifts labels right.
        if (ids[:, 0] == self.decoder_start_token_id).all():
            ids = ids[:, 1:]
        batch["labels"] = ids
        return batch


@dataclass
class TTSCollator:
    """Pads token ids and target spectrograms for SpeechT5, trimming targets to a multiple of the reduction factor (ch. 08)."""

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
        batch["labels"] = batch["labels"].masked_fill(batch.pop("decoder_attention_mask").unsqueeze(-1).ne(1), -100)
        # The decoder emits `reduction_factor` frames a step, so the target length must divide evenly.
        length = batch["labels"].shape[1]
        batch["labels"] = batch["labels"][:, : length - length % self.reduction_factor]
        batch["speaker_embeddings"] = torch.tensor(np.stack([row["speaker_embeddings"] for row in rows]), dtype=torch.float32)
        return batch


def speaker_embedding(wave: np.ndarray, sampling_rate: int, size: int = 512) -> np.ndarray:
    """A stand-in for a 512-d x-vector: MFCC statistics through a fixed random projection, unit length (ch. 08).

    Real SpeechT5 speaker embeddings come from speechbrain's x-vector network; this keeps only the idea,
    a fixed-size vector that differs between voices and stays close for one voice.
    """
    import librosa

    if wave.ndim != 1 or wave.size < sampling_rate // 10:
        raise ValueError("speaker_embedding needs a mono clip of at least 0.1 s")
    mfcc = librosa.feature.mfcc(y=wave, sr=sampling_rate, n_mfcc=40)
    stats = np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)])
    stats = (stats - stats.mean()) / (stats.std() + 1e-8)
    projection = np.random.default_rng(512).standard_normal((size, stats.size)) / np.sqrt(stats.size)
    vector = projection @ stats
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def replace_characters(text: str, replacements: dict[str, str]) -> str:
    """`text` with each key of `replacements` swapped for its value, e.g. "ŵ" -> "w" (ch. 08)."""
    for source, target in replacements.items():
        text = text.replace(source, target)
    return text
