"""Stand-ins match their hub checkpoints where it matters, judged against the hub's own files.

Each hub model's real files (config.json, generation_config.json, tokenizer_config.json, a diffusers
model_index.json) are shipped under genai_course/standins/hub/<org>--<name>/. A stand-in must have
the same class and stored dtype, the same generation settings (token ids compared by the token they
stand for), the same special tokens and chat template. What a stand-in does not reproduce is listed
in genai_course/standins/README.md, one row per hub id.
"""
import json
from pathlib import Path

import pytest

from genai_course import standins
from genai_course.budget import HUB_RECORDS

IDS = standins.registered_ids()
TABLE = (Path(standins.__file__).parent / "README.md").read_text(encoding="utf-8")
# Bookkeeping fields that say nothing about behaviour.
IGNORED = {"transformers_version", "_from_model_config", "_name_or_path", "_commit_hash", "_diffusers_version"}


def record(hub_id, name):
    path = HUB_RECORDS / hub_id.replace("/", "--") / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def saved(hub_id, name):
    path = standins.standin_path(hub_id) / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def special_token_strings(tokenizer_config):
    """id -> token text, from a tokenizer_config.json's added_tokens_decoder."""
    decoder = (tokenizer_config or {}).get("added_tokens_decoder", {})
    return {int(i): entry["content"] for i, entry in decoder.items()}


def stored_dtypes(folder: Path) -> set[str]:
    from safetensors import safe_open

    names = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}
    dtypes = set()
    for path in folder.glob("*.safetensors"):
        with safe_open(str(path), "pt") as f:
            dtypes |= {names.get(f.get_slice(k).get_dtype(), "other") for k in f.keys()}
    return dtypes


@pytest.mark.parametrize("hub_id", IDS)
def test_hub_files_are_shipped(hub_id):
    assert record(hub_id, "config.json") or record(hub_id, "model_index.json"), (
        f"ship the hub's config.json (or model_index.json) of {hub_id} under {HUB_RECORDS}")


@pytest.mark.parametrize("hub_id", IDS)
def test_fidelity_row(hub_id):
    assert f"| `{hub_id}` |" in TABLE, f"add a row for {hub_id} to genai_course/standins/README.md"


@pytest.mark.parametrize("hub_id", [i for i in IDS if record(i, "config.json")])
def test_same_class_and_stored_dtype(hub_id):
    hub, ours = record(hub_id, "config.json"), saved(hub_id, "config.json")
    assert ours["model_type"] == hub["model_type"]
    assert ours.get("architectures") == hub.get("architectures")
    hub_dtype = hub.get("dtype") or hub.get("torch_dtype") or "float32"
    assert (ours.get("dtype") or ours.get("torch_dtype") or "float32") == hub_dtype
    assert stored_dtypes(standins.standin_path(hub_id)) <= {hub_dtype}, "weights stored in the hub's dtype"


@pytest.mark.parametrize("hub_id", [i for i in IDS if record(i, "generation_config.json")])
def test_same_generation_config(hub_id):
    hub, ours = record(hub_id, "generation_config.json"), saved(hub_id, "generation_config.json") or {}
    hub_tokens = special_token_strings(record(hub_id, "tokenizer_config.json"))
    our_tokens = special_token_strings(saved(hub_id, "tokenizer_config.json"))

    def as_text(value, tokens):
        # Token ids differ between vocabularies; the tokens they name must not.
        return sorted(tokens.get(v, v) for v in value) if isinstance(value, list) else tokens.get(value, value)

    for key in set(hub) - IGNORED:
        if key.endswith("token_id"):
            assert as_text(ours.get(key), our_tokens) == as_text(hub[key], hub_tokens), key
        else:
            assert ours.get(key) == hub[key], key


@pytest.mark.parametrize("hub_id", [i for i in IDS if record(i, "tokenizer_config.json")])
def test_same_special_tokens_and_chat_template(hub_id):
    hub, ours = record(hub_id, "tokenizer_config.json"), saved(hub_id, "tokenizer_config.json")

    def text(value):
        return value["content"] if isinstance(value, dict) else value

    for key in ("bos_token", "eos_token", "pad_token", "unk_token"):
        assert text(ours.get(key)) == text(hub.get(key)), key
    template = hub.get("chat_template")
    if template is None and (HUB_RECORDS / hub_id.replace("/", "--") / "chat_template.jinja").is_file():
        template = (HUB_RECORDS / hub_id.replace("/", "--") / "chat_template.jinja").read_text(encoding="utf-8")
    if template is not None:
        folder = standins.standin_path(hub_id)
        jinja = folder / "chat_template.jinja"
        assert (ours.get("chat_template") or (jinja.read_text(encoding="utf-8") if jinja.is_file() else None)) == template


@pytest.mark.parametrize("hub_id", [i for i in IDS if record(i, "model_index.json")])
def test_same_pipeline_components(hub_id):
    hub, ours = record(hub_id, "model_index.json"), saved(hub_id, "model_index.json")
    strip = {k: v for k, v in hub.items() if k not in IGNORED}
    assert {k: v for k, v in ours.items() if k not in IGNORED} == strip
