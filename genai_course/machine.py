"""What the machine can do, decided in one place and the same way in every profile.

A chapter never asks "am I in the full profile?" to choose precision, quantisation or offload: it
asks `hardware()`, which looks at the device. When a CUDA-only step is not taken (no GPU here), the
decision is recorded, so a rehearsal on a CPU can list what it could not exercise.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache

SKIP_LOG_ENV = "GENAI_SKIP_LOG"
_skipped: list[str] = []


def _record_skip(step: str, reason: str) -> None:
    line = f"{step}: {reason}"
    if line in _skipped:
        return
    _skipped.append(line)
    log = os.environ.get(SKIP_LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(json.dumps({"step": step, "reason": reason}) + "\n")


def skipped_steps() -> list[str]:
    """The CUDA-only steps this process did not take, as `step: reason` lines (ch. 01)."""
    return list(_skipped)


@dataclass(frozen=True)
class Hardware:
    """What the accelerator can do: the precision, quantisation and offload it allows (ch. 01)."""

    device: str  # "cuda", "mps" or "cpu"
    gpu_name: str | None
    gpu_memory_gib: float | None
    native_bf16: bool  # Ampere or newer; a T4 only emulates bfloat16, slowly
    bitsandbytes: bool  # the bitsandbytes package imports

    @property
    def cuda(self) -> bool:
        return self.device == "cuda"

    def _cuda_only(self, step: str) -> bool:
        if not self.cuda:
            _record_skip(step, f"needs a CUDA GPU, this machine has {self.device}")
        return self.cuda

    @property
    def four_bit(self) -> bool:
        """Whether 4-bit NF4 weights (bitsandbytes) work: a CUDA GPU and the package (ch. 11)."""
        if not self._cuda_only("4-bit quantisation (bitsandbytes)"):
            return False
        if not self.bitsandbytes:
            _record_skip("4-bit quantisation (bitsandbytes)", "bitsandbytes is not installed")
        return self.bitsandbytes

    @property
    def offload(self) -> bool:
        """Whether to keep idle pipeline parts in host RAM (model CPU offload) (ch. 06).

        Only with a GPU.
        """
        return self._cuda_only("model CPU offload")

    def mixed_precision(self, fp16_safe: bool = True) -> dict[str, bool]:
        """`bf16=`/`fp16=` for TrainingArguments: native bf16, else fp16 on a GPU if safe (ch. 02).

        fp16 only if the model tolerates it: T5-family models overflow in float16, so pass
        `fp16_safe=False` and they train in float32 on a T4.
        """
        if not self._cuda_only("mixed-precision training (fp16/bf16 autocast)"):
            return {"bf16": False, "fp16": False}
        if not self.native_bf16 and not fp16_safe:
            _record_skip(
                "mixed-precision training",
                "the model overflows in float16 and this GPU has no native bfloat16",
            )
        return {"bf16": self.native_bf16, "fp16": not self.native_bf16 and fp16_safe}

    def compute_dtype(self, fp16_safe: bool = True):
        """The dtype to run a model in: bfloat16 where native, else float16 or float32 (ch. 06).

        float16 on other GPUs if safe, else float32.
        """
        import torch

        if not self._cuda_only("half-precision weights"):
            return torch.float32
        if self.native_bf16:
            return torch.bfloat16
        return torch.float16 if fp16_safe else torch.float32

    def describe(self) -> str:
        """One line: device, GPU name and memory, native bf16 (ch. 01)."""
        if not self.cuda:
            return self.device
        return (
            f"cuda ({self.gpu_name}, {self.gpu_memory_gib:.0f} GiB, "
            f"native bf16: {'yes' if self.native_bf16 else 'no'})"
        )


@lru_cache(maxsize=1)
def hardware() -> Hardware:
    """Inspect the machine once: CUDA or not, native bf16 or not, bitsandbytes or not (ch. 01)."""
    import importlib.util

    import torch

    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        return Hardware(
            device="cuda",
            gpu_name=props.name,
            gpu_memory_gib=props.total_memory / 2**30,
            # is_bf16_supported() alone says True on a T4, by emulation.
            native_bf16=torch.cuda.is_bf16_supported(including_emulation=False),
            bitsandbytes=importlib.util.find_spec("bitsandbytes") is not None,
        )
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    return Hardware("mps" if mps else "cpu", None, None, False, False)
