"""The demo's story: residents of two estates write on WeChat, staff answer in Telegram.

Every step goes to the running service the way the real platforms send it; what the service answers is
printed: the resident's reply as WeChat would show it, and what the bot wrote to staff (read from the
outbox, so it shows even when no bot token lets it reach Telegram).
"""
from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass, field

import click

from bot.telegram import push as telegram_push
from bot.wechat import push as wechat_push
from handlers.notices import Button

from .cast import LI, MANAGER, SUPERVISOR, ZHANG, Database, House, Member, houses
from .service import CODE, Service

# Who writes what, in order, and in which estate. {address} and {phone} are those of a house of the roster
# picked for each run, and every run has new residents, so a second run tells a new story, not repeats.
RESIDENTS = {
    "陈先生": ("锦绣花园", ["你好 我家厨房水龙头坏了 关不紧一直滴水", "{address}", "{phone}", "明天下午三点以后都在家"]),
    "周女士": ("翠湖苑", ["{address} 卫生间下水道堵了 电话{phone} 今天晚上都在家"]),
    "林女士": ("锦绣花园", ["{address} 楼道里的垃圾三天没人收了 保洁也不打扫 太差了 电话{phone}"]),
    "郑女士": ("翠湖苑", ["救命 {stairs}电梯困人了 我妈在里面出不来 电话{phone}"]),
    # Asked which estate once (several estates, nothing bound); the answer is remembered for the next question.
    "孙先生": ("锦绣花园", ["请问物业费可以用微信交吗", "{estate}", "请问小区明年会不会加装电动车充电桩 电话{phone}"]),
}
RUDE = "这不归我们管，你自己找开发商去"
UNCONFIRMED = "new,accepted,on_site,reopened,done"  # a new report at the place of one of these is a repeat


@dataclass
class Story:
    """The running service, its database, and what the story has learnt so far."""
    service: Service
    database: Database
    staff_chat: int
    tickets: dict[str, dict] = field(default_factory=dict)  # resident -> their last ticket (from the API)
    last_bot_text: str = ""                                  # what the bot last wrote to staff
    run: str = field(default_factory=lambda: f"{random.randrange(16 ** 6):06x}")
    homes: dict[str, House] = field(default_factory=dict)    # resident -> the house they live in

    def __post_init__(self):
        """Each resident lives in an occupied house on a staircase no unfinished ticket names, so the desk sees
        new problems, not repeats of open ones (it matches repeats by place)."""
        rng = random.Random(self.run)
        taken = {(t["building"], t["unit"]) for t in self.service.tickets(UNCONFIRMED)}
        lived_in = [h for h in houses() if not h.vacant and h.building.isdigit()]
        for name, (estate, _lines) in RESIDENTS.items():
            choices = [h for h in lived_in if h.estate == estate and (h.building, h.unit) not in taken]
            home = self.homes[name] = rng.choice(choices or [h for h in lived_in if h.estate == estate])
            taken.add((home.building, home.unit))

    def openid(self, name: str) -> str:
        """The resident's WeChat openid in this run."""
        return f"o_demo_{self.run}_{list(RESIDENTS).index(name)}"

    def line(self, name: str, template: str) -> str:
        """A resident's line with their own address and phone."""
        home = self.homes[name]
        stairs = f"{home.estate}{home.building}栋{home.unit}单元"
        return template.format(address=home.address, phone=home.phone, stairs=stairs, estate=home.estate)

    def resident(self, name: str, text: str | None = None) -> None:
        """The resident says their lines (or one given line); their ticket is remembered."""
        openid = self.openid(name)
        for line in ([text] if text else [self.line(name, t) for t in RESIDENTS[name][1]]):
            reply = self.service.wechat(wechat_push.text(openid, line))
            click.echo(click.style(f"住户 {name}: ", fg="cyan") + line)
            click.echo(click.style("物业: ", fg="green") + (reply or "（无回复）") + "\n")
            codes = CODE.findall(reply)
            if codes:
                self.tickets[name] = self.service.ticket_by_code(codes[-1])

    def chat_of(self, member: Member) -> int:
        """Where a member acts: the staff group when one is configured, else a private chat with the bot."""
        return self.staff_chat if self.staff_chat and member.role == "staff" else member.telegram_id

    def press(self, member: Member, action: str, resident: str, label: str) -> None:
        """A member presses a button on the card of the resident's ticket."""
        ticket = self.tickets.get(resident)
        if ticket is None:
            click.echo(f"（{resident}没有新工单，跳过“{label}”）\n")
            return
        self._staff(member, f"[{label}] {ticket['code']}", telegram_push.press(
            self.chat_of(member), member.telegram_id, member.name, Button(label, action, ticket["id"])))

    def command(self, member: Member, text: str) -> None:
        """A member writes a command (in the staff group, or privately for /console)."""
        chat = member.telegram_id if text.startswith("/console") else self.chat_of(member)
        self._staff(member, text, telegram_push.message(chat, member.telegram_id, member.name, text), chat)

    def reply(self, member: Member, resident: str, text: str) -> None:
        """A member replies to a resident with /reply (through the etiquette filter); shows what reaches them."""
        if resident not in self.tickets:
            click.echo(f"（{resident}没有新工单，跳过回复）\n")
            return
        mark = self.database.mark()
        self.command(member, f"/reply {self.tickets[resident]['code']} {text}")
        for sent in self.database.said_to(self.openid(resident), mark, answers=False):
            click.echo(click.style(f"发给住户 {resident}: ", fg="green") + sent + "\n")

    def _staff(self, member: Member, shown: str, update: dict, chat: int | None = None) -> None:
        mark = self.database.mark()
        self.service.telegram(update)
        click.echo(click.style(f"员工 {member.name}: ", fg="yellow") + shown)
        said = self.database.said_to(chat or self.chat_of(member), mark)
        for text in said:
            click.echo(click.style("机器人: ", fg="magenta") + text.replace("\n", "\n        "))
        click.echo()
        self.last_bot_text = "\n".join(said)


def play(story: Story) -> str:
    """The whole story; returns the bot's answer to the manager's /console (the sign-in link)."""
    for name in RESIDENTS:
        story.resident(name)
    story.press(ZHANG, "accept", "陈先生", "接单")
    story.reply(ZHANG, "陈先生", "您好，我是维修师傅小张，明天下午三点上门为您更换水龙头，请您在家稍候。")
    story.resident("陈先生", "我的报修怎么样了")
    story.press(LI, "accept", "周女士", "接单")
    story.reply(LI, "周女士", RUDE)  # stopped by the etiquette filter: the resident never sees it
    story.reply(LI, "周女士", "您好，我们马上安排师傅上门疏通，今晚八点前到，请您稍候。")
    story.press(SUPERVISOR, "accept", "郑女士", "接单")
    story.press(SUPERVISOR, "arrive", "郑女士", "已到场")
    story.press(SUPERVISOR, "accept", "林女士", "接单")
    story.reply(SUPERVISOR, "林女士", "非常抱歉给您带来不便，今天下午已安排保洁清运，我们会加强巡查。")
    story.press(ZHANG, "arrive", "陈先生", "已到场")
    story.press(ZHANG, "done", "陈先生", "已完成")
    time.sleep(0.5)  # the worker delivers in the background; the story does not wait for it
    story.command(MANAGER, "/console")
    return story.last_bot_text


def sign_in_path(answer: str) -> str | None:
    """The /login/<token> link in the bot's answer to /console."""
    found = re.search(r"(\S*/login/[A-Za-z0-9_\-]+)", answer or "")
    return found.group(1) if found else None
