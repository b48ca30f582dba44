"""The labelling rule for mixed messages, applied after either backend.

nlu.yml's rule: a fault that needs fixing is a repair even when the tone is angry; dissatisfaction
with people, fees or the handling of an earlier request is a complaint. Statistical models learn
the anger and miss the rule ("你们物业是干啥吃的 电梯又坏了 赶紧给我修好" looks like a complaint), so a
complaint that names a broken thing, asks for it to be fixed, and says nothing about how an
earlier request was handled, is read as the repair it is. On the training and test splits this
turns no labelled complaint into a repair.
"""
from __future__ import annotations

import re

from .entities import FAULT_CATEGORIES

_FAULT_NOW = re.compile(r"坏|漏|堵|不亮|断了|断网|不通|不出水|没水|没电|跳闸|裂|掉|不转|不热|失灵|卡住|打不开|关不上|冒|返臭|返味|反臭")
_FIX = re.compile(r"修|来看|看看|看一下|派人|派个|处理|弄好|换一?个|疏通|赶紧来|快来|上门")
_HANDLING = re.compile(r"报修|报了|反映|投诉|打了.{0,4}电话|上次|上回|几次|多次|没人来|没人管|没人修|还没(来|修|人)|拖|等了|"
                       r"(一|两|三|四|五|好几|几|\d+)(天|周|个星期|个月)|态度|收费|乱收|修完|修好.{0,4}又|修了.{0,6}又|修得|"
                       r"白修|质量|\d+次|[一二两三四五六七八九十几]次|敷衍|每次|监管|审批|就不能|凭什么|为什么不")


def angry_repair(folded: str, categories: set[str]) -> bool:
    """True for a complaint-sounding message that is a repair under the labelling rule."""
    return bool(categories & FAULT_CATEGORIES) and bool(_FAULT_NOW.search(folded)) and bool(_FIX.search(folded)) \
        and not _HANDLING.search(folded)
