"""Unit tests for genai_course.chat (ch. 03): reading Telegram exports, building training pairs."""

import json

import pandas as pd
import pytest

from genai_course.chat import ChatExportError, build_pairs, flatten_text, load_telegram_export
from genai_course.paths import data_path


def write_export(tmp_path, messages, name="result.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"name": "test", "messages": messages}), encoding="utf-8")
    return path


def msg(i, sender, text, date):
    return {"id": i, "type": "message", "date": date, "from": sender, "text": text}


def frame(rows):
    return pd.DataFrame(
        [{"sender": s, "text": t, "date": pd.Timestamp(d)} for s, t, d in rows],
        columns=["sender", "text", "date"],
    )


def test_flatten_text_joins_strings_and_entities():
    parts = [
        {"type": "mention", "text": "@ana"},
        " see ",
        {"type": "bold", "text": "this"},
        {"type": "link", "text": "https://example.org"},
    ]
    assert flatten_text(parts) == "@ana see thishttps://example.org"
    assert flatten_text("plain") == "plain"
    assert flatten_text(None) == ""


def test_load_drops_service_and_media_and_sorts(tmp_path):
    path = write_export(
        tmp_path,
        [
            msg(1, "Bo", "later", "2026-01-01T10:05:00"),
            {
                "id": 2,
                "type": "service",
                "actor": "Bo",
                "action": "pin_message",
                "date": "2026-01-01T10:01:00",
                "text": "",
            },
            msg(3, "Al", "", "2026-01-01T10:02:00"),  # a photo without caption
            msg(4, "Al", ["hi ", {"type": "bold", "text": "there"}], "2026-01-01T10:00:00"),
            msg(5, None, "deleted account", "2026-01-01T10:03:00"),
        ],
    )
    df = load_telegram_export(path)
    assert list(df.columns) == ["sender", "text", "date"]
    assert df["text"].tolist() == ["hi there", "later"]
    assert df["sender"].tolist() == ["Al", "Bo"]
    assert df["date"].is_monotonic_increasing


def test_shipped_sample_export_loads():
    df = load_telegram_export(data_path("chat", "sample_export.json"))
    assert len(df) > 200
    assert df["sender"].nunique() >= 4
    assert (df["text"].str.len() > 0).all()
    assert not df["text"].str.contains("{'type'").any()  # entity dicts were flattened


@pytest.mark.parametrize(
    "content, needle",
    [
        ("this is not json", "not a JSON file"),
        ('{"name": "no messages here"}', "no `messages`"),
        ("[1, 2, 3]", "no `messages`"),
        ('{"messages": {"id": 1}}', "expected a list"),
        ('{"messages": ["hello"]}', "message #0"),
        (
            (
                '{"messages": [{"type": "message", "from": "A", "text": 42, '
                '"date": "2026-01-01T00:00:00"}]}'
            ),
            "message #0",
        ),
        (
            '{"messages": [{"type": "message", "from": "A", "text": "x", "date": "yesterday"}]}',
            "date",
        ),
    ],
)
def test_malformed_exports_raise_one_clear_error(tmp_path, content, needle):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ChatExportError, match=needle) as info:
        load_telegram_export(path)
    assert "broken.json" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ChatExportError, match="no such file"):
        load_telegram_export(tmp_path / "nope.json")


def test_build_pairs_uses_same_session_context():
    df = frame(
        [
            ("A", "one", "2026-01-01 10:00"),
            ("B", "two", "2026-01-01 10:01"),
            ("A", "three", "2026-01-01 10:02"),
            ("B", "four", "2026-01-01 10:03"),
        ]
    )
    pairs = build_pairs(df)
    assert list(pairs.columns[:2]) == ["conversation", "response"]
    assert len(pairs) == 3  # the first message has no context
    assert pairs.iloc[-1]["conversation"] == "A: one\nB: two\nA: three"
    assert pairs.iloc[-1]["response"] == "B: four"


def test_build_pairs_caps_context_size():
    rows = [("A" if i % 2 else "B", f"m{i}", f"2026-01-01 10:{i:02d}") for i in range(15)]
    pairs = build_pairs(frame(rows), context_size=10)
    last = pairs.iloc[-1]["conversation"].splitlines()
    assert len(last) == 10 and last[0].endswith("m4") and last[-1].endswith("m13")


def test_build_pairs_splits_sessions_and_falls_back():
    df = frame(
        [
            ("A", "old1", "2026-01-01 10:00"),
            ("B", "old2", "2026-01-01 10:01"),
            ("A", "old3", "2026-01-01 10:02"),
            ("B", "new1", "2026-01-02 09:00"),  # gap > 120 min: a new session
            ("A", "new2", "2026-01-02 09:01"),
            ("B", "new3", "2026-01-02 09:02"),
            ("A", "new4", "2026-01-02 09:03"),
        ]
    )
    pairs = build_pairs(df, session_gap_minutes=120).set_index("response")
    # fewer than 2 same-session messages before: the 5 messages before, across the gap
    assert pairs.loc["A: new2", "conversation"] == "A: old1\nB: old2\nA: old3\nB: new1"
    # two same-session messages before: only the session's own messages
    assert pairs.loc["B: new3", "conversation"] == "B: new1\nA: new2"
    assert pairs.loc["A: new4", "conversation"] == "B: new1\nA: new2\nB: new3"


def test_build_pairs_rejects_bad_input():
    with pytest.raises(ValueError, match="missing"):
        build_pairs(pd.DataFrame({"text": ["x"]}))
    with pytest.raises(ValueError, match="context_size"):
        build_pairs(frame([("A", "x", "2026-01-01")]), context_size=0)


def test_the_export_folder_is_read_like_its_result_json(tmp_path):
    folder = tmp_path / "ChatExport_2026-01-01"
    folder.mkdir()
    write_export(folder, [msg(1, "Al", "hi", "2026-01-01T10:00:00")])
    assert load_telegram_export(folder)["text"].tolist() == ["hi"]


def test_a_folder_without_result_json_is_one_clear_error(tmp_path):
    with pytest.raises(ChatExportError, match="folder.*result.json") as info:
        load_telegram_export(tmp_path)
    assert len(str(info.value).splitlines()) == 1


def test_a_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "result.json"
    text = json.dumps(
        {"messages": [msg(1, "Al", "héllo", "2026-01-01T10:00:00")]}, ensure_ascii=False
    )
    path.write_text(text, encoding="utf-8-sig")  # what Windows editors save
    assert load_telegram_export(path)["text"].tolist() == ["héllo"]


@pytest.mark.parametrize("date", [None, "", "missing"])
def test_a_message_without_a_date_is_an_error_not_a_late_answer(tmp_path, date):
    undated = msg(2, "Bo", "where does this go?", date)
    if date == "missing":
        del undated["date"]
    path = write_export(
        tmp_path,
        [
            msg(1, "Al", "first", "2026-01-01T10:00:00"),
            undated,
            msg(3, "Al", "third", "2026-01-01T10:02:00"),
        ],
    )
    with pytest.raises(ChatExportError, match=r"message #1 \(id 2\) has no `date`"):
        load_telegram_export(path)


def test_a_whole_account_export_is_told_apart(tmp_path):
    path = tmp_path / "result.json"
    path.write_text(
        json.dumps({"about": "...", "chats": {"list": [{"name": "x", "messages": []}]}}),
        encoding="utf-8",
    )
    with pytest.raises(ChatExportError, match="whole account"):
        load_telegram_export(path)


def test_an_export_without_a_text_message_is_an_error(tmp_path):
    path = write_export(
        tmp_path,
        [
            {"id": 1, "type": "service", "date": "2026-01-01T10:00:00", "action": "create_group"},
            msg(2, "Al", "", "2026-01-01T10:01:00"),
        ],
    )
    with pytest.raises(ChatExportError, match="no text message"):
        load_telegram_export(path)
