"""Chinese numerals as residents write them in addresses: 十七栋, 二单元, 一二零一, 两栋."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "○": 0, "O": 0, "一": 1, "幺": 1, "壹": 1, "二": 2, "两": 2, "贰": 2,
          "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
          "八": 8, "捌": 8, "九": 9, "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)


def to_int_string(token: str) -> str | None:
    """'17' / '十七' / '一二零一' / '十二' -> '17' / '17' / '1201' / '12'; None when not a number.

    Without 十/百/千 the characters are read digit by digit, the way room numbers are spoken.
    """
    token = token.strip()
    if not token:
        return None
    if token.isdigit():
        return str(int(token)) if len(token) <= 2 else token
    if not all(ch in DIGITS or ch in UNITS for ch in token):
        return None
    if not any(ch in UNITS for ch in token):
        return "".join(str(DIGITS[ch]) for ch in token)
    head, zero, tail = token.partition("零")
    if zero and tail and any(ch in "十拾" for ch in head) and not any(ch in UNITS for ch in tail) \
            and not any(ch in "百佰千仟" for ch in head):
        # 十二零一 / 二十零三: the floor said as a number, then the room digits -> 1201 / 2003
        return f"{to_int_string(head)}0{to_int_string(tail)}"
    total, current = 0, 0
    for ch in token:
        if ch in DIGITS:
            current = DIGITS[ch]
        else:
            total += (current or 1) * UNITS[ch]
            current = 0
    return str(total + current)
