"""One clear sentence, not a 40-line traceback, for the failures a reader can fix themselves."""
from __future__ import annotations

import os

# (exception class names anywhere in the chain, substring of the message or None, explanation)
_KNOWN_FAILURES = [
    (
        {"GatedRepoError"},
        None,
        "This model is gated on the Hugging Face Hub. Fix: accept its licence on the model's hub "
        "page, then log in with `huggingface-cli login` (or set HF_TOKEN in Colab's secrets).",
    ),
    (
        {"OutOfMemoryError"},
        None,
        "The GPU ran out of memory. Fix: lower the batch size or sequence length in the parameters "
        "cell, or use the smaller model the chapter names for a 16 GB T4; restart the runtime to "
        "free memory.",
    ),
    (
        {"DatasetNotFoundError", "DataFilesNotFoundError"},
        None,
        "The dataset could not be found on the hub (it may have been renamed or removed). Fix: "
        "check the dataset id in the parameters cell, or point it at a local folder of files in "
        "the same schema.",
    ),
    (
        {"OfflineModeIsEnabled", "LocalEntryNotFoundError"},
        None,
        "The files are not in the local cache and the hub cannot be reached (no network, or "
        "HF_HUB_OFFLINE=1). Fix: connect to the internet and unset HF_HUB_OFFLINE, or run offline "
        "with GENAI_PROFILE=smoke.",
    ),
    (
        {"RepositoryNotFoundError"},
        None,
        "No such repository on the hub, or it is private. Fix: check the id in the parameters "
        "cell, and log in if it is yours.",
    ),
    (
        {"ConnectionError", "ConnectTimeout", "ConnectError", "MaxRetryError"},
        None,
        "The network is unreachable. Fix: connect to the internet, or run offline with "
        "GENAI_PROFILE=smoke.",
    ),
    (
        {"OSError"},
        "couldn't connect to",
        "The hub cannot be reached and the model is not cached. Fix: connect to the internet, "
        "or run offline with GENAI_PROFILE=smoke.",
    ),
]


def _exception_chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def explain(exc: BaseException) -> str | None:
    """A one-line cause and fix for a failure the reader can act on; None for a bug (ch. 01)."""
    chain = list(_exception_chain(exc))
    for names, needle, message in _KNOWN_FAILURES:
        for link in chain:
            class_names = {cls.__name__ for cls in type(link).__mro__}
            if names & class_names and (needle is None or needle in str(link).lower()):
                first = str(link).splitlines()[0][:200] if str(link) else ""
                return f"{message} ({type(link).__name__}: {first})"
    return None


def install_friendly_errors() -> bool:
    """Make IPython show `explain(...)` instead of the traceback when it knows the cause (ch. 01).

    Set GENAI_FULL_TRACEBACKS=1 to keep the full tracebacks. The cell still fails, so nbval and
    `make run` still count it as an error.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or os.environ.get("GENAI_FULL_TRACEBACKS") == "1":
        return False

    def show(self, etype, value, tb, tb_offset=None):
        # IPython leaves the display to custom handlers: show the usual traceback or one line.
        message = explain(value)
        if message is None:
            self.showtraceback((etype, value, tb), tb_offset=tb_offset)
            return []
        short = [f"{etype.__name__}: {message}"]
        self._showtraceback(etype, value, short)
        return short

    shell.set_custom_exc((Exception,), show)
    return True
