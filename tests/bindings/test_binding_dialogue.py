"""Binding by the roster's phone (the resident confirms), several houses, repairs that pick the house,
unbinding and 我搬家了, on SQLite and PostgreSQL."""
from __future__ import annotations

from handlers.bindings.words import ASK_ADDRESS, ASK_PHONE
from storage.binding_models import ResidentHouse
from storage.models import Ticket

from ..conftest import rows
from ..staffing import drain, ticket


def bindings_of(desk, **filters):
    return rows(desk, ResidentHouse, **filters)


def test_a_roster_phone_binds_once_the_resident_confirms_the_house(desk, owner):
    assert owner.say("绑定房屋") == ASK_ADDRESS
    assert owner.say("锦绣花园3栋2单元1202") == ASK_PHONE
    confirm = owner.say("13812345678")
    assert "锦绣花园3栋2单元1202" in confirm and "王*" in confirm and "王五" not in confirm
    assert bindings_of(desk) == []  # nothing is bound before the resident confirms
    assert "绑定成功" in owner.say("是")
    [row] = bindings_of(desk)
    assert (row.state, row.role, row.via, row.phone) == ("active", "owner", "roster", "13812345678")
    assert row.decided_by == "resident:o_owner_0001" and row.decided_at is not None


def test_one_message_with_everything_asks_only_for_the_confirmation(desk, owner):
    reply = owner.say("认证房屋 锦绣3栋1单元1201 电话13812345678")
    assert "锦绣花园3栋1单元1201" in reply and "回复“是”" in reply
    owner.say("好的")
    assert [r.state for r in bindings_of(desk)] == ["active"]


def test_a_phone_alone_lists_every_house_it_owns_and_a_number_binds_one(desk, owner):
    reply = owner.say("绑定房屋 13812345678")
    assert "1. 锦绣花园3栋1单元1201" in reply and "2. 锦绣花园3栋2单元1202" in reply and "3. 阳光城" in reply
    owner.say("2")
    [row] = bindings_of(desk, state="active")
    with desk.sessions() as session:
        from storage.bindings import house
        assert house(session, row.house_id).room == "1202"


def test_one_bound_house_is_never_asked_about_in_a_repair(desk, owner):
    owner.say("绑定房屋 锦绣花园3栋2单元1202 13812345678")
    owner.say("是")
    reply = owner.say("厨房水龙头漏水了，随时可以来")
    assert "3栋2单元1202" in reply and "工单号" in reply
    t = ticket(desk)
    assert (t.building, t.unit, t.room) == ("3", "2", "1202")


def test_several_houses_are_asked_once_per_repair(desk, owner):
    owner.say("绑定房屋 13812345678")
    assert "绑定成功" in owner.say("是")
    assert len(bindings_of(desk, state="active")) == 3
    question = owner.say("卫生间漏水了，随时可以来")
    assert "哪一处房屋" in question and "2. 锦绣花园3栋2单元1202" in question
    reply = owner.say("2")
    assert "工单号" in reply and "3栋2单元1202" in reply
    t = ticket(desk)
    assert (t.building, t.unit, t.room) == ("3", "2", "1202")
    # the next request is asked again (once per request), and an address typed instead is taken as given
    assert "哪一处房屋" in owner.say("阳台灯不亮了，随时可以来")
    assert "工单号" in owner.say("锦绣花园3栋1单元1201")
    assert (ticket(desk).building, ticket(desk).room) == ("3", "1201")
    assert len(rows(desk, Ticket)) == 2


def test_an_address_not_in_the_roster_is_asked_about_politely(desk, owner):
    reply = owner.say("绑定房屋 锦绣花园3栋2单元1909")
    assert "没有查到1909室" in reply and "核对" in reply
    assert ASK_PHONE == owner.say("锦绣花园3栋2单元1201")
    assert bindings_of(desk) == []


def test_binding_twice_says_so_and_binds_once(desk, owner):
    owner.say("绑定房屋 锦绣花园3栋2单元1202 13812345678")
    owner.say("是")
    owner.say("绑定房屋 锦绣花园3栋2单元1202 13812345678")
    assert "不需要重复办理" in owner.say("是")
    assert len(bindings_of(desk)) == 1


def test_unbinding_one_house_after_a_confirmation(desk, owner):
    owner.say("绑定房屋 锦绣花园3栋2单元1202 13812345678")
    owner.say("是")
    assert "确认解除与锦绣花园3栋2单元1202的绑定吗" in owner.say("解绑房屋")
    assert "已为您解除" in owner.say("是")
    [row] = bindings_of(desk)
    assert (row.state, row.end_reason, row.ended_by) == ("ended", "unbound", "resident:o_owner_0001")
    assert "还没有绑定房屋" in owner.say("我的房屋")


def test_unbinding_can_be_declined(desk, owner):
    owner.say("绑定房屋 锦绣花园3栋2单元1202 13812345678")
    owner.say("是")
    owner.say("取消绑定")
    assert "保持不变" in owner.say("不是")
    assert [r.state for r in bindings_of(desk)] == ["active"]


def test_with_several_houses_the_resident_picks_which_to_unbind(desk, owner):
    owner.say("绑定房屋 13812345678")
    owner.say("是")
    assert "要解除哪一处" in owner.say("解除绑定")
    owner.say("3")
    assert "已为您解除与阳光城" in owner.say("是")
    assert sorted(r.state for r in bindings_of(desk)) == ["active", "active", "ended"]


def test_moving_out_ends_every_binding_and_forgets_the_old_address(desk, owner):
    owner.say("绑定房屋 13812345678")
    owner.say("是")
    assert "乔迁" in owner.say("我搬家了")
    reply = owner.say("是的")
    assert "回复“绑定房屋”" in reply
    assert {(r.state, r.end_reason) for r in bindings_of(desk)} == {("ended", "moved")}
    reply = owner.say("厨房水龙头漏水了")  # the place is asked again (with several estates, which first)
    assert "请问需要上门的地址" in reply or "哪个小区" in reply


def test_moving_without_a_binding_is_not_taken_for_an_unbinding(desk, owner):
    reply = owner.say("我搬家了")
    assert "解除" not in reply


def test_cancel_in_the_middle_binds_nothing(desk, owner):
    owner.say("绑定房屋")
    assert "已取消房屋绑定" in owner.say("取消")
    assert "您好" in owner.say("你好")
    assert bindings_of(desk) == []


def test_bindings_reach_the_resident_by_menu(desk, staffed, owner):
    from bot.wechat import push
    assert owner.send(push.event(owner.openid, "CLICK", "MENU_BIND_HOUSE")) == ASK_ADDRESS
    owner.say("取消")
    assert "还没有绑定房屋" in owner.send(push.event(owner.openid, "CLICK", "MENU_MY_HOUSES", created=1796116999))
    drain(desk)


def test_with_several_estates_an_address_without_one_asks_which(desk, owner):
    reply = owner.say("绑定房屋 3栋2单元1202")
    assert "请问您的房屋在哪个小区" in reply and "锦绣花园" in reply and "阳光城" in reply
    assert owner.say("锦绣") == ASK_PHONE  # an alias names the estate; the address given before is kept
    assert "锦绣花园3栋2单元1202" in owner.say("13812345678")


def test_an_estate_without_a_roster_cannot_be_bound_online(desk, owner):
    from handlers.estates import admin
    admin.add_estate(desk.sessions, "新城花园")
    reply = owner.say("绑定房屋 新城花园5栋1单元101")
    assert "新城花园的房屋信息还在录入中" in reply and "物业服务中心办理" in reply
    assert bindings_of(desk) == []
