"""The parse output has Rasa's shape, training is deterministic and cached by a hash of the data."""
import json

import numpy as np
from click.testing import CliRunner

from app import cli
from nlu.embedded import fit, load_or_train, model_key
from nlu.training_data import TRAIN_FILE, load


def test_parse_has_the_shape_of_rasa_model_parse(nlu):
    result = nlu.parse("3栋2单元1201 厨房水管爆了 电话13812345678")
    assert set(result) >= {"text", "intent", "intent_ranking", "entities", "urgent"}
    assert result["text"] == "3栋2单元1201 厨房水管爆了 电话13812345678"
    assert result["intent"]["name"] == "repair"
    assert 0 < result["intent"]["confidence"] <= 1
    ranking = result["intent_ranking"]
    assert ranking[0]["name"] == "repair"
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert abs(sum(r["confidence"] for r in ranking) - 1) < 1e-6
    for entity in result["entities"]:
        assert set(entity) == {"entity", "value", "start", "end", "extractor"}
    assert result["urgent"] is True


def test_core_intents(nlu):
    assert nlu.parse("卫生间马桶堵了 麻烦派个师傅来通一下")["intent"]["name"] == "repair"
    assert nlu.parse("楼上天天半夜装修 吵得睡不着 你们管不管")["intent"]["name"] == "complaint"
    assert nlu.parse("请问物业费可以用微信交吗")["intent"]["name"] == "inquiry"


def test_low_confidence_becomes_other(nlu_var_dir):
    from nlu.service import NLU
    strict = NLU(var_dir=nlu_var_dir, threshold=0.99)
    result = strict.parse("嗯")
    assert result["intent"]["name"] == "other"
    assert result["intent_ranking"][0]["name"] != "other" or result["intent_ranking"][0]["confidence"] < 0.99


def test_training_is_deterministic():
    data = load(TRAIN_FILE)
    first, second = fit(data), fit(data)
    assert first.classes == second.classes
    assert first.vocabulary == second.vocabulary
    assert np.array_equal(first.coef_t, second.coef_t)
    assert np.array_equal(first.intercept, second.intercept)


def test_model_is_cached_and_retrained_when_data_changes(tmp_path):
    train_file = tmp_path / "nlu.yml"
    train_file.write_text(TRAIN_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    messages = []
    model = load_or_train(tmp_path / "var", train_file, messages.append)
    assert messages, "the first call trains"
    messages.clear()
    again = load_or_train(tmp_path / "var", train_file, messages.append)
    assert messages == [] and again.key == model.key
    train_file.write_text(train_file.read_text(encoding="utf-8").replace(
        "- intent: greet\n  examples: |\n", "- intent: greet\n  examples: |\n    - 早上好呀物业\n", 1), encoding="utf-8")
    changed = load_or_train(tmp_path / "var", train_file, messages.append)
    assert messages and changed.key != model.key == model_key(TRAIN_FILE)
    assert [p.name for p in (tmp_path / "var" / "nlu").iterdir()] == [f"embedded-{changed.key}.npz"]


def test_cli_parse_reads_lines_and_writes_json_lines(nlu_var_dir, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(nlu_var_dir))
    result = CliRunner().invoke(cli, ["nlu", "parse"], input="电梯坏了 5栋\n\n请问快递放哪里\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["text"] for line in lines] == ["电梯坏了 5栋", "请问快递放哪里"]
    assert lines[0]["intent"]["name"] == "repair"
    assert {"entity": "building", "value": "5"}.items() <= lines[0]["entities"][0].items() or \
        any(e["entity"] == "building" and e["value"] == "5" for e in lines[0]["entities"])


def test_cli_evaluate_prints_the_metrics(nlu_var_dir, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(nlu_var_dir))
    result = CliRunner().invoke(cli, ["nlu", "evaluate", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["intents"]) >= {"repair", "complaint", "inquiry"}
    assert report["examples"] >= 90
    for key in ("macro_f1", "address_exact", "urgent_accuracy", "latency_p50_ms", "latency_p99_ms", "throughput_per_s"):
        assert report[key] is not None
    assert set(report["entities"]) == {"building", "unit", "room", "phone", "category"}


def test_a_bad_setting_stops_the_command_with_one_line(monkeypatch):
    monkeypatch.setenv("NLU_CONFIDENCE_THRESHOLD", "high")
    result = CliRunner().invoke(cli, ["nlu", "parse"], input="你好\n")
    assert result.exit_code != 0
    assert "NLU_CONFIDENCE_THRESHOLD" in result.output
    assert len(result.output.strip().splitlines()) == 1
