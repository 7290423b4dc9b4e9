"""Unit tests for chapter 08's audio helpers, its FLEURS replica and its stand-ins.

Decoding, WER two ways, CTC collapse, the collators; FLEURS' parquet branch (one config, languages
as folders) loaded offline as on the hub; Whisper's token ids and the x-vector recipe as published.
"""

import io
import json

import numpy as np
import pytest
import soundfile as sf
import torch

from genai_course.audio import (
    TTSCollator,
    WhisperCollator,
    corpus_wer,
    ctc_collapse_steps,
    decode_audio,
    first_clips,
    load_speech,
    mean_utterance_wer,
    normalise_transcript,
    replace_characters,
    utterance_wers,
)
from genai_course.budget import HUB_RECORDS, hub_record
from genai_course.hub import load_hub_dataset
from genai_course.paths import data_path


def _wav_bytes(wave, rate, channels=1):
    buffer = io.BytesIO()
    data = np.stack([wave] * channels, axis=1) if channels > 1 else wave
    sf.write(buffer, data, rate, format="WAV")
    return buffer.getvalue()


def test_decode_audio_resamples_and_mixes_down():
    tone = np.sin(2 * np.pi * 440 * np.arange(8000) / 8000).astype(np.float32)
    wave = decode_audio({"bytes": _wav_bytes(tone, 8000, channels=2), "path": None}, 16000)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert abs(wave.size - 16000) <= 2


def test_decode_audio_rejects_decoded_cells():
    with pytest.raises(ValueError, match="undecoded"):
        decode_audio({"array": np.zeros(3), "sampling_rate": 16000}, 16000)


def test_load_speech_reads_the_shipped_folder():
    rows = load_speech(str(data_path("speech", "welsh")), "train")
    assert {"audio", "transcription", "speaker_id"} <= set(rows.column_names)
    wave = decode_audio(rows[0]["audio"], 16000)
    assert 0.5 < wave.size / 16000 < 3.5


def test_load_speech_names_a_missing_split(tmp_path):
    with pytest.raises(FileNotFoundError, match="metadata.csv"):
        load_speech(str(tmp_path), "train")


def test_normalise_keeps_welsh_letters_and_drops_punctuation():
    assert normalise_transcript("Mae'r dŵr, yn OER!") == "maer dŵr yn oer"


def test_corpus_wer_differs_from_mean_of_utterances():
    refs, hyps = ["diolch", "a b c d e f g h"], ["diolch yn fawr", "a b c d e f g x"]
    assert utterance_wers(refs, hyps) == [200.0, 12.5]
    assert corpus_wer(refs, hyps) == pytest.approx(100 * 3 / 9)
    assert mean_utterance_wer(refs, hyps) == pytest.approx(106.25)


def test_wer_rejects_mismatched_or_empty_input():
    with pytest.raises(ValueError):
        corpus_wer(["a b"], [])
    with pytest.raises(ValueError):
        mean_utterance_wer([""], ["a"])


def test_ctc_collapse_keeps_letters_split_by_a_blank():
    merged, kept = ctc_collapse_steps([5, 5, 0, 7, 7, 0, 7, 0, 0], blank_id=0)
    assert merged == [5, 0, 7, 0, 7, 0]
    assert kept == [5, 7, 7]


class _FakeFeatureExtractor:
    def pad(self, rows, return_tensors):
        return {"input_features": torch.tensor(np.stack([r["input_features"] for r in rows]))}


class _FakeTokenizer:
    pad_token_id = 0

    def pad(self, rows, return_tensors):
        longest = max(len(r["input_ids"]) for r in rows)
        ids = [r["input_ids"] + [self.pad_token_id] * (longest - len(r["input_ids"])) for r in rows]
        mask = [[1] * len(r["input_ids"]) + [0] * (longest - len(r["input_ids"])) for r in rows]
        return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask)}


class _FakeWhisperProcessor:
    feature_extractor = _FakeFeatureExtractor()
    tokenizer = _FakeTokenizer()


def test_whisper_collator_masks_padding_and_strips_start_token():
    rows = [
        {"input_features": np.zeros((2, 3)), "labels": [9, 4, 5, 1]},
        {"input_features": np.ones((2, 3)), "labels": [9, 6, 1]},
    ]
    batch = WhisperCollator(_FakeWhisperProcessor(), decoder_start_token_id=9)(rows)
    assert batch["input_features"].shape == (2, 2, 3)
    assert batch["labels"].tolist() == [[4, 5, 1], [6, 1, -100]]


def test_whisper_collator_keeps_labels_without_start_token():
    rows = [{"input_features": np.zeros((2, 3)), "labels": [4, 5]}]
    batch = WhisperCollator(_FakeWhisperProcessor(), decoder_start_token_id=9)(rows)
    assert batch["labels"].tolist() == [[4, 5]]


class _FakeTTSProcessor:
    def pad(self, input_ids, labels, return_tensors):
        tokens = _FakeTokenizer().pad(input_ids, return_tensors)
        longest = max(len(r["input_values"]) for r in labels)
        spectrograms = np.zeros((len(labels), longest, 4), dtype=np.float32)
        mask = np.zeros((len(labels), longest), dtype=np.int64)
        for i, r in enumerate(labels):
            spectrograms[i, : len(r["input_values"])] = r["input_values"]
            mask[i, : len(r["input_values"])] = 1
        return {
            **tokens,
            "labels": torch.tensor(spectrograms),
            "decoder_attention_mask": torch.tensor(mask),
        }


def test_tts_collator_trims_to_reduction_factor_and_masks_padding():
    rows = [
        {"input_ids": [3, 4], "labels": np.ones((7, 4)), "speaker_embeddings": np.zeros(512)},
        {"input_ids": [3], "labels": np.ones((4, 4)), "speaker_embeddings": np.ones(512)},
    ]
    batch = TTSCollator(_FakeTTSProcessor(), reduction_factor=2)(rows)
    assert batch["labels"].shape == (2, 6, 4)
    assert (batch["labels"][1, 4:] == -100).all() and (batch["labels"][1, :4] == 1).all()
    assert batch["speaker_embeddings"].shape == (2, 512)
    assert "decoder_attention_mask" not in batch


def test_tts_collator_rejects_bad_reduction_factor():
    rows = [{"input_ids": [3], "labels": np.ones((2, 4)), "speaker_embeddings": np.zeros(512)}]
    with pytest.raises(ValueError):
        TTSCollator(_FakeTTSProcessor(), reduction_factor=0)(rows)


def test_replace_characters():
    assert replace_characters("dŵr a tŷ", {"ŵ": "w", "ŷ": "y"}) == "dwr a ty"


# FLEURS on the hub's parquet branch: one `default` config, each language a folder (data_dir).
FLEURS = "google/fleurs"
PARQUET = "refs/convert/parquet"
FLEURS_COLUMNS = [
    "id",
    "num_samples",
    "path",
    "audio",
    "transcription",
    "raw_transcription",
    "gender",
    "lang_id",
    "language",
    "lang_group_id",
]


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "smoke")


def test_fleurs_language_is_not_a_config_on_the_parquet_branch(offline):
    # What the chapter once called, and what the hub answers to it.
    with pytest.raises(ValueError, match="BuilderConfig 'cy_gb' not found"):
        load_hub_dataset(FLEURS, "cy_gb", revision=PARQUET, split="train")


def test_fleurs_without_data_dir_mixes_languages(offline):
    rows = load_hub_dataset(FLEURS, revision=PARQUET, split="train")
    assert set(rows["language"]) == {"Welsh", "English"}


def test_fleurs_welsh_folder_has_the_hub_columns_and_features(offline):
    rows = load_hub_dataset(FLEURS, revision=PARQUET, data_dir="cy_gb", split="test")
    assert rows.column_names == FLEURS_COLUMNS
    assert set(rows["language"]) == {"Welsh"}
    features = rows.features
    assert features["gender"].names == ["male", "female", "other"]
    assert set(features["lang_id"].int2str(list(rows["lang_id"]))) == {"cy_gb"}
    groups = features["lang_group_id"].int2str(list(rows["lang_group_id"]))
    assert set(groups) == {"western_european_we"}
    assert type(features["audio"]).__name__ == "Audio" and features["audio"].sampling_rate == 16000
    assert features["id"].dtype == features["num_samples"].dtype == "int32"


def test_first_clips_streams_a_few_undecoded_rows(offline):
    rows = first_clips(FLEURS, 3, split="train", revision=PARQUET, data_dir="cy_gb")
    assert len(rows) == 3 and rows.column_names == FLEURS_COLUMNS
    wave = decode_audio(rows[0]["audio"], 16000)
    assert wave.size == rows[0]["num_samples"]


def test_fleurs_replica_matches_its_generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_fleurs_replica", data_path("speech", "make_fleurs_replica.py")
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    import pyarrow.parquet as pq

    for (code, _), splits in script.SPLITS.items():
        for split in splits:
            schema = pq.read_schema(script.REPLICA / code / split / "0000.parquet")
            stored = json.loads(schema.metadata[b"huggingface"])["info"]["features"]
            assert stored == script.FEATURES, (code, split)


def test_whisper_standin_prompts_with_the_hub_token_ids():
    from transformers import WhisperProcessor

    from genai_course.standins import standin_path

    processor = WhisperProcessor.from_pretrained(
        standin_path("openai/whisper-small"), language="welsh", task="transcribe"
    )
    generation = hub_record("openai/whisper-small", "generation_config.json")
    prompt = processor.tokenizer("Bore da").input_ids[:4]
    assert prompt == [
        generation["decoder_start_token_id"],
        generation["lang_to_id"]["<|cy|>"],
        generation["task_to_id"]["transcribe"],
        generation["no_timestamps_token_id"],
    ]
    assert len(processor.tokenizer) == hub_record("openai/whisper-small")["vocab_size"]


def test_xvector_standin_is_the_hub_recipe_shrunk():
    from genai_course.standins import standin_path
    from genai_course.standins.ch08_audio import XVECTOR, XVECTOR_SHRUNK

    hub = (HUB_RECORDS / XVECTOR.replace("/", "--") / "hyperparams.yaml").read_text(
        encoding="utf-8"
    )
    ours = (standin_path(XVECTOR) / "hyperparams.yaml").read_text(encoding="utf-8")
    for hub_line, our_line in XVECTOR_SHRUNK.items():
        hub = hub.replace(hub_line, our_line)
    assert ours == hub
    assert "lin_neurons: 512" in ours  # SpeechT5 takes 512-number speaker embeddings


def test_xvector_standin_loads_as_the_chapter_loads_it(tmp_path):
    from speechbrain.inference.speaker import EncoderClassifier

    from genai_course.standins import standin_path

    source = str(standin_path("speechbrain/spkrec-xvect-voxceleb"))
    encoder = EncoderClassifier.from_hparams(
        source=source, savedir=str(tmp_path), overrides={"pretrained_path": source}
    )
    with torch.no_grad():
        embedding = encoder.encode_batch(torch.randn(1, 16000))
    assert embedding.shape == (1, 1, 512) and torch.isfinite(embedding).all()
