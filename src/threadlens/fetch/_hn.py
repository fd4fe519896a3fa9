"""A Hacker News thread through the official API: the item, then all its kids, concurrently."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from ..errors import FetchError
from ..thread import Notice, Thread
from ._client import HttpClient

__all__ = ["fetch_hn_items", "fetch_hn_thread"]

_MAX_REPORTED = 3


def fetch_hn_items(client: HttpClient, item_id: str, *, api: str, concurrency: int = 8,
                   max_items: int = 20_000) -> tuple[list[dict[str, Any]], list[Notice]]:
    """The item and every reply under it, in thread order (each reply after its parent, siblings in HN's order).

    Kids are fetched ``concurrency`` at a time (the client's rate limit still spaces the requests). A kid
    that can't be fetched is left out and counted in a notice; the item itself failing raises FetchError.
    """
    url = f"{api}/item/{item_id}.json"
    root = client.get_json(url)
    if not isinstance(root, Mapping) or "id" not in root:
        raise FetchError(f"{url}: no Hacker News item {item_id} (the API returned {_describe(root)}); check the id")
    items: dict[str, dict[str, Any]] = {str(root["id"]): dict(root)}
    failed: list[str] = []
    skipped = 0
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="threadlens-hn") as pool:
        pending: dict[Future[Any], str] = {}
        requested = set(items)
        queue = deque(_kids(root))
        while queue or pending:
            while queue and len(pending) < max(1, concurrency) * 2:
                kid = queue.popleft()
                if kid in requested:
                    continue
                if len(requested) >= max_items:
                    skipped += 1
                    continue
                requested.add(kid)
                pending[pool.submit(client.get_json, f"{api}/item/{kid}.json")] = kid
            if not pending:
                continue
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                kid = pending.pop(future)
                try:
                    item = future.result()
                except FetchError as exc:
                    failed.append(f"{kid} ({str(exc).split(': ', 1)[-1]})")
                    continue
                if not isinstance(item, Mapping) or "id" not in item:
                    failed.append(f"{kid} (the API returned {_describe(item)})")
                    continue
                items[str(item["id"])] = dict(item)
                queue.extend(_kids(item))
    notices: list[Notice] = []
    if failed:
        shown = "; ".join(failed[:_MAX_REPORTED]) + ("; ..." if len(failed) > _MAX_REPORTED else "")
        notices.append(Notice("missing_item", f"{url}: {len(failed)} repl(ies) could not be fetched and are left out: "
                              f"{shown}", len(failed)))
    if skipped:
        notices.append(Notice("truncated", f"{url}: stopped at {max_items} items; {skipped} more repl(ies) left out",
                              skipped))
    return _in_thread_order(items, str(root["id"])), notices


def fetch_hn_thread(client: HttpClient, item_id: str, *, api: str, source: str, concurrency: int = 8,
                    max_items: int = 20_000) -> list[Thread]:
    """The thread of an HN item (a story, or a comment and its replies) as read by the ``hn-json`` reader."""
    from ..readers.hn import threads_from_items

    items, notices = fetch_hn_items(client, item_id, api=api, concurrency=concurrency, max_items=max_items)
    present = {str(item["id"]) for item in items}
    for item in items:  # replies left out are reported above, not again as missing kids
        item["kids"] = [k for k in _kids(item) if k in present]
    return threads_from_items(items, source=source, notices=notices)


def _kids(item: Mapping[str, Any]) -> list[str]:
    kids = item.get("kids") or ()
    return [str(k) for k in kids if isinstance(k, int) and not isinstance(k, bool)] if isinstance(kids, list) else []


def _in_thread_order(items: dict[str, dict[str, Any]], root: str) -> list[dict[str, Any]]:
    ordered: list[dict[str, Any]] = []
    seen: set[str] = set()
    stack = [root]
    while stack:
        item_id = stack.pop()
        if item_id in seen or item_id not in items:
            continue
        seen.add(item_id)
        ordered.append(items[item_id])
        stack.extend(reversed(_kids(items[item_id])))
    return ordered


def _describe(value: Any) -> str:
    return "null" if value is None else f"a JSON {type(value).__name__}"
