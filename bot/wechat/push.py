"""Build pushes the way WeChat's servers send them (signed, optionally encrypted), with wechatpy.

Used by `wuye demo`, the tests and the load benchmark to drive the real webhook path.
"""
from __future__ import annotations

import itertools
import secrets
import time
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

ACCOUNT = "gh_wuye_demo"
_ids = itertools.count(int(time.time() * 1000) % 10**12)


def next_msg_id() -> int:
    """A fresh MsgId."""
    return next(_ids) * 1000 + secrets.randbelow(1000)


def _xml(fields: dict) -> str:
    parts = []
    for name, value in fields.items():
        if value is None:
            continue
        parts.append(f"<{name}>{value}</{name}>" if isinstance(value, (int, float)) else
                     f"<{name}><![CDATA[{value}]]></{name}>")
    return "<xml>" + "".join(parts) + "</xml>"


def text(openid: str, content: str, msg_id: int | None = None, created: int | None = None) -> str:
    """A text message."""
    return _xml({"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": created or int(time.time()),
                 "MsgType": "text", "Content": content, "MsgId": msg_id or next_msg_id()})


def image(openid: str, media_id: str = "media-1", url: str = "http://mmbiz.qpic.cn/demo.jpg",
          msg_id: int | None = None) -> str:
    """A photo."""
    return _xml({"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": int(time.time()), "MsgType": "image",
                 "PicUrl": url, "MediaId": media_id, "MsgId": msg_id or next_msg_id()})


def voice(openid: str, recognition: str | None, msg_id: int | None = None) -> str:
    """A voice note, with WeChat's recognition text when given."""
    return _xml({"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": int(time.time()), "MsgType": "voice",
                 "MediaId": "voice-1", "Format": "amr", "Recognition": recognition, "MsgId": msg_id or next_msg_id()})


def location(openid: str, latitude: float, longitude: float, label: str, msg_id: int | None = None) -> str:
    """A location pin."""
    return _xml({"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": int(time.time()),
                 "MsgType": "location", "Location_X": latitude, "Location_Y": longitude, "Scale": 15,
                 "Label": label, "MsgId": msg_id or next_msg_id()})


def event(openid: str, name: str, key: str | None = None, created: int | None = None) -> str:
    """An event (subscribe, unsubscribe, CLICK with a menu key); events carry no MsgId."""
    return _xml({"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": created or int(time.time()),
                 "MsgType": "event", "Event": name, "EventKey": key})


def raw(openid: str, msg_type: str, **fields) -> str:
    """Any other message type (video, link, file...)."""
    return _xml({"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": int(time.time()),
                 "MsgType": msg_type, **fields, "MsgId": next_msg_id()})


def query(token: str, timestamp: int | None = None, nonce: str | None = None, **extra) -> dict:
    """The signed query string WeChat adds to a push."""
    timestamp = str(timestamp or int(time.time()))
    nonce = nonce or secrets.token_hex(5)
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return {"signature": signer.signature, "timestamp": timestamp, "nonce": nonce, **extra}


def encrypted(token: str, aes_key: str, app_id: str, xml: str, openid: str = "") -> tuple[dict, str]:
    """Safe mode: the query (with msg_signature) and the encrypted envelope for a push."""
    params = query(token, openid=openid, encrypt_type="aes")
    envelope = WeChatCrypto(token, aes_key, app_id).encrypt_message(xml, params["nonce"], params["timestamp"])
    tree = ElementTree.fromstring(envelope)
    params["msg_signature"] = tree.findtext("MsgSignature")
    body = f"<xml><ToUserName><![CDATA[{escape(ACCOUNT)}]]></ToUserName><Encrypt><![CDATA[{tree.findtext('Encrypt')}]]></Encrypt></xml>"
    return params, body


def decrypt_reply(token: str, aes_key: str, app_id: str, body: str, params: dict) -> str:
    """The plaintext of an encrypted passive reply."""
    tree = ElementTree.fromstring(body)
    crypto = WeChatCrypto(token, aes_key, app_id)
    return crypto.decrypt_message(body, tree.findtext("MsgSignature"), tree.findtext("TimeStamp"),
                                  tree.findtext("Nonce"))


def reply_text(body: str) -> str | None:
    """The Content of a plaintext passive reply ('success' means no reply)."""
    if body.strip() == "success":
        return None
    return ElementTree.fromstring(body).findtext("Content")
