"""Follow-up callbacks (回访): after the work is done, ask the resident whether it is fixed and how
satisfied they are; understand the answer in free text; close, or reopen and escalate.

Steps (timers planned by deadlines.py): the survey FOLLOWUP_DELAY_MINUTES after done,
one reminder, then a "phone the resident" task (电话回访), so every repair is followed up one way
or another. Outside WeChat's 48-hour window the survey goes as a template message when
WECHAT_TEMPLATE_ID is set, otherwise straight to a phone task (handlers/delivery/outcomes.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nlu.text import fold
from storage import queries
from storage.models import Ticket

from .. import outbox
from ..desk import Turn, Work
from . import deadlines, escalation, tickets
from .cards import masked_words, show_card
from .routing import staff_chat_for

STATE = "followup"
SATISFIED_AT = 3   # 基本满意 and better count as satisfied (满意率)

_NOT_FIXED = re.compile(r"(还是|还在|依然|仍然|又|照样|继续)\S{0,4}(漏|坏|堵|不亮|不通|不行|不好|没好|响|滴|渗|臭|冒|"
                        r"没电|没水|没气|没网|停电|停水|不动|打不开|关不上)|"
                        r"没(有)?(修好|解决|好|弄好|处理好)|还没(修|好|解决|来)|不管用|没用|白修|老样子|一样(漏|坏|堵)")
_UNHAPPY = re.compile(r"不满意|很不满|太差|很差|差劲|失望|垃圾|糟糕|不行|不好|敷衍|态度(差|恶劣|不好)|一般般?(吧)?$")
_SATISFIED = re.compile(r"非常满意|很满意|满意|挺好|很好|不错|好了|修好了|解决了|没问题|可以|谢谢|感谢|辛苦|点赞|👍|好评|行")
_NEGATED = re.compile(r"不(好|行|可以|满意)")  # 还是不行: the 行 of 不行 is no praise
_BASIC = re.compile(r"基本满意|还行|还可以|一般|凑合|过得去")
# "3", "给4分", "五星": a score is a lone digit or one with 分/星 (not the 3 of 3栋2单元)
_LONE_DIGIT = re.compile(r"\W*(?:给|打)?\s*([1-5])\s*(?:分|星)?\W*")
_SCORED = re.compile(r"(?<!\d)([1-5一二两三四五])\s*(?:分|星)")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


@dataclass(frozen=True)
class Answer:
    """A resident's answer to the survey: a rating 1-5 and whether it is fixed (None: not said)."""
    rating: int | None
    fixed: bool | None


def understand(text: str) -> Answer | None:
    """The resident's answer to a survey, or None when the text is not one."""
    folded = fold(text).strip()
    not_fixed = bool(_NOT_FIXED.search(folded))
    m = _LONE_DIGIT.fullmatch(folded) or _SCORED.search(folded)
    rating = None
    if m:
        rating = int(m.group(1)) if m.group(1).isdigit() else _CN_DIGITS[m.group(1)]
    elif _BASIC.search(folded):
        rating = 3
    elif re.search(r"不满意|很差|太差|差劲|失望|糟糕|垃圾", folded):
        rating = 1
    elif _UNHAPPY.search(folded) and not _SATISFIED.search(_NEGATED.sub("", folded)):
        rating = 2
    elif _SATISFIED.search(_NEGATED.sub("", folded)):
        rating = 5 if re.search(r"非常|很满意|太好|特别", folded) else 4
    if rating is None and not not_fixed:
        return None
    return Answer(rating if rating is not None else 1, False if not_fixed else (None if rating is None else True))


def survey_text(ticket: Ticket) -> str:
    """The follow-up question (回访): fixed or not, and a score."""
    what = "报修" if ticket.kind == "repair" else "反映的问题"
    done = "师傅已处理完毕" if ticket.kind == "repair" else "我们已处理"
    return (f"您好，您的{what}（{ticket.code}）{done}。请问问题解决了吗？请对这次服务打个分："
            f"5 非常满意，4 满意，3 基本满意，2 不满意，1 很不满意，也可以直接回复“满意”或“还是漏水”等情况。谢谢您的支持！")


def step(work: Work, ticket: Ticket, kind: str) -> str:
    """A follow-up timer fired: send the survey, remind once, or hand it to the desk by phone."""
    if kind == "followup":
        return _send_survey(work, ticket, reminder=False)
    if kind == "followup_remind":
        return _send_survey(work, ticket, reminder=True)
    if kind == "followup_phone":
        return _phone_task(work, ticket, "no answer to the follow-up survey")
    raise ValueError(kind)


def _send_survey(work: Work, ticket: Ticket, reminder: bool) -> str:
    resident = ticket.resident
    if resident is None or not resident.active:
        return _phone_task(work, ticket, "resident not reachable on WeChat")
    text = survey_text(ticket) if not reminder else "您好，打扰了。" + survey_text(ticket)
    outbox.to_resident(work, resident.openid, text, ticket_id=ticket.id, actor="system", purpose="survey")
    ticket.followup_status = "reminded" if reminder else "sent"
    if not reminder:
        ticket.followup_sent_at = work.now
    expires = (ticket.followup_sent_at or work.now) + work.desk.minutes("FOLLOWUP_PHONE_MINUTES")
    queries.save_conversation(work.session, resident.id, STATE, {"ticket_id": ticket.id}, expires)
    queries.add_event(work.session, ticket, "system", "followup_reminded" if reminder else "followup_sent", work.now)
    return "survey reminder sent" if reminder else "survey sent"


def _phone_task(work: Work, ticket: Ticket, why: str) -> str:
    ticket.followup_status = "phone"
    queries.add_phone_task(work.session, ticket.id, "followup_call", why, work.now)
    queries.add_event(work.session, ticket, "system", "phone_task", work.now, {"reason": why})
    if ticket.resident is not None:
        queries.clear_conversation(work.session, ticket.resident.id)
    chat = staff_chat_for(work.desk, ticket)
    if chat:
        outbox.to_staff(work, chat, f"📞 工单 {ticket.code} 需要电话回访（{_WHY.get(why, why)}），请客服尽快联系住户。",
                             ticket_id=ticket.id)
    return "phone task"


_WHY = {"no answer to the follow-up survey": "住户未回复回访", "resident not reachable on WeChat": "住户已取消关注公众号"}


def answered(turn: Turn, slots: dict, text: str) -> str | None:
    """The resident's reply while a survey is open; None when it is not an answer to it."""
    answer = understand(text)
    if answer is None:
        return None
    ticket = queries.ticket(turn.session, slots.get("ticket_id"))
    queries.clear_conversation(turn.session, turn.resident.id)
    if ticket is None or ticket.status != "done":
        return "谢谢您的反馈！请问还有其他需要帮助的吗？"
    ticket.rating, ticket.feedback, ticket.followup_status = answer.rating, text, "answered"
    queries.add_event(turn.session, ticket, turn.actor, "followup_answered", turn.now,
                      {"rating": answer.rating, "fixed": answer.fixed, "words": text})
    if answer.fixed is not False and answer.rating >= SATISFIED_AT:
        ticket.status, ticket.closed_at, ticket.updated_at = "closed", turn.now, turn.now
        queries.add_event(turn.session, ticket, "system", "closed", turn.now, {"rating": answer.rating})
        show_card(turn, ticket)
        deadlines.plan(turn, ticket)
        return "感谢您的评价和支持！工单已办结，如果之后还有问题，随时给我们留言。"
    reason = "not_fixed" if answer.fixed is False else "dissatisfied"
    tickets.reopen(turn, ticket, turn.actor, reason)
    escalation.raise_alert(turn, ticket, reason, level=1, detail={"said": text})
    chat = staff_chat_for(turn.desk, ticket)
    if chat:
        # REASONS already say 回访…; the group sees the resident's words with phones and names masked.
        outbox.to_staff(turn, chat, f"🔁 工单 {ticket.code} {escalation.REASONS[reason]}，已重新打开，请尽快处理。"
                                         f"\n住户说：{masked_words(text)[:200]}", ticket_id=ticket.id,
                        reply_to=ticket.card_message_id)
    show_card(turn, ticket)
    deadlines.plan(turn, ticket)
    return (f"非常抱歉，给您添麻烦了！我们已重新安排处理（{ticket.code}），并报告主管跟进，"
            f"会在{turn.local_text(ticket.due_at)}前给您答复。")
