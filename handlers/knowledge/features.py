"""What a question is made of for the classifier: topic words and characters without filler, plus
cues for the kinds of question no knowledge entry answers."""
from __future__ import annotations

import re
from functools import lru_cache

from nlu.text import fold, is_symbol, segment

# Filler that every question shares; removing it lets the words that carry the topic decide.
STOP_WORDS = frozenset("""请问 问一下 一下 怎么 怎么样 怎样 如何 吗 呢 啊 吧 呀 的 了 是 我 我们 你们 你 在 有 没有 可以 能
能不能 要 需要 什么 哪里 哪儿 多少 几点 一个 这个 那个 还 就 都 也 和 跟 请 谢谢 您好 你好 物业 小区 一般 现在
到底 是不是 会不会 么 下""".split())

# One feature per kind of question the file cannot answer, whatever its topic: the "none of these"
# class learns them from data/out_of_scope.yml, so "下个月停车费要涨吗" is not just a parking question.
# Measured on the tuning splits (README): fewer unanswerable questions answered, as many answerable.
_CUES = {
    "future": re.compile(r"明年|后年|下个?月|下半年|以后|将来|今后|会不会|要不要|是不是要|打算|计划|听说|据说|传言|到期后"),
    "other": re.compile(r"楼上|楼下|对门|隔壁|邻居|别人家|那家|那户|\d{3,4}(室|号)?的|谁家|是谁|叫什么"),
    "outside": re.compile(r"附近|周边|周围|市里|外面的|别的小区|隔壁小区|街道|派出所|社保|医保|医院"),
    "result": re.compile(r"结果|当选|选上|通过了没|公布|赔了没|多少钱一个月|工资|收入|赚"),
    "opinion": re.compile(r"推荐|介绍个|哪家好|哪个牌子|靠谱"),
}


SEPARATOR = ","   # stands where a text had a symbol or a space: the words of a clause lie between two


@lru_cache(maxsize=1024)
def tokens(text: str) -> tuple[str, ...]:
    """jieba words of a text folded (simplified, lower case, digits as 0), with SEPARATOR where a symbol or
    space was: one segmentation shared by the classifier and the near-miss gate (coverage.py)."""
    folded = re.sub(r"\d+", "0", fold(text).lower())
    return tuple(segment("".join(SEPARATOR if is_symbol(ch) else ch for ch in folded)))


def features(text: str) -> list[str]:
    """jieba words and character uni- and bigrams of a text (digits folded to 0, filler dropped), and its cues."""
    folded = fold(text).lower()
    cues = [f"p:{name}" for name, pattern in _CUES.items() if pattern.search(folded)]
    words = [w for w in tokens(text) if w != SEPARATOR and w not in STOP_WORDS]
    chars = "".join(words)
    return ([f"w:{w}" for w in words] + [f"c:{c}" for c in chars]
            + [f"b:{chars[i:i + 2]}" for i in range(len(chars) - 1)] + cues)
