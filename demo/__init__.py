"""`wuye demo`: residents of two estates and the staff who serve them, played against the running service.

It drives the service at --url (`make run`), or, when nothing answers there, one it starts itself on the
embedded defaults and stops at the end (demo/local.py). Run it in the service's directory: it reads the same
settings (.env, the environment, VAR_DIR/secrets.json), so its WeChat pushes are signed with the service's
token and its Telegram updates carry the service's webhook secret. It adds two estates with a small roster
and four staff when they are missing, plays the story (demo/script.py) over HTTP, and ends with a one-time
link that signs the demo manager in to the console.
"""
from __future__ import annotations

import click

from config import ConfigError, fill_generated_secrets, load_config

from .cast import MANAGER, Database
from .local import service_at
from .script import Story, play, sign_in_path
from .service import Service, ServiceError

DEFAULT_URL = "http://127.0.0.1:5000"


@click.command("demo")
@click.option("--url", default=DEFAULT_URL, show_default=True,
              help="address of the running wuye service; when nothing answers, the demo starts one itself")
@click.option("--yes", is_flag=True, help="go ahead although WeChat or Telegram credentials are configured")
def demo_command(url: str, yes: bool) -> None:
    """Play residents and staff against the service (`make run`, else one started for the demo), then print
    how to open the console."""
    config = _config(yes)
    try:
        with service_at(url, config) as (service, started):
            answer = _play(service, config)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from None
    _how_to_sign_in(url.rstrip("/"), sign_in_path(answer), config["CONSOLE_LINK_MINUTES"], started)


def _config(yes: bool) -> dict:
    try:
        config = load_config()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    fill_generated_secrets(config)
    if (config["TELEGRAM_BOT_TOKEN"] or config["WECHAT_APP_ID"]) and not yes:
        raise click.ClickException("WeChat or Telegram credentials are configured: the demo would add demo residents,"
                                   " staff and estates to a real desk. Add --yes if that is what you want.")
    return config


def _play(service: Service, config: dict) -> str:
    """Set the scene, play the story, list the tickets; the bot's answer to /console."""
    database = Database(config)
    try:
        for line in database.prepare(config["TELEGRAM_STAFF_CHAT_ID"]):
            click.echo(f"已添加 {line}")
        answer = play(Story(service, database, config["TELEGRAM_STAFF_CHAT_ID"]))
        _summary(service)
        return answer
    finally:
        database.close()


def _summary(service: Service) -> None:
    tickets = service.tickets()
    click.echo(f"服务中现有 {len(tickets)} 个工单，最近的：")
    for t in tickets[:8]:
        address = "/".join(part or "-" for part in (t["building"], t["unit"], t["room"]))
        click.echo(f"  {t['code']}  {t['kind']:<9} {t['status']:<9} {t['category'] or '-':<12} {address}"
                   f"{'  紧急' if t['urgent'] else ''}")


def _how_to_sign_in(url: str, path: str | None, minutes: float, started: bool) -> None:
    click.echo("\n" + click.style("打开管理后台看看刚才的工单、处理时间线、图表和导出：", bold=True))
    if started:  # the demo's own service has stopped; `make run` serves the same data at --url
        click.echo("  （demo 启动的服务已经停止：先在另一个终端运行 make run，再打开下面的链接）")
    if path:
        link = path if path.startswith("http") else url + path
        click.echo(f"  {link}\n  （{MANAGER.name}的一次性登录链接，{minutes:g} 分钟内有效；过期后再运行一次 wuye demo，"
                   f"或运行 .venv/bin/wuye console link {MANAGER.telegram_id}）")
    click.echo(f"  或设置密码后用账号 {MANAGER.telegram_id} 登录 {url}/login：.venv/bin/wuye staff password "
               f"{MANAGER.telegram_id}")
