"""WeChat's API client (customer-service and template messages), with wechatpy.

The access token lives in Redis (wechatpy's RedisStorage), so every process shares one token, and a
Redis lock makes sure only one process fetches a new one at a time. wechatpy's own answer to an
invalid or expired token (40001/40014/42001) is to refetch and retry without limit, so it is turned
off: call() refreshes the token once and tries once more, then reports the error.
"""
from __future__ import annotations

import time

from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.redisstorage import RedisStorage

# errcodes that mean "the resident has not written in 48 hours (or unfollowed)": only templates pass.
OUT_OF_WINDOW = frozenset({45015, 45047, 43004})


class Client(WeChatClient):
    """wechatpy's client pointed at WECHAT_API_BASE_URL, token shared through Redis."""

    def __init__(self, app_id: str, secret: str, base_url: str, redis, timeout: float = 10):
        self.API_BASE_URL = base_url if base_url.endswith("/") else base_url + "/"
        self._redis = redis
        super().__init__(app_id, secret, session=RedisStorage(redis, prefix="wuye:wechat"), timeout=timeout,
                         auto_retry=False)

    def fetch_access_token(self):
        """Fetch a token from the configured base URL (wechatpy's own method ignores it), one process
        at a time; a token another process fetched meanwhile is used instead of fetching again."""
        known = self.session.get(self.access_token_key)
        with self._redis.lock("wuye:wechat:token-lock", timeout=15, blocking_timeout=15):
            current = self.session.get(self.access_token_key)
            if current and current != known:
                self.expires_at = int(time.time()) + 600
                return {"access_token": current}
            return self._fetch_access_token(url=self.API_BASE_URL + "token", params={
                "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})


def client_for(config: dict, redis) -> Client | None:
    """A client when the account's AppID and AppSecret are configured, else None (nothing to send with)."""
    if not (config["WECHAT_APP_ID"] and config["WECHAT_APP_SECRET"]):
        return None
    return Client(config["WECHAT_APP_ID"], config["WECHAT_APP_SECRET"], config["WECHAT_API_BASE_URL"], redis,
                  config.get("WECHAT_TIMEOUT_SECONDS", 10))


TOKEN_ERRORS = frozenset({40001, 40014, 42001})


def _call(client: Client, send) -> None:
    try:
        send()
    except WeChatClientException as exc:
        if exc.errcode not in TOKEN_ERRORS:
            raise
        client.session.delete(client.access_token_key)  # every process then sees the refresh
        client.expires_at = None
        send()


def send_text(client: Client, openid: str, content: str) -> None:
    """A customer-service text message (allowed within 48 hours of the resident's last message)."""
    _call(client, lambda: client.message.send_text(openid, content))


def send_template(client: Client, openid: str, template_id: str, data: dict) -> None:
    """A template message (the only kind allowed outside the 48-hour window)."""
    _call(client, lambda: client.message.send_template(openid, template_id, data))


__all__ = ["Client", "OUT_OF_WINDOW", "WeChatClientException", "client_for", "send_text", "send_template"]
