"""The Rasa backend against a real Rasa 3.6 server trained from the repository's nlu.yml."""
from __future__ import annotations

import logging
import secrets
import socket

import httpx
import pytest

from nlu import rasa_server
from nlu.rasa_client import BackendUnavailable, RasaClient
from nlu.service import NLU


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def rasa(tmp_path_factory):
    """A Rasa server on loopback: set up (cached), trained (cached by data hash) and started."""
    if rasa_server.find_python310() is None:
        pytest.skip("Rasa 3.6 needs Python 3.10, and none was found on this machine")
    rasa_server.ensure_venv(print)
    model = rasa_server.train(echo=print)
    port, token = _free_port(), secrets.token_urlsafe(12)
    log_file = tmp_path_factory.mktemp("rasa") / "server.log"
    process = rasa_server.start(model, port, token, log_file)
    url = f"http://127.0.0.1:{port}"
    try:
        rasa_server.wait_ready(url, token, timeout=300, process=process)
    except RuntimeError as exc:
        rasa_server.stop(process)
        pytest.fail(f"{exc}\n{log_file.read_text()[-3000:]}")
    yield {"url": url, "token": token, "model": model}
    rasa_server.stop(process)


def _rasa_nlu(rasa, nlu_var_dir, **kwargs) -> NLU:
    return NLU(var_dir=nlu_var_dir, backend="rasa", rasa_url=rasa["url"], rasa_token=rasa["token"], **kwargs)


def test_rasa_answers_with_the_same_shape_and_normalised_entities(rasa, nlu_var_dir):
    result = _rasa_nlu(rasa, nlu_var_dir).parse("3号楼二单元1201室 厨房水管爆了 水喷得到处都是 电话138 1234 5678")
    assert "fallback" not in result
    assert result["intent"]["name"] == "repair"
    assert result["intent_ranking"][0]["name"] == "repair" and len(result["intent_ranking"]) >= 5
    values = {(e["entity"], e["value"]) for e in result["entities"]}
    assert {("building", "3"), ("unit", "2"), ("room", "1201"), ("phone", "13812345678")} <= values
    assert result["urgent"] is True and result["secondary_intent"] is None


def test_rasa_answers_carry_the_rule_and_the_secondary_intent(rasa, nlu_var_dir):
    result = _rasa_nlu(rasa, nlu_var_dir).parse("厨房水管漏了三天了还没人来修，你们物业到底管不管，赶紧派人来")
    assert "fallback" not in result
    assert result["intent"]["name"] == "repair"
    assert result["secondary_intent"]["name"] == "complaint"
    assert result["urgent"] is False


@pytest.mark.parametrize("text", [
    "保洁天天偷懒 物业费还涨价 我们单元的楼道灯坏了两周了没人换 这就是你们的服务？",
    "我对物业的管理很不满意，保安经常在岗亭睡觉，垃圾两天才清一次，物业费却年年涨。另外我们单元的门禁坏了，麻烦派人来修一下。",
])
def test_with_rasa_a_complaint_naming_a_fault_to_fix_carries_a_repair(rasa, nlu_var_dir, text):
    """DIET gives such a complaint's repair next to nothing (1e-10): the rule does not ask it to lean to repair."""
    result = _rasa_nlu(rasa, nlu_var_dir).parse(text)
    assert "fallback" not in result and result["intent"]["name"] == "complaint"
    assert result["secondary_intent"]["name"] == "repair"


def test_rasa_needs_its_token(rasa, nlu_var_dir):
    wrong = NLU(var_dir=nlu_var_dir, backend="rasa", rasa_url=rasa["url"], rasa_token="wrong",
                fallback_embedded=False)
    with pytest.raises(BackendUnavailable, match="token"):
        wrong.parse("电梯坏了")


def test_rasa_timeout_falls_back_to_the_embedded_model(rasa, nlu_var_dir, caplog):
    impatient = _rasa_nlu(rasa, nlu_var_dir, rasa_timeout=0.0005)
    with caplog.at_level(logging.WARNING, logger="nlu.service"):
        result = impatient.parse("马桶堵了 麻烦来通一下")
    assert result["fallback"] is True
    assert result["intent"]["name"] == "repair"
    assert "timed out" in caplog.text


def test_rasa_without_a_model_answers_409_and_the_embedded_model_takes_over(rasa, nlu_var_dir, caplog):
    params = {"token": rasa["token"]}
    assert httpx.delete(f"{rasa['url']}/model", params=params, timeout=30).status_code == 204
    try:
        with caplog.at_level(logging.WARNING, logger="nlu.service"):
            result = _rasa_nlu(rasa, nlu_var_dir).parse("请问物业费怎么交")
        assert result["fallback"] is True
        assert result["intent"]["name"] == "inquiry"
        assert "no model loaded (409)" in caplog.text
        with pytest.raises(BackendUnavailable, match="409"):
            _rasa_nlu(rasa, nlu_var_dir, fallback_embedded=False).parse("请问物业费怎么交")
    finally:
        reload = httpx.put(f"{rasa['url']}/model", params=params, json={"model_file": str(rasa["model"])},
                           timeout=120)
        assert reload.status_code == 204


def test_rasa_unreachable_falls_back_with_a_clear_log_line(nlu_var_dir, caplog):
    down = NLU(var_dir=nlu_var_dir, backend="rasa", rasa_url=f"http://127.0.0.1:{_free_port()}")
    with caplog.at_level(logging.WARNING, logger="nlu.service"):
        result = down.parse("电梯困人了 快来")
    assert result["fallback"] is True and result["urgent"] is True
    assert "unreachable" in caplog.text and "embedded model answers instead" in caplog.text
    strict = NLU(var_dir=nlu_var_dir, backend="rasa", rasa_url=f"http://127.0.0.1:{_free_port()}",
                 fallback_embedded=False)
    with pytest.raises(BackendUnavailable, match="unreachable"):
        strict.parse("电梯困人了 快来")


def test_a_fallback_answer_does_not_stick_when_rasa_is_back(rasa, nlu_var_dir):
    # Rasa's answers (and the embedded model's stand-ins for them) are never kept: once Rasa answers
    # again, the same words get Rasa's answer.
    words = "3号楼电梯坏了 回退测试"
    nlu = NLU(var_dir=nlu_var_dir, backend="rasa", rasa_url=f"http://127.0.0.1:{_free_port()}",
              rasa_token=rasa["token"])
    assert nlu.parse(words)["fallback"] is True
    nlu._rasa = RasaClient(rasa["url"], rasa["token"], 10)          # Rasa is back, at its address
    assert "fallback" not in nlu.parse(words)
