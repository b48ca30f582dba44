"""`wuye demo`: a scripted conversation through the real webhook path, on the embedded defaults.

Signed WeChat pushes are built with wechatpy and posted to POST /wechat of a fresh application with
its own temporary database; the exchange and the resulting tickets are printed.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

import click
from flask import Flask

from bot.wechat import push as wechat_push
from config import load_config
from storage import queries

SCRIPT = [
    ("event", "subscribe"),
    ("text", "你好 我家厨房水龙头坏了 关不紧一直滴水"),
    ("text", "3栋2单元1201"),
    ("text", "13812345678"),
    ("text", "明天下午三点以后都在家"),
    ("retry", None),  # WeChat did not get the answer in time and sends the same message again
    ("text", "我的报修怎么样了"),
    ("text", "请问物业费可以用微信交吗"),
    ("text", "楼道里的垃圾三天没人收了 保洁也不打扫 太差了"),
    ("text", "救命 5栋2单元电梯困人了 我妈在里面出不来"),
    ("text", "厨房水龙头还在滴水 师傅什么时候来啊"),
    ("image", None),
]


def demo_command(create_app: Callable[..., Flask]) -> click.Command:
    """`wuye demo`, building its application with `create_app` (app.py hands it over)."""
    @click.command("demo")
    @click.option("--var-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="where the demo keeps its database (default: a new temporary directory)")
    def command(var_dir: Path | None) -> None:
        """Run a scripted resident conversation end to end and print the tickets it made."""
        run(create_app, var_dir)
    return command


def run(create_app: Callable[..., Flask], var_dir: Path | None) -> None:
    """The scripted conversation on a fresh database under var_dir (default: a temporary directory)."""
    base = load_config()
    var_dir = var_dir or Path(tempfile.mkdtemp(prefix="wuye-demo-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{var_dir.resolve() / 'demo.db'}",
                      "VAR_DIR": base["VAR_DIR"], "WECHAT_TOKEN": "demo-token"})
    client, openid, last = app.test_client(), "o_demo_resident_0001", None
    click.echo(f"demo database: {var_dir / 'demo.db'}\n")
    for kind, payload in SCRIPT:
        if kind == "retry":
            xml, shown = last, "（微信重发上一条消息）"
        elif kind == "event":
            xml, shown = wechat_push.event(openid, payload), f"[{payload}]"
        elif kind == "image":
            xml, shown = wechat_push.image(openid), "[照片]"
        else:
            xml, shown = wechat_push.text(openid, payload), payload
        last = xml
        response = client.post("/wechat", query_string=wechat_push.query("demo-token"), data=xml.encode(),
                               content_type="text/xml")
        click.echo(click.style("住户: ", fg="cyan") + shown)
        click.echo(click.style("物业: ", fg="green") + (wechat_push.reply_text(response.get_data(as_text=True))
                                                        or "（无回复）"))
        click.echo()
    desk = app.extensions["wuye"]
    with desk.work() as work:
        tickets = queries.every_ticket(work.session)
        click.echo(f"{len(tickets)} tickets:")
        for t in tickets:
            click.echo(f"  {t.code}  {t.kind:<9} {t.status:<8} urgent={str(t.urgent):<5} category={t.category or '-':<16}"
                       f" address={t.building or '-'}/{t.unit or '-'}/{t.room or '-'}  due {desk.local(t.due_at):%m-%d %H:%M}"
                       f"  repeats={t.repeat_count}  events={len(t.events)}")
