"""The config file's ``[remind]`` table: the channels ``sowtrack remind`` sends through.

```toml
[remind.email]                    # person id = address
"liu.yang" = "liu.yang@vendor.example"

[[remind.channel]]
name = "mail"                     # how messages and the ledger name it
type = "email"                    # email | dingtalk | feishu | wecom
host = "smtp.vendor.example"
port = 587
security = "starttls"             # starttls (default) | ssl | none
user = "sowtrack@vendor.example"  # optional: no login without it
password_env = "SOWTRACK_SMTP_PASSWORD"  # the password is read from this variable
from = "sowtrack@vendor.example"
to = ["pmo@vendor.example"]       # optional: also gets every reminder

[[remind.channel]]
name = "team"
type = "dingtalk"
url = "https://oapi.dingtalk.com/robot/send?access_token=..."
secret_env = "SOWTRACK_DINGTALK_SECRET"  # optional: the robot's signing secret
```

A mistake is a LedgerError naming the file and the key (``remind.channel[2].port``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from model.errors import LedgerError
from model.i18n import _
from model.reminders import CHANNEL_TYPES, SECURITY, Channel, RemindConfig
from model.usertext import text_problem
from storage.config import config_path, read_toml

#: the longest a channel may wait for its server, in seconds
MAX_TIMEOUT = 3600

_COMMON = {"name", "type", "timeout"}
_KEYS = {
    "email": _COMMON | {"host", "port", "security", "user", "password_env", "from", "to"},
    "dingtalk": _COMMON | {"url", "secret_env"},
    "feishu": _COMMON | {"url", "secret_env"},
    "wecom": _COMMON | {"url"},
}


def load_remind(path: Path | None = None) -> RemindConfig:
    """The ``[remind]`` table of the config file (an absent file or table: no channel)."""
    path = path or config_path()
    table = read_toml(path).get("remind", {})
    where = _("config file {path}").format(path=path) + ": remind"
    if not isinstance(table, dict):
        raise LedgerError(_("{where}: must be a table ([remind])").format(where=where))
    unknown = set(table) - {"email", "channel"}
    if unknown:
        raise LedgerError(_("{where}: unknown key {key!r} (known: channel, email)")
                          .format(where=where, key=sorted(unknown)[0]))
    emails = table.get("email", {})
    if not isinstance(emails, dict):
        raise LedgerError(_("{where}.email: must be a table of person id = address")
                          .format(where=where))
    for person, address in emails.items():
        shown = person if text_problem(person) is None else repr(person)  # never an ESC
        _address(address, f"{where}.email.{shown}")
    raw = table.get("channel", [])
    if not isinstance(raw, list):
        raise LedgerError(_("{where}.channel: must be an array of tables ([[remind.channel]])")
                          .format(where=where))
    channels: list[Channel] = []
    for i, c in enumerate(raw, 1):
        channels.append(_channel(c, f"{where}.channel[{i}]"))
    names = [c.name for c in channels]
    for name in names:
        if names.count(name) > 1:
            raise LedgerError(_("{where}.channel: two channels are named {name!r}")
                              .format(where=where, name=name))
    return RemindConfig(tuple(channels), tuple(sorted(emails.items())))


def _channel(c: Any, where: str) -> Channel:
    if not isinstance(c, dict):
        raise LedgerError(_("{where}: must be a table").format(where=where))
    kind = _text(c, "type", where)
    if kind not in CHANNEL_TYPES:
        raise LedgerError(_("{where}.type: {kind!r} is not one of {choices}")
                          .format(where=where, kind=kind, choices=", ".join(CHANNEL_TYPES)))
    if "password" in c or "secret" in c:
        key = "password" if "password" in c else "secret"
        raise LedgerError(_("{where}.{key}: not kept in the file; name the environment variable "
                            "that holds it in {key}_env").format(where=where, key=key))
    unknown = set(c) - _KEYS[kind]
    if unknown:
        raise LedgerError(_("{where}: unknown key {key!r} for a {kind} channel (known: "
                            "{known})")
                          .format(where=where, key=sorted(unknown)[0], kind=kind,
                                  known=", ".join(sorted(_KEYS[kind]))))
    name = _text(c, "name", where)
    if len(name) > 64:
        raise LedgerError(_("{where}.name: at most 64 characters").format(where=where))
    timeout = c.get("timeout", 10)
    # a socket refuses NaN, infinity and what overflows its clock (ValueError,
    # OverflowError mid-send): the bounds are checked here, naming the key
    if (isinstance(timeout, bool) or not isinstance(timeout, int | float)
            or not 0 < timeout <= MAX_TIMEOUT):
        raise LedgerError(_("{where}.timeout: must be a number of seconds above 0 and at most "
                            "{max_timeout}").format(where=where, max_timeout=MAX_TIMEOUT))
    if kind != "email":
        url = _text(c, "url", where)
        if not url.startswith(("https://", "http://")):
            raise LedgerError(_("{where}.url: must be an http(s) address").format(where=where))
        return Channel(name, kind, url=url, secret_env=_opt(c, "secret_env", where),
                       timeout=float(timeout))
    port = c.get("port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise LedgerError(_("{where}.port: must be a port number (1-65535)")
                          .format(where=where))
    security = c.get("security", "starttls")
    if security not in SECURITY:
        raise LedgerError(_("{where}.security: {security!r} is not one of {choices}")
                          .format(where=where, security=security, choices=", ".join(SECURITY)))
    to = c.get("to", [])
    if not isinstance(to, list):
        raise LedgerError(_("{where}.to: must be an array of addresses").format(where=where))
    return Channel(name, kind, host=_text(c, "host", where), port=port, security=security,
                   user=_opt(c, "user", where), password_env=_opt(c, "password_env", where),
                   sender=_address(c.get("from"), f"{where}.from"),
                   to=tuple(_address(a, f"{where}.to") for a in to), timeout=float(timeout))


def _text(c: dict[str, Any], key: str, where: str) -> str:
    value = c.get(key)
    if value is None:
        raise LedgerError(_("{where}.{key}: missing").format(where=where, key=key))
    if not isinstance(value, str) or not value.strip():
        raise LedgerError(_("{where}.{key}: must be a non-empty string")
                          .format(where=where, key=key))
    problem = text_problem(value)  # printed, recorded in the ledger, sent in headers
    if problem is not None:
        raise LedgerError(f"{where}.{key}: {problem}")
    return value.strip()


def _opt(c: dict[str, Any], key: str, where: str) -> str | None:
    return _text(c, key, where) if key in c else None


def _address(value: Any, where: str) -> str:
    if value is None:
        raise LedgerError(_("{where}: missing").format(where=where))
    if not isinstance(value, str) or "@" not in value or text_problem(value) is not None \
            or any(ch.isspace() for ch in value.strip()):
        raise LedgerError(_("{where}: {value!r} is not an e-mail address")
                          .format(where=where, value=value))
    if not value.isascii():  # smtplib does not send SMTPUTF8 addresses
        raise LedgerError(_("{where}: {value!r}: only ASCII addresses can be sent to")
                          .format(where=where, value=value))
    return value.strip()
