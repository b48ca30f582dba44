"""A list of phrases or regexes found in a skeleton, fast: each tried only where it can start.

Every pattern knows the characters a match can start with (worked out from the parsed regex), so a
text holding none of them is skipped and a phrase regex is only tried where it can start; this keeps
a check in the low hundreds of microseconds with a large rules file.
"""
from __future__ import annotations

import re

try:                                   # the regex parser, to find the first characters of a pattern
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:                    # pragma: no cover - Python before 3.11
    import sre_constants as _sre
    import sre_parse as _sre_parse

from .notation import Notation, RulesProblem, entry_regex
from .skeleton import EDGE


class Matcher:
    """Phrases compiled into one regex (overlapping matches), each hand-written regex on its own."""

    def __init__(self, entries: list, notation: Notation, where: str, overlapping: bool, evasive: bool):
        phrases, self._patterns = [], []
        for n, entry in enumerate(entries, 1):
            try:
                source, is_regex = entry_regex(entry, notation, evasive)
            except RulesProblem as exc:
                raise RulesProblem(f"{where} entry {n} ({show(entry)}) {exc}") from None
            if is_regex:
                self._patterns.append((re.compile(source), False, first_chars(source)))
            else:
                phrases.append(source)
        if phrases:
            phrases = sorted(phrases, key=len, reverse=True)
            body = "|".join(phrases)
            firsts = [first_chars(p) for p in phrases]
            if overlapping and None in firsts:
                self._patterns.insert(0, (re.compile(f"(?=({body}))"), True, None))
            elif overlapping:
                # tried only where a phrase can start, and then only the phrases that start there
                self._patterns.insert(0, (_ByFirst(phrases, firsts), True, frozenset().union(*firsts)))
            else:
                self._patterns.insert(0, (re.compile(body), False, first_chars(body)))

    @property
    def patterns(self) -> list[tuple]:
        """(pattern, overlapping, first characters or None) of each compiled part."""
        return self._patterns

    def spans(self, text: "str | Indexed"):
        """(start, end) of every match in text, without a clause mark at either end."""
        indexed = text if isinstance(text, Indexed) else None
        chars = indexed.chars if indexed is not None else text
        for part in self._patterns:
            if part[2] is None or not part[2].isdisjoint(chars):
                yield from part_spans(part, text if indexed is None else indexed.text, indexed)


def part_spans(part: tuple, text: str, indexed: "Indexed | None"):
    """(start, end) of the matches of one compiled part, without a clause mark at either end."""
    pattern, overlapping, first = part
    for a, b in _found(pattern, overlapping, first, text, indexed):
        # an optional last part, "这有啥(的|)", must not swallow the next clause mark
        while a < b and text[a] in EDGE:
            a += 1
        while b > a and text[b - 1] in EDGE:
            b -= 1
        if a < b:
            yield a, b


class Indexed:
    """A text with the places of each of its characters, made once and read by every rule group."""
    __slots__ = ("text", "chars", "places")

    def __init__(self, text: str):
        places: dict[str, list[int]] = {}
        for i, c in enumerate(text):
            places.setdefault(c, []).append(i)
        self.text, self.places, self.chars = text, places, frozenset(places)


def _found(pattern, overlapping: bool, first, text: str, indexed: Indexed | None):
    if not overlapping:
        return (m.span() for m in pattern.finditer(text))
    if first is None:
        return (m.span(1) for m in pattern.finditer(text))
    match = pattern.match            # one try at each possible start
    if indexed is not None:
        return (m.span() for c in first & indexed.chars for m in (match(text, i, c) for i in indexed.places[c]) if m)
    return (m.span() for m in (match(text, i, c) for i, c in enumerate(text) if c in first) if m)


class _ByFirst:
    """Phrase alternatives grouped by their first character, each group compiled on first use.

    At one position the group of that character gives the same match as the whole alternation
    (the same alternatives in the same order; the others cannot start there) in far fewer tries.
    """

    def __init__(self, phrases: list[str], firsts: list[frozenset[str]]):
        self._phrases, self._firsts = phrases, firsts
        self._by_char: dict[str, re.Pattern] = {}

    def match(self, text: str, pos: int, char: str):
        pattern = self._by_char.get(char)
        if pattern is None:
            pattern = self._by_char[char] = re.compile(
                "|".join(p for p, first in zip(self._phrases, self._firsts) if char in first))
        return pattern.match(text, pos)


def first_chars(source: str) -> frozenset[str] | None:
    """The characters every match of a regex starts with; None when that cannot be told."""
    try:
        first, nullable = _first_of(_sre_parse.parse(source))
    except Exception:   # an unusual construct: simply no shortcut
        return None
    return None if first is None or nullable or not first else frozenset(first)


def _first_of(items) -> tuple[set[str] | None, bool]:
    """(possible first characters, can match empty) of a parsed regex sequence."""
    result: set[str] = set()
    for op, av in items:
        first, nullable = _first_of_item(op, av)
        if first is None:
            return None, False
        result |= first
        if not nullable:
            return result, False
    return result, True


def _first_of_item(op, av) -> tuple[set[str] | None, bool]:
    if op is _sre.LITERAL:
        return {chr(av)}, False
    if op is _sre.IN:
        return _first_of_set(av)
    if op is _sre.BRANCH:
        chars, empty = set(), False
        for alternative in av[1]:
            first, nullable = _first_of(alternative)
            if first is None:
                return None, False
            chars |= first
            empty |= nullable
        return chars, empty
    if op is _sre.SUBPATTERN:
        return _first_of(av[3])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        first, nullable = _first_of(av[2])
        return (None, False) if first is None else (first, nullable or av[0] == 0)
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):   # zero-width: look at what follows
        return set(), True
    return None, False


def _first_of_set(av) -> tuple[set[str] | None, bool]:
    chars = set()
    for kind, value in av:
        if kind is _sre.LITERAL:
            chars.add(chr(value))
        elif kind is _sre.RANGE and value[1] - value[0] < 256:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None, False
    return chars, False


def show(entry) -> str:
    """An entry of the rules file, short enough for a one-line error."""
    return str(entry).replace("\n", " ")[:40]
