"""Threading by Message-ID / In-Reply-To / References: parents, conversations, loops."""

from __future__ import annotations

import time

import pytest

from threadlens.readers.mail._threading import link_messages

Message = tuple[str, "str | None", list[str]]


@pytest.mark.parametrize(
    "messages, reply_to, conversations",
    [
        ([("a", None, []), ("b", "a", ["a"]), ("c", "b", ["a", "b"])],
         {"a": None, "b": "a", "c": "b"}, [["a", "b", "c"]]),
        # the parent is missing: hang under the last References entry that was read
        ([("a", None, []), ("c", "b", ["a", "b"])], {"a": None, "c": "a"}, [["a", "c"]]),
        # no In-Reply-To: the last References entry
        ([("a", None, []), ("b", None, ["a"])], {"a": None, "b": "a"}, [["a", "b"]]),
        # In-Reply-To wins over References
        ([("a", None, []), ("x", None, []), ("b", "x", ["a"])], {"a": None, "x": None, "b": "x"}, [["a", "x", "b"]]),
        # replies to one missing message: one conversation, two roots that keep the missing id
        ([("b", "missing", ["missing"]), ("c", "missing", ["missing"])], {"b": "missing", "c": "missing"},
         [["b", "c"]]),
        # a reply read before its parent
        ([("b", "a", ["a"]), ("a", None, [])], {"b": "a", "a": None}, [["b", "a"]]),
        # unrelated messages stay apart
        ([("a", None, []), ("b", None, [])], {"a": None, "b": None}, [["a"], ["b"]]),
        # linked only through a missing ancestor named in References
        ([("a", None, ["root"]), ("b", "x", ["root", "x"])], {"a": "root", "b": "x"}, [["a", "b"]]),
    ],
    ids=["chain", "missing-parent", "references-only", "in-reply-to-first", "missing-root", "out-of-order",
         "unrelated", "shared-missing-ancestor"],
)
def test_mail_threading_links(messages: list[Message], reply_to: dict[str, str | None],
                              conversations: list[list[str]]) -> None:
    links = link_messages(messages)
    assert links.reply_to == reply_to
    groups: dict[str, list[str]] = {}
    for message_id, _, _ in messages:
        groups.setdefault(links.conversation[message_id], []).append(message_id)
    assert list(groups.values()) == conversations
    assert links.loops == []


def test_mail_threading_refuses_loops() -> None:
    links = link_messages([("a", "b", ["b"]), ("b", "a", ["a"])])
    assert links.reply_to == {"a": "b", "b": None}
    assert links.loops == ["b"]
    assert links.conversation["a"] == links.conversation["b"]


def test_mail_threading_loop_falls_back_to_an_older_reference() -> None:
    links = link_messages([("r", None, []), ("a", "b", ["r", "b"]), ("b", "a", ["r", "a"])])
    assert links.reply_to == {"r": None, "a": "b", "b": "r"}


def test_mail_threading_self_reference_is_ignored() -> None:
    links = link_messages([("a", "a", ["a"])])
    assert links.reply_to == {"a": None} and links.loops == []


def test_mail_threading_long_chain_is_fast() -> None:
    count = 50_000
    messages = [(f"m{i}", f"m{i - 1}" if i else None, [f"m{j}" for j in range(max(0, i - 3), i)])
                for i in range(count)]
    messages.reverse()  # every parent read after its child: the worst order for root finding
    began = time.perf_counter()
    links = link_messages(messages)
    assert time.perf_counter() - began < 5
    assert links.reply_to["m1"] == "m0" and len(set(links.conversation.values())) == 1
