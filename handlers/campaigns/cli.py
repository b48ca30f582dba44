"""`wuye campaign start|status|call`: household callback campaigns per estate and period."""
from __future__ import annotations

import getpass
import json

import click
from flask import current_app
from flask.cli import AppGroup

from . import results, start as starting
from .start import CampaignError

campaign_cli = AppGroup("campaign", help="Household callback campaigns (住户回访): start, status, phone results.")
_json = click.option("--json", "as_json", is_flag=True, help="write JSON instead of text")


def _desk():
    return current_app.extensions["wuye"]


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@campaign_cli.command("start")
@click.argument("estate")
@click.argument("period")
@click.option("--kind", type=click.Choice(starting.KINDS), default="monthly", show_default=True)
@click.option("--target", type=float, default=None, help="share of houses to reach (default: monthly 1.0, "
                                                          "quarterly 0.6, campaign 1.0)")
@click.option("--by", "actor", default=None, help="who starts it (recorded)")
@_json
def start_command(estate: str, period: str, kind: str, target: float | None, actor: str | None, as_json: bool) -> None:
    """Reach every occupied house of ESTATE for PERIOD (2026-12, 2026Q4, or a label for a campaign)."""
    try:
        found = starting.start(_desk(), estate, kind, period, actor or f"cli:{getpass.getuser()}", target)
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        _echo_json(found)
        return
    click.echo(f"{found['estate']} {period}（{kind}）：已入住 {found['houses']} 户，微信问卷 {found['surveyed']} 户，"
               f"电话回访 {found['to_call']} 户；目标回访率 {found['target']:.0%}")


@campaign_cli.command("status")
@click.argument("estate")
@click.option("--period", default=None)
@click.option("--kind", type=click.Choice(starting.KINDS), default=None)
@_json
def status_command(estate: str, period: str | None, kind: str | None, as_json: bool) -> None:
    """Coverage against the target, satisfaction, problems raised, calls to make, opinions (业主意见)."""
    try:
        found = results.status(_desk(), estate, kind, period)
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        _echo_json(found)
        return
    share = "—" if found["coverage"] is None else f"{found['coverage']:.0%}"
    met = "已达标" if found["target_met"] else "未达标"
    click.echo(f"{estate} {found['period']}（{found['kind']}）回访率 {share}（{found['reached']}/{found['houses']}，"
               f"目标 {found['target']:.0%}，{met}）；微信答复 {found['answered_wechat']}，电话 {found['reached_phone']}，"
               f"待回访 {found['waiting']}，联系不上 {found['unreachable']}；满意率 "
               f"{'—' if found['satisfaction_rate'] is None else format(found['satisfaction_rate'], '.0%')}，"
               f"转工单 {found['tickets']}，意见 {found['opinions']}")
    for call in found["to_call"]:
        why = "（微信未答复）" if call["unanswered_survey"] else ""
        click.echo(f"  待电话 #{call['contact']} {call['address']} {call['owner'] or ''} {call['phone'] or '无电话'}{why}")
    for item in found["opinion_list"]:
        click.echo(f"  意见 {item['address']} 评分{item['rating'] or '—'}：{item['opinion']}")


@campaign_cli.command("call")
@click.argument("contact_id", type=int)
@click.option("--reached/--unreachable", default=True, help="whether the household was reached")
@click.option("--rating", type=int, default=None, help="1-5")
@click.option("--opinion", default=None, help="what should improve (业主意见)")
@click.option("--problem", default=None, help="a problem the household raised: it becomes a ticket (报修/投诉)")
@click.option("--by", "actor", default=None, help="who called (recorded)")
def call_command(contact_id: int, reached: bool, rating: int | None, opinion: str | None, problem: str | None,
                 actor: str | None) -> None:
    """Record the result of a campaign phone call (电话回访); a problem raised (or an opinion that reports a
    fault or a complaint) becomes a ticket at the house, as a WeChat survey answer does."""
    try:
        found = results.record_call(_desk(), contact_id, reached, actor or f"cli:{getpass.getuser()}", rating, opinion,
                                    problem)
    except CampaignError as exc:
        raise click.ClickException(str(exc)) from None
    ticket = f"，已生成工单 {found['ticket']}" if found["ticket"] else ""
    click.echo(f"#{found['contact']}: {found['state']}{ticket}")
