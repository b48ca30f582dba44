"""`wuye estate ...`: estates, their rosters, the names residents use, public areas and settings.

Commands run inside the application (flask.cli.AppGroup), so they use the desk's database sessions and
configuration through current_app, like every request does.
"""
from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from . import admin, summary
from .addresses import Directory
from .roster_file import RosterFileError
from .roster_import import import_roster
from .settings import SettingsStore
from .settings_schema import FIELDS, SettingsError

estate_cli = AppGroup("estate", help="Estates (小区): rosters of houses, names residents use, settings per estate.")
_json_option = click.option("--json", "as_json", is_flag=True, help="write JSON instead of text")


def _desk():
    return current_app.extensions["wuye"]


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _estate_id(directory: Directory, name: str) -> int:
    found = directory.named(name)
    if found is None:
        raise click.ClickException(f"没有名为“{name}”的小区 (no estate named {name!r}); see `wuye estate list`")
    return found.id


@estate_cli.command("list")
@_json_option
def list_command(as_json: bool) -> None:
    """Every estate with its code, aliases and number of houses."""
    rows = summary.estate_list(_desk().sessions)
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        names = "、".join(row["aliases"])
        click.echo(f"{row['name']:<12} {row['code'] or '-':<6} 楼栋 {row['buildings']:>4}  房屋 {row['houses']:>7}"
                   f"  已入住 {row['occupied']:>7}  {names}")


@estate_cli.command("show")
@click.argument("name")
@_json_option
def show_command(name: str, as_json: bool) -> None:
    """One estate: names, buildings, public areas, effective settings and where each comes from."""
    desk = _desk()
    directory = Directory(desk.sessions)
    detail = summary.estate_detail(desk.sessions, directory, SettingsStore(desk.sessions, desk.config),
                                   _estate_id(directory, name), date.today())
    if as_json:
        _echo_json(detail)
        return
    click.echo(f"{detail['name']}（代码 {detail['code'] or '-'}；别名 {'、'.join(detail['aliases']) or '无'}）")
    click.echo(f"楼栋 {len(detail['buildings'])}，单元 {detail['units']}，"
               f"房屋 {detail['houses']}，已入住 {detail['occupied']}")
    for area in detail["public_areas"]:
        click.echo(f"公共区域 {area['name']} {'、'.join(area['aliases'])}")
    for field_name, setting in detail["settings"].items():
        click.echo(f"  {field_name:<32} {json.dumps(setting['value'], ensure_ascii=False)[:60]:<60} ({setting['from']})")
    if detail["calendar_note"]:
        click.echo(f"注意：{detail['calendar_note']}")


@estate_cli.command("add")
@click.argument("name")
@click.option("--code", default=None, help="short code, e.g. JX")
@click.option("--alias", "aliases", multiple=True, help="another name residents use (repeat)")
def add_command(name: str, code: str | None, aliases: tuple[str, ...]) -> None:
    """Create an estate."""
    try:
        admin.add_estate(_desk().sessions, name, code, aliases)
    except admin.EstateError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已添加小区 {name}")


@estate_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--estate", default=None, help="the estate of every row (for a file without a 小区 column)")
@_json_option
def import_command(file: Path, estate: str | None, as_json: bool) -> None:
    """Import a roster (CSV or XLSX; header 小区,楼栋,单元,房号,业主姓名,业主电话,入住状态)."""
    try:
        report = import_roster(_desk().sessions, file, estate)
    except RosterFileError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        _echo_json(report.as_dict())
        return
    counts = report.counts
    click.echo(f"读取 {report.rows_read} 行，导入 {report.rows_imported} 行，拒绝 {len(report.refused)} 行"
               f"（{report.seconds} 秒）")
    click.echo(f"新增 楼栋 {counts.buildings_added}，单元 {counts.units_added}，房屋 {counts.houses_added}；"
               f"更新房屋 {counts.houses_updated}，未变 {counts.houses_unchanged}")
    if report.estates_created:
        click.echo(f"新建小区：{'、'.join(report.estates_created)}（如是笔误，请改正文件中的小区名称）")
    if report.ignored_columns:
        click.echo(f"未使用的列：{'、'.join(report.ignored_columns)}")
    for kind, problems in (("拒绝", report.refused), ("提醒", report.warnings)):
        for problem in problems[:200]:
            click.echo(f"{kind} 第{problem.row}行 [{problem.code}] {problem.reason}")
        if len(problems) > 200:
            click.echo(f"……另有 {len(problems) - 200} 行{kind}，用 --json 查看全部")


@estate_cli.group("alias")
def alias_cli() -> None:
    """Names residents use for an estate, and aliases of buildings."""


def _directory_change(change, *args) -> None:
    try:
        change(_desk().sessions, *args)
    except admin.EstateError as exc:
        raise click.ClickException(str(exc)) from None


@alias_cli.command("add")
@click.argument("name")
@click.argument("alias")
def alias_add_command(name: str, alias: str) -> None:
    """Let residents name estate NAME by ALIAS ("锦绣", "JX")."""
    _directory_change(admin.add_alias, name, alias)
    click.echo(f"{name}：已添加别名 {alias}")


@alias_cli.command("remove")
@click.argument("name")
@click.argument("alias")
def alias_remove_command(name: str, alias: str) -> None:
    """Take an alias away."""
    _directory_change(admin.remove_alias, name, alias)
    click.echo(f"{name}：已删除别名 {alias}")


@alias_cli.command("building")
@click.argument("name")
@click.argument("building")
@click.argument("aliases", nargs=-1)
def alias_building_command(name: str, building: str, aliases: tuple[str, ...]) -> None:
    """Set the aliases of a building of estate NAME ("A座", "东楼"); none clears them."""
    _directory_change(admin.building_aliases, name, building, list(aliases))
    click.echo(f"{name} {building}：别名 {'、'.join(aliases) or '无'}")


@estate_cli.command("area")
@click.argument("name")
@click.argument("area")
@click.option("--alias", "aliases", multiple=True, help="another name of the area (repeat)")
@click.option("--building", default=None, help="the building the area belongs to")
def area_command(name: str, area: str, aliases: tuple[str, ...], building: str | None) -> None:
    """Add or change a public area of estate NAME (车库, 电梯厅, 会所, 大门)."""
    _directory_change(admin.public_area, name, area, list(aliases), building)
    click.echo(f"{name}：公共区域 {area}")


@estate_cli.command("set")
@click.argument("words", nargs=-1, required=True)
@click.option("--company", is_flag=True, help="set the company default (then: FIELD VALUE)")
@click.option("--unset", is_flag=True, help="remove the value: the company's or the environment's applies")
@click.option("--by", "actor", default=None, help="who makes the change [default: cli:<user>]")
def set_command(words: tuple[str, ...], company: bool, unset: bool, actor: str | None) -> None:
    """NAME FIELD VALUE: change a setting of an estate (VALUE @file.yml reads a file).

    \b
    Fields: """
    desk = _desk()
    expected = (1 if company else 2) + (0 if unset else 1)
    if len(words) != expected:
        raise click.UsageError(f"expected {'' if company else 'NAME '}FIELD{'' if unset else ' VALUE'}")
    name, field_name, *rest = (None, *words) if company else words
    estate_id = None if company else _estate_id(Directory(desk.sessions), name)
    name = None if company else Directory(desk.sessions).estate(estate_id).name
    value = None if unset else _value(rest[0])
    store = SettingsStore(desk.sessions, desk.config)
    try:
        old, new = store.change(estate_id, name or "公司", field_name, value, actor or f"cli:{getpass.getuser()}")
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{name or '公司'} {field_name.lower()}: {json.dumps(old, ensure_ascii=False)[:80]} -> "
               f"{json.dumps(new, ensure_ascii=False)[:80]}")


set_command.help += ", ".join(FIELDS)


def _value(raw: str) -> str:
    if raw.startswith("@"):
        try:
            return Path(raw[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot read {raw[1:]}: {exc.strerror}") from None
    return raw


@estate_cli.command("check")
@click.argument("text")
@click.option("--estate", default=None, help="the resident's estate when the text names none")
@_json_option
def check_command(text: str, estate: str | None, as_json: bool) -> None:
    """What the roster makes of an address a resident writes: estate, house or what is missing, public area."""
    from nlu.entities import EntityExtractor

    directory = Directory(_desk().sessions)
    named = directory.estates_in(text)
    estate_id = named[0][0].id if named else (_estate_id(directory, estate) if estate else None)
    entities = {e.entity: e.value for e in EntityExtractor({}).extract(directory.without_estates(text))}
    result = {"estates": [ref.name for ref, _ in named], "entities": entities}
    if estate_id is not None:
        found = directory.resolve(estate_id, entities.get("building"), entities.get("unit"), entities.get("room"))
        area = directory.public_area(estate_id, text)
        result.update(status=found.status, house_id=found.house_id, question=found.question,
                      public_area=area.target if area else None)
    if as_json:
        _echo_json(result)
        return
    for key, value in result.items():
        click.echo(f"{key}: {value if not isinstance(value, (list, dict)) else json.dumps(value, ensure_ascii=False)}")
