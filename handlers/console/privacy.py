"""Phone masking for the console, in one place (the desk's masking helpers may move)."""
from __future__ import annotations

from handlers import cards


def masked_phone(phone: str | None) -> str:
    """138****5678, or 未留."""
    return cards.mask_phone(phone)


def masked_text(text: str | None) -> str:
    """Free text with every phone number in it masked."""
    return cards.mask_phones_in(text or "") if text else ""
