"""Privacy (issue 14 item 7) also covers house bindings' phones and campaign opinions: the purge and a request
to be forgotten mask them, and the campaign's counts (coverage, ratings, opinions, tickets) stay (SQLite and
PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.estates.roster_import import import_roster
from handlers.privacy import forget as forgetting
from handlers.privacy.purge import purge
from storage import campaigns, privacy
from storage.binding_models import Campaign, CampaignContact, ResidentHouse
from storage.db import session_scope
from storage.estate_models import House
from storage.models import Resident, utcnow

OWNER_PHONE, CALLED_PHONE = "13812345678", "13900001111"
ROSTER = f"""小区,楼栋,单元,房号,业主姓名,业主电话,入住状态
锦绣花园,3栋,2单元,1201,陈建国,{OWNER_PHONE},已入住
锦绣花园,3栋,2单元,1202,王五,{CALLED_PHONE},已入住
锦绣花园,3栋,2单元,1203,赵六,13700000000,已入住
"""


def _setup(desk, tmp_path) -> dict:
    """陈建国, silent for three years, bound to 1201 with the phone he gave and a survey answer; a phone call to
    1202 three years ago; a phone call to 1203 last week."""
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    import_roster(desk.sessions, path)
    long_ago, lately = utcnow() - timedelta(days=3 * 365), utcnow() - timedelta(days=7)
    with session_scope(desk.sessions) as session:
        houses = {h.room: h for h in session.scalars(select(House))}
        resident = Resident(openid="o_privacy_owner", name="陈建国", last_message_at=long_ago, created_at=long_ago,
                            updated_at=long_ago)
        session.add(resident)
        session.flush()
        binding = ResidentHouse(resident_id=resident.id, house_id=houses["1201"].id, estate_id=houses["1201"].estate_id,
                                role="owner", state="active", via="approval", phone=OWNER_PHONE, requested_at=long_ago,
                                decided_by="前台小刘", note=f"陈建国本人来电{OWNER_PHONE}确认", overdue=False)
        campaign = Campaign(estate_id=houses["1201"].estate_id, kind="monthly", period="2023-12", target=1.0,
                            started_at=long_ago, started_by="test", answer_until=lately)
        session.add_all([binding, campaign])
        session.flush()

        def contact(room, channel, by, at, rating, opinion):
            row = CampaignContact(campaign_id=campaign.id, house_id=houses[room].id, channel=channel,
                                  state="answered" if channel == "wechat" else "reached", rating=rating,
                                  opinion=opinion, answered_by=by, answered_at=at)
            session.add(row)
            return row
        rows = [contact("1201", "wechat", "resident:o_privacy_owner", long_ago, 4, f"我是陈建国，电话{OWNER_PHONE}，停车位太少"),
                contact("1202", "phone", "客服小陈", long_ago, 3, f"电梯太慢，回电{CALLED_PHONE}"),
                contact("1203", "phone", "客服小陈", lately, 5, "最近还行，保洁很认真")]
        session.flush()
        return {"resident": resident.id, "binding": binding.id, "campaign": campaign.id,
                "contacts": [row.id for row in rows]}


def _rows(desk, ids: dict):
    with desk.sessions() as session:
        binding = session.get(ResidentHouse, ids["binding"])
        contacts = [session.get(CampaignContact, i) for i in ids["contacts"]]
        figures = campaigns.figures(session, [ids["campaign"]])[ids["campaign"]]
        session.expunge_all()
    return binding, contacts, figures


def test_the_purge_masks_binding_phones_and_old_opinions_and_keeps_the_figures(desk, tmp_path):
    ids = _setup(desk, tmp_path)
    before = _rows(desk, ids)[2]
    assert purge(desk, dry_run=True).counts["opinions"] == 2 and _rows(desk, ids)[0].phone == OWNER_PHONE
    assert purge(desk).counts == {"tickets": 0, "residents": 1, "messages": 0, "opinions": 2}
    binding, (survey, old_call, recent_call), figures = _rows(desk, ids)
    assert (binding.phone, binding.state, binding.end_reason) == (None, "ended", "privacy")
    assert OWNER_PHONE not in binding.note and (binding.role, binding.decided_by) == ("owner", "前台小刘")
    assert OWNER_PHONE not in survey.opinion and "陈建国" not in survey.opinion and "停车位太少" in survey.opinion
    assert (survey.rating, survey.state, survey.answered_by) == (4, "answered", privacy.ANONYMOUS_ANSWER)
    assert CALLED_PHONE not in old_call.opinion and "电梯太慢" in old_call.opinion and old_call.rating == 3
    assert (recent_call.opinion, recent_call.answered_by) == ("最近还行，保洁很认真", "客服小陈")  # within the retention
    assert figures == before                                       # coverage, ratings, opinions: the same
    assert purge(desk).counts["opinions"] == 0                     # nothing twice


def test_forgetting_a_phone_covers_the_binding_it_was_given_for_and_the_calls_to_it(desk, tmp_path):
    ids = _setup(desk, tmp_path)
    report = forgetting.forget(desk, OWNER_PHONE, "客服小李")      # the phone is only on the binding
    assert report.residents == 1
    binding, (survey, old_call, _recent), _figures = _rows(desk, ids)
    assert binding.phone is None and binding.state == "ended"
    assert OWNER_PHONE not in survey.opinion and survey.answered_by.startswith(f"resident:{privacy.FORGOTTEN}")
    assert old_call.opinion == f"电梯太慢，回电{CALLED_PHONE}"      # someone else's
    report = forgetting.forget(desk, CALLED_PHONE, "客服小李")     # a roster owner reached only on the phone
    assert report.opinions == 1 and CALLED_PHONE not in _rows(desk, ids)[1][1].opinion
