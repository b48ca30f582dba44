"""`wuye estate bindings …` and GET /api/bindings: what an office sees and decides without Telegram."""
from __future__ import annotations

import json

import pytest

from handlers.estates.cli import estate_cli
from storage.binding_models import ResidentHouse

from ..conftest import ADMIN_TOKEN, rows
from ..staffing import drain
from .test_approval import RELATIVE, request_binding, wechat_texts


@pytest.fixture
def run(staffed):
    runner = staffed.test_cli_runner()

    def invoke(*args):
        return runner.invoke(estate_cli, ["bindings", *args], catch_exceptions=False)
    return invoke


def test_list_approve_and_end_from_the_command_line(run, desk, relative, owner, fake_wechat):
    owner.say("绑定房屋 锦绣花园3栋2单元1202 13812345678")
    owner.say("是")
    row = request_binding(relative, desk)
    listed = json.loads(run("list", "--state", "pending", "--json").output)
    assert [(b["id"], b["address"], b["role"], b["phone"]) for b in listed] == \
        [(row.id, "锦绣花园3栋2单元1201", "family", "137****1234")]
    assert len(json.loads(run("list", "--estate", "锦绣", "--json").output)) == 2
    assert json.loads(run("list", "--estate", "阳光城", "--json").output) == []
    result = run("approve", str(row.id), "--by", "前台小刘")
    assert result.exit_code == 0 and "已绑定" in result.output
    drain(desk)
    assert any("申请已通过" in text for text in wechat_texts(fake_wechat))
    assert "not pending" in run("approve", str(row.id)).output
    assert "已解除" in run("end", str(row.id), "--note", "租户已搬走", "--by", "前台小刘").output
    ended = next(r for r in rows(desk, ResidentHouse) if r.id == row.id)
    assert (ended.state, ended.decided_by, ended.ended_by, ended.note) == ("ended", "前台小刘", "前台小刘", "租户已搬走")
    text = run("list").output
    assert "已解除" in text and "已绑定" in text


def test_refuse_and_bad_input_from_the_command_line(run, desk, relative):
    row = request_binding(relative, desk)
    assert "未通过" in run("refuse", str(row.id), "--note", "业主电话核实不是家属").output
    assert rows(desk, ResidentHouse)[0].note == "业主电话核实不是家属"
    for args, message in ((("approve", "999"),  "no binding 999"), (("list", "--state", "odd"), "state must be"),
                          (("list", "--estate", "无此小区"), "no estate named")):
        result = run(*args)
        assert result.exit_code != 0 and message in result.output


def test_the_api_lists_bindings_and_refuses_bad_filters_clearly(staffed, desk, relative):
    row = request_binding(relative, desk)
    client = staffed.test_client()
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = client.get("/api/bindings?estate=锦绣花园&state=pending", headers=auth).get_json()
    [found] = body["bindings"]
    assert (found["id"], found["resident"], found["state"], found["overdue"]) == (row.id, RELATIVE, "pending", False)
    assert found["deadline_at"] and "13700001234" not in json.dumps(body)
    bad = client.get("/api/bindings?state=odd", headers=auth)
    assert bad.status_code == 400 and "state must be" in bad.get_json()["message"]
    assert client.get("/api/bindings?estate=nowhere", headers=auth).status_code == 400
    assert client.get("/api/bindings").status_code == 401
