"""Helpers for the LLM chapters: chat replies with every setting stated (ch. 10), LoRA (ch. 11)."""
from __future__ import annotations

ROLES = ("system", "user", "assistant")

# The fields that decide the next token, each at the value that switches it off. `generate()` takes
# every field a call leaves unset from the checkpoint's own generation_config.json, and
# Qwen2.5-Instruct's turns sampling on (temperature 0.7, top_p 0.8, top_k 20) with a repetition
# penalty of 1.1: a call that names only `do_sample=False` still runs with that penalty. So every
# call states them all.
OFF_IN_EVERY_MODE = {"do_sample": False, "num_beams": 1, "repetition_penalty": 1.0,
                     "no_repeat_ngram_size": 0}
OFF_WHEN_SAMPLING = {"temperature": 1.0, "top_k": 0, "top_p": 1.0, "min_p": 0.0, "typical_p": 1.0}


def check_messages(messages) -> None:
    """Raise a clear ValueError unless `messages` is a non-empty list of chat turns (ch. 10)."""
    if not isinstance(messages, (list, tuple)) or not messages:
        raise ValueError("messages must be a non-empty list of {'role': ..., 'content': ...} dicts")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            raise ValueError(
                f"message {i} must be a dict with the keys 'role' and 'content' only: {message!r}")
        if message["role"] not in ROLES:
            raise ValueError(f"message {i} has role {message['role']!r}; use {', '.join(ROLES)}")
        if not isinstance(message["content"], str):
            raise ValueError(
                f"message {i} content must be a string, got {type(message['content']).__name__}")
    if messages[-1]["role"] != "user":
        raise ValueError("the last message must come from the user: the model answers it")


def stated_settings(settings: dict) -> dict:
    """`settings` with every field that decides the next token stated, the rest off (ch. 10).

    The sampling fields act only with `do_sample=True`, so they are added only then.
    """
    settings = {**OFF_IN_EVERY_MODE, **settings}
    return {**OFF_WHEN_SAMPLING, **settings} if settings["do_sample"] else settings


def settings_that_run(model, settings: dict) -> dict:
    """What `model.generate(**settings)` decodes with, the checkpoint's own merged in (ch. 10).

    Read back from the merge that `generate()` itself performs. Shows `do_sample`, every other
    field only where it acts, `max_new_tokens`, and `seed` when one is given.
    """
    kwargs = {key: value for key, value in settings.items() if key != "seed"}
    merged, _ = model._prepare_generation_config(None, **kwargs)
    fields = {**OFF_IN_EVERY_MODE, **(OFF_WHEN_SAMPLING if merged.do_sample else {})}
    shown = {name: getattr(merged, name) for name, off in fields.items()
             if name == "do_sample" or getattr(merged, name) not in (off, None)}
    shown["max_new_tokens"] = merged.max_new_tokens
    return {**shown, **({"seed": settings["seed"]} if "seed" in settings else {})}


def chat_reply(model, tokenizer, messages, *, seed: int = 0, **settings) -> str:
    """The reply to `messages`: chat template, `generate` with `settings` stated in full (ch. 10).

    Decoding fields missing from `settings` are off (`stated_settings`), never the checkpoint's
    defaults; `seed` makes sampled replies repeatable.
    """
    import torch

    check_messages(messages)
    if tokenizer.chat_template is None:
        raise ValueError("this tokenizer has no chat template: load the instruct model's tokenizer")
    inputs = tokenizer.apply_chat_template(
        list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
    ).to(model.device)
    torch.manual_seed(seed)  # sampling draws from the global generator: each call repeats
    with torch.no_grad():
        output = model.generate(**inputs, pad_token_id=tokenizer.pad_token_id,
                                **stated_settings(settings))
    new_tokens = output[0, inputs["input_ids"].shape[1]:]
    return tokenizer.decode(new_tokens, skip_special_tokens=True).strip()


def describe_settings(settings: dict) -> str:
    """Generation settings as one short `key=value` line, for showing next to an output (ch. 10)."""
    return ", ".join(f"{key}={value}" for key, value in settings.items())


def count_parameters(model) -> tuple[int, int]:
    """(trainable, total) parameter counts; packed 4-bit weights count twice, as PEFT's (ch. 11)."""
    trainable = total = 0
    for param in model.parameters():
        # bitsandbytes packs two 4-bit weights into one uint8 element.
        n = param.numel() * (2 if param.__class__.__name__ == "Params4bit" else 1)
        total += n
        if param.requires_grad:
            trainable += n
    return trainable, total
