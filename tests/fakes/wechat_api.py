"""A stand-in for WeChat's Official Account API on loopback, to drive the real wechatpy in tests.

What wechatpy 1.8.18 does with the answers (client/base.py), which these fakes reproduce faithfully:

* Errors come back as HTTP 200 with {"errcode": n, "errmsg": "..."}; wechatpy raises
  WeChatClientException(errcode, errmsg) (APILimitedException for 45009).
* Token errors 40001 / 40014 / 42001 on an API call are NOT raised while `auto_retry` is on (the
  default): wechatpy calls fetch_access_token() and repeats the request with the new token, and
  repeats again if the answer is again a token error; there is no retry limit, only the
  recursion limit. So expire_tokens() shows up as one extra token fetch, not as an exception;
  with auto_retry=False the 42001 surfaces as WeChatClientException.
* The token endpoint's own errors (40013 wrong appid, 40001 wrong secret) raise directly.
* A non-2xx status raises WeChatClientException with errcode None (response attached); a dropped
  connection raises requests.ConnectionError, not wrapped.
* It caches the token until 60 s before `expires_in` runs out and never looks at it again, which
  is why a token the server expired early is only discovered by a 42001.
* WeChatClient.fetch_access_token() uses the absolute https://api.weixin.qq.com/cgi-bin/token and
  ignores API_BASE_URL, so clients pointed here override it to use API_BASE_URL + "token".
* Bodies are JSON with ensure_ascii=False, encoded as UTF-8 bytes and sent without a Content-Type.

    with FakeWeChat() as wx:
        client = MyClient(wx.app_id, wx.secret)   # API_BASE_URL = wx.base_url
        client.message.send_text("o" * 28, "您好")
        assert wx.sent_to("o" * 28)[0]["content"] == "您好"
"""
from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from urllib.parse import parse_qs

from .telegram_api import LoopbackServer

__all__ = ["FakeWeChat"]

INVALID_TOKEN = {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"}
EXPIRED_TOKEN = {"errcode": 42001, "errmsg": "access_token expired"}
OUT_OF_WINDOW = {"errcode": 45015, "errmsg": "response out of time limit or subscription is canceled"}
NOT_SUBSCRIBED = {"errcode": 43004, "errmsg": "require subscribe"}
CUSTOM_TYPES = {"text", "image", "voice", "video", "music", "news", "mpnews", "mpnewsarticle", "msgmenu",
                "wxcard", "miniprogrampage"}


class FakeWeChat(LoopbackServer):
    """/cgi-bin/token, message/custom/send and message/template/send, with state to inspect."""

    DOWN_STATUS = 503

    def __init__(self, app_id: str = "wx0123456789abcdef", secret: str = "test-app-secret",
                 template_ids: set[str] | None = None):
        super().__init__()
        self.app_id, self.secret = app_id, secret
        self.template_ids = template_ids  # None: any template id is valid
        self._lock = threading.Lock()
        self._token_numbers = itertools.count(1)
        self._msgids = itertools.count(2_800_000_001)
        self._tokens: dict[str, bool] = {}  # token -> still valid
        self._outside: set[str] = set()
        self._unsubscribed: set[str] = set()
        self._failures: list[list] = []
        self._sent: list[dict] = []
        self._calls: list[dict] = []
        self._delays: dict[str, tuple[float, bool]] = {}
        self.token_fetches = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/"

    # --- programming ---

    def outside_window(self, openid: str) -> None:
        """The resident has not written for 48 hours: customer-service messages are refused."""
        with self._lock:
            self._outside.add(openid)

    def inside_window(self, openid: str) -> None:
        """The resident wrote again."""
        with self._lock:
            self._outside.discard(openid)

    def unsubscribe(self, openid: str) -> None:
        """The resident unfollowed: custom 45015, template 43004."""
        with self._lock:
            self._unsubscribed.add(openid)

    def expire_tokens(self) -> None:
        """Every token issued so far answers 42001 from now on (the client still believes in it)."""
        with self._lock:
            self._tokens = dict.fromkeys(self._tokens, False)

    def fail_next(self, path_suffix: str, errcode: int, errmsg: str, times: int = 1) -> None:
        """The next `times` requests whose path ends with path_suffix (e.g. "message/custom/send",
        "token") answer {"errcode": errcode, "errmsg": errmsg}, before any other check."""
        with self._lock:
            self._failures.append([path_suffix, {"errcode": errcode, "errmsg": errmsg}, times])

    def slow_down(self, path_suffix: str, seconds: float, answer_late: bool = False) -> None:
        """Every request whose path ends with path_suffix takes `seconds`: before it is handled (a hanging
        API), or with `answer_late` after it was accepted (the message arrives, the answer comes late:
        a client that gave up by then does not know it was sent). `seconds=0` ends it."""
        with self._lock:
            self._delays[path_suffix] = (seconds, answer_late)

    # --- inspection ---

    @property
    def sent(self) -> list[dict]:
        """Accepted messages: kind ("custom"/"template"), touser, msgtype/content or template_id/data/
        url/msgid, body (the JSON as posted), access_token, time."""
        with self._lock:
            return copy.deepcopy(self._sent)

    def sent_to(self, openid: str) -> list[dict]:
        return [message for message in self.sent if message["touser"] == openid]

    @property
    def calls(self) -> list[dict]:
        """Every request, refused ones included: path (after /cgi-bin/), query, body, errcode, time."""
        with self._lock:
            return copy.deepcopy(self._calls)

    @property
    def valid_tokens(self) -> list[str]:
        with self._lock:
            return [token for token, valid in self._tokens.items() if valid]

    # --- serving ---

    def _answer(self, method, url, headers, body):
        path = url.path.removeprefix("/cgi-bin/")
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        with self._lock:
            delay, late = next(((d, late) for suffix, (d, late) in self._delays.items() if path.endswith(suffix)),
                               (0, False))
        if delay and not late:
            time.sleep(delay)  # outside the lock: other requests go on meanwhile
        with self._lock:
            call = {"path": path, "query": query, "body": body, "time": time.time()}
            self._calls.append(call)
            result = self._route(path, query, body)
            call["errcode"] = result.get("errcode", 0) if isinstance(result, dict) else None
        if delay and late:
            time.sleep(delay)
        return (404, {"errcode": -1, "errmsg": "not found"}) if result is None else (200, result)

    def _route(self, path, query, body):
        for failure in self._failures:
            if path.endswith(failure[0]) and failure[2] > 0:
                failure[2] -= 1
                return dict(failure[1])
        if path == "token":
            return self._token(query)
        if path not in ("message/custom/send", "message/template/send"):
            return None
        token = query.get("access_token")
        if not token:
            return {"errcode": 41001, "errmsg": "access_token missing"}
        if token not in self._tokens:
            return dict(INVALID_TOKEN)
        if not self._tokens[token]:
            return dict(EXPIRED_TOKEN)
        if not body:
            return {"errcode": 44002, "errmsg": "empty post data"}
        try:
            data = json.loads(body.decode("utf-8"))
        except ValueError:
            return {"errcode": 47001, "errmsg": "data format error"}
        if not isinstance(data, dict) or not data.get("touser"):
            return {"errcode": 40003, "errmsg": "invalid openid"}
        record = {"touser": data["touser"], "body": data, "access_token": token, "time": time.time()}
        if path == "message/custom/send":
            return self._custom(data, record)
        return self._template(data, record)

    def _token(self, query):
        if query.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if query.get("appid") != self.app_id:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if query.get("secret") != self.secret:
            return {"errcode": 40001, "errmsg": "invalid credential, appsecret is invalid"}
        # Earlier tokens stay valid: WeChat keeps the old one usable for 5 minutes after a refresh,
        # which outlasts any test.
        token = f"ACCESS_TOKEN_{next(self._token_numbers)}"
        self._tokens[token] = True
        self.token_fetches += 1
        return {"access_token": token, "expires_in": 7200}

    def _custom(self, data, record):
        if data["touser"] in self._outside or data["touser"] in self._unsubscribed:
            return dict(OUT_OF_WINDOW)
        msgtype = data.get("msgtype")
        if msgtype not in CUSTOM_TYPES or not isinstance(data.get(msgtype), dict):
            return {"errcode": 40008, "errmsg": "invalid message type"}
        if msgtype == "text" and not data["text"].get("content"):
            return {"errcode": 44004, "errmsg": "empty content"}
        content = data["text"]["content"] if msgtype == "text" else None
        self._sent.append({"kind": "custom", "msgtype": msgtype, "content": content, **record})
        return {"errcode": 0, "errmsg": "ok"}

    def _template(self, data, record):
        template_id = data.get("template_id")
        if not template_id or (self.template_ids is not None and template_id not in self.template_ids):
            return {"errcode": 40037, "errmsg": "invalid template_id"}
        if data["touser"] in self._unsubscribed:
            return dict(NOT_SUBSCRIBED)
        msgid = next(self._msgids)
        self._sent.append({"kind": "template", "template_id": template_id, "data": data.get("data"),
                           "url": data.get("url"), "msgid": msgid, **record})
        return {"errcode": 0, "errmsg": "ok", "msgid": msgid}
