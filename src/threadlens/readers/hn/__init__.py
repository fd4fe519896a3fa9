"""Hacker News: saved item pages (current and 2011-13 markup), official-API and Algolia item JSON.

Post ids are HN ids and ``reply_to`` the parent's id; the story is the root post of its thread (its text
is the title, then the story's own text) and its title the thread's title. Deleted, dead and flagged
comments are kept, marked in ``meta``, with their text as given. Quotes written as italics become
``Post.markup`` segments (see :mod:`._markup`); ``>`` lines and "double quotes" are found by the core.

Two input formats: ``hn-html`` (a saved page) and ``hn-json`` (API items: one item with nested kids or
children, a JSON array, or JSONL of items).
"""

from __future__ import annotations

from .. import Reader, register_reader
from ._items import HnItem, iter_items, looks_like_item, read_hn_json, sniff_hn_json, threads_from_items
from ._markup import comment_text, italic_quotes
from ._page import read_hn_page, sniff_hn_page, threads_from_page

__all__ = ["HnItem", "threads_from_items", "threads_from_page", "read_hn_page", "read_hn_json", "iter_items",
           "looks_like_item", "comment_text", "italic_quotes"]

register_reader(Reader("hn-html", "Hacker News item page saved as HTML (current or 2011-13 markup)",
                       read=read_hn_page, sniff=sniff_hn_page))
register_reader(Reader("hn-json", "Hacker News items as JSON or JSONL (official API with nested kids, or Algolia "
                       "items with children)", read=read_hn_json, sniff=sniff_hn_json))
