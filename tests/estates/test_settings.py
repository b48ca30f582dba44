"""Settings per estate over company defaults over the environment: checked, recorded, seen without a restart."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from config import load_config
from handlers.estates import admin
from handlers.estates.settings import COMPANY, DEFAULT, ENVIRONMENT, ESTATE, Freshness, SettingsStore
from handlers.estates.settings_schema import SettingsError
from storage.estate_models import SettingChange


@pytest.fixture
def estates(sessions):
    return admin.add_estate(sessions, "锦绣花园"), admin.add_estate(sessions, "阳光城")


def store(sessions, ttl=0.0, monotonic=None, **environment):
    config = load_config(environment, environ={}, dotenv_path=None)
    freshness = Freshness(sessions, ttl=ttl, **({"monotonic": monotonic} if monotonic else {}))
    return SettingsStore(sessions, config, freshness)


def test_nothing_set_means_the_environment_as_today(sessions, estates):
    settings = store(sessions, SLA_ARRIVAL_MINUTES="90", SERVICE_HOURS="08:30-12:00,13:30-18:00",
                     TELEGRAM_GROUP_ROUTES="water,lift=-1001").for_estate(estates[0])
    assert settings["sla_arrival_minutes"] == 90 and settings["sla_urgent_arrival_minutes"] == 30
    assert settings["service_hours"] == "08:30-12:00,13:30-18:00" and settings["service_days"] == "1-7"
    assert settings["group_routes"] == {"water": -1001, "lift": -1001}
    assert settings["followup_policy"] == "always" and settings["knowledge"] == []
    assert settings.sources["sla_arrival_minutes"] == ENVIRONMENT and settings.sources["knowledge"] == DEFAULT
    assert set(settings.sources.values()) == {ENVIRONMENT, DEFAULT}


def test_estate_over_company_over_environment(sessions, estates):
    jx, yg = estates
    settings = store(sessions, SLA_ARRIVAL_MINUTES="90")
    settings.change(None, "公司", "SLA_ARRIVAL_MINUTES", "100", "cli:test")
    settings.change(jx, "锦绣花园", "sla_arrival_minutes", "60", "cli:test")
    assert (settings.for_estate(jx)["sla_arrival_minutes"], settings.for_estate(jx).sources["sla_arrival_minutes"]) \
        == (60, ESTATE)
    assert (settings.for_estate(yg)["sla_arrival_minutes"], settings.for_estate(yg).sources["sla_arrival_minutes"]) \
        == (100, COMPANY)
    old, new = settings.change(jx, "锦绣花园", "sla_arrival_minutes", None, "cli:test")   # unset: back to company
    assert (old, new) == (60, 100)


def test_every_change_is_recorded(sessions, estates):
    jx = estates[0]
    settings = store(sessions)
    settings.change(jx, "锦绣花园", "followup_policy", "skip_if_rated", "cli:张经理")
    settings.change(jx, "锦绣花园", "followup_policy", "never", "api:王主管")
    with sessions() as session:
        changes = session.execute(select(SettingChange.key, SettingChange.old, SettingChange.new, SettingChange.actor)
                                  .where(SettingChange.estate_id == jx).order_by(SettingChange.id)).all()
    assert [tuple(c) for c in changes] == [("followup_policy", None, "skip_if_rated", "cli:张经理"),
                                           ("followup_policy", "skip_if_rated", "never", "api:王主管")]


@pytest.mark.parametrize("field, value, message", [
    ("sla_arrival_minutes", "-5", "锦绣花园: sla_arrival_minutes: must be more than 0 minutes"),
    ("service_hours", "18:00-08:00,07:00-09:00", "锦绣花园: service_hours: the night period overlaps"),
    ("service_days", "0-9", "锦绣花园: service_days: weekdays are 1 (Monday) to 7"),
    ("followup_policy", "sometimes", "锦绣花园: followup_policy: must be one of never, skip_if_rated, always"),
    ("extra_holidays", "2027-13-01", "锦绣花园: extra_holidays: expected YYYY-MM-DD"),
    ("supervisors", "张三", "锦绣花园: supervisors: expected numeric Telegram ids"),
    ("knowledge", "- id: fees\n  questions: [物业费多少]\n", "锦绣花园: knowledge: entry 1: missing answer"),
    ("banned_phrases", '["", "不归我管"]', "锦绣花园: banned_phrases: each banned phrase"),
    ("colour", "red", "锦绣花园: unknown setting 'colour'"),
])
def test_invalid_values_are_refused_naming_estate_and_field(sessions, estates, field, value, message):
    settings = store(sessions)
    with pytest.raises(SettingsError) as refused:
        settings.change(estates[0], "锦绣花园", field, value, "cli:test")
    assert str(refused.value).startswith(message)
    with sessions() as session:
        assert session.scalars(select(SettingChange)).all() == []


def test_settings_that_leave_no_service_time_are_refused(sessions, estates):
    settings = store(sessions, SERVICE_HOURS="08:00-18:00")
    with pytest.raises(SettingsError, match="锦绣花园: extra_holidays: service time never reaches"):
        # service only on Mondays, and every Monday of the next two years a holiday
        settings.change(estates[0], "锦绣花园", "service_days", "1", "cli:test")
        mondays = ",".join(str((datetime(2026, 11, 30) + timedelta(weeks=n)).date()) for n in range(0, 120))
        settings.change(estates[0], "锦绣花园", "extra_holidays", mondays, "cli:test")


def test_values_of_every_kind_are_stored_as_checked(sessions, estates):
    jx = estates[0]
    settings = store(sessions)
    settings.change(jx, "锦绣花园", "service_hours", "22:00-06:00", "t")
    settings.change(jx, "锦绣花园", "extra_holidays", "2027-02-05..2027-02-07,2027-04-05", "t")
    settings.change(jx, "锦绣花园", "group_routes", "water,drain=-1001;complaint=-1002", "t")
    settings.change(jx, "锦绣花园", "managers", "555, 666", "t")
    settings.change(jx, "锦绣花园", "banned_phrases", "不归我管，找开发商去", "t")
    settings.change(jx, "锦绣花园", "knowledge", "entries:\n- id: fees\n  topic: 物业费\n  questions: [物业费多少]\n"
                                            "  answer: 您好，锦绣花园物业费2.2元/㎡/月。\n", "t")
    got = settings.for_estate(jx)
    assert got["service_hours"] == "22:00-06:00"
    assert got["extra_holidays"] == ["2027-02-05", "2027-02-06", "2027-02-07", "2027-04-05"]
    assert got["group_routes"] == {"water": -1001, "drain": -1001, "complaint": -1002}
    assert got["managers"] == [555, 666] and got["banned_phrases"] == ["不归我管", "找开发商去"]
    assert got["knowledge"] == [{"id": "fees", "topic": "物业费", "questions": ["物业费多少"], "keywords": [],
                                 "answer": "您好，锦绣花园物业费2.2元/㎡/月。"}]
    assert got.clock.periods == ((1320, 1800),)


def test_a_change_made_elsewhere_is_seen_without_restart(sessions, estates):
    now = [100.0]
    reader = store(sessions, ttl=2.0, monotonic=lambda: now[0])
    assert reader.for_estate(estates[0])["sla_accept_minutes"] == 30
    store(sessions).change(estates[0], "锦绣花园", "sla_accept_minutes", "15", "cli:other-process")
    assert reader.for_estate(estates[0])["sla_accept_minutes"] == 30   # within the short cache
    now[0] += 2.5
    assert reader.for_estate(estates[0])["sla_accept_minutes"] == 15


def test_the_estate_clock_follows_its_settings(sessions, estates):
    jx = estates[0]
    settings = store(sessions, SERVICE_HOURS="08:30-18:00", SERVICE_DAYS="1-5")
    settings.change(jx, "锦绣花园", "holiday_calendar", "cn", "t")
    evening = datetime(2026, 9, 30, 12, 0)                    # 20:00 in Shanghai, the eve of 国庆
    assert settings.for_estate(jx).clock.add(evening, 60) == datetime(2026, 10, 8, 1, 30)   # 09:30 on 8 October
    assert settings.for_estate(estates[1]).clock.add(evening, 60) == datetime(2026, 10, 1, 1, 30)  # no holidays
