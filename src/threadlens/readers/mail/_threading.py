"""Threading by Message-ID, In-Reply-To and References, after Jamie Zawinski's algorithm.

*Parent*: the In-Reply-To message when it was read, else the last References entry that was (so a reply
whose parent is missing hangs under its nearest ancestor that is there). A link that would close a loop
is not made. A message whose parents are all missing keeps the first missing id as its ``reply_to``.

*Conversation*: every id a message names (its own, In-Reply-To, References) joins one conversation, as
JWZ's containers do, so replies to the same missing message stay in one thread. A conversation is
named after its first message in reading order. Subjects are not used.

Both are union-find structures: linear in the number of ids, whatever the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Links", "link_messages"]


@dataclass(slots=True)
class Links:
    """Per message id: ``reply_to`` (read or missing), ``conversation``; ``loops``: links refused."""

    reply_to: dict[str, str | None]
    conversation: dict[str, str]
    loops: list[str]


class _Sets:
    """Union-find over strings; ``root`` of each set is tracked separately from its representative."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._root: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self._parent.setdefault(item, item)
        if parent == item:
            self._root.setdefault(item, item)
            return item
        path = [item]
        while parent != self._parent[parent]:
            path.append(parent)
            parent = self._parent[parent]
        for node in path:
            self._parent[node] = parent
        return parent

    def union(self, child: str, parent: str) -> None:
        """Join the two sets; the joined set's root is the root of ``parent``'s set."""
        a, b = self.find(child), self.find(parent)
        if a != b:
            self._parent[a] = b

    def root(self, item: str) -> str:
        return self._root[self.find(item)]


def link_messages(messages: Sequence[tuple[str, str | None, Sequence[str]]]) -> Links:
    """Links of ``(id, in_reply_to, references)`` messages given in reading order, ids unique."""
    present = {message_id for message_id, _, _ in messages}
    conversations = _Sets()
    trees = _Sets()  # roots are the messages without a parent yet
    reply_to: dict[str, str | None] = {}
    loops: list[str] = []
    for message_id, in_reply_to, references in messages:
        conversations.find(message_id)
        for other in (*references, *([in_reply_to] if in_reply_to else [])):
            if other != message_id:
                conversations.union(other, message_id)
        candidates = [*([in_reply_to] if in_reply_to else []), *reversed(references)]
        chosen: str | None = None
        refused = False
        for candidate in candidates:
            if candidate == message_id or candidate not in present:
                continue
            if trees.root(candidate) == message_id:
                refused = True
                continue
            chosen = candidate
            break
        if chosen is not None:
            trees.union(message_id, chosen)
            reply_to[message_id] = chosen
        else:
            if refused:
                loops.append(message_id)
            missing = [c for c in candidates if c not in present and c != message_id]
            reply_to[message_id] = missing[0] if missing else None
    first_of: dict[str, str] = {}
    conversation: dict[str, str] = {}
    for message_id, _, _ in messages:
        key = conversations.find(message_id)
        conversation[message_id] = first_of.setdefault(key, message_id)
    return Links(reply_to=reply_to, conversation=conversation, loops=loops)
