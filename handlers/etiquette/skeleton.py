"""The skeleton of a reply: what the rules and the model read instead of the raw text.

The reply is folded (full-width → half-width, traditional → simplified), lower-cased, with spaces,
symbols and emoji dropped, so 不 知 道 / 不-清-楚 / 不😂知😂道 / ｂｕ ｚｈｉ ｄａｏ read as plain words.
Clause punctuation (，。！？…) becomes one SEP mark, so context never leaks from one clause into the
next. Every skeleton character remembers its offset in the original text, so that violations point
at the original characters.
"""
from __future__ import annotations

import unicodedata

from nlu.text import fold, is_symbol

SEP = "\x1f"    # clause punctuation in the skeleton
JOIN = "\x1e"   # a dropped space or mark between two Latin letters or digits (keeps "ok sb" two words)
MASK = "\x1d"   # banned words blanked out while looking for a polite context
EDGE = frozenset((SEP, JOIN))
STRONG = frozenset("，,。！!？?；;：:、~～…\n\r\t")   # marks that end a clause

_CLAUSE, _DROP = "\x00", "\x01"
_KIND: dict[str, str] = {}   # char + folded char -> _CLAUSE, _DROP, or the character to keep


def _kind(ch: str, folded: str) -> str:
    key = ch + folded
    kind = _KIND.get(key)
    if kind is None:
        # NFKC turns styled letters (𝐬𝐛, ⓢⓑ) into plain ones; keep one character per character.
        plain = unicodedata.normalize("NFKC", folded)
        plain = plain if len(plain) == 1 else folded
        if ch in STRONG or plain in STRONG:
            kind = _CLAUSE
        elif is_symbol(plain):
            kind = _DROP
        else:
            lower = plain.lower()
            kind = lower if len(lower) == 1 else plain
        _KIND[key] = kind
    return kind


def skeleton(text: str) -> tuple[str, list[int]]:
    """The normalised skeleton of a text and, for each of its characters, the offset in the text."""
    chars: list[str] = []
    offsets: list[int] = []
    dropped = False
    for i, (ch, folded) in enumerate(zip(text, fold(text))):
        kind = _kind(ch, folded)
        if kind == _CLAUSE:
            if chars and chars[-1] != SEP:
                chars.append(SEP)
                offsets.append(i)
            dropped = False
        elif kind == _DROP:
            dropped = True
        else:
            if dropped and chars and chars[-1].isascii() and chars[-1].isalnum() and kind.isascii() \
                    and kind.isalnum():
                chars.append(JOIN)
                offsets.append(i - 1)
            chars.append(kind)
            offsets.append(i)
            dropped = False
    while chars and chars[-1] == SEP:
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def skeleton_text(text: str) -> str:
    """The skeleton alone (the learned model's input)."""
    return skeleton(text)[0]
