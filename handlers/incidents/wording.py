"""What residents and staff read about an incident (polite Chinese; times in the estate's zone)."""
from __future__ import annotations

from storage.incident_models import Incident

from ..desk import Work
from .kinds import NAMES, place_name


def what(incident: Incident) -> str:
    """3栋停电."""
    return f"{place_name(incident.place)}{NAMES.get(incident.category, incident.category)}"


def notice(work: Work, incident: Incident) -> str:
    """The answer to a household reporting an outage the desk already knows about."""
    if incident.notice:
        return incident.notice
    name = NAMES.get(incident.category, incident.category)
    expected = f"，预计{_time(work, incident.expected_at)}前恢复" if incident.expected_at else ""
    return (f"您好，{place_name(incident.place)}目前{name}，工程部已在抢修{expected}，恢复后我们会第一时间通知您。"
            "给您带来不便，非常抱歉，谢谢您的理解！")


def which_building(work: Work, incidents: list[Incident]) -> str:
    """The answer to a report naming no place while the estate has open outages of its kind."""
    places = "、".join(dict.fromkeys(place_name(i.place) for i in incidents))
    name = NAMES.get(incidents[0].category, incidents[0].category)
    times = sorted(i.expected_at for i in incidents if i.expected_at)
    expected = f"，预计{_time(work, times[-1])}前恢复" if len(times) == len(incidents) else ""
    return (f"您好，{places}目前{name}，工程部已在抢修{expected}。请问您家是几栋几单元？如在以上楼栋，"
            "恢复后我们会第一时间通知您；如不在，我们马上为您安排师傅。")


def planned(work: Work, incident: Incident) -> str:
    """The answer during a planned outage."""
    name = NAMES.get(incident.category, incident.category)
    reason = f"（{incident.notice}）" if incident.notice else ""
    return (f"您好，{place_name(incident.place)}{name}是计划内安排{reason}，时间为{_time(work, incident.starts_at)}至"
            f"{_time(work, incident.ends_at)}，届时会按时恢复。给您带来不便，敬请谅解，谢谢您的配合！")


def planned_advance(work: Work, incident: Incident) -> str:
    """The notice pushed to residents before a planned outage."""
    return "【温馨提示】" + planned(work, incident).removeprefix("您好，")


def restored(work: Work, incident: Incident) -> str:
    """The restore message every affected household receives once."""
    name = NAMES.get(incident.category, incident.category)
    return (f"您好，{place_name(incident.place)}{name}已于{_time(work, incident.resolved_at)}恢复，感谢您的耐心等待与理解！"
            "如您家中仍有异常，请直接回复我们，我们立即安排处理。")


def _time(work: Work, moment) -> str:
    return work.local_text(moment) if moment else ""
