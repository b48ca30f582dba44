"""The report charts, each built from the period's counts (handlers/console/figures.py).

Every chart is known by a stable id, so the page and its exports build exactly the same one.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from storage import console_auth
from storage.console_tickets import NONE

from ..campaigns import results as campaign_results
from ..desk import Desk
from . import figures, incident_figures, names, periods
from .charts import Chart, Series, average, percent
from .viewer import Viewer

SATISFACTION_TARGET = 85.0   # seed 003: 满意率达85%以上
FOLLOWED_KINDS = ("repair", "complaint")


@dataclass
class Context:
    """What every chart of one request needs."""
    desk: Desk
    session: object
    viewer: Viewer
    period: periods.Period
    cache: dict = field(default_factory=dict)

    def totals(self, grain: str) -> dict:
        if grain not in self.cache:
            self.cache[grain] = figures.totals(self.desk, self.session, self.viewer, self.period, grain)
        return self.cache[grain]

    def staff_names(self) -> dict[int, str]:
        if "names" not in self.cache:
            self.cache["names"] = console_auth.staff_names(self.session)
        return self.cache["names"]


def _series(name: str, rows: list[dict], metric: str | None, links: list[dict], unit: str = "件") -> Series:
    values = [row[metric] for row in rows] if metric else []
    return Series(name, values, [{**link, "metric": metric} if metric != "created" else link for link in links]
                  if metric else [], unit)


def _rate(name: str, rows: list[dict], part: str, whole: str) -> Series:
    return Series(name, [percent(row[part], row[whole]) for row in rows], unit="%")


def sla_by_kind(ctx: Context) -> Chart:
    """Deadline compliance per kind: tickets, on time, breached, rate."""
    per_kind = {kind: counts for (kind, _key), counts in ctx.totals("kind").items()}
    kinds = [k for k in names.KINDS if k in per_kind]
    rows, links = [per_kind[k] for k in kinds], [{"kind": k} for k in kinds]
    return Chart("sla_kind", "时限达标（按类型）", [names.kind(k) for k in kinds],
                 [_series("工单数", rows, "created", links), _series("按时", rows, "on_time", links),
                  _series("超时", rows, "breached", links), _rate("达标率", rows, "on_time", "created")],
                 label_name="类型")


def _staff_rows(ctx: Context) -> tuple[list[str], list[dict], list[dict]]:
    per_staff = figures.by_key(ctx.totals("staff"))
    names_by_id = ctx.staff_names()
    keys = sorted(per_staff, key=lambda k: (k == "", -per_staff[k]["created"], k))
    labels = [names_by_id.get(int(k), f"员工{k}") if k else "未接单" for k in keys]
    return labels, [per_staff[k] for k in keys], [{"staff": k or "-"} for k in keys]


def sla_by_staff(ctx: Context) -> Chart:
    """Deadline compliance per member of staff (the tickets they hold)."""
    labels, rows, links = _staff_rows(ctx)
    return Chart("sla_staff", "时限达标（按员工）", labels,
                 [_series("经手工单", rows, "created", links), _series("按时", rows, "on_time", links),
                  _series("超时", rows, "breached", links), _rate("达标率", rows, "on_time", "created")],
                 label_name="员工")


def followup(ctx: Context) -> Chart:
    """回访 coverage and satisfaction of finished repairs and complaints, against the 85% target."""
    per_kind = {kind: counts for (kind, _key), counts in ctx.totals("kind").items()}
    kinds = [k for k in FOLLOWED_KINDS if k in per_kind]
    rows, links = [per_kind[k] for k in kinds], [{"kind": k} for k in kinds]
    return Chart("followup", "回访与满意度", [names.kind(k) for k in kinds],
                 [_series("应回访", rows, "followup_due", links), _series("已回访", rows, "followed_up", links),
                  _rate("回访率", rows, "followed_up", "followup_due"), _series("已评价", rows, "rated", links),
                  _series("满意", rows, "satisfied", links), _rate("满意率", rows, "satisfied", "rated")],
                 label_name="类型", target=SATISFACTION_TARGET, target_series="满意率", detail={"metric": "followup_due"})


def followup_loop(ctx: Context) -> Chart:
    """The loop after an unhappy answer: dissatisfied, reopened, done again."""
    total = figures.by_key(ctx.totals("kind")).get("", dict.fromkeys(figures.COUNTS, 0))
    steps = (("回访不满意", "dissatisfied"), ("重新处理", "reopened"), ("再次完成", "reopened_fixed"))
    return Chart("followup_loop", "不满意 → 重新处理 → 再次完成", [label for label, _ in steps],
                 [Series("工单数", [total[m] for _, m in steps], [{"metric": m} for _, m in steps])],
                 type="funnel", label_name="环节")


def staff_performance(ctx: Context) -> Chart:
    """Per member of staff: handled, done, on time, ratings, etiquette stops."""
    labels, rows, links = _staff_rows(ctx)
    start, end = periods.bounds(ctx.desk, ctx.period.first, ctx.period.last)
    from storage import console_tickets

    stops = console_tickets.violations_by_staff(ctx.session, start, end)
    keys = [link["staff"] for link in links]
    return Chart("staff", "员工绩效", labels,
                 [_series("经手工单", rows, "created", links), _series("已完成", rows, "done", links),
                  _series("按时", rows, "on_time", links), _series("评价数", rows, "rated", links),
                  Series("平均评分", [average(r["rating_sum"], r["rated"]) for r in rows], unit="分"),
                  Series("禁用语拦截", [stops.get(int(k), 0) if k != "-" else 0 for k in keys])],
                 label_name="员工")


def _places(ctx: Context, by_building: bool) -> tuple[list[str], list[dict], list[dict]]:
    per_place = figures.by_key(ctx.totals("place"))
    if by_building:
        merged: dict[str, dict] = {}
        for key, counts in per_place.items():
            into = merged.setdefault(key.split("|")[0] + "|", dict.fromkeys(figures.COUNTS, 0))
            for name in figures.COUNTS:
                into[name] += counts[name]
        per_place = merged
    keys = sorted(per_place, key=lambda k: (-per_place[k]["created"], k))[:20]
    labels = [names.address(*(part or None for part in k.split("|"))) for k in keys]
    links = [{"building": k.split("|")[0] or "-", **({} if by_building else {"unit": k.split("|")[1] or "-"})}
             for k in keys]
    return labels, [per_place[k] for k in keys], links


def places(ctx: Context, by_building: bool = True) -> Chart:
    """Where problems cluster: tickets per building (or building and unit), the 20 busiest."""
    labels, rows, links = _places(ctx, by_building)
    chart_id, title = ("places_building", "问题分布（按楼栋）") if by_building else \
        ("places_unit", "问题分布（按楼栋单元）")
    return Chart(chart_id, title, labels,
                 [_series("工单数", rows, "created", links), _series("紧急", rows, "urgent", links),
                  _series("超时", rows, "breached", links), _series("重复反映", rows, "repeat", links)],
                 label_name="位置")


def places_unit(ctx: Context) -> Chart:
    return places(ctx, by_building=False)


def categories(ctx: Context) -> Chart:
    """Tickets per fault category."""
    per_category = figures.by_key(ctx.totals("category"))
    keys = sorted(per_category, key=lambda k: (-per_category[k]["created"], k))
    links = [{"category": k or "-"} for k in keys]
    return Chart("categories", "问题类别", [names.category(k) for k in keys],
                 [_series("工单数", [per_category[k] for k in keys], "created", links)], type="pie",
                 label_name="类别")


def campaigns(ctx: Context) -> Chart:
    """住户回访 per estate and campaign started in the period: houses to reach, reached against the
    campaign's target, satisfaction, problems that became tickets, opinions (seed 001's 回访率)."""
    start, end = periods.bounds(ctx.desk, ctx.period.first, ctx.period.last)
    rows = campaign_results.for_report(ctx.session, start, end, ctx.viewer.estate_ids)
    share = lambda ratio: None if ratio is None else round(100.0 * ratio, 1)  # noqa: E731
    return Chart("campaigns", "住户回访（按小区）", [f"{r['estate']} {r['period']}" for r in rows],
                 [Series("应回访户数", [r["houses"] for r in rows], unit="户"),
                  Series("已回访", [r["reached"] for r in rows], unit="户"),
                  Series("回访率", [share(r["coverage"]) for r in rows], unit="%"),
                  Series("目标回访率", [share(r["target"]) for r in rows], unit="%"),
                  Series("满意率", [share(r["satisfaction_rate"]) for r in rows], unit="%"),
                  Series("问题转工单", [r["tickets"] for r in rows], [{"campaign": str(r["campaign"])} for r in rows]),
                  Series("业主意见", [r["opinions"] for r in rows], unit="条")],
                 label_name="小区 周期", note="回访率 = 已回访户数 / 已入住户数（微信问卷已答复 + 电话已联系上）",
                 detail={"campaign": ",".join(str(r["campaign"]) for r in rows) or NONE},
                 period_links=False)   # a campaign's tickets, whenever raised (the list of /tickets?campaign=ID)


CHARTS = {"sla_kind": sla_by_kind, "sla_staff": sla_by_staff, "followup": followup, "followup_loop": followup_loop,
          "staff": staff_performance, "places_building": places, "places_unit": places_unit,
          "categories": categories, "campaigns": campaigns, "incidents": incident_figures.chart}
SECTIONS = {"sla": ("时限达标", ("sla_kind", "sla_staff")), "followup": ("回访与满意度", ("followup", "followup_loop")),
            "staff": ("员工绩效", ("staff",)), "places": ("问题分布", ("places_building", "places_unit", "categories")),
            "campaigns": ("住户回访", ("campaigns",)), "incidents": ("停电停水等事件", ("incidents",))}


def chart(ctx: Context, chart_id: str) -> Chart:
    """One chart by id (KeyError for an unknown id)."""
    return CHARTS[chart_id](ctx)
