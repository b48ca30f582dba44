"""Measure a backend on the held-out split (nlu/data/test.yml): intents, entities, urgency, speed."""
from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Callable

from .training_data import CORE_INTENTS, Example

ENTITY_NAMES = ("building", "unit", "room", "phone", "category")
ADDRESS = ("building", "unit", "room")


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def evaluate(examples: list[Example], parse: Callable[[str], dict]) -> dict:
    """Parse every example once and compute the report (see format_report)."""
    results, latencies = [], []
    started = time.perf_counter()
    for example in examples:
        t0 = time.perf_counter()
        results.append(parse(example.text))
        latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started

    labels = sorted({e.intent for e in examples} | {r["intent"]["name"] for r in results})
    confusion: dict[str, Counter] = {gold: Counter() for gold in labels}
    entity_counts = {name: Counter() for name in ENTITY_NAMES}
    address_total = address_exact = urgent_total = urgent_right = 0
    errors = []
    for example, result in zip(examples, results):
        predicted = result["intent"]["name"]
        confusion[example.intent][predicted] += 1
        if predicted != example.intent:
            errors.append(("intent", example.text, example.intent, predicted))
        gold = Counter((e.entity, e.value) for e in example.entities if e.entity in ENTITY_NAMES)
        got = Counter((e["entity"], str(e["value"])) for e in result["entities"] if e["entity"] in ENTITY_NAMES)
        for name in ENTITY_NAMES:
            g = Counter({k: v for k, v in gold.items() if k[0] == name})
            p = Counter({k: v for k, v in got.items() if k[0] == name})
            both = sum((g & p).values())
            entity_counts[name].update(tp=both, fp=sum(p.values()) - both, fn=sum(g.values()) - both)
        if any(k[0] in ADDRESS for k in gold):
            address_total += 1
            same = all(sorted(v for (n, v) in gold.elements() if n == part) ==
                       sorted(v for (n, v) in got.elements() if n == part) for part in ADDRESS)
            address_exact += same
            if not same:
                errors.append(("address", example.text, sorted(k for k in gold if k[0] in ADDRESS),
                               sorted(k for k in got if k[0] in ADDRESS)))
        if example.intent == "repair" and example.urgent is not None:
            urgent_total += 1
            urgent_right += result["urgent"] == example.urgent
            if result["urgent"] != example.urgent:
                errors.append(("urgent", example.text, example.urgent, result["urgent"]))

    intents = {}
    for label in labels:
        tp = confusion.get(label, Counter())[label]
        fp = sum(confusion[g][label] for g in labels if g != label)
        fn = sum(confusion.get(label, Counter()).values()) - tp
        intents[label] = dict(zip(("precision", "recall", "f1"), _prf(tp, fp, fn)), support=tp + fn)
    gold_labels = [lbl for lbl in labels if intents[lbl]["support"]]
    entities = {name: dict(zip(("precision", "recall", "f1"), _prf(c["tp"], c["fp"], c["fn"])),
                           support=c["tp"] + c["fn"]) for name, c in entity_counts.items()}
    return {
        "examples": len(examples),
        "intents": intents,
        "macro_f1": sum(intents[lbl]["f1"] for lbl in gold_labels) / len(gold_labels),
        "macro_f1_core": sum(intents[lbl]["f1"] for lbl in CORE_INTENTS if lbl in intents) / len(CORE_INTENTS),
        "accuracy": sum(confusion[lbl][lbl] for lbl in labels) / len(examples),
        "confusion": {g: dict(confusion[g]) for g in labels},
        "entities": entities,
        "address_exact": address_exact / address_total if address_total else None,
        "address_messages": address_total,
        "urgent_accuracy": urgent_right / urgent_total if urgent_total else None,
        "urgent_messages": urgent_total,
        "latency_p50_ms": _percentile(latencies, 0.5) * 1000,
        "latency_p99_ms": _percentile(latencies, 0.99) * 1000,
        "throughput_per_s": len(examples) / elapsed if elapsed else 0.0,
        "errors": errors,
    }


def format_report(report: dict, show_errors: bool = False) -> str:
    """A plain-text report for the terminal."""
    lines = [f"examples: {report['examples']}", "", "intent        precision  recall     f1  support"]
    for name, m in report["intents"].items():
        lines.append(f"{name:<12} {m['precision']:>10.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['support']:>8}")
    lines += [f"macro-F1 (all intents): {report['macro_f1']:.3f}",
              f"macro-F1 (repair, complaint, inquiry): {report['macro_f1_core']:.3f}",
              f"accuracy: {report['accuracy']:.3f}", "", "confusion (rows: gold, columns: predicted)"]
    labels = list(report["intents"])
    lines.append(" " * 12 + "".join(f"{lbl[:9]:>10}" for lbl in labels))
    for gold in labels:
        row = report["confusion"].get(gold, {})
        lines.append(f"{gold[:11]:<12}" + "".join(f"{row.get(p, 0):>10}" for p in labels))
    lines += ["", "entity        precision  recall     f1  support"]
    for name, m in report["entities"].items():
        lines.append(f"{name:<12} {m['precision']:>10.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['support']:>8}")
    if report["address_exact"] is not None:
        lines.append(f"address exactly right (building, unit and room): {report['address_exact']:.3f}"
                     f" of {report['address_messages']} messages with an address")
    if report["urgent_accuracy"] is not None:
        lines.append(f"urgent accuracy on repair messages: {report['urgent_accuracy']:.3f}"
                     f" of {report['urgent_messages']}")
    lines += ["", f"latency p50: {report['latency_p50_ms']:.3f} ms   p99: {report['latency_p99_ms']:.3f} ms   "
                  f"throughput: {report['throughput_per_s']:.0f} parses/s (one thread)"]
    if show_errors and report["errors"]:
        lines += ["", "errors:"] + [f"  {kind}: {text} | gold {gold} | got {got}"
                                    for kind, text, gold, got in report["errors"]]
    return "\n".join(lines)
