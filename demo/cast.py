"""Who the demo plays: two estates from a small roster, the staff and managers, registered in the
service's own database (the same DATABASE_URL / VAR_DIR the service reads), once."""
from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from pathlib import Path

from handlers.estates import admin
from handlers.estates.roster_import import import_roster
from storage import queries
from storage.db import database_url, make_engine, make_sessionmaker, session_scope

ESTATES = (("锦绣花园", "JX", ("锦绣",)), ("翠湖苑", "CH", ("翠湖",)))
# Buildings, units, floors and rooms per floor of each estate's roster.
LAYOUT = {"锦绣花园": (tuple(str(n) for n in range(1, 11)) + ("A",), 2, 18, 4),
          "翠湖苑": (tuple(str(n) for n in range(1, 9)), 2, 11, 3)}
SURNAMES, GIVEN = "陈林黄赵孙周吴郑王李刘杨徐朱马胡郭何高罗", "建国晓梅志强丽华伟敏刚芳静磊洋艳军霞勇娟"


@dataclass(frozen=True)
class House:
    estate: str
    building: str
    unit: str
    room: str
    owner: str
    phone: str
    vacant: bool = False

    @property
    def address(self) -> str:
        """As a resident writes it: 锦绣花园3栋2单元1201 (A座 for lettered buildings)."""
        building = f"{self.building}座" if self.building.isalpha() else f"{self.building}栋"
        return f"{self.estate}{building}{self.unit}单元{self.room}"


def houses() -> list[House]:
    """Every house of the demo's roster, with an owner and a phone (every tenth one vacant, no owner)."""
    found = []
    for number, (estate, (buildings, units, floors, per_floor)) in enumerate(LAYOUT.items()):
        for building in buildings:
            for unit in range(1, units + 1):
                for floor in range(1, floors + 1):
                    for door in range(1, per_floor + 1):
                        n = len(found)
                        found.append(House(estate, building, str(unit), f"{floor}{door:02d}",
                                           SURNAMES[n % 20] + GIVEN[(n // 20) % 20] + GIVEN[(n // 7) % 20],
                                           f"13{8 + number}{(n * 7919 + 1234567) % 10 ** 8:08d}", n % 10 == 9))
    return found


def write_roster(path: Path) -> None:
    """The roster as the company would keep it (小区, 楼栋, 单元, 房号, 业主姓名, 业主电话, 入住状态)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["小区", "楼栋", "单元", "房号", "业主姓名", "业主电话", "入住状态"])
        for house in houses():
            writer.writerow([house.estate, house.building, house.unit, house.room, "" if house.vacant else house.owner,
                             "" if house.vacant else house.phone, "空置" if house.vacant else "已入住"])


@dataclass(frozen=True)
class Member:
    telegram_id: int
    name: str
    role: str


MANAGER = Member(9100001, "王经理", "manager")
SUPERVISOR = Member(9100002, "周主管", "supervisor")
ZHANG = Member(9100003, "张师傅", "staff")
LI = Member(9100004, "李师傅", "staff")
STAFF = (MANAGER, SUPERVISOR, ZHANG, LI)


class Database:
    """The service's database, for setting the scene and for reading what the bot wrote to staff."""

    def __init__(self, config: dict):
        self.engine = make_engine(database_url(config))
        self.sessions = make_sessionmaker(self.engine)

    def prepare(self, staff_chat: int) -> list[str]:
        """Create what is missing (estates, roster, staff); returns what was done, one line each."""
        return _estates(self.sessions) + _staff(self.sessions, staff_chat)

    def mark(self) -> int:
        """Where the outbox stands now."""
        with self.sessions() as session:
            return queries.last_outbox_id(session)

    def said_to(self, recipient: int | str, since: int, answers: bool = True) -> list[str]:
        """What the desk wrote to a chat or resident (and as answers to button presses) since a mark."""
        with self.sessions() as session:
            return [text for _id, text in queries.texts_to(session, [str(recipient)] + ["-"] * answers, since)
                    if text]

    def close(self) -> None:
        """Let go of the connections."""
        self.engine.dispose()


def _estates(sessions) -> list[str]:
    done = []
    with session_scope(sessions) as session:
        missing = [estate for estate in ESTATES if not _exists(session, estate[0])]
    for name, code, aliases in missing:
        admin.add_estate(sessions, name, code, aliases)
        done.append(f"小区 {name}（代码 {code}，别名 {'、'.join(aliases)}）")
    if missing:
        with tempfile.TemporaryDirectory() as folder:
            roster = Path(folder) / "花名册.csv"
            write_roster(roster)
            report = import_roster(sessions, roster)
        done.append(f"两个小区的花名册：{report.rows_imported} 户")
    return done


def _exists(session, name: str) -> bool:
    try:
        admin.find(session, name)
    except admin.EstateError:
        return False
    return True


def _staff(sessions, staff_chat: int) -> list[str]:
    done = []
    with session_scope(sessions) as session:
        for person in STAFF:
            if queries.member(session, person.telegram_id, active_only=False) is not None:
                continue
            member = queries.add_member(session, person.telegram_id)
            member.name, member.role, member.active = person.name, person.role, True
            member.groups = [staff_chat] if staff_chat and person.role == "staff" else []
            done.append(f"{person.name}（{person.role}，Telegram {person.telegram_id}）")
    return done
