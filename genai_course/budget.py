"""GPU memory budgets computed from the real architectures, without downloading a weight.

Each hub model the course uses has its real `config.json` shipped under
`genai_course/standins/hub/<org>--<name>/` (with `SOURCES.md` saying where each file came from).
`memory_budget` builds the model from that config on PyTorch's meta device, where tensors have
shapes but no storage, counts its parameters, and turns them into the bytes that weights,
gradients and AdamW states take. Activations depend on batch, length and kernels, so chapters add
them as estimates, marked as such next to the computed rows.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path

HUB_RECORDS = Path(__file__).resolve().parent / "standins" / "hub"
T4_GIB = 15.0  # what a 16 GB T4 leaves to PyTorch
GIB = 2**30
BYTES_PER_PARAM = {"float32": 4.0, "float16": 2.0, "bfloat16": 2.0, "int8": 1.0}
# NF4 with double quantisation: 4 bits a weight plus about 0.127 bits of block scales (QLoRA paper).
NF4_BYTES = (4 + 0.127) / 8
ADAMW_BYTES = 8.0  # two float32 moments per trainable parameter


def hub_record(hub_id: str, filename: str = "config.json") -> dict:
    """A file of the real hub repository, as shipped with the course (ch. 02).

    `config.json` by default.
    """
    path = HUB_RECORDS / hub_id.replace("/", "--") / filename
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: copy {filename} of https://huggingface.co/{hub_id} there "
            f"and list it in {HUB_RECORDS / 'SOURCES.md'}"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def _model_class(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def meta_model(hub_id: str, model_class: str, subfolder: str | None = None):
    """The hub model's architecture on the meta device, built from its shipped config (ch. 02).

    `model_class` is dotted, e.g. "transformers.AutoModelForCausalLM" or
    "diffusers.UNet2DConditionModel".
    """
    import torch

    cls = _model_class(model_class)
    config = hub_record(hub_id, f"{subfolder}/config.json" if subfolder else "config.json")
    with torch.device("meta"):
        if model_class.startswith("transformers."):
            from transformers import AutoConfig

            model_type = config.pop("model_type")
            model = cls.from_config(AutoConfig.for_model(model_type, **config))
            head = model.get_output_embeddings()
            if config.get("tie_word_embeddings") is False and head is not None:
                # transformers 5 ties T5's head whatever the config says; from_pretrained unties it
                # again when the checkpoint holds its own head, as FLAN-T5's does.
                head.weight = torch.nn.Parameter(torch.empty_like(head.weight))
            return model
        return cls.from_config(config)


def _matches(name: str, targets) -> bool:
    # peft's rule: a target names a module by its last dotted components.
    return any(name == t or name.endswith("." + t) for t in targets)


def lora_parameters(model, targets, rank: int) -> int:
    """How many weights LoRA of `rank` adds to the modules named by `targets` (ch. 11).

    Only Linear modules (or GPT-2 Conv1D) among them count.
    """
    total = 0
    for name, module in model.named_modules():
        if not _matches(name, targets):
            continue
        weight = getattr(module, "weight", None)
        if weight is None or weight.dim() != 2:
            raise ValueError(f"LoRA target {name} is a {type(module).__name__}, not a Linear layer")
        total += rank * (weight.shape[0] + weight.shape[1])
    if total == 0:
        raise ValueError(
            f"no module of {type(model).__name__} matches the LoRA targets {list(targets)}"
        )
    return total


def _quantisable(model) -> set[str]:
    # bitsandbytes quantises every Linear (and GPT-2's Conv1D) except the output head, which
    # transformers keeps in 16 bits.
    import torch

    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    linear = (torch.nn.Linear,)
    return {
        f"{name}.weight"
        for name, module in model.named_modules()
        if (isinstance(module, linear) or type(module).__name__ == "Conv1D") and module is not head
    }


@dataclass(frozen=True)
class Part:
    """One model of a chapter's heavy step: hub id, class, stored precision, what trains (ch. 02).

    `weights` is float32, float16, bfloat16 or nf4; `train` is "none", "all" or "lora" (with
    `lora_rank` and `lora_targets`).
    """

    label: str
    hub_id: str
    model_class: str
    subfolder: str | None = None
    weights: str = "float32"
    train: str = "none"
    lora_rank: int = 0
    lora_targets: tuple[str, ...] = ()
    # A model of the course's own (no hub config): the constructor arguments of `model_class`.
    arguments: dict | None = None


def part_memory(part: Part) -> dict:
    """Parameters and GiB of weights, gradients and AdamW states of one part (ch. 02).

    Computed on the meta device.
    """
    if part.arguments is not None:
        import torch

        with torch.device("meta"):
            model = _model_class(part.model_class)(**part.arguments)
    else:
        model = meta_model(part.hub_id, part.model_class, part.subfolder)
    params = dict(model.named_parameters())
    total = sum(p.numel() for p in params.values())
    if part.weights == "nf4":
        packed = _quantisable(model)
        weight_bytes = sum(
            p.numel() * (NF4_BYTES if name in packed else 2.0) for name, p in params.items()
        )
    else:
        weight_bytes = total * BYTES_PER_PARAM[part.weights]
    if part.train == "all":
        trainable, grad_width = total, BYTES_PER_PARAM[part.weights]
    elif part.train == "lora":
        trainable, grad_width = lora_parameters(model, part.lora_targets, part.lora_rank), 4.0
        weight_bytes += trainable * 4.0  # the adapters themselves, in float32
    elif part.train == "none":
        trainable, grad_width = 0, 0.0
    else:
        raise ValueError(f"train must be none, all or lora, not {part.train!r}")
    return {
        "part": part.label,
        "parameters (M)": round(total / 1e6, 1),
        "trainable (M)": round(trainable / 1e6, 2),
        "weights (GiB)": round(weight_bytes / GIB, 2),
        "gradients (GiB)": round(trainable * grad_width / GIB, 2),
        "AdamW states (GiB)": round(trainable * ADAMW_BYTES / GIB, 2),
        "figure": f"computed ({part.weights} weights, meta device)",
    }


def memory_budget(parts, estimated: dict[str, float] | None = None):
    """A "what fits on a T4" table: computed rows per part, estimated rows, a total (ch. 02).

    The total is set against 15 GiB.

    `estimated` maps a description (e.g. "activations, batch 4 x 256 tokens") to GiB.
    """
    import pandas as pd

    rows = [part_memory(part) for part in parts]
    table = pd.DataFrame(rows)
    table["total (GiB)"] = (
        table[["weights (GiB)", "gradients (GiB)", "AdamW states (GiB)"]].sum(axis=1).round(2)
    )
    extra = [
        {"part": name, "total (GiB)": round(gib, 2), "figure": "estimated"}
        for name, gib in (estimated or {}).items()
    ]
    table = pd.concat([table, pd.DataFrame(extra)], ignore_index=True) if extra else table
    total = round(float(table["total (GiB)"].sum()), 2)
    footer = {
        "part": "sum",
        "total (GiB)": total,
        "figure": f"{'fits' if total <= T4_GIB else 'does not fit'} a T4's {T4_GIB:.0f} GiB",
    }
    return (
        pd.concat([table, pd.DataFrame([footer])], ignore_index=True).fillna("").set_index("part")
    )
