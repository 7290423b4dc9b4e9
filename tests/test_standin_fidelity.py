"""Stand-ins match their hub checkpoints where it matters, judged against the hub's own files.

Each hub model's real files (config.json, generation_config.json, tokenizer_config.json, a diffusers
model_index.json) are shipped under genai_course/standins/hub/<org>--<name>/. A stand-in must have
the same class and stored dtype, the same generation settings (token ids compared by the token they
stand for), the same special tokens and chat template. What a stand-in does not reproduce is listed
in genai_course/standins/README.md, one row per hub id.
"""

import json
import re
from pathlib import Path

import pytest

from genai_course import standins
from genai_course.budget import HUB_RECORDS

IDS = standins.registered_ids()
# Stand-ins of artefacts that are not hub repositories: checked against the code that loads them.
NOT_ON_THE_HUB = {"fastai/wt103-fwd"}
TABLE = (Path(standins.__file__).parent / "README.md").read_text(encoding="utf-8")
# Bookkeeping fields that say nothing about behaviour.
IGNORED = {
    "transformers_version",
    "_from_model_config",
    "_name_or_path",
    "_commit_hash",
    "_diffusers_version",
}


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
            stored = {f.get_slice(k).get_dtype() for k in f.keys()}
            # Integer buffers (position ids, index tables) are not weights; the .bin branch skips
            # them too.
            dtypes |= {
                names.get(d, "other") for d in stored if not d.startswith(("I", "U", "BOOL"))
            }
    for path in folder.glob("*.bin"):  # repositories that ship pytorch_model.bin only
        import torch

        state = torch.load(path, map_location="meta", weights_only=True)
        dtypes |= {
            str(t.dtype).removeprefix("torch.") for t in state.values() if t.is_floating_point()
        }
    return dtypes


@pytest.mark.parametrize("hub_id", [i for i in IDS if i not in NOT_ON_THE_HUB])
def test_hub_files_are_shipped(hub_id):
    # speechbrain repositories describe their model in hyperparams.yaml (compared in
    # tests/test_audio.py).
    speechbrain = (HUB_RECORDS / hub_id.replace("/", "--") / "hyperparams.yaml").is_file()
    assert record(hub_id, "config.json") or record(hub_id, "model_index.json") or speechbrain, (
        f"ship the hub's config.json (or model_index.json) of {hub_id} under {HUB_RECORDS}"
    )


@pytest.mark.parametrize("hub_id", IDS)
def test_fidelity_row(hub_id):
    assert f"| `{hub_id}` |" in TABLE, f"add a row for {hub_id} to genai_course/standins/README.md"


@pytest.mark.parametrize("hub_id", [i for i in IDS if record(i, "config.json")])
def test_same_class_and_stored_dtype(hub_id):
    hub, ours = record(hub_id, "config.json"), saved(hub_id, "config.json")
    assert ours["model_type"] == hub["model_type"]
    assert ours.get("architectures") == hub.get("architectures")
    # A config without a dtype loads in its weights' dtype (dtype="auto"): weights.json records it.
    weights = record(hub_id, "weights.json") or {}
    hub_dtype = hub.get("dtype") or hub.get("torch_dtype") or weights.get("dtype") or "float32"
    assert (ours.get("dtype") or ours.get("torch_dtype") or "float32") == hub_dtype
    assert stored_dtypes(standins.standin_path(hub_id)) <= {hub_dtype}, (
        "weights stored in the hub's dtype"
    )


@pytest.mark.parametrize("hub_id", [i for i in IDS if record(i, "generation_config.json")])
def test_same_generation_config(hub_id):
    hub, ours = (
        record(hub_id, "generation_config.json"),
        saved(hub_id, "generation_config.json") or {},
    )
    hub_tokens = special_token_strings(record(hub_id, "tokenizer_config.json"))
    our_tokens = special_token_strings(saved(hub_id, "tokenizer_config.json"))
    if (
        hub_tokens
    ):  # transformers 5 saves added tokens in tokenizer.json, not in tokenizer_config.json
        added = (saved(hub_id, "tokenizer.json") or {}).get("added_tokens", [])
        our_tokens = {**{entry["id"]: entry["content"] for entry in added}, **our_tokens}

    def as_text(value, tokens):
        # Token ids differ between vocabularies; the tokens they name must not.
        return (
            sorted(tokens.get(v, v) for v in value)
            if isinstance(value, list)
            else tokens.get(value, value)
        )

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
    if (
        template is None
        and (HUB_RECORDS / hub_id.replace("/", "--") / "chat_template.jinja").is_file()
    ):
        template = (HUB_RECORDS / hub_id.replace("/", "--") / "chat_template.jinja").read_text(
            encoding="utf-8"
        )
    if template is not None:
        folder = standins.standin_path(hub_id)
        jinja = folder / "chat_template.jinja"
        assert (
            ours.get("chat_template")
            or (jinja.read_text(encoding="utf-8") if jinja.is_file() else None)
        ) == template


@pytest.mark.parametrize("hub_id", [i for i in IDS if record(i, "model_index.json")])
def test_same_pipeline_components(hub_id):
    hub, ours = record(hub_id, "model_index.json"), saved(hub_id, "model_index.json")
    strip = {k: v for k, v in hub.items() if k not in IGNORED}
    assert {k: v for k, v in ours.items() if k not in IGNORED} == strip


def _layer_pattern(keys) -> set[str]:
    return {re.sub(r"^0\.rnns\.\d+\.", "0.rnns.N.", key) for key in keys}


def test_fastai_awd_lstm_is_laid_out_as_fastai_loads_wt103():
    """language_model_learner(pretrained=True) globs one .pth and one .pkl in the extracted archive,
    keeps fastai's special tokens, and loads the weights by position after clean_raw_keys."""
    import torch
    from fastai.text.all import (
        AWD_LSTM,
        awd_lstm_lm_config,
        defaults,
        get_language_model,
        load_pickle,
    )
    from fastai.text.learner import clean_raw_keys

    folder = standins.standin_path("fastai/wt103-fwd")
    record = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    archive = folder / record["archive"]
    assert sorted(p.name for p in archive.iterdir()) == ["itos_wt103.pkl", "lstm_fwd.pth"]
    vocab = load_pickle(archive / "itos_wt103.pkl")
    assert vocab[: len(defaults.text_spec_tok)] == defaults.text_spec_tok
    assert vocab[record["config"]["pad_token"]] == "xxpad" and len(vocab) == record["vocab_size"]
    sizes = ("emb_sz", "n_hid", "n_layers")  # the one difference from fastai's real config
    assert {k: v for k, v in record["config"].items() if k not in sizes} == {
        k: v for k, v in awd_lstm_lm_config.items() if k not in sizes
    }
    weights = clean_raw_keys(torch.load(archive / "lstm_fwd.pth", weights_only=True))
    model = get_language_model(AWD_LSTM, len(vocab), config=record["config"]).state_dict()
    assert [(k, v.shape, v.dtype) for k, v in weights.items()] == [
        (k, v.shape, torch.float32) for k, v in model.items()
    ]
    with torch.device("meta"):
        real = get_language_model(AWD_LSTM, 60_000, config=awd_lstm_lm_config).state_dict()
    assert _layer_pattern(weights) == _layer_pattern(real)  # the same tensors per layer
