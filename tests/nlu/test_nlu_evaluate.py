"""`wuye nlu evaluate` scores each split separately; the long splits' figures are computed right."""
import json

from click.testing import CliRunner

from app import cli
from nlu.evaluate import evaluate_long, reading
from nlu.training_data import DEV_LONG_FILE, TEST_LONG2_FILE, TEST_LONG_FILE, Message, load_messages

MESSAGES = [
    Message("电梯困人", "12栋电梯困人了快来", "repair", None, True),
    Message("水管漏水三天没人修", "厨房水管漏了三天没人来修，物业管不管", "repair", "complaint", False),
    Message("保安态度差", "保安骂人", "complaint", None, False),
    Message("停水通知", "请问明天几点停水", "inquiry", None, False),
]


def _answer(intent, urgent=False, secondary=None):
    return {"intent": {"name": intent, "confidence": 0.9}, "urgent": urgent, "entities": [],
            "secondary_intent": {"name": secondary, "confidence": 0.6} if secondary else None}


def test_long_report_counts_false_alarms_misses_and_the_secondary_intent():
    answers = {"12栋电梯困人了快来": _answer("repair", urgent=False),
               "厨房水管漏了三天没人来修，物业管不管": _answer("repair", secondary="complaint"),
               "保安骂人": _answer("complaint", urgent=True),
               "请问明天几点停水": _answer("complaint")}
    report = evaluate_long(MESSAGES, lambda text: answers[text])
    assert report["urgent_false_alarms"] == 1 and report["urgent_false_alarm_share"] == 0.25
    assert report["urgent_missed"] == 1 and report["urgent_messages"] == 1
    assert report["secondary"]["precision"] == 1.0 and report["secondary"]["recall"] == 1.0
    assert report["intents"]["repair"]["f1"] == 1.0 and report["intents"]["inquiry"]["f1"] == 0.0
    assert round(report["macro_f1_core"], 3) == round((1.0 + 2 / 3 + 0.0) / 3, 3)


def test_the_three_readings_of_a_long_message():
    message = MESSAGES[1]
    assert reading(message, "body") == message.text
    assert reading(message, "title") == "水管漏水三天没人修"
    assert reading(message, "title+body") == "水管漏水三天没人修\n" + message.text


def test_long_splits_are_well_formed():
    for path, least in ((DEV_LONG_FILE, 100), (TEST_LONG_FILE, 150)):
        messages = load_messages(path)
        assert len(messages) >= least
        for m in messages:
            assert m.intent in ("repair", "complaint", "inquiry") and m.title and len(m.text) > 20
            assert m.secondary in (None, "repair", "complaint", "inquiry") and m.secondary != m.intent
            assert not m.urgent or m.intent == "repair", m.title


def test_cli_reports_the_short_split_as_before_and_the_dev_split_beside_it(nlu_var_dir, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(nlu_var_dir))
    result = CliRunner().invoke(cli, ["nlu", "evaluate", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["data"].endswith("test.yml") and report["examples"] >= 250
    dev = report["long"]["dev_long"]
    assert set(dev) == {"body", "title+body", "title"}
    for one in dev.values():
        assert one["examples"] == len(load_messages(DEV_LONG_FILE))
        assert 0 <= one["urgent_false_alarm_share"] <= 1 and one["macro_f1_core"] > 0.5
    assert "test_long" not in report["long"], "the independent split is measured only when asked for"
    text = CliRunner().invoke(cli, ["nlu", "evaluate", "--split", "short"]).stdout
    assert "macro-F1 (repair, complaint, inquiry):" in text and "address exactly right" in text


def test_the_secondary_intent_is_scored_per_intent_too():
    answers = {m.text: _answer(m.intent, secondary="complaint" if m.intent == "repair" else None) for m in MESSAGES}
    answers["保安骂人"] = _answer("complaint", secondary="inquiry")
    report = evaluate_long(MESSAGES, lambda text: answers[text])
    by = report["secondary_by_intent"]
    assert by["complaint"]["precision"] == 0.5 and by["complaint"]["recall"] == 1.0 and by["complaint"]["predicted"] == 2
    assert by["inquiry"]["precision"] == 0.0 and by["inquiry"]["support"] == 0 and by["inquiry"]["predicted"] == 1
    assert report["secondary"]["predicted"] == 3


def test_the_independent_split_is_measured_only_when_asked_and_never_lists_its_messages(nlu_var_dir, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(nlu_var_dir))
    if not TEST_LONG2_FILE.is_file():
        result = CliRunner().invoke(cli, ["nlu", "evaluate", "--split", "test_long2"])
        assert result.exit_code == 0 and "not there yet" in result.stderr
        return
    result = CliRunner().invoke(cli, ["nlu", "evaluate", "--split", "test_long2", "--errors", "--json"])
    assert result.exit_code == 0
    readings = json.loads(result.stdout)["long"]["test_long2"]
    assert readings and all("errors" not in one for one in readings.values())
