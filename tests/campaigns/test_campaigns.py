"""Household callback campaigns (住户回访): every occupied house reached, WeChat surveys to bound residents,
phone calls for the others, coverage against the target, problems become tickets, opinions kept."""
from __future__ import annotations

import json

import pytest

from handlers.campaigns.cli import campaign_cli
from storage.binding_models import CampaignContact
from storage.models import Ticket

from ..conftest import ADMIN_TOKEN, rows
from ..staffing import drain


@pytest.fixture
def run(staffed):
    runner = staffed.test_cli_runner()

    def invoke(*args):
        return runner.invoke(campaign_cli, list(args), catch_exceptions=False)
    return invoke


@pytest.fixture
def bound_owner(owner):
    owner.say("绑定房屋 锦绣花园3栋2单元1202 13812345678")
    assert "绑定成功" in owner.say("是")
    return owner


def status(run, *args):
    result = run("status", "锦绣花园", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_campaign_reaches_every_occupied_house_one_way_or_another(run, desk, bound_owner, fake_wechat):
    started = json.loads(run("start", "锦绣花园", "2026-12", "--json").output)
    assert (started["houses"], started["surveyed"], started["to_call"], started["target"]) == (4, 1, 3, 1.0)
    drain(desk)
    [survey] = [m["content"] for m in fake_wechat.sent_to(bound_owner.openid) if "月度住户回访" in (m["content"] or "")]
    assert "锦绣花园3栋2单元1202" in survey and "5 非常满意" in survey
    figures = status(run)
    assert (figures["coverage"], figures["waiting"], figures["target_met"]) == (0.0, 4, False)
    calls = figures["to_call"]
    assert sorted(c["address"] for c in calls) == ["锦绣花园3栋1单元1201", "锦绣花园3栋2单元1201", "锦绣花园A座1502"]
    assert next(c for c in calls if c["address"] == "锦绣花园3栋1单元1201")["phone"] == "13812345678"


def test_answers_calls_and_coverage_against_the_target(run, staffed, desk, bound_owner):
    run("start", "锦绣花园", "2026-12")
    assert "感谢您的评价" in bound_owner.say("5分，很满意")
    calls = {c["address"]: c["contact"] for c in status(run)["to_call"]}
    assert run("call", str(calls["锦绣花园3栋1单元1201"]), "--rating", "3", "--opinion", "停车位太少",
               "--by", "客服小陈").exit_code == 0
    run("call", str(calls["锦绣花园3栋2单元1201"]), "--unreachable", "--by", "客服小陈")
    figures = status(run)
    assert (figures["houses"], figures["reached"], figures["coverage"]) == (4, 2, 0.5)
    assert (figures["answered_wechat"], figures["reached_phone"], figures["unreachable"], figures["waiting"]) == \
        (1, 1, 1, 1)
    assert (figures["satisfaction_rate"], figures["target_met"]) == (1.0, False)
    assert [o["opinion"] for o in figures["opinion_list"]] == ["停车位太少"]
    assert "already reached" in run("call", str(calls["锦绣花园3栋1单元1201"])).output
    text = run("status", "锦绣花园").output
    assert "回访率 50%（2/4，目标 100%，未达标）" in text and "意见 锦绣花园3栋1单元1201 评分3：停车位太少" in text
    report = staffed.test_client().get("/api/reports", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).get_json()
    [campaign] = report["campaigns"]
    assert (campaign["estate"], campaign["coverage"], campaign["target"], campaign["opinions"]) == ("锦绣花园", 0.5, 1.0, 1)


def test_a_problem_raised_in_the_survey_becomes_a_ticket_at_the_house(run, desk, bound_owner):
    run("start", "锦绣花园", "2026Q4", "--kind", "quarterly")
    reply = bound_owner.say("2分，楼道灯坏了好几天了，一直没人修")
    assert "工单号" in reply and "非常抱歉" in reply
    t = rows(desk, Ticket)[-1]
    assert (t.building, t.unit, t.room) == ("3", "2", "1202")
    jx = next(e.id for e in desk.estates.estates() if e.name == "锦绣花园")
    assert t.estate_id == jx and t.house_id is not None          # the house's estate, not the default one
    [answered] = [c for c in rows(desk, CampaignContact) if c.state == "answered"]
    assert (answered.rating, answered.ticket_id) == (2, t.id) and "楼道灯" in answered.opinion
    figures = status(run)
    assert (figures["target"], figures["tickets"], figures["satisfaction_rate"]) == (0.6, 1, 0.0)


def test_a_message_that_is_no_answer_leaves_the_survey_open(run, desk, bound_owner):
    run("start", "锦绣花园", "2026-12")
    assert "还没有" not in bound_owner.say("我的报修")
    assert "感谢您的评价" in bound_owner.say("满意")


def test_bad_starts_are_refused_clearly(run, bound_owner):
    assert run("start", "锦绣花园", "2026-12").exit_code == 0
    for args, message in ((("锦绣花园", "2026-12"), "already has a monthly campaign"),
                          (("锦绣花园", "十二月"), "is not a month"),
                          (("锦绣花园", "2026Q9", "--kind", "quarterly"), "is not a quarter"),
                          (("无此小区", "2026-12"), "no estate named"),
                          (("锦绣花园", "2027-01", "--target", "1.5"), "target must be")):
        result = run("start", *args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)


def test_a_resident_in_the_middle_of_a_repair_is_not_interrupted(run, desk, bound_owner):
    assert "什么时间上门" in bound_owner.say("厨房水龙头漏水了")  # the bound house and phone are known
    run("start", "锦绣花园", "2026-12")
    reply = bound_owner.say("明天上午10点")  # still the repair's answer, not the survey's
    assert "已为您受理报修" in reply and "感谢您的评价" not in reply
    assert [c.state for c in rows(desk, CampaignContact) if c.channel == "wechat"] == ["sent"]


def test_only_a_reply_to_the_survey_counts_anything_else_is_the_ordinary_intake(run, desk, bound_owner):
    """A fault or a complaint about something else, told while a survey waits, is not taken as the survey's
    answer (nor its ticket opened as a campaign's): the ordinary intake handles it; the survey stays open."""
    run("start", "锦绣花园", "2026-12")
    reply = bound_owner.say("隔壁商铺的油烟太大了，熏得家里没法开窗")
    assert "感谢您的评价" not in reply
    complaint = rows(desk, Ticket)[-1]
    assert complaint.kind == "complaint" and "油烟" in complaint.description
    assert [(c.state, c.ticket_id) for c in rows(desk, CampaignContact) if c.channel == "wechat"] == [("sent", None)]
    reply = bound_owner.say("请问物业费在哪里交")
    assert "感谢您的评价" not in reply
    assert [c.state for c in rows(desk, CampaignContact) if c.channel == "wechat"] == ["sent"]
    reply = bound_owner.say("停车位太少了，希望能多划一些")    # an opinion on the service: the answer
    assert "感谢您的评价" in reply
    [answered] = [c for c in rows(desk, CampaignContact) if c.state == "answered"]
    assert "停车位" in answered.opinion and answered.rating is None


def test_a_repair_told_while_a_survey_waits_leaves_the_survey_open(run, desk, bound_owner):
    """A fault told while the survey waits goes through the ordinary repair (its questions asked); once that
    is done, the survey's answer is still taken as one."""
    run("start", "锦绣花园", "2026-12")
    assert "什么时间上门" in bound_owner.say("厨房水龙头漏水了")
    assert "已为您受理报修" in bound_owner.say("明天上午10点")
    assert "感谢您的评价" in bound_owner.say("5分，很满意")
    assert [c.state for c in rows(desk, CampaignContact) if c.channel == "wechat"] == ["answered"]


def test_still_broken_words_while_a_survey_waits_are_no_score(run, desk, bound_owner):
    """"还是没电" reads as "not fixed" to a ticket's 回访, but gives the campaign's survey no score."""
    run("start", "锦绣花园", "2026-12")
    bound_owner.say("厨房水龙头漏水了")
    assert "已为您受理报修" in bound_owner.say("明天上午10点")    # the survey's conversation was displaced
    assert "感谢您的评价" not in bound_owner.say("还是没电")
    assert [c.state for c in rows(desk, CampaignContact) if c.channel == "wechat"] == ["sent"]
