"""A stand-in for Telegram's Bot API on loopback, to drive the real python-telegram-bot in tests.

PTB builds every URL as f"{base_url}{token}/{method}" and POSTs the parameters form-encoded
(multipart when a file is attached), every value a string: ints as "-100123", objects such as
reply_markup as JSON text. It then trusts the HTTP status, not the "ok" field: a 2xx body's
"result" is returned, anything else becomes an exception chosen by status (400 BadRequest,
401/404 InvalidToken, 403 Forbidden, 409 Conflict, other NetworkError), except that
"parameters": {"retry_after": n} wins and gives RetryAfter. So this fake answers errors with the
real status codes and bodies, which is what makes PTB raise the same exceptions as in production.

    with FakeTelegram() as tg:
        bot = telegram.Bot(tg.token, base_url=tg.base_url)
        tg.push_update(tg.message_update(-1001234567890, 42, "/jiedan 12"))
"""
from __future__ import annotations

import copy
import email.parser
import email.policy
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

__all__ = ["FakeTelegram", "LoopbackServer", "ApiError"]


class ApiError(Exception):
    """An error answer: HTTP status, JSON body. Raised by method handlers."""

    def __init__(self, status: int, body: dict):
        super().__init__(status, body)
        self.status, self.body = status, body


class LoopbackServer:
    """A ThreadingHTTPServer on 127.0.0.1 (ephemeral port) in a daemon thread, shared by both fakes.

    Subclasses implement `_answer(method, url, headers, body) -> (status, json_obj)`.
    `down`: True answers every request with DOWN_STATUS and an HTML page (what a proxy in front of
    the API returns during an outage); "reset" closes the connection without answering.
    """

    DOWN_STATUS = 502

    def __init__(self):
        self.down: bool | str = False
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server not started")
        return self._httpd.server_address[1]

    def start(self):
        if self._httpd is None:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
            self._httpd.daemon_threads = True  # keep-alive connections must not block stop()
            self._httpd.fake = self
            # A short poll interval: stop() waits for it, once per test.
            self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                            name=type(self).__name__, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(5)
            self._httpd = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _answer(self, method: str, url, headers, body: bytes) -> tuple[int, object]:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 so that httpx and requests keep connections alive, as they do against the real APIs.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, each answer would wait ~40 ms for an ACK.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake: LoopbackServer = self.server.fake
        down = fake.down
        if down == "reset":
            self.close_connection = True  # no answer at all: the client sees the connection drop
            return
        if down:
            status = fake.DOWN_STATUS
            payload = f"<html><body><h1>{status}</h1></body></html>".encode()
            content_type = "text/html"
        else:
            status, obj = fake._answer(self.command, urlsplit(self.path), self.headers, body)
            payload = json.dumps(obj, ensure_ascii=False).encode()
            content_type = "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_POST = do_GET

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass


# --- request parameters ---------------------------------------------------------------------------

# Telegram types parameters by name; PTB sends them all as strings, so the fake converts them back.
_JSON_FIELDS = {"reply_markup", "entities", "caption_entities", "allowed_updates", "commands", "scope",
                "reply_parameters", "link_preview_options", "media", "results", "message_ids"}
_INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "reply_to_message_id", "user_id",
               "cache_time", "max_connections", "message_thread_id", "from_chat_id"}
_BOOL_FIELDS = {"disable_notification", "protect_content", "show_alert", "drop_pending_updates",
                "allow_sending_without_reply", "disable_web_page_preview", "has_spoiler"}
_INT_RE = re.compile(r"-?\d+")


def _coerce(name: str, value):
    if not isinstance(value, str):
        return value
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in _INT_FIELDS and _INT_RE.fullmatch(value):
        return int(value)  # chat_id may also be "@channelname": left a string
    if name in _BOOL_FIELDS and value in ("true", "false"):
        return value == "true"
    return value


def parse_params(url, headers, body: bytes) -> dict:
    """Query string plus body (JSON, urlencoded or multipart), typed as Telegram would read them."""
    params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
    content_type = headers.get("Content-Type", "")
    if body and content_type.startswith("application/json"):
        params.update(json.loads(body.decode("utf-8")))
    elif body and content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            content = part.get_payload(decode=True)
            filename = part.get_filename()
            params[name] = {"filename": filename, "content": content} if filename else content.decode("utf-8")
    elif body:
        params.update({k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()})
    return {name: _coerce(name, value) for name, value in params.items()}


def _bad_request(description: str) -> ApiError:
    return ApiError(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"})


def _utf16_len(text: str) -> int:
    # Telegram measures entity offsets and lengths in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


# --- the fake ------------------------------------------------------------------------------------

class FakeTelegram(LoopbackServer):
    """The Bot API methods the desk uses, with state the tests can inspect and failures to program."""

    GROUP_TITLE = "物业工作群"
    # The real server holds long polls open for `timeout` seconds; here at most this long, so that
    # a polling app still gets its updates promptly but a test's teardown never waits 30 s.
    MAX_POLL_WAIT = 2.0

    def __init__(self, token: str = "123456:TEST-TOKEN", username: str = "wuye_test_bot"):
        super().__init__()
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]) if token.split(":")[0].isdigit() else 123456,
                         "is_bot": True, "first_name": "物业服务台", "username": username}
        self._lock = threading.RLock()
        self._stopping = False
        self._updates_arrived = threading.Condition(self._lock)
        self._calls: list[tuple[float, str, dict]] = []
        self._failures: list[list] = []
        self._holds: list[list] = []  # [method, seconds, arrived event]: a call kept on the wire a while
        self._messages: dict[tuple[int, int], dict] = {}  # the bot's own messages, current state
        self._incoming: dict[tuple[int, int], dict] = {}  # messages users sent (via the builders)
        self._deleted: list[tuple[int, int]] = []
        self._next_message_id: dict[int, itertools.count] = {}
        self._update_ids = itertools.count(700000001)
        self._callback_ids = itertools.count(4_630_000_000_000_000_001)
        self._known_callbacks: set[str] = set()
        self._queue: list[dict] = []
        self._chat_types: dict[int, str] = {}
        self._migrated: dict[int, int] = {}  # group id -> its supergroup's id
        self._names: dict[int, str] = {}
        self.webhook: dict = {}
        self.commands: list[dict] = []
        self._methods = {name.lower(): name for name in (
            "getMe", "sendMessage", "editMessageText", "editMessageReplyMarkup", "deleteMessage",
            "answerCallbackQuery", "sendChatAction", "setWebhook", "deleteWebhook", "getWebhookInfo",
            "getUpdates", "setMyCommands", "getMyCommands", "getChat")}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self):
        self._stopping = False
        return super().start()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._updates_arrived.notify_all()  # release long polls
        super().stop()

    # --- inspection ---

    @property
    def calls(self) -> list[tuple[str, dict]]:
        """Every authorised request, in order, failed ones included: (method, params)."""
        with self._lock:
            return [(method, copy.deepcopy(params)) for _, method, params in self._calls]

    def calls_of(self, method: str) -> list[dict]:
        return [params for name, params in self.calls if name == method]

    def call_times(self, method: str | None = None, chat_id: int | str | None = None) -> list[float]:
        """time.time() of each matching request, to check sending rates."""
        with self._lock:
            return [at for at, name, params in self._calls
                    if (method is None or name == method)
                    and (chat_id is None or str(params.get("chat_id")) == str(chat_id))]

    @property
    def messages(self) -> dict[tuple[int, int], dict]:
        """Current state (after edits) of the bot's messages not deleted, by (chat_id, message_id)."""
        with self._lock:
            return copy.deepcopy(self._messages)

    def sent_to(self, chat_id: int) -> list[dict]:
        """The bot's messages in one chat, current state, oldest first (history: calls_of)."""
        with self._lock:
            return [copy.deepcopy(m) for (chat, _), m in sorted(self._messages.items()) if chat == chat_id]

    @property
    def deleted(self) -> list[tuple[int, int]]:
        """(chat_id, message_id) of the bot's messages deleted through deleteMessage, in order."""
        with self._lock:
            return list(self._deleted)

    @property
    def pending_updates(self) -> list[dict]:
        with self._lock:
            return copy.deepcopy(self._queue)

    def webhook_headers(self) -> dict[str, str]:
        """Headers Telegram sends with each webhook POST (the secret given to setWebhook)."""
        headers = {"Content-Type": "application/json"}
        if self.webhook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
        return headers

    # --- programming ---

    def fail_next(self, method: str, error_code: int, description: str | None = None,
                  retry_after: int | None = None, times: int = 1) -> None:
        """The next `times` calls of `method` ("*": any) fail as Telegram would answer them."""
        if description is None:
            description = {429: f"Too Many Requests: retry after {retry_after}", 400: "Bad Request",
                           403: "Forbidden: bot was kicked from the supergroup chat",
                           409: "Conflict", 500: "Internal Server Error"}.get(error_code, "Error")
        body = {"ok": False, "error_code": error_code, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        with self._lock:
            self._failures.append([method, error_code, body, times])

    def hold_next(self, method: str, seconds: float) -> threading.Event:
        """The next call of `method` is kept `seconds` before Telegram takes it (a slow network path): calls
        made meanwhile are taken first. The event is set when the held call arrives."""
        arrived = threading.Event()
        with self._lock:
            self._holds.append([method, seconds, arrived])
        return arrived

    def migrate_group(self, old_chat_id: int, new_chat_id: int) -> None:
        """The group became a supergroup: from now on every call naming the old id answers 400 with
        parameters.migrate_to_chat_id, as Telegram does."""
        with self._lock:
            self._migrated[old_chat_id] = new_chat_id
            self._chat_types[new_chat_id] = "supergroup"

    def push_update(self, update: dict) -> dict:
        """Queue an update for getUpdates (wakes a waiting long poll)."""
        with self._lock:
            self._queue.append(copy.deepcopy(update))
            self._updates_arrived.notify_all()
        return update

    # --- update builders ---

    def message_update(self, chat_id: int, user_id: int, text: str, first_name: str = "张师傅",
                       reply_to: dict | None = None, chat_type: str | None = None,
                       last_name: str | None = None, username: str | None = None) -> dict:
        """A user's text message as Telegram delivers it (the fake also remembers it, so the bot can
        reply to it)."""
        with self._lock:
            if chat_type:
                self._chat_types[chat_id] = chat_type
            self._names.setdefault(user_id, first_name)
            user = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}
            if last_name:
                user["last_name"] = last_name
            if username:
                user["username"] = username
            message = {"message_id": self._new_message_id(chat_id), "from": user, "chat": self._chat(chat_id),
                       "date": int(time.time()), "text": text}
            if text.startswith("/"):
                command = text.split(None, 1)[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
            if reply_to is not None:
                # Telegram nests only one level: the replied-to message comes without its own reply.
                message["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
            self._incoming[(chat_id, message["message_id"])] = message
            return {"update_id": next(self._update_ids), "message": copy.deepcopy(message)}

    def callback_update(self, chat_id: int, user_id: int, message: dict, data: str,
                        first_name: str = "张师傅") -> dict:
        """A press on an inline button of `message` (a bot message dict, e.g. from sent_to)."""
        if message["chat"]["id"] != chat_id:
            raise ValueError(f"message is in chat {message['chat']['id']}, not {chat_id}")
        with self._lock:
            query_id = str(next(self._callback_ids))
            self._known_callbacks.add(query_id)
            return {"update_id": next(self._update_ids), "callback_query": {
                "id": query_id,
                "from": {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"},
                "message": copy.deepcopy(message),
                "chat_instance": str(-(abs(chat_id) * 1_000_003 % 10**18)),
                "data": data}}

    # --- serving ---

    def _answer(self, method, url, headers, body):
        parts = url.path.split("/")
        if len(parts) != 3 or not parts[1].startswith("bot"):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if parts[1][3:] != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        name = self._methods.get(parts[2].lower(), parts[2])  # method names are case-insensitive
        try:
            params = parse_params(url, headers, body)
        except ValueError:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid request body"}
        with self._lock:
            hold = next((h for h in self._holds if h[0] == name), None)
            if hold is not None:
                self._holds.remove(hold)
        if hold is not None:
            hold[2].set()
            time.sleep(hold[1])
        with self._lock:
            self._calls.append((time.time(), name, params))
            moved = self._migrated.get(params.get("chat_id")) if isinstance(params.get("chat_id"), int) else None
            if moved is not None:
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: group chat was upgraded to a supergroup chat",
                             "parameters": {"migrate_to_chat_id": moved}}
            for failure in self._failures:
                if failure[0] in (name, "*") and failure[3] > 0:
                    failure[3] -= 1
                    return failure[1], copy.deepcopy(failure[2])
            handler = getattr(self, "_m_" + name, None) if parts[2].lower() in self._methods else None
            if handler is None:
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            try:
                return 200, {"ok": True, "result": handler(params)}
            except ApiError as exc:
                return exc.status, exc.body

    # --- helpers (called with the lock held) ---

    def _new_message_id(self, chat_id: int) -> int:
        return next(self._next_message_id.setdefault(chat_id, itertools.count(1)))

    def _chat(self, chat_id) -> dict:
        kind = self._chat_types.get(chat_id) or (
            "private" if chat_id > 0 else "supergroup" if chat_id <= -1_000_000_000_000 else "group")
        if kind == "private":
            return {"id": chat_id, "first_name": self._names.get(chat_id, "张师傅"), "type": "private"}
        return {"id": chat_id, "title": self.GROUP_TITLE, "type": kind}

    def _chat_id(self, params) -> int:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise _bad_request("chat_id is empty")
        if not isinstance(chat_id, int):
            raise _bad_request("chat not found")
        return chat_id

    def _existing(self, params, what: str) -> dict:
        key = (self._chat_id(params), params.get("message_id"))
        if key in self._messages:
            return self._messages[key]
        if key in self._incoming:
            raise _bad_request(f"message can't be {'deleted' if what == 'delete' else 'edited'}")
        raise _bad_request(f"message to {what} not found")

    @staticmethod
    def _inline_markup(params):
        # Only inline keyboards belong to a message; the API echoes nothing else.
        markup = params.get("reply_markup")
        return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None

    # --- methods ---

    def _m_getMe(self, params):
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    def _m_sendMessage(self, params):
        chat_id = self._chat_id(params)
        text = params.get("text")
        if not text:
            raise _bad_request("message text is empty")
        if len(text) > 4096:
            raise _bad_request("message is too long")
        reply = params.get("reply_parameters") or {}
        reply_id = reply.get("message_id", params.get("reply_to_message_id"))
        replied = None
        if reply_id is not None:
            replied = self._messages.get((chat_id, reply_id)) or self._incoming.get((chat_id, reply_id))
            allow = reply.get("allow_sending_without_reply", params.get("allow_sending_without_reply"))
            if replied is None and not allow:
                raise _bad_request("message to be replied not found")
        message = {"message_id": self._new_message_id(chat_id), "from": dict(self.bot_user),
                   "chat": self._chat(chat_id), "date": int(time.time()), "text": text}
        if params.get("entities"):
            message["entities"] = params["entities"]
        if replied is not None:
            message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        if self._inline_markup(params):
            message["reply_markup"] = self._inline_markup(params)
        self._messages[(chat_id, message["message_id"])] = message
        return copy.deepcopy(message)

    def _m_editMessageText(self, params):
        if not params.get("text"):
            raise _bad_request("message text is empty")
        message = self._existing(params, "edit")
        markup = self._inline_markup(params)  # omitted: Telegram removes the keyboard
        if message["text"] == params["text"] and message.get("reply_markup") == markup:
            raise _bad_request("message is not modified: specified new message content and reply markup "
                               "are exactly the same as a current content and reply markup of the message")
        message["text"] = params["text"]
        message["edit_date"] = int(time.time())
        message.pop("entities", None)
        if params.get("entities"):
            message["entities"] = params["entities"]
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return copy.deepcopy(message)

    def _m_editMessageReplyMarkup(self, params):
        message = self._existing(params, "edit")
        markup = self._inline_markup(params)
        if message.get("reply_markup") == markup:
            raise _bad_request("message is not modified: specified new message content and reply markup "
                               "are exactly the same as a current content and reply markup of the message")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _m_deleteMessage(self, params):
        message = self._existing(params, "delete")
        key = (message["chat"]["id"], message["message_id"])
        del self._messages[key]
        self._deleted.append(key)
        return True

    def _m_answerCallbackQuery(self, params):
        if params.get("callback_query_id") not in self._known_callbacks:
            raise _bad_request("query is too old and response timeout expired or query ID is invalid")
        return True

    def _m_sendChatAction(self, params):
        self._chat_id(params)
        if not params.get("action"):
            raise _bad_request("action is empty")
        return True

    def _m_setWebhook(self, params):
        if not params.get("url"):  # an empty url removes the webhook, as in the real API
            self.webhook = {}
            return True
        self.webhook = {k: params[k] for k in ("url", "secret_token", "allowed_updates", "max_connections",
                                               "certificate", "ip_address") if k in params}
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _m_deleteWebhook(self, params):
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _m_getWebhookInfo(self, params):
        info = {"url": self.webhook.get("url", ""), "has_custom_certificate": "certificate" in self.webhook,
                "pending_update_count": len(self._queue)}
        if info["url"]:
            info["max_connections"] = self.webhook.get("max_connections", 40)
            info["ip_address"] = "127.0.0.1"
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _m_getUpdates(self, params):
        if self.webhook.get("url"):
            raise ApiError(409, {"ok": False, "error_code": 409, "description": "Conflict: can't use getUpdates "
                                 "method while webhook is active; use deleteWebhook to delete the webhook first"})
        offset = params.get("offset") or 0
        # Asking from `offset` confirms every earlier update: the server forgets them.
        if offset > 0:
            self._queue[:] = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue[:] = self._queue[offset:]
        allowed = params.get("allowed_updates")
        if allowed:
            self._queue[:] = [u for u in self._queue if set(u) - {"update_id"} <= set(allowed)]
        limit = min(max(params.get("limit") or 100, 1), 100)
        deadline = time.monotonic() + min(params.get("timeout") or 0, self.MAX_POLL_WAIT)
        while not self._queue and not self._stopping and time.monotonic() < deadline:
            self._updates_arrived.wait(deadline - time.monotonic())
        return copy.deepcopy(self._queue[:limit])

    def _m_setMyCommands(self, params):
        if not isinstance(params.get("commands"), list):
            raise _bad_request("can't parse commands JSON object")
        self.commands = params["commands"]
        return True

    def _m_getMyCommands(self, params):
        return copy.deepcopy(self.commands)

    def _m_getChat(self, params):
        chat = self._chat(self._chat_id(params))
        # ChatFullInfo: PTB 22 requires these fields.
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                                        "premium_subscription": False, "gifts_from_channels": False}}
