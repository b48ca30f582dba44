"""Report pages for any period, the printable weekly/monthly summary, and chart exports."""
from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, current_app, g, redirect, render_template, request, url_for

from handlers.console import exports, periods, reports, summary
from storage.db import session_scope

from . import auth, blueprint

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}


def _desk():
    return current_app.extensions["wuye"]


def _period() -> tuple[periods.Period, str | None]:
    """The period asked for, or the default one with the reason the request was not usable."""
    try:
        return periods.parse(_desk(), request.args.get("from"), request.args.get("to")), None
    except periods.PeriodError as exc:
        return periods.parse(_desk(), None, None), str(exc)


def _linked(chart, period: periods.Period) -> dict:
    """A chart for the page: its data, and the ticket-list link of every number."""
    within = period.args() if chart.period_links else {}

    def href(filters):
        return url_for(chart.list_page, **{**within, **filters}) if filters is not None else None
    links = [[href(s.link(i)) for i in range(len(chart.labels))] for s in chart.series]
    return {"chart": chart, "data": {**chart.as_json(), "links": links}, "links": links,
            "exports": {fmt: url_for("console.export", chart_id=chart.id, fmt=fmt, **period.args())
                        for fmt in FORMATS},
            "detail": url_for("console.export", chart_id=chart.id, fmt="xlsx", tickets=1, **period.args())}


@blueprint.get("/reports")
@auth.required
def reports_home():
    return redirect(url_for("console.report", section="sla", **request.args))


@blueprint.get("/reports/<section>")
@auth.required
def report(section: str):
    """One report section (时限, 回访, 员工, 分布) over a period."""
    if section not in reports.SECTIONS:
        abort(404, "没有这个报表。")
    period, problem = _period()
    title, chart_ids = reports.SECTIONS[section]
    with session_scope(_desk().sessions) as session:
        ctx = reports.Context(_desk(), session, g.viewer, period)
        charts = [_linked(reports.chart(ctx, chart_id), period) for chart_id in chart_ids]
        extra = {"breaches": summary.breaches(ctx) if section == "sla" else None,
                 "recurring": summary.recurring(ctx) if section == "places" else None}
    return render_template("console/report.html", section=section, title=title, sections=reports.SECTIONS,
                           charts=charts, period=period, problem=problem, active="reports", **extra)


def _summary_period(kind: str) -> periods.Period:
    desk = _desk()
    try:
        day = periods.parse(desk, request.args.get("date"), request.args.get("date")).first \
            if request.args.get("date") else None
    except periods.PeriodError:
        day = None
    if day is None:  # the last complete week or month
        today = periods.today(desk)
        day = today - timedelta(days=7) if kind == "week" else today.replace(day=1) - timedelta(days=1)
    return periods.week_of(day) if kind == "week" else periods.month_of(day)


@blueprint.get("/summary")
@auth.required
def summary_page():
    """The weekly (每周汇总) or monthly (每月统计) summary, printable."""
    kind = "month" if request.args.get("period") == "month" else "week"
    period = _summary_period(kind)
    with session_scope(_desk().sessions) as session:
        ctx = reports.Context(_desk(), session, g.viewer, period)
        data = {"headlines": summary.headlines(ctx), "breaches": summary.breaches(ctx, 10),
                "repairs": summary.key_tickets(ctx, "repair"), "complaints": summary.key_tickets(ctx, "complaint"),
                "recurring": summary.recurring(ctx, limit=10),
                "charts": [_linked(reports.chart(ctx, c), period) for c in ("sla_kind", "followup", "categories")]}
    return render_template("console/summary.html", kind=kind, period=period,
                           prev_date=period.first - timedelta(days=1), next_date=period.last + timedelta(days=1),
                           active="summary", **data)


@blueprint.get("/export/<chart_id>.<fmt>")
@auth.required
def export(chart_id: str, fmt: str):
    """A chart's numbers as XLSX or CSV (?tickets=1 adds one row per ticket, XLSX only)."""
    if chart_id not in reports.CHARTS or fmt not in FORMATS:
        abort(404, "没有这个导出。")
    period, problem = _period()
    if problem:
        abort(400, problem)
    desk = _desk()
    with session_scope(desk.sessions) as session:
        chart = reports.chart(reports.Context(desk, session, g.viewer, period), chart_id)
    if fmt == "csv":
        body = exports.chart_csv(chart, period)
    else:
        body = exports.chart_xlsx(chart, period, exports.detail_sheet(desk, g.viewer, chart, period)
                                  if request.args.get("tickets") == "1" else None)
    name = f"{chart_id}_{period.first:%Y%m%d}-{period.last:%Y%m%d}.{fmt}"
    return Response(body, mimetype=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})
