"""Phones in every format residents use are extracted as digits and masked; residents' names are masked."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlu.phones import find_phones
from nlu.privacy import mask_personal
from nlu.text import fold

PHONES = [
    ("139 1234 5678", "13912345678"),
    ("138.1234.5678", "13812345678"),
    ("138 - 1234 - 5678", "13812345678"),
    ("138—1234—5678", "13812345678"),
    ("１３９１２３４５６７８", "13912345678"),
    ("１３９ １２３４ ５６７８", "13912345678"),
    ("+86 139 1234 5678", "13912345678"),
    ("+86-13912345678", "13912345678"),
    ("008613912345678", "13912345678"),
    ("(+86)13912345678", "13912345678"),
    ("一三九一二三四五六七八", "13912345678"),
    ("幺三八 幺二三四 五六七八", "13812345678"),
    ("幺三八幺二三四五六七八", "13812345678"),
    ("139一二三四5678", "13912345678"),
    ("0571-88886666", "057188886666"),
    ("(0571)8888 6666", "057188886666"),
    ("（010）12345678", "01012345678"),
    ("010-1234-5678", "01012345678"),
    ("零五七一 八八八八六六六六", "057188886666"),
]


@pytest.mark.parametrize("surface,digits", PHONES)
def test_every_phone_format_is_one_phone_entity_of_digits(nlu, surface, digits):
    text = f"3栋2单元1201 厨房漏水 我电话{surface} 谢谢"
    result = nlu.parse(text)
    phones = [e for e in result["entities"] if e["entity"] == "phone"]
    assert [p["value"] for p in phones] == [digits]
    assert text[phones[0]["start"]:phones[0]["end"]] == surface
    assert [e["value"] for e in result["entities"] if e["entity"] == "room"] == ["1201"]


@pytest.mark.parametrize("surface,digits", PHONES)
def test_every_phone_format_is_masked(surface, digits):
    shown = mask_personal(f"麻烦师傅再来看看，我电话{surface}，谢谢")
    assert digits[-4:] in shown and digits[3:7] not in shown.replace(digits[-4:], "")
    assert surface not in shown
    assert shown.startswith("麻烦师傅再来看看，我电话") and shown.endswith("，谢谢")


@pytest.mark.parametrize("text", ["2024-03-12 停水", "工单BX2403120087", "交了1200元", "15 16 17 18 19 20号",
                                  "第一三五七九号楼", "3栋2单元1201", "车位B2-156"])
def test_things_that_are_not_phones(text):
    assert find_phones(fold(text)) == []
    assert mask_personal(text) == text


def test_survey_answer_from_the_issue():
    shown = mask_personal("不满意，还是漏水，麻烦师傅再来看看，我电话139 1234 5678")
    assert shown == "不满意，还是漏水，麻烦师傅再来看看，我电话139****5678"


NAMES = [
    ("我叫王小明，住3栋1201", "我叫王**，住3栋1201"),
    ("我是王小明", "我是王**"),
    ("业主张伟住3栋", "业主张**住3栋"),
    ("联系人：欧阳娜娜 电话13912345678", "联系人：欧阳** 电话139****5678"),
    ("我老婆叫陈静电话一三九一二三四五六七八", "我老婆叫陈**电话139****5678"),
    ("此致 敬礼 赵大宝", "此致 敬礼 赵**"),
    ("我是王伟明天在家", "我是王**明天在家"),
    ("身份证110101199003071234", "身份证110101********1234"),
]


@pytest.mark.parametrize("text,shown", NAMES)
def test_full_names_and_identity_numbers_are_masked(text, shown):
    assert mask_personal(text) == shown


@pytest.mark.parametrize("text", ["我是王先生", "王女士你好", "我是李阿姨", "姓王", "本人姓刘", "我是周末才在家",
                                  "我是黄金海岸的业主", "我是高层住户", "我是新来的业主", "我叫了三次师傅", "张师傅态度很好"])
def test_surname_with_title_and_ordinary_words_stay(text):
    assert mask_personal(text) == text


# Property-based: any mobile, written any way residents write it, inside any Chinese text.
_NUMERALS = dict(zip("0123456789", "零一二三四五六七八九"))
_FULL = {d: chr(ord(d) + 0xFEE0) for d in "0123456789"}
mobiles = st.builds(lambda second, rest: "1" + second + rest, st.sampled_from("3456789"),
                    st.text("0123456789", min_size=9, max_size=9))
separators = st.sampled_from(["", " ", "-", " - ", ".", "  ", "—"])
scripts = st.sampled_from(["ascii", "full", "numeral", "yao"])
prefixes = st.sampled_from(["", "+86 ", "+86-", "0086", "86 "])
# Words around the number, without 是: "我是" followed by 傅卫 (of 师傅, 卫生间) is a name given, rightly masked
context = st.text(st.sampled_from("我家在厨房卫生间水管漏了麻烦师傅来看看电话联系谢谢，。！ 的请"), max_size=12)


def _write(number: str, sep: str, script: str) -> str:
    def char(d: str) -> str:
        if script == "full":
            return _FULL[d]
        if script in ("numeral", "yao"):
            return "幺" if d == "1" and script == "yao" else _NUMERALS[d]
        return d
    written = "".join(map(char, number))
    return written[:3] + sep + written[3:7] + sep + written[7:]


@settings(max_examples=300, deadline=None)
@given(mobiles, separators, scripts, prefixes, context, context)
def test_any_written_mobile_is_found_and_masked(number, sep, script, prefix, before, after):
    surface = prefix + _write(number, sep, script)
    text = before + surface + after
    found = find_phones(fold(text))
    assert [p.digits for p in found] == [number]
    assert text[found[0].start:found[0].end] == surface
    shown = mask_personal(text)
    assert shown == before + f"{number[:3]}****{number[-4:]}" + after


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_masking_never_fails_and_keeps_text_without_digits(text):
    shown = mask_personal(text)
    if not re.search(r"[0-9０-９零〇○一二三四五六七八九幺]", text) and not re.search(r"[叫是名人主户属款敬礼]", text):
        assert shown == text
