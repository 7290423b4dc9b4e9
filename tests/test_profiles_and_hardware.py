"""Profiles pick values and sources; the hardware helper sets switches, records what it skipped."""

import json

import pandas as pd
import pytest

from genai_course import hub, profile, standins
from genai_course import machine as hw


@pytest.mark.parametrize(
    "name, values, hub_source",
    [("full", "full", True), ("smoke", "smoke", False), ("rehearse", "full", False)],
)
def test_profiles(monkeypatch, name, values, hub_source):
    monkeypatch.setenv("GENAI_PROFILE", name)
    assert profile.pick(full="full", smoke="smoke") == values
    assert profile.uses_hub() is hub_source


def test_rehearsal_caps_steps_only_in_rehearsal(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "rehearse")
    assert profile.pick_steps(full=1000, smoke=30) == profile.DEFAULT_REHEARSE_STEPS
    monkeypatch.setenv("GENAI_REHEARSE_STEPS", "5")
    assert profile.pick_steps(full=1000, smoke=30) == 5 and profile.pick_steps(full=3, smoke=1) == 3
    monkeypatch.setenv("GENAI_PROFILE", "full")
    assert profile.pick_steps(full=1000, smoke=30) == 1000
    monkeypatch.setenv("GENAI_PROFILE", "rehearse")
    monkeypatch.setenv("GENAI_REHEARSE_STEPS", "zero")
    with pytest.raises(ValueError, match="whole number"):
        profile.pick_steps(full=1000, smoke=30)


def test_unknown_profile_is_refused(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "fast")
    with pytest.raises(ValueError, match="not a profile"):
        profile.current_profile()


def test_cpu_skips_cuda_only_steps_and_logs_them(tmp_path, monkeypatch):
    log = tmp_path / "skipped.jsonl"
    monkeypatch.setenv(hw.SKIP_LOG_ENV, str(log))
    monkeypatch.setattr(hw, "_skipped", [])
    cpu = hw.Hardware("cpu", None, None, native_bf16=False, bitsandbytes=True)
    assert cpu.mixed_precision() == {"bf16": False, "fp16": False}
    assert not cpu.four_bit and not cpu.offload
    assert str(cpu.compute_dtype()) == "torch.float32"
    steps = [json.loads(line)["step"] for line in log.read_text().splitlines()]
    assert steps == [
        "mixed-precision training (fp16/bf16 autocast)",
        "4-bit quantisation (bitsandbytes)",
        "model CPU offload",
        "half-precision weights",
    ]


def test_t4_trains_in_fp16_unless_the_model_overflows():
    t4 = hw.Hardware("cuda", "Tesla T4", 14.7, native_bf16=False, bitsandbytes=True)
    assert t4.mixed_precision() == {"bf16": False, "fp16": True}
    assert t4.mixed_precision(fp16_safe=False) == {
        "bf16": False,
        "fp16": False,
    }  # T5: float32, not emulated bf16
    assert str(t4.compute_dtype(fp16_safe=False)) == "torch.float32" and t4.four_bit
    a100 = hw.Hardware("cuda", "A100", 80, native_bf16=True, bitsandbytes=True)
    assert a100.mixed_precision(fp16_safe=False) == {"bf16": True, "fp16": False}


def test_offline_profiles_load_the_replica_with_the_real_arguments(tmp_path, monkeypatch):
    # A replica laid out like a hub parquet export: one default config, languages as folders.
    for split in ("train", "test"):
        folder = tmp_path / "org--speech@refs-convert-parquet" / "cy_gb" / split
        folder.mkdir(parents=True)
        pd.DataFrame({"text": [f"{split} one", f"{split} two"]}).to_parquet(folder / "0000.parquet")
    monkeypatch.setattr(hub, "REPLICAS_DIR", tmp_path)
    monkeypatch.setenv("GENAI_PROFILE", "rehearse")
    data = hub.load_hub_dataset(
        "org/speech", data_dir="cy_gb", revision="refs/convert/parquet", split="train"
    )
    assert data["text"] == ["train one", "train two"]
    with pytest.raises(ValueError, match="BuilderConfig 'cy_gb' not found"):
        hub.load_hub_dataset("org/speech", "cy_gb", revision="refs/convert/parquet")
    with pytest.raises(FileNotFoundError, match="no local replica of 'org/speech'"):
        hub.load_hub_dataset("org/speech", data_dir="cy_gb")  # the main branch has no replica


def test_checkpoint_is_the_hub_id_only_in_full(monkeypatch):
    monkeypatch.setenv("GENAI_PROFILE", "full")
    assert standins.checkpoint("gpt2") == "gpt2"
