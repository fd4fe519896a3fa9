"""Sentence boundaries without spaCy: a linear scan that places them where spaCy's tokenizer + sentencizer do.

The pipeline's ``sentencizer`` starts a sentence at the first non-punctuation token after a token that is a
sentence-final character (``.``, ``!``, ``?``, ``。`` ... — :data:`PUNCT_CHARS`, spaCy's own list). What makes
that hard to do without the tokenizer is *which* periods become tokens of their own. This module follows
spaCy's English rules where they matter for sentence ends:

* a ``.`` (or ``!``, ``?`` ...) ending a whitespace-separated chunk, with only closing punctuation after it,
  is split off — a ``.`` only after a lower-case letter, a digit, punctuation or two capitals (``"end."``,
  ``"USA."``, not ``"A."``), and never when the chunk is one of the tokenizer's abbreviations (``e.g.``,
  ``Mr.``, ``p.m.``, single letters);
* inside a chunk only ``lower.Upper`` (and quote marks) splits (``"end.Next"``), so ``3.5``, ``example.com``
  and ``U.S.`` don't end sentences;
* ``..`` and ``...`` are ellipses, never sentence ends;
* the punctuation after a sentence end (closing quotes, brackets, an emoticon) stays in that sentence, and
  the next one starts at the first character that isn't punctuation — or at a line break.

Every character is looked at a bounded number of times, so a line of 100,000 ``!`` or ``a.b.c...`` costs
what reading it costs. :func:`sentence_spans` gives ``(start, end)`` offsets like ``[(s.start_char, s.end_char)
for s in doc.sents]``; the quote splitter cuts them at line breaks anyway, so whitespace at the edges does
not matter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

__all__ = ["sentence_spans", "PUNCT_CHARS", "ABBREVIATIONS", "EMOTICONS", "APOSTROPHE_WORDS", "SPLIT_CONTRACTIONS"]

#: spaCy's ``Sentencizer.default_punct_chars``: a token made of one of these ends a sentence.
PUNCT_CHARS = frozenset(
    "!.?\u0589\u061f\u06d4\u0700\u0701\u0702\u07f9\u0964\u0965\u104a\u104b\u1362\u1367\u1368\u166e\u1735\u1736"
    "\u1803\u1809\u1944\u1945\u1aa8\u1aa9\u1aaa\u1aab\u1b5a\u1b5b\u1b5e\u1b5f\u1c3b\u1c3c\u1c7e\u1c7f\u203c\u203d"
    "\u2047\u2048\u2049\u2e2e\u2e3c\u3002\ua4ff\ua60e\ua60f\ua6f3\ua6f7\ua876\ua877\ua8ce\ua8cf\ua92f\ua9c8\ua9c9"
    "\uaa5d\uaa5e\uaa5f\uaaf0\uaaf1\uabeb\ufe52\ufe56\ufe57\uff01\uff0e\uff1f\uff61\U00010a56\U00010a57\U00011047"
    "\U00011048\U000110be\U000110bf\U000110c0\U000110c1\U00011141\U00011142\U00011143\U000111c5\U000111c6"
    "\U000111cd\U000111de\U000111df\U00011238\U00011239\U0001123b\U0001123c\U000112a9\U0001144b\U0001144c"
    "\U000115c2\U000115c3\U000115c9\U000115ca\U000115cb\U000115cc\U000115cd\U000115ce\U000115cf\U000115d0"
    "\U000115d1\U000115d2\U000115d3\U000115d4\U000115d5\U000115d6\U000115d7\U00011641\U00011642\U0001173c"
    "\U0001173d\U0001173e\U00011a42\U00011a43\U00011a9b\U00011a9c\U00011c41\U00011c42\U00016a6e\U00016a6f"
    "\U00016af5\U00016b37\U00016b38\U00016b44\U0001bc9f\U0001da88")

#: Words with a final period that spaCy's English tokenizer keeps whole (its exceptions ending in ".").
ABBREVIATIONS = frozenset(
    ["a.m.", "p.m.", "e.g.", "E.g.", "E.G.", "i.e.", "I.e.", "I.E.", "vs.", "v.s.", "co.", "Ph.D.", "D.C.",
     "Adm.", "Ak.", "Ala.", "Apr.", "Ariz.", "Ark.", "Aug.", "Bros.", "Calif.", "Co.", "Colo.", "Conn.", "Corp.",
     "Dec.", "Del.", "Dr.", "Feb.", "Fla.", "Ga.", "Gen.", "Gov.", "Ia.", "Id.", "Ill.", "Inc.", "Ind.", "Jan.",
     "Jr.", "Jul.", "Jun.", "Kan.", "Kans.", "Ky.", "La.", "Ltd.", "Mar.", "Mass.", "Md.", "Messrs.", "Mich.",
     "Minn.", "Miss.", "Mo.", "Mont.", "Mr.", "Mrs.", "Ms.", "Mt.", "N.C.", "N.D.", "N.H.", "N.J.", "N.M.",
     "N.Y.", "Neb.", "Nebr.", "Nev.", "Nov.", "Oct.", "Okla.", "Ore.", "Pa.", "Prof.", "Rep.", "Rev.", "S.C.",
     "Sen.", "Sep.", "Sept.", "St.", "Tenn.", "Va.", "Wash.", "Wis.", "°C.", "°F.", "°K.", "°c.", "°f.", "°k.",
     "ä.", "ö.", "ü.", *(f"{c}." for c in "abcdefghijklmnopqrstuvwxyz"),
     *(f"{h}{m}" for h in range(1, 13) for m in ("a.m.", "p.m."))])

_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))

#: Contractions written without an apostrophe that spaCy splits into words ending in one letter ("hes" → "he" "s"):
#: with a final period that letter becomes an abbreviation ("s."), so "hes." doesn't end a sentence.
SPLIT_CONTRACTIONS = frozenset(
    word for stem in ("hed", "hes", "howd", "hows", "id", "im", "ima", "itd", "shes", "thatd", "thats", "thered",
                      "theres", "thesed", "theyd", "thisd", "thiss", "thosed", "wed", "whatd", "whats", "whend",
                      "whens", "whered", "wheres", "whod", "whos", "whyd", "whys", "youd")
    for word in (stem, stem.capitalize()))

#: Words spaCy keeps whole with their leading apostrophe ("'s", "'ll", "'cause"): not punctuation tokens.
APOSTROPHE_WORDS = frozenset(
    f"{mark}{word}" for mark in "'\u2019"
    for word in ("Cause", "Cos", "Coz", "Cuz", "S", "bout", "cause", "cos", "coz", "cuz", "d", "em", "ll", "nuff",
                 "re", "s"))

#: spaCy's emoticons: each is one token (``":D"`` starts a sentence, ``":)"`` stays in the one before).
EMOTICONS = frozenset([
    "(*_*)", "(-8", "(-:", "(-;", "(-_-)", "(._.)", "(:", "(;", "(=", "(>_<)", "(^_^)", "(o:", "(\xac_\xac)",
    "(\u0ca0_\u0ca0)", "(\u256f\xb0\u25a1\xb0\uff09\u256f\ufe35\u253b\u2501\u253b", ")-:", "):", "-_-", "-__-",
    "._.", "0.0", "0.o", "0_0", "0_o", "8)", "8-)", "8-D", "8D", ":'(", ":')", ":'-(", ":'-)", ":(", ":((", ":(((",
    ":()", ":)", ":))", ":)))", ":*", ":-(", ":-((", ":-(((", ":-)", ":-))", ":-)))", ":-*", ":-/", ":-0", ":-3",
    ":->", ":-D", ":-O", ":-P", ":-X", ":-]", ":-o", ":-p", ":-x", ":-|", ":-}", ":/", ":0", ":1", ":3", ":>", ":D",
    ":O", ":P", ":X", ":]", ":o", ":o)", ":p", ":x", ":|", ":}", ";)", ";-)", ";-D", ";D", ";_;", "<.<", "</3", "<3",
    "<33", "<333", "=(", "=)", "=/", "=3", "=D", "=[", "=]", "=|", ">.<", ">.>", ">:(", ">:o", "><(((*>", "@_@",
    "O.O", "O.o", "O_O", "O_o", "V.V", "V_V", "XD", "XDD", "[-:", "[:", "[=", "]=", "^_^", "^__^", "^___^", "o.0",
    "o.O", "o.o", "o_0", "o_O", "o_o", "v.v", "v_v", "xD", "xDD", "\xaf\\(\u30c4)/\xaf", "\u0ca0_\u0ca0",
    "\u0ca0\ufe35\u0ca0"])

# Characters spaCy's English tokenizer splits off the end of a chunk (suffixes) and off its start (prefixes).
_QUOTES = "'\"\u201d\u201c`\u2018\u00b4\u2019\u201a,\u201e\u00bb\u00ab\u300c\u300d\u300e\u300f\uff08\uff09\u3014" \
          "\u3015\u3010\u3011\u300a\u300b\u3008\u3009\u27e6\u27e7"
_SPLIT_PUNCT = "\u2026,:;!?\u00bf\u061f\u00a1()[]{}<>_#*&\u3002\uff1f\uff01\uff0c\u3001\uff1b\uff1a\uff5e\u00b7" \
               "\u0964\u060c\u06d4\u061b\u066a"
_SUFFIX_CHARS = frozenset(_QUOTES + _SPLIT_PUNCT + "\u2014\u2013." + "".join(PUNCT_CHARS))
_PREFIX_CHARS = frozenset(_QUOTES + _SPLIT_PUNCT + "\u2026\u00a7%=\u2014\u2013")
#: A final "." is split off after these (and after a lower-case letter, a digit or two capitals).
_BEFORE_PERIOD = frozenset(_QUOTES + _SPLIT_PUNCT + "%\u00b2-+|")


def _scanner(chars: str) -> re.Pattern[str]:
    """A sentence-final character."""
    return re.compile(f"[{re.escape(chars)}]")


# Character classes with characters beyond U+FFFF make the regex engine several times slower on every
# text: those are only used for a text that holds such a character.
_CANDIDATE = _scanner("".join(sorted(c for c in PUNCT_CHARS if ord(c) <= 0xFFFF)))
_CANDIDATE_ALL = _scanner("".join(sorted(PUNCT_CHARS)))
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_SPACE = re.compile(r"\s")
_NON_SPACE = re.compile(r"\S*")
# What spaCy's URL matcher keeps whole: an e-mail address, a host name with a lower-case top-level domain, a URL.
_URL_LIKE = re.compile(r"(?:[^\s@]+@)?(?:[\w-]+\.)+[a-z\u00a1-\uffff]{2,63}(?::\d+)?(?:[/?#]\S*)?|\w+://\S+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` as spaCy's tokenizer + sentencizer would place them."""
    starts = [0]
    n = len(text)
    position = 0
    candidates = _CANDIDATE_ALL if _ASTRAL.search(text) else _CANDIDATE
    for chunk_start, chunk_end in _chunks(text, candidates):  # whitespace-separated, holding a sentence-final char
        if chunk_end <= position or (chunk_end - chunk_start <= 16 and text[chunk_start:chunk_end] in EMOTICONS):
            continue
        core_start = chunk_start  # past the punctuation spaCy splits off the front
        while core_start < chunk_end and text[core_start] in _PREFIX_CHARS:
            core_start += 1
        tail = chunk_end  # where the closing punctuation at the end begins
        while tail > chunk_start and text[tail - 1] in _SUFFIX_CHARS:
            tail -= 1
        for candidate in candidates.finditer(text, max(chunk_start, position), chunk_end):
            i = candidate.start()
            if i < position:
                continue
            after = _sentence_end(text, i, chunk_start, chunk_end, core_start, tail)
            if after is None:
                continue
            following = _next_start(text, after) if after == chunk_end else after
            if following >= n:
                return _spans(text, starts)
            if following > starts[-1]:
                starts.append(following)
            position = following
            if following >= chunk_end:
                break
    return _spans(text, starts)


def _chunks(text: str, candidates: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """The spans of the whitespace-separated chunks of ``text`` holding a sentence-final character — what
    ``(?<!\\S)[^\\sP]*[P]\\S*`` finds, P those characters — found from the characters themselves: the regex
    engine skips to them in C, and each chunk around one is found by searching back and forth for whitespace
    (a third faster than that pattern on comments)."""
    end = 0
    for found in candidates.finditer(text):
        i = found.start()
        if i < end:
            continue  # in the chunk just found
        last = max(text.rfind(" ", end, i), text.rfind("\n", end, i), text.rfind("\t", end, i))
        start = last + 1 if last >= 0 else end
        while (space := _SPACE.search(text, start, i)) is not None:  # rarer whitespace: \r, \xa0, \u2003 ...
            start = space.end()
        end = _NON_SPACE.match(text, i).end()  # type: ignore[union-attr]  # \S* always matches
        yield start, end


def _spans(text: str, starts: list[int]) -> list[tuple[int, int]]:
    spans = []
    last = len(starts) - 1
    for k, start in enumerate(starts):
        if k == last:
            spans.append((start, len(text)))
            break
        stop = starts[k + 1]
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        spans.append((start, stop))
    return spans


def _sentence_end(text: str, i: int, chunk_start: int, chunk_end: int, core_start: int, tail: int) -> int | None:
    """None if the character at ``i`` doesn't end a sentence; else where to look for the next one: the end of
    the chunk (the character was split off its end) or a position inside it (split off its start or middle).
    ``core_start`` is where the chunk's leading punctuation ends, ``tail`` where its closing punctuation starts."""
    char = text[i]
    if char == "." and ((i > 0 and text[i - 1] == ".") or (i + 1 < len(text) and text[i + 1] == ".")):
        return None  # part of an ellipsis
    core_start = min(core_start, i)
    if i + 1 >= tail:  # only closing punctuation follows: split off as a suffix
        if char != "." or core_start == i:
            return chunk_end
        if i + 1 - core_start <= _LONGEST_ABBREVIATION and (text[core_start : i + 1] in ABBREVIATIONS
                                                           or text[core_start:i] in SPLIT_CONTRACTIONS):
            return None
        previous = text[i - 1]
        if previous.isdigit() or previous.islower() or previous in _BEFORE_PERIOD:
            return chunk_end
        return chunk_end if i - 2 >= core_start and previous.isupper() and text[i - 2].isupper() else None
    if char != ".":
        if core_start < i:
            return None
        position = i + 1  # split off the start of the chunk ("!is_set"); the punctuation after it too
        while position < chunk_end and text[position] in _PREFIX_CHARS and _is_punct(text[position]) and \
                not _apostrophe_word(text, position, chunk_end):
            position += 1
        return position
    if i == 0 or i + 1 >= chunk_end:
        return None
    before, after = text[i - 1], text[i + 1]
    if not ((before.islower() or before in _QUOTES) and (after.isupper() or after in _QUOTES)):
        return None
    core_end = chunk_end
    while core_end > core_start and text[core_end - 1] in _PREFIX_CHARS:
        core_end -= 1
    if core_end - core_start <= 2048 and _URL_LIKE.fullmatch(text, core_start, core_end):
        return None  # a host name, e-mail address or URL
    return i + 1  # "end.Next"


def _next_start(text: str, position: int) -> int:
    """Where the sentence after a sentence end starts: past closing punctuation, at a line break or a word."""
    n = len(text)
    while position < n:
        if text[position] == " " and position + 1 < n and not text[position + 1].isspace():
            position += 1  # the one space spaCy keeps as a token's trailing whitespace
        if position >= n or text[position].isspace():
            return position  # a whitespace token (a line break) starts the next sentence
        space = _SPACE.search(text, position)
        chunk_end = space.start() if space is not None else n
        chunk = text[position:chunk_end]
        if all(_is_punct(c) for c in chunk):
            position = chunk_end  # a chunk of punctuation (a closing quote, "--", ":)") stays in the sentence
            continue
        if chunk in EMOTICONS:
            return position
        while text[position] in _PREFIX_CHARS and _is_punct(text[position]) and \
                not _apostrophe_word(text, position, chunk_end):
            position += 1
        return position
    return n


def _apostrophe_word(text: str, position: int, chunk_end: int) -> bool:
    """Whether the chunk from ``position`` is one of :data:`APOSTROPHE_WORDS` (closing punctuation aside)."""
    if text[position] not in "'\u2019":
        return False
    end = chunk_end
    while end > position + 1 and text[end - 1] in _SUFFIX_CHARS:
        end -= 1
    return text[position:end] in APOSTROPHE_WORDS


@lru_cache(maxsize=4096)
def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith("P")
