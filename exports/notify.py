"""Sending reminders: e-mail over SMTP, and the group robots of DingTalk, Feishu and WeCom.

Only the standard library (``smtplib``, ``urllib``): a channel is a
:class:`model.reminders.Channel`, a message plain text. A failure is a
:class:`SendError` whose text is one line naming what went wrong (the server refused,
could not be reached, answered with an error code); the caller names the channel.

The robots' JSON, as each documents it (text messages):

* DingTalk custom robot: ``{"msgtype": "text", "text": {"content": ...}}``, posted to the
  webhook URL; with a signing secret, ``timestamp`` (milliseconds) and ``sign`` =
  URL-encoded Base64 of HMAC-SHA256(key = secret, message = timestamp + "\\n" + secret)
  are added to the URL's query. The reply is ``{"errcode": 0, "errmsg": "ok"}``.
  DingTalk's "custom robot access" page,
  https://developers.dingtalk.com/document/robots/custom-robot-access (earlier
  https://ding-doc.dingtalk.com/doc#/serverapi2/krgddi); its 加签 text (timestamp in
  ms + "\n" + secret, HmacSHA256, Base64, then urlEncode) as quoted at
  https://www.mihaoyun.com/wordpress/?p=391 and in the error ``310000 sign not match``.
* Feishu custom bot: ``{"msg_type": "text", "content": {"text": ...}}``; with a signing
  secret the body also carries ``timestamp`` (seconds, a string) and ``sign`` = Base64
  of HMAC-SHA256(key = timestamp + "\\n" + secret, message = empty). The reply is
  ``{"code": 0, "msg": "success"}`` (older servers: ``{"StatusCode": 0}``).
  Feishu's 自定义机器人使用指南,
  https://open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN
  (also https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot).
* WeCom group robot: ``{"msgtype": "text", "text": {"content": ...}}`` posted to
  ``.../cgi-bin/webhook/send?key=...``; no signing. The reply is
  ``{"errcode": 0, "errmsg": "ok"}``.
  WeCom's 群机器人配置说明, https://developer.work.weixin.qq.com/document/path/91770
  (text.content at most 2048 bytes).

A non-zero ``errcode``, ``code`` or ``StatusCode`` in the reply is a failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import quote_plus

from model.i18n import _
from model.reminders import Channel


class SendError(Exception):
    """A channel could not send: one line saying why; ``failed``, the indexes of the
    messages that did not go (None: none went)."""

    def __init__(self, text: str, failed: Sequence[int] | None = None):
        super().__init__(text)
        self.failed = None if failed is None else tuple(failed)


def secret(channel: Channel, variable: str | None) -> str | None:
    """The value of the environment variable ``variable`` (None: not configured); set in
    the config but absent from the environment is a SendError naming it."""
    if variable is None:
        return None
    value = os.environ.get(variable)
    if value is None or not value:
        raise SendError(_("the environment variable {variable} is not set")
                        .format(variable=variable))
    return value


def dingtalk_sign(secret_text: str, timestamp_ms: int) -> str:
    """DingTalk's ``sign``: Base64 of HMAC-SHA256 keyed by the secret over
    ``timestamp + "\\n" + secret`` (not yet URL-encoded)."""
    digest = hmac.new(secret_text.encode("utf-8"),
                      f"{timestamp_ms}\n{secret_text}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_sign(secret_text: str, timestamp_s: int) -> str:
    """Feishu's ``sign``: Base64 of HMAC-SHA256 keyed by ``timestamp + "\\n" + secret``
    over an empty message."""
    key = f"{timestamp_s}\n{secret_text}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def webhook_request(channel: Channel, text: str,
                    now: float | None = None) -> tuple[str, dict[str, object]]:
    """(URL, JSON body) of a text message to ``channel``'s robot, signed when it has a
    secret."""
    now = time.time() if now is None else now
    key = secret(channel, channel.secret_env)
    url = channel.url
    if channel.type == "feishu":
        body: dict[str, object] = {"msg_type": "text", "content": {"text": text}}
        if key is not None:
            ts = int(now)
            body = {"timestamp": str(ts), "sign": feishu_sign(key, ts), **body}
        return url, body
    body = {"msgtype": "text", "text": {"content": text}}
    if channel.type == "dingtalk" and key is not None:
        ts = int(now * 1000)
        sep = "&" if "?" in url else "?"
        url = f"{url}{sep}timestamp={ts}&sign={quote_plus(dingtalk_sign(key, ts))}"
    return url, body


def post_webhook(channel: Channel, text: str) -> None:
    """Post ``text`` to ``channel``'s robot; a SendError unless it answers code 0."""
    from urllib.error import HTTPError, URLError
    from urllib.request import Request, urlopen

    url, body = webhook_request(channel, text)
    request = Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                      headers={"Content-Type": "application/json; charset=utf-8"},
                      method="POST")
    try:
        with urlopen(request, timeout=channel.timeout) as reply:  # noqa: S310 - config's URL
            raw = reply.read(1 << 20)
    except HTTPError as exc:
        raise SendError(_("the server answered HTTP {code} {reason}")
                        .format(code=exc.code, reason=exc.reason)) from None
    except URLError as exc:
        raise SendError(_("cannot reach {host}: {reason}")
                        .format(host=_host(url), reason=_reason(exc.reason))) from None
    except (OSError, ValueError) as exc:
        raise SendError(_("cannot reach {host}: {reason}")
                        .format(host=_host(url), reason=_reason(exc))) from None
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SendError(_("the server's answer is not JSON")) from None
    if not isinstance(answer, dict):
        raise SendError(_("the server's answer is not a JSON object"))
    for key in ("errcode", "code", "StatusCode"):
        code = answer.get(key)
        if code not in (None, 0, "0"):
            said = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage")
            if said:
                raise SendError(_("the server answered {key} {code}: {said}").format(
                    key=key, code=code, said=_one_line(str(said))))
            raise SendError(_("the server answered {key} {code}").format(key=key, code=code))


def send_mail(channel: Channel, mails: Sequence[tuple[tuple[str, ...], str, str]]) -> None:
    """Send each (recipients, subject, body) over one SMTP session of ``channel``. A mail
    whose recipient or content the server refuses is skipped and the others still go; a
    server that cannot be reached, or refuses the login or the sender, stops the rest.
    Then a SendError (the first error) whose ``failed`` lists the mails that did not go."""
    import smtplib
    import ssl

    password = secret(channel, channel.password_env)
    if channel.user is not None and password is None:
        raise SendError(_("user is set but password_env is not"))
    failed: list[int] = []
    first: str | None = None
    where = f"{channel.host}:{channel.port}"
    done = 0
    try:
        if channel.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(channel.host, channel.port,
                                                  timeout=channel.timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(channel.host, channel.port, timeout=channel.timeout)
        with smtp:
            if channel.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if channel.user is not None:
                _login(smtp, channel.user, password or "")
            for i, (to, subject, body) in enumerate(mails):
                msg = EmailMessage()
                msg["From"] = channel.sender
                msg["To"] = ", ".join(to)
                msg["Subject"] = subject
                msg["Date"] = formatdate(localtime=False, usegmt=True)
                msg["Message-ID"] = make_msgid(domain=channel.sender.rpartition("@")[2])
                msg.set_content(body, charset="utf-8")
                try:
                    smtp.send_message(msg, from_addr=channel.sender, to_addrs=list(to))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                    failed.append(i)
                    first = first or _("the mail server {where} refused: {reason}").format(
                        where=where, reason=_reason(exc))
                done = i + 1
    except smtplib.SMTPException as exc:
        if done < len(mails):  # else every mail was handed over; only QUIT failed
            failed += range(done, len(mails))
            first = first or _("the mail server {where} refused: {reason}").format(
                where=where, reason=_reason(exc))
    except (OSError, ssl.SSLError, ValueError) as exc:  # ValueError: a host IDNA refuses
        if done < len(mails):
            failed += range(done, len(mails))
            first = first or _("cannot reach the mail server {where}: {reason}").format(
                where=where, reason=_reason(exc))
    if first is not None:
        raise SendError(first, failed)


def _login(smtp: Any, user: str, password: str) -> None:
    """``smtp.login``; credentials beyond ASCII (which smtplib cannot encode) go as
    AUTH PLAIN in UTF-8, as RFC 4616 defines it."""
    import smtplib

    if (user + password).isascii():
        smtp.login(user, password)
        return
    smtp.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, said = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, said)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.netloc.rpartition("@")[2] or url  # never the path: it holds the token


def _reason(exc: object) -> str:
    import smtplib

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr}: {code} {_text(said)}"
                         for addr, (code, said) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, OSError) and exc.strerror:
        return _one_line(exc.strerror)
    return _one_line(str(exc)) or type(exc).__name__


def _text(said: bytes | str) -> str:
    return _one_line(said.decode("utf-8", "replace") if isinstance(said, bytes) else said)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
