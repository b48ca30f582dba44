"""The running service as the demo reaches it: over HTTP, the way WeChat, Telegram and an API client do."""
from __future__ import annotations

import re
import time

import httpx

from bot.telegram import push as telegram_push
from bot.wechat import push as wechat_push

CODE = re.compile(r"\b[A-Z]{2}-\d{8}-\d{4}\b")


class ServiceError(Exception):
    """The service cannot be reached or refused what the demo sent (the message says which and why)."""


class Service:
    """POST /wechat (signed pushes), POST /telegram/webhook (with the secret), GET /api/tickets."""

    def __init__(self, url: str, config: dict, timeout: float = 30.0):
        self.url, self.config = url.rstrip("/"), config
        self.http = httpx.Client(base_url=self.url, timeout=timeout, trust_env=False)

    def answers(self) -> bool:
        """Whether a service answers /healthz here."""
        try:
            return self.http.get("/healthz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def wechat(self, xml: str) -> str:
        """Push one signed WeChat message (encrypted in safe mode); the resident's passive reply ('' when none)."""
        token, key = self.config["WECHAT_TOKEN"], self.config["WECHAT_AES_KEY"]
        if key:
            params, xml = wechat_push.encrypted(token, key, self.config["WECHAT_APP_ID"], xml)
        else:
            params = wechat_push.query(token)
        response = self._post("/wechat", params=params, content=xml.encode("utf-8"),
                              headers={"Content-Type": "text/xml"})
        body = response.text
        if key and body.strip() != "success":
            body = wechat_push.decrypt_reply(token, key, self.config["WECHAT_APP_ID"], body, params)
        return wechat_push.reply_text(body) or ""

    def telegram(self, update: dict) -> None:
        """Post one Telegram update to the webhook, with the secret Telegram would send."""
        self._post("/telegram/webhook", json=update,
                   headers={telegram_push.SECRET_HEADER: self.config["TELEGRAM_WEBHOOK_SECRET"]})

    def tickets(self, status: str | None = None) -> list[dict]:
        """Every ticket (or those in the comma-separated statuses), newest first, from the JSON API."""
        found, page = [], 1
        while True:
            params = {"page": page, "per_page": 200, **({"status": status} if status else {})}
            data = self._get("/api/tickets", params=params)
            found += data["tickets"]
            if len(found) >= data["total"] or not data["tickets"]:
                return found
            page += 1

    def ticket(self, ticket_id: int) -> dict:
        """One ticket with its events."""
        return self._get(f"/api/tickets/{ticket_id}")

    def ticket_by_code(self, code: str, wait: float = 10.0) -> dict:
        """The ticket with this code (the resident's reply names it)."""
        deadline = time.monotonic() + wait
        while True:
            for ticket in self.tickets():
                if ticket["code"] == code:
                    return ticket
            if time.monotonic() > deadline:
                raise ServiceError(f"工单 {code} 没有出现在 /api/tickets 里")
            time.sleep(0.2)

    def _get(self, path: str, **kwargs) -> dict:
        headers = {"Authorization": f"Bearer {self.config['ADMIN_TOKEN']}"}
        return self._checked(self._call("GET", path, headers=headers, **kwargs)).json()

    def _post(self, path: str, **kwargs) -> httpx.Response:
        return self._checked(self._call("POST", path, **kwargs))

    def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            return self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceError(f"{method} {self.url}{path}: {exc}") from None

    def _checked(self, response: httpx.Response) -> httpx.Response:
        if response.status_code != 200:
            hint = " (the demo must read the same .env and VAR_DIR as the service)" \
                if response.status_code in (401, 403) else ""
            raise ServiceError(f"{response.request.method} {response.request.url.path}: "
                               f"HTTP {response.status_code} {response.text[:200]}{hint}")
        return response
