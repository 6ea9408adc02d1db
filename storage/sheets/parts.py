"""What every kind's builder returns, and who signs a sheet: shared by the builders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic

from model.i18n import _, word
from model.sheets import D, Signatory
from model.views import SignatureView
from storage.services import Ledger


@dataclass(frozen=True)
class SheetParts(Generic[D]):
    """What a kind's builder returns: the rest is common to every sheet."""

    title: str
    content: dict[str, Any]  # canonical, JSON-able: its SHA-256 identifies the sheet
    data: D  # the typed figures the renderer draws
    signatories: tuple[Signatory, ...] = ()
    landscape: bool = False


def signatories(ledger: Ledger, signed: tuple[SignatureView, ...] = ()) -> tuple[Signatory, ...]:
    """Who signs for each party (the vendor lead and signatories, the client signatories),
    with the date of their signature where the ledger has one."""
    on = {s.person: s.on for s in signed}
    out = []
    for p in ledger.people():
        if (p.party == "vendor" and p.role in ("lead", "signatory")) or (
                p.party == "client" and p.role == "signatory"):
            out.append(Signatory(p.party, p.name, p.title or p.role, on.get(p.key)))
    signed_people = [s for s in out if s.signed_on]
    # When signatures are on record, print those who signed; else everyone who may.
    for party in ("vendor", "client"):
        if any(s.party == party for s in signed_people):
            out = [s for s in out if s.party != party or s.signed_on]
    return tuple(out)


def signed_by(signatures: tuple[SignatureView, ...] | list[SignatureView]) -> str:
    """Who signed, for a person reading a sheet's status: ``Li Na (client) 2026-04-03,
    ...`` (the party in the language spoken), or "nobody"."""
    return ", ".join(f"{s.name} ({word('party', s.party)}) {s.on}" for s in signatures) \
        or _("nobody")
