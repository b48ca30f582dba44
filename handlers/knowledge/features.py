"""What a question is made of for the classifier: topic words and characters, without filler."""
from __future__ import annotations

import re

from nlu.text import fold, is_symbol, segment

# Filler that every question shares; removing it lets the words that carry the topic decide.
_STOP = frozenset("""请问 问一下 一下 怎么 怎么样 怎样 如何 吗 呢 啊 吧 呀 的 了 是 我 我们 你们 你 在 有 没有 可以 能
能不能 要 需要 什么 哪里 哪儿 多少 几点 一个 这个 那个 还 就 都 也 和 跟 请 谢谢 您好 你好 物业 小区 一般 现在
到底 是不是 会不会 么 下""".split())


def features(text: str) -> list[str]:
    """jieba words and character uni- and bigrams of a text, digits folded to 0 and filler dropped."""
    text = re.sub(r"\d+", "0", fold(text).lower())
    text = "".join(" " if is_symbol(ch) else ch for ch in text)
    words = [w for w in segment(text) if w not in _STOP]
    chars = "".join(words)
    return ([f"w:{w}" for w in words] + [f"c:{c}" for c in chars]
            + [f"b:{chars[i:i + 2]}" for i in range(len(chars) - 1)])
