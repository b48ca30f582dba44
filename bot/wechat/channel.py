"""Sending neutral notices to residents on WeChat: customer-service text, or a template message."""
from __future__ import annotations

from requests.exceptions import ChunkedEncodingError, ConnectionError, ConnectTimeout, ReadTimeout

from handlers.notices import Notice, Outcome, OutsideWindow, Retry, Sent

from .client import OUT_OF_WINDOW, WeChatClientException, client_for, send_template, send_text


class WeChatChannel:
    """The residents' channel's send(notice) -> Outcome for outbox rows; app.py hands it to the desk.

    An invalid or expired access token is refreshed once inside the client; errcode 45015 (no message
    from the resident for 48 hours) is OutsideWindow, for the desk to fall back to a template or a call.
    """

    def __init__(self, config: dict, redis):
        self.config, self.redis = config, redis

    def send(self, notice: Notice) -> Outcome:
        """Send one notice to the resident (notice.to is their openid)."""
        client = client_for(self.config, self.redis)
        if client is None:
            return Retry("WECHAT_APP_ID / WECHAT_APP_SECRET not configured")
        try:
            if notice.template:
                send_template(client, notice.to, notice.template, template_data(notice))
            else:
                send_text(client, notice.to, notice.text)
        except WeChatClientException as exc:
            if exc.errcode in OUT_OF_WINDOW and not notice.template:
                return OutsideWindow(f"WeChat errcode {exc.errcode}: {exc.errmsg}")
            return Retry(f"WeChat errcode {exc.errcode}: {exc.errmsg}")
        except OSError as exc:  # requests' connection errors are OSErrors
            # A read timeout or a dropped answer comes after WeChat may have accepted the message: the
            # next attempt may send it twice (WeChat has no idempotency key), so the desk counts it.
            lost_answer = isinstance(exc, (ReadTimeout, ChunkedEncodingError)) or (
                isinstance(exc, ConnectionError) and not isinstance(exc, ConnectTimeout))
            return Retry(f"WeChat unreachable: {exc.__class__.__name__}", maybe_sent=lost_answer)
        return Sent()


def template_data(notice: Notice) -> dict:
    """The slots of the service-message template (WECHAT_TEMPLATE_ID) for a notice."""
    return {"first": {"value": "您好，物业服务中心给您留言："}, "keyword1": {"value": notice.subject or ""},
            "keyword2": {"value": notice.text[:180]},
            "remark": {"value": "如有疑问，请回复公众号或拨打24小时值班电话。"}}
