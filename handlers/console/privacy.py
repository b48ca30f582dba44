"""Phone masking for the console, in one place (the desk's masking helpers may move)."""
from __future__ import annotations

from handlers import cards
from nlu.text import fold


def masked_phone(phone: str | None) -> str:
    """138****5678, or 未留."""
    return cards.mask_phone(phone)


def masked_text(text: str | None) -> str:
    """Free text with every phone number in it masked. The desk's helper normalises the text
    (full-width punctuation and digits) to find numbers; text without a number is kept as written."""
    if not text:
        return ""
    masked = cards.mask_phones_in(text)
    return text if masked == fold(text) else masked
