"""The phrase notation of the rules file, compiled to regular expressions over the skeleton.

A phrase is plain text with three marks: … (up to GAP characters, never across a clause mark),
(a|b|) (alternatives, the empty one allowed) and {name} (any word of a word list of the file).
Each character may be repeated (不不不行) and spelling variants of the file (沒/木有/偶们) match too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.text import fold, is_symbol

from .skeleton import JOIN, MASK, SEP

GAP = 6         # how many characters "…" may stand for


class RulesProblem(ValueError):
    """A problem in the rules file; loading turns it into a one-line EtiquetteRulesError."""


@dataclass(frozen=True)
class Notation:
    """What phrases of the rules file may refer to: spelling variants and named word lists."""
    spellings: list[tuple[str, list[str]]]
    words: dict[str, list[str]]


WORD_REF = re.compile(r"\{([^{},\d\s][^{},]*)\}")   # {name}; never a regex quantifier like {1,6}


def expand_words(source: str, notation: Notation, as_regex: bool) -> str:
    """{name} replaced by the words of that list: (a|b|c) in a phrase, (?:…) in a regex."""
    if "{" not in source:
        return source

    def one(match: re.Match) -> str:
        name = match.group(1).strip()
        if name not in notation.words:
            raise RulesProblem(f"uses an unknown word list {{{name}}} (see words)")
        words = notation.words[name]
        if as_regex:
            return "(?:" + "|".join(compile_phrase(w, notation.spellings, False) for w in words) + ")"
        return "(" + "|".join(words) + ")"

    return WORD_REF.sub(one, source)


def _literal(text: str, spellings: list[tuple[str, list[str]]], joint: str) -> list[str]:
    """Regex pieces for plain characters: each spelling variant an alternative, each char repeatable."""
    pieces, i = [], 0
    while i < len(text):
        for canonical, variants in spellings:
            if text.startswith(canonical, i):
                alternatives = [_chars(s, joint) for s in sorted({canonical, *variants}, key=len, reverse=True)]
                pieces.append("(?:" + "|".join(alternatives) + ")")
                i += len(canonical)
                break
        else:
            pieces.append(_chars(text[i], joint))
            i += 1
    return pieces


def _chars(text: str, joint: str) -> str:
    return joint.join(f"{re.escape(c)}(?:{joint}{re.escape(c)})*" for c in text)


def clean(text: str) -> str:
    """A phrase as the skeleton would read it, keeping the notation's marks."""
    return "".join(c.lower() for c in fold(text) if not is_symbol(c) or c in "()|…")


def compile_phrase(source: str, spellings: list[tuple[str, list[str]]], evasive: bool = True) -> str:
    """The regex source of a phrase written in the rules-file notation (plain text, …, (a|b|), nesting).

    evasive: a clause mark between two characters still matches (不，知，道); used for banned
    phrases, not for the harmless words and polite contexts.
    """
    text = clean(source.replace("...", "…"))
    letters = [c for c in text if c not in "…()|"]
    if not letters:
        raise RulesProblem("is empty")
    if text.startswith("…") or text.endswith("…"):
        raise RulesProblem("starts or ends with …")
    joint = f"[{JOIN}{SEP}]?" if evasive else f"{JOIN}?"
    items, i = _sequence(text, 0, spellings, joint)
    if i < len(text):
        raise RulesProblem(f"has a {text[i]} outside (…)")
    regex = _joined(items, joint)
    if letters[0].isascii() and letters[0].isalnum():
        regex = "(?<![a-z0-9])" + regex
    if letters[-1].isascii() and letters[-1].isalnum():
        regex += "(?![a-z0-9])"
    return regex


def _sequence(text: str, i: int, spellings, joint: str) -> tuple[list[tuple[str, str]], int]:
    """Items ("lit" or "gap", regex) from position i up to a ) or | of the enclosing group."""
    items: list[tuple[str, str]] = []
    while i < len(text) and text[i] not in ")|":
        ch = text[i]
        if ch == "…":
            items.append(("gap", f"(?:[{JOIN}{SEP}]|[^{SEP}{MASK}]{{0,{GAP}}}?)"))
            i += 1
        elif ch == "(":
            alternatives = []
            while True:
                inner, i = _sequence(text, i + 1, spellings, joint)
                alternatives.append(_joined(inner, joint))
                if i >= len(text):
                    raise RulesProblem("has an unclosed (")
                if text[i] == ")":
                    break
            i += 1
            items.append(("lit", "(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + ")"))
        else:
            j = i
            while j < len(text) and text[j] not in "…()|":
                j += 1
            items.extend(("lit", p) for p in _literal(text[i:j], spellings, joint))
            i = j
    return items, i


def _joined(items: list[tuple[str, str]], joint: str) -> str:
    regex = ""
    for n, (kind, piece) in enumerate(items):
        if n and kind == "lit" and items[n - 1][0] == "lit":
            regex += joint
        regex += piece
    return regex


def entry_regex(entry, notation: Notation, evasive: bool) -> tuple[str, bool]:
    """(regex source, written as a regex) of one phrase entry; RulesProblem when it is unusable."""
    if isinstance(entry, dict) and set(entry) == {"regex"} and isinstance(entry["regex"], str):
        if not entry["regex"].strip():
            raise RulesProblem("is an empty regex")
        source = expand_words(entry["regex"], notation, True)
        try:
            compiled = re.compile(source)
        except re.error as exc:
            raise RulesProblem(f"is not a valid regex ({exc})") from None
        if compiled.match(""):
            raise RulesProblem("is a regex that matches empty text")
        return source, True
    if isinstance(entry, (int, float)) and not isinstance(entry, bool):
        entry = str(entry)
    if not isinstance(entry, str):
        raise RulesProblem("must be a phrase or {regex: ...}")
    source = compile_phrase(expand_words(entry, notation, False), notation.spellings, evasive)
    if re.match(source, ""):
        raise RulesProblem("can match nothing at all")
    return source, False
