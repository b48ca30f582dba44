"""Plain-text reports of nlu.evaluate for the terminal."""
from __future__ import annotations

from .training_data import CORE_INTENTS


def _intent_lines(report: dict) -> list[str]:
    lines = ["intent        precision  recall     f1  support"]
    for name, m in report["intents"].items():
        lines.append(f"{name:<12} {m['precision']:>10.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['support']:>8}")
    return lines


def _confusion_lines(report: dict) -> list[str]:
    labels = list(report["intents"])
    lines = ["confusion (rows: gold, columns: predicted)", " " * 12 + "".join(f"{lbl[:9]:>10}" for lbl in labels)]
    for gold in labels:
        row = report["confusion"].get(gold, {})
        lines.append(f"{gold[:11]:<12}" + "".join(f"{row.get(p, 0):>10}" for p in labels))
    return lines


def _speed_line(report: dict) -> str:
    return (f"latency p50: {report['latency_p50_ms']:.3f} ms   p99: {report['latency_p99_ms']:.3f} ms   "
            f"throughput: {report['throughput_per_s']:.0f} parses/s (one thread)")


def _error_lines(report: dict) -> list[str]:
    return ["", "errors:"] + [f"  {kind}: {text} | gold {gold} | got {got}".replace("\n", " ⏎ ")
                              for kind, text, gold, got in report["errors"]]


def format_report(report: dict, show_errors: bool = False) -> str:
    """The short split's report."""
    lines = [f"examples: {report['examples']}", ""] + _intent_lines(report)
    lines += [f"macro-F1 (all intents): {report['macro_f1']:.3f}",
              f"macro-F1 (repair, complaint, inquiry): {report['macro_f1_core']:.3f}",
              f"accuracy: {report['accuracy']:.3f}", ""] + _confusion_lines(report)
    lines += ["", "entity        precision  recall     f1  support"]
    for name, m in report["entities"].items():
        lines.append(f"{name:<12} {m['precision']:>10.3f} {m['recall']:>7.3f} {m['f1']:>6.3f} {m['support']:>8}")
    if report["address_exact"] is not None:
        lines.append(f"address exactly right (building, unit and room): {report['address_exact']:.3f}"
                     f" of {report['address_messages']} messages with an address")
    if report["urgent_accuracy"] is not None:
        lines.append(f"urgent accuracy on repair messages: {report['urgent_accuracy']:.3f}"
                     f" of {report['urgent_messages']}")
    lines += ["", _speed_line(report)]
    if show_errors and report["errors"]:
        lines += _error_lines(report)
    return "\n".join(lines)


def format_long(report: dict, show_errors: bool = False) -> str:
    """A long split's report, for one way of reading it (body, title+body, title)."""
    core = {k: v for k, v in report["intents"].items() if k in CORE_INTENTS}
    others = sum(v["support"] for k, v in report["intents"].items() if k not in CORE_INTENTS)
    lines = [f"examples: {report['examples']}   read: {report['reading']}", ""]
    lines += _intent_lines({"intents": core})
    lines.append(f"macro-F1 (repair, complaint, inquiry): {report['macro_f1_core']:.3f}   accuracy: "
                 f"{report['accuracy']:.3f}" + (f"   ({others} gold labels outside the three)" if others else ""))
    lines += [""] + _confusion_lines(report)
    sec = report["secondary"]
    lines += ["", f"secondary intent: precision {sec['precision']:.3f}  recall {sec['recall']:.3f}  "
                  f"F1 {sec['f1']:.3f}  ({sec['support']} labelled, {sec['predicted']} predicted)",
              "  by intent: " + "   ".join(f"{name} {s['precision']:.3f} / {s['recall']:.3f} ({s['support']} labelled, "
                                           f"{s['predicted']} predicted)" for name, s in report["secondary_by_intent"].items()),
              f"urgent: {report['urgent_false_alarms']} false alarms = {report['urgent_false_alarm_share']:.1%} of all "
              f"messages; {report['urgent_missed']} of {report['urgent_messages']} emergencies missed",
              _speed_line(report)]
    if show_errors and report["errors"]:
        lines += _error_lines(report)
    return "\n".join(lines)
