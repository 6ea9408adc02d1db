"""Command: ``remind``: send today's reminders through the config file's channels (cron)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from model.i18n import N_, _
from tui.commands.common import _err, _ledger, _out


def add_parsers(sub: Any, group: Callable[..., Any], cmd: Callable[..., Any]) -> None:
    """Its command's parser (in the order of ``sowtrack --help``)."""
    p = cmd(sub, "remind",
            N_("send what is due today (missing entries, signatures, old blockers, "
            "obligations) by e-mail and group robots, once a day; for cron"),
            "sowtrack remind --dry-run\n"
            "sowtrack --as zhang.wei remind\n"
            "# crontab: every working morning at 09:30\n"
            "30 9 * * 1-5  sowtrack --project DEMO-AGENT --as zhang.wei remind", do_remind)
    p.description = N_(
        "Send what is due today through the channels of the config file's [remind] table\n"
        "(e-mail, DingTalk, Feishu, WeCom; see the README, Reminders): engineers with no\n"
        "entry on the last working day, documents waiting for a party's signature,\n"
        "blockers open past 3 working days, obligations due and not done. Each reminder\n"
        "goes once per channel and day; a channel that fails is tried again next run.")
    p.add_argument("--dry-run", action="store_true",
                   help=N_("print what each channel would send; send and record nothing"))
    p.add_argument("--on", metavar="D", help=N_("the day to remind for (default today in the "
                                             "project's time zone)"))


def do_remind(args: argparse.Namespace) -> int:
    from model.errors import LedgerError
    from model.reminders import language, plan
    from storage.config import config_path
    from storage.remind_config import load_remind

    config = load_remind()
    ledger = _ledger(args)
    due = ledger.reminders(args.on)
    lang = language(due.language)
    if not config.channels and not args.dry_run:
        raise LedgerError(_("config file {path}: no [[remind.channel]] to send through (see "
                            "the README, Reminders)").format(path=config_path()))
    if not due.reminders:
        _out(_("{project} {on}: nothing to remind").format(project=due.project, on=due.on))
        return 0
    if not config.channels:
        _out(_("{project} {on}: {n} reminder(s), no channel set:").format(
            project=due.project, on=due.on, n=len(due.reminders)))
        for r in due.reminders:
            _out(f"- {r.text(lang)}")
        return 0
    failed = False
    for channel in config.channels:
        if args.dry_run:
            sent = ledger.sent_reminders(due.on, channel.name)
            todo = [r for r in due.reminders if r.subject not in sent]
        else:
            claimed = set(ledger.claim_reminders(due.on, channel.name,
                                                 [r.subject for r in due.reminders]))
            todo = [r for r in due.reminders if r.subject in claimed]
        messages, lost = plan(channel, config, due.project, due.on, todo, lang)
        for r in lost:
            who = ", ".join(p.key for p in r.to) or _("nobody")
            _err(_("note: {channel}: no address for {who} ([remind.email]): {text}").format(
                channel=channel.name, who=who, text=r.text(lang)))
        if args.dry_run:
            _dry_run(channel.name, channel.type, messages, len(due.reminders) - len(todo))
            _check_secrets(channel)
            continue
        failed_at, error = _send(channel, messages)
        # what did not go (failed, or nobody to send it to) is forgotten: the next run
        # tries it again
        went = ({x for i, m in enumerate(messages) if i not in failed_at for x in m.subjects}
                - {x for i in failed_at for x in messages[i].subjects})
        ledger.release_reminders(due.on, channel.name,
                                 [r.subject for r in todo if r.subject not in went])
        if error is not None:
            failed = True
            _err(_("error: remind channel {channel} ({type}): {problem}").format(
                channel=channel.name, type=channel.type, problem=error))
            if went:
                _out(_("{channel}: sent {n} reminder(s) before the error").format(
                    channel=channel.name, n=len(went)))
            continue
        skipped = len(due.reminders) - len(todo)
        _out(_("{channel}: sent {n} reminder(s) in {messages} message(s)").format(
            channel=channel.name, n=len(went), messages=len(messages))
             + (_("; {n} already sent today").format(n=skipped) if skipped else ""))
    return 1 if failed else 0


def _send(channel: Any, messages: list[Any]) -> tuple[set[int], str | None]:
    """(the indexes of ``messages`` that did not go, the first error or None)."""
    from exports.notify import SendError, post_webhook, send_mail

    every = set(range(len(messages)))
    if channel.type == "email":
        try:
            send_mail(channel, [(m.to, m.title, m.text) for m in messages])
        except SendError as exc:
            return every if exc.failed is None else set(exc.failed), str(exc)
        return set(), None
    for i, m in enumerate(messages):
        try:
            post_webhook(channel, m.text)
        except SendError as exc:  # the same server: the rest would fail alike
            return set(range(i, len(messages))), str(exc)
    return set(), None


def _check_secrets(channel: Any) -> None:
    """A note when a variable the channel reads a secret from is not set (the run would
    fail on it: cron's environment is bare)."""
    from exports.notify import SendError, secret

    try:
        secret(channel, channel.password_env)
        secret(channel, channel.secret_env)
    except SendError as exc:
        _err(_("note: {channel}: {problem}: the run would fail").format(
            channel=channel.name, problem=exc))


def _dry_run(name: str, kind: str, messages: list[Any], skipped: int) -> None:
    tail = _(" ({n} already sent today)").format(n=skipped) if skipped else ""
    if not messages:
        _out(_("{channel} ({type}): nothing new to send{tail}").format(
            channel=name, type=kind, tail=tail))
        return
    _out(_("{channel} ({type}): would send {n} message(s){tail}").format(
        channel=name, type=kind, n=len(messages), tail=tail))
    for m in messages:
        if m.to:
            _out(_("  to {to}: {title}").format(to=", ".join(m.to), title=m.title))
        for line in m.text.splitlines():
            _out(f"    {line}")
