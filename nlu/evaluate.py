"""Measure a backend on a labelled split: intents, entities, urgency, speed.

Two kinds of split: short messages in Rasa NLU YAML (nlu/data/test.yml, with entities) and long
real-style messages with a title each (nlu/data/dev_long.yml, nlu/data/test_long.yml, see
training_data.load_messages), read three ways: the body, title and body, and the title alone.
"""
from __future__ import annotations

import time
from collections import Counter
from typing import Callable, Iterable

from .training_data import CORE_INTENTS, Example, Message

ENTITY_NAMES = ("building", "unit", "room", "phone", "category")
ADDRESS = ("building", "unit", "room")
LONG_READINGS = ("body", "title+body", "title")


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def parse_all(texts: Iterable[str], parse: Callable[[str], dict]) -> tuple[list[dict], dict]:
    """Parse every text once; the results and the speed figures."""
    results, latencies = [], []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        results.append(parse(text))
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    return results, {"latency_p50_ms": _percentile(latencies, 0.5) * 1000,
                     "latency_p99_ms": _percentile(latencies, 0.99) * 1000,
                     "throughput_per_s": len(results) / elapsed if elapsed else 0.0}


def intent_scores(gold: list[str], predicted: list[str]) -> dict:
    """Per-intent precision/recall/F1, macro-F1 (all, and repair/complaint/inquiry), accuracy, confusion."""
    labels = sorted(set(gold) | set(predicted))
    confusion = {g: Counter() for g in labels}
    for g, p in zip(gold, predicted):
        confusion[g][p] += 1
    intents = {}
    for label in labels:
        tp = confusion[label][label]
        fp = sum(confusion[g][label] for g in labels if g != label)
        fn = sum(confusion[label].values()) - tp
        intents[label] = dict(zip(("precision", "recall", "f1"), _prf(tp, fp, fn)), support=tp + fn)
    present = [lbl for lbl in labels if intents[lbl]["support"]]
    return {"intents": intents,
            "macro_f1": sum(intents[lbl]["f1"] for lbl in present) / len(present),
            "macro_f1_core": sum(intents[lbl]["f1"] for lbl in CORE_INTENTS if lbl in intents) / len(CORE_INTENTS),
            "accuracy": sum(confusion[lbl][lbl] for lbl in labels) / len(gold),
            "confusion": {g: dict(confusion[g]) for g in labels}}


def _entity_report(examples: list[Example], results: list[dict], errors: list) -> dict:
    counts = {name: Counter() for name in ENTITY_NAMES}
    address_total = address_exact = 0
    for example, result in zip(examples, results):
        gold = Counter((e.entity, e.value) for e in example.entities if e.entity in ENTITY_NAMES)
        got = Counter((e["entity"], str(e["value"])) for e in result["entities"] if e["entity"] in ENTITY_NAMES)
        for name in ENTITY_NAMES:
            g = Counter({k: v for k, v in gold.items() if k[0] == name})
            p = Counter({k: v for k, v in got.items() if k[0] == name})
            both = sum((g & p).values())
            counts[name].update(tp=both, fp=sum(p.values()) - both, fn=sum(g.values()) - both)
        if any(k[0] in ADDRESS for k in gold):
            address_total += 1
            same = all(sorted(v for (n, v) in gold.elements() if n == part) ==
                       sorted(v for (n, v) in got.elements() if n == part) for part in ADDRESS)
            address_exact += same
            if not same:
                errors.append(("address", example.text, sorted(k for k in gold if k[0] in ADDRESS),
                               sorted(k for k in got if k[0] in ADDRESS)))
    return {"entities": {name: dict(zip(("precision", "recall", "f1"), _prf(c["tp"], c["fp"], c["fn"])),
                                    support=c["tp"] + c["fn"]) for name, c in counts.items()},
            "address_exact": address_exact / address_total if address_total else None,
            "address_messages": address_total}


def evaluate(examples: list[Example], parse: Callable[[str], dict]) -> dict:
    """The short split's report (see format_report): parse every example once and score it."""
    results, speed = parse_all((e.text for e in examples), parse)
    predicted = [r["intent"]["name"] for r in results]
    errors = [("intent", e.text, e.intent, p) for e, p in zip(examples, predicted) if p != e.intent]
    report = {"examples": len(examples), **intent_scores([e.intent for e in examples], predicted)}
    report.update(_entity_report(examples, results, errors))
    rated = [(e, r) for e, r in zip(examples, results) if e.intent == "repair" and e.urgent is not None]
    right = [e for e, r in rated if r["urgent"] == e.urgent]
    errors += [("urgent", e.text, e.urgent, r["urgent"]) for e, r in rated if r["urgent"] != e.urgent]
    report.update(urgent_accuracy=len(right) / len(rated) if rated else None, urgent_messages=len(rated),
                  **speed, errors=errors)
    return report


def _secondary_scores(said: list[tuple[str | None, str | None]]) -> dict:
    """Precision, recall and F1 of (gold, predicted) secondary intents; support is the number labelled."""
    tp = sum(1 for g, p in said if g and g == p)
    return dict(zip(("precision", "recall", "f1"),
                    _prf(tp, sum(1 for g, p in said if p and p != g), sum(1 for g, p in said if g and g != p))),
                support=sum(1 for g, _ in said if g), predicted=sum(1 for _, p in said if p))


def reading(message: Message, how: str) -> str:
    """The text of a long message as read: its body, its title and body, or its title alone."""
    if how == "title":
        return message.title
    return f"{message.title}\n{message.text}" if how == "title+body" and message.title else message.text


def evaluate_long(messages: list[Message], parse: Callable[[str], dict], how: str = "body") -> dict:
    """A long split's report: intents of the three, the secondary intent, urgent false alarms and misses."""
    results, speed = parse_all((reading(m, how) for m in messages), parse)
    predicted = [r["intent"]["name"] for r in results]
    report = {"examples": len(messages), "reading": how, **intent_scores([m.intent for m in messages], predicted)}
    said = [(m.secondary, (r.get("secondary_intent") or {}).get("name")) for m, r in zip(messages, results)]
    report["secondary"] = _secondary_scores(said)
    report["secondary_by_intent"] = {name: _secondary_scores([(g if g == name else None, p if p == name else None)
                                                               for g, p in said]) for name in CORE_INTENTS}
    alarms = [m for m, r in zip(messages, results) if r["urgent"] and not m.urgent]
    missed = [m for m, r in zip(messages, results) if m.urgent and not r["urgent"]]
    report.update(urgent_messages=sum(1 for m in messages if m.urgent), urgent_false_alarms=len(alarms),
                  urgent_false_alarm_share=len(alarms) / len(messages), urgent_missed=len(missed), **speed)
    report["errors"] = [("intent", reading(m, how), m.intent, p) for m, p in zip(messages, predicted) if p != m.intent]
    report["errors"] += [("urgent", reading(m, how), m.urgent, not m.urgent) for m in alarms + missed]
    return report
