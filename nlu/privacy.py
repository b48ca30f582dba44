"""Masking residents' personal data in text shown to staff groups and consoles (保守业主隐私).

`mask_personal` hides every phone number in every format residents write (139 1234 5678,
138.1234.5678, +86, full-width digits, Chinese numerals, landlines: 139****5678, 0571-****6666),
identity card numbers, and the full names residents give of themselves or their family
("我叫王小明", "我是王小明", "联系人：欧阳娜娜" -> 王**, 欧阳**). A surname with a title (王先生, 李阿姨,
姓王) is how desks address residents and stays. Everything else is returned unchanged, in the
resident's own characters.
"""
from __future__ import annotations

import re

from .phones import find_phones, masked
from .text import fold, is_cjk, word_frequency

_COMPOUND_SURNAMES = ("欧阳 司马 诸葛 上官 东方 慕容 令狐 皇甫 尉迟 公孙 长孙 宇文 司徒 夏侯 轩辕 端木 南宫 西门 独孤 "
                      "申屠 澹台 公冶 太史 呼延 万俟 闻人 赫连 第五").split()
# Common surnames; a few that are mostly ordinary words after 我是 (时, 和, 全, 应) are left out.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康"
    "施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗"
    "谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农卓古吉缪简项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫"
    "米柏宗瞿桂佟臧闵苟邬边卞姬仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝")
# Characters that end a name rather than belong to it (places, titles, pronouns, particles).
_NOT_IN_NAME = set("的了是在住家楼层号栋幢座单元室门区先女士太阿叔姨总经理工业户主人们和跟也都就要想说请找打给"
                   "电话手机我你他她它这那里个位物管保安师傅板医同学爷奶伯哥姐弟妹嫂老吗呢吧啊呀哦嗯")
# After these a name is what follows; after the looser ones (我是, 业主) a common word such as 周末
# or 黄金 is read as the word it is (jieba's dictionary frequency).
_NAMING_CUE = r"我叫|本人叫|名字叫|名字是|姓名|联系人|联络人|签名|落款|此致\s*敬礼"
_LOOSE_CUE = r"户主|业主|住户|本人|我是|我老公|我老婆|我爱人|我先生|我太太|我妈|我爸|我儿子|我女儿|家属"
_COMMON_WORD = 100
# Words that often follow a name directly: 王伟明天在家, 张强现在不在, 李娜电话…
_FOLLOWS_NAME = set("今明昨现刚已马")
# Words after which residents name themselves or a family member.
_CUE = re.compile(rf"(?:(?P<naming>{_NAMING_CUE})|{_LOOSE_CUE})[是叫为:：\s,，]{{0,3}}")
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def _surname_at(text: str, pos: int) -> int:
    """Length of the surname starting at `pos` (2 for 欧阳), or 0."""
    if text[pos:pos + 2] in _COMPOUND_SURNAMES:
        return 2
    return 1 if pos < len(text) and text[pos] in _SURNAMES else 0


def _name_at(text: str, pos: int) -> tuple[int, int] | None:
    """(surname length, given-name length) of a full name starting at `pos`, or None.

    A name is a surname and one or two given characters, followed by something that is not a
    Chinese character of the same word (punctuation, the end, or a word such as 住, 电话, 的, 明天).
    """
    surname = _surname_at(text, pos)
    if not surname:
        return None
    start = pos + surname
    longest = 0
    while longest < 2 and start + longest < len(text) and _given(text[start + longest]):
        longest += 1
    for given in range(longest, 0, -1):
        end = start + given
        if end >= len(text) or not _given(text[end]) or text[end] in _FOLLOWS_NAME:
            return surname, given
    return None  # 黄金海岸: more characters follow, so this is a word, not a name


def _given(ch: str) -> bool:
    return is_cjk(ch) and ch not in _NOT_IN_NAME


def _names(folded: str) -> list[tuple[int, int, int]]:
    """(start, end, surname length) of every full name a resident gives after a cue."""
    found = []
    for cue in _CUE.finditer(folded):
        name = _name_at(folded, cue.end())
        if name:
            surname, given = name
            if not cue.group("naming") and surname == 1 and \
                    word_frequency(folded[cue.end():cue.end() + 2]) >= _COMMON_WORD:
                continue
            found.append((cue.end(), cue.end() + surname + given, surname))
    return found


def mask_personal(text: str) -> str:
    """The text with phones (139****5678), identity numbers and residents' full names (王**) masked."""
    folded = fold(text)
    edits = [(p.start, p.end, masked(p)) for p in find_phones(folded)]
    edits += [(m.start(), m.end(), f"{m.group(1)}********{m.group(2)}") for m in _ID_CARD.finditer(folded)]
    edits += [(start, end, text[start:start + surname] + "**") for start, end, surname in _names(folded)]
    out, pos = [], 0
    for start, end, replacement in sorted(edits):
        if start < pos:
            continue  # overlapping finds: the first one already masked these characters
        out += [text[pos:start], replacement]
        pos = end
    out.append(text[pos:])
    return "".join(out)
