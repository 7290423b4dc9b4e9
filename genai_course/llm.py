"""Helpers for the LLM chapters: chat-template generation (ch. 10) and parameter counts for LoRA (ch. 11)."""
from __future__ import annotations

ROLES = ("system", "user", "assistant")


def check_messages(messages) -> None:
    """Raise a clear ValueError unless `messages` is a non-empty list of {role, content} chat turns (ch. 10)."""
    if not isinstance(messages, (list, tuple)) or not messages:
        raise ValueError("messages must be a non-empty list of {'role': ..., 'content': ...} dicts")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or set(message) != {"role", "content"}:
            raise ValueError(f"message {i} must be a dict with exactly the keys 'role' and 'content', got {message!r}")
        if message["role"] not in ROLES:
            raise ValueError(f"message {i} has role {message['role']!r}; use one of {', '.join(ROLES)}")
        if not isinstance(message["content"], str):
            raise ValueError(f"message {i} content must be a string, got {type(message['content']).__name__}")
    if messages[-1]["role"] != "user":
        raise ValueError("the last message must come from the user: the model answers it")


def chat_reply(model, tokenizer, messages, *, seed: int = 0, **settings) -> str:
    """Format `messages` with the tokenizer's chat template, generate with `settings` under `seed`, return the reply (ch. 10)."""
    import torch

    check_messages(messages)
    if tokenizer.chat_template is None:
        raise ValueError("this tokenizer has no chat template; load the instruct model's own tokenizer")
    inputs = tokenizer.apply_chat_template(
        list(messages), add_generation_prompt=True, return_tensors="pt", return_dict=True
    ).to(model.device)
    torch.manual_seed(seed)  # sampling draws from the global generator: seeding here makes each call repeatable
    with torch.no_grad():
        output = model.generate(**inputs, pad_token_id=tokenizer.pad_token_id, **settings)
    new_tokens = output[0, inputs["input_ids"].shape[1]:]
    return tokenizer.decode(new_tokens, skip_special_tokens=True).strip()


def describe_settings(settings: dict) -> str:
    """Generation settings as one short `key=value` line, for showing next to an output (ch. 10)."""
    return ", ".join(f"{key}={value}" for key, value in settings.items())


def count_parameters(model) -> tuple[int, int]:
    """(trainable, total) parameter counts; 4-bit packed weights count twice, as PEFT counts them (ch. 11)."""
    trainable = total = 0
    for param in model.parameters():
        # bitsandbytes packs two 4-bit weights into one uint8 element.
        n = param.numel() * (2 if param.__class__.__name__ == "Params4bit" else 1)
        total += n
        if param.requires_grad:
            trainable += n
    return trainable, total
