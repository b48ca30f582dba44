"""Text normalisation shared by the classifier, the entity extractor and the etiquette filter.

Every function here maps the input character by character, so an offset in the normalised text
is the same offset in the resident's original message; entities can then point into the original.
"""
from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache

import zhconv

# How much of a message is read for its meaning (intent, category, urgency): a long letter says what
# it wants well before this, and a 64 KB message then costs what a long letter costs. Phones and
# addresses are still looked for in the whole text, so that nothing personal escapes masking.
READ_CHARS = 3000

# Characters residents use for the same digit or letter in other widths.
_FULLWIDTH_OFFSET = 0xFEE0


@lru_cache(maxsize=65536)
def _fold_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
        return chr(code - _FULLWIDTH_OFFSET)
    if ch == "\u3000":
        return " "
    if code < 0x2E80:
        if unicodedata.category(ch) in {"Cc", "Cf", "Zs"}:
            return " "
        return ch
    simplified = zhconv.convert(ch, "zh-cn")
    # zhconv may map one character to a phrase in rare cases; keep offsets stable.
    return simplified if len(simplified) == 1 else ch


class _LazyTable(dict):
    """A str.translate table that fills itself on first sight of a character (C-speed afterwards)."""

    def __init__(self, convert):
        super().__init__()
        self._convert = convert

    def __missing__(self, code: int) -> str:
        value = self[code] = self._convert(chr(code))
        return value


_FOLD = _LazyTable(_fold_char)


def fold(text: str) -> str:
    """Full-width to half-width, traditional to simplified, control and odd spaces to plain space."""
    return text.translate(_FOLD)


def is_cjk(ch: str) -> bool:
    """True for a Chinese character."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


def is_symbol(ch: str) -> bool:
    """True for emoji, punctuation and spacing: characters that carry no words."""
    if ch.isspace():
        return True
    category = unicodedata.category(ch)
    return category[0] in {"P", "S", "Z", "C"} or category == "Mn"


_BLANK_SYMBOLS = _LazyTable(lambda ch: " " if is_symbol(ch) else ch)


def blank_symbols(text: str) -> str:
    """Every emoji, punctuation mark or space replaced by one plain space (same length)."""
    return text.translate(_BLANK_SYMBOLS)


_jieba = None


def _load_jieba():
    global _jieba
    if _jieba is None:
        import jieba
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


def word_frequency(word: str) -> int:
    """How often jieba's dictionary says `word` occurs (0 when it is not a dictionary word)."""
    return _load_jieba().dt.FREQ.get(word) or 0


def segment(text: str) -> list[str]:
    """jieba words of a text, without whitespace tokens; jieba is loaded quietly on first use.

    The HMM guesser for unknown words is off: it costs a third of the time, and a word the
    dictionary does not know is still covered by the character n-grams.
    """
    return [w for w in _load_jieba().lcut(text, HMM=False) if w.strip()]
