"""Turn a Telegram desktop export into (conversation -> next message) pairs for a chat bot."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


class ChatExportError(ValueError):
    """A Telegram export that cannot be read: names the file and what is wrong with it (ch. 03)."""


def flatten_text(text) -> str:
    """Telegram's `text` field as one string: entity dicts reduced to their text (ch. 03)."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        parts = []
        for part in text:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text", ""), str):
                parts.append(part.get("text", ""))
            else:
                raise TypeError(f"a text part is a {type(part).__name__}, expected a string or an "
                                "entity dict")
        return "".join(parts)
    raise TypeError(f"`text` is a {type(text).__name__}, expected a string or a list")


def _read_export(path: Path) -> dict:
    """The parsed JSON of an export file, or of the `result.json` in an export folder."""
    if path.is_dir():
        if not (path / "result.json").is_file():
            raise ChatExportError(f"{path} is a folder without a result.json; export the chat "
                                  "from Telegram Desktop as JSON and pass that folder or its "
                                  "result.json")
        path = path / "result.json"
    try:
        # utf-8-sig: a byte-order mark, as some editors save, is not part of the JSON
        export = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise ChatExportError(f"{path}: no such file; export the chat from Telegram Desktop as "
                              "JSON") from None
    except UnicodeDecodeError as exc:
        raise ChatExportError(f"{path} is not UTF-8 text ({exc.reason}); export the chat as "
                              "JSON") from None
    except json.JSONDecodeError as exc:
        raise ChatExportError(f"{path} is not a JSON file ({exc}); export the chat as JSON, not "
                              "HTML") from None
    if isinstance(export, dict) and "messages" not in export and "chats" in export:
        raise ChatExportError(f"{path} is an export of a whole account; export one chat instead "
                              "(the chat's menu, Export chat history, format JSON)")
    if not isinstance(export, dict) or "messages" not in export:
        raise ChatExportError(f"{path} has no `messages` list; is it a Telegram chat export "
                              "(result.json)?")
    if not isinstance(export["messages"], list):
        kind = type(export["messages"]).__name__
        raise ChatExportError(f"{path}: `messages` is a {kind}, expected a list")
    return export


def load_telegram_export(path) -> pd.DataFrame:
    """A Telegram desktop JSON export as a DataFrame (sender, text, date), sorted by date (ch. 03).

    `path` is the export's `result.json` or its folder. Service messages (no `from`) and messages
    with no text (photos, stickers without caption) are dropped; formatted text (a list of strings
    and entity dicts) is flattened to plain text. A kept message without a date is an error: sorted
    anywhere, it would answer the wrong conversation.
    """
    path = Path(path)
    export = _read_export(path)
    rows = []
    for position, message in enumerate(export["messages"]):
        if not isinstance(message, dict):
            kind = type(message).__name__
            raise ChatExportError(f"{path}: message #{position} is a {kind}, expected an object")
        sender = message.get("from")
        if message.get("type", "message") != "message" or not sender:
            continue  # service messages (joins, pins) and deleted accounts have no sender
        where = f"{path}: message #{position} (id {message.get('id')})"
        try:
            text = flatten_text(message.get("text")).strip()
        except TypeError as exc:
            raise ChatExportError(f"{where}: {exc}") from None
        if not text:
            continue  # media without a caption
        if not message.get("date"):
            raise ChatExportError(f"{where} has no `date`; a Telegram Desktop export gives every "
                                  "message one")
        rows.append({"sender": str(sender), "text": text, "date": message["date"]})
    if not rows:
        raise ChatExportError(f"{path} has no text message from anyone (only service messages or "
                              "media without captions)")
    df = pd.DataFrame(rows, columns=["sender", "text", "date"])
    try:
        df["date"] = pd.to_datetime(df["date"], format="ISO8601")
    except (ValueError, TypeError) as exc:
        raise ChatExportError(f"{path}: a message has an unreadable `date` ({exc})") from None
    return df.sort_values("date", kind="stable").reset_index(drop=True)


def session_ids(dates: pd.Series, session_gap_minutes: float = 120) -> pd.Series:
    """Number the sessions of a sorted date column: a new one starts after a longer gap (ch. 03)."""
    gaps = dates.diff() > pd.Timedelta(minutes=session_gap_minutes)
    return gaps.cumsum().astype(int)


def build_pairs(df: pd.DataFrame, context_size: int = 10,
                session_gap_minutes: float = 120) -> pd.DataFrame:
    """(conversation, response) pairs: each message is the response to the ones before it (ch. 03).

    The conversation holds up to `context_size` previous messages of the same session (a new session
    starts after a gap over `session_gap_minutes`); when the session has fewer than 2 previous
    messages, it falls back to the 5 messages just before, whatever their session. Lines read
    "Sender: text".
    The first message has nothing before it and yields no pair.
    """
    missing = {"sender", "text", "date"} - set(df.columns)
    if missing:
        raise ValueError(f"build_pairs needs columns sender, text and date; missing "
                         f"{sorted(missing)}")
    if context_size < 1:
        raise ValueError(f"context_size must be at least 1, got {context_size}")
    df = df.sort_values("date", kind="stable").reset_index(drop=True)
    lines = (df["sender"] + ": " + df["text"]).tolist()
    sessions = session_ids(df["date"], session_gap_minutes).tolist()
    pairs = []
    for i in range(1, len(df)):
        start = max(0, i - context_size)
        context = [lines[j] for j in range(start, i) if sessions[j] == sessions[i]]
        if len(context) < 2:
            context = lines[max(0, i - 5):i]
        pairs.append({"conversation": "\n".join(context), "response": lines[i],
                      "session": sessions[i]})
    return pd.DataFrame(pairs, columns=["conversation", "response", "session"])
