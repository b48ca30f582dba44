"""Personal data masking for the console, in one place: phones in every format and names residents give."""
from __future__ import annotations

from handlers.tickets.cards import mask_phone
from nlu.privacy import mask_personal


def masked_phone(phone: str | None) -> str:
    """138****5678, or 未留."""
    return mask_phone(phone)


def masked_text(text: str | None) -> str:
    """Free text with every phone number (any format) and every full name a resident gave masked."""
    return mask_personal(text) if text else ""
