"""``sowtrack verify``: the audit log alone must explain every table.

Five checks, each naming what it finds, one line per problem:

1. the chain: every row's hash follows from the previous row and its content;
2. the witness: the chain still holds the head witnessed outside the tables
   (storage/witness.py), so removing the newest rows with their records is found;
3. the records: the state of every meaningful table, replayed from the audit log
   (storage/records.py), is what the tables hold: a row added, deleted or changed by
   any means other than the program is named, with the field, the recorded value
   and the value found;
4. the signatures: each signature's digest is the digest of its document now;
5. the per-date sums kept for the figures (storage/figures.py): each is what the
   entries give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from model.i18n import _
from storage import records, witness
from storage.audit import verify_chain
from storage.figures import stored_sum_problems
from storage.orm import AuditEvent, AuditWitness, Project, Signature
from storage.records.entry_batch import ENTITY as BATCH
from storage.records.entry_stream import EntryCheck, entry_problems

#: (kind, id, number, digest of its canonical content) of every signed document
SignedDigests = Callable[[Session, Project], Iterable[tuple[str, int, str, str]]]


def verify_ledger(engine: Engine, s: Session,
                  signed_contents: SignedDigests) -> tuple[int, list[str]]:
    """(audit rows checked, problems) for every project of the ledger."""
    projects = {p.code: p for p in s.scalars(select(Project).order_by(Project.id))}
    # each project's entries are checked as the chain walk passes their audit rows
    entries = {code: EntryCheck(s, project) for code, project in projects.items()}
    count, chain_problems = verify_chain(
        s, entries={code: check.audit_row for code, check in entries.items()})
    problems = [str(p) for p in chain_problems]
    problems += _check_witness(engine, s)
    logged = [c for c in s.scalars(select(AuditEvent.project_code).distinct()) if c]
    for code in sorted(set(projects) | set(logged)):
        project = projects.get(code)
        if project is None:
            problems.append(_("{code}: deleted behind the program's back (the audit log holds "
                              "its creation)").format(code=code))
            continue
        problems += _verify_project(s, project, signed_contents, entries[code])
    problems += stored_sum_problems(s)  # the per-date sums kept for the figures
    return count, problems


def _check_witness(engine: Engine, s: Session) -> list[str]:
    problems = []
    if engine.dialect.name != "postgresql" and s.scalar(select(AuditWitness.id).limit(1)):
        problems.append(_("audit_witness: holds rows, but a SQLite ledger keeps its witness in "
                          "a file beside it (added behind the program's back)"))
    return problems + _check_head(engine, s)


def _check_head(engine: Engine, s: Session) -> list[str]:
    head, where = witness.read(engine, s)
    if head is None:
        return []
    row = s.execute(select(AuditEvent.id, AuditEvent.hash)
                    .where(AuditEvent.id == head.audit_id)).first()
    if row is None:
        last = s.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar()
        if last is None:
            return [_("audit log: the chain is empty, before the head witnessed in {where} "
                      "({head}): its newest rows were removed").format(where=where, head=head)]
        return [_("audit log: the chain ends at audit row {last}, before the head witnessed "
                  "in {where} ({head}): its newest rows were removed")
                .format(last=last, where=where, head=head)]
    if row.hash != head.hash:
        return [_("audit row {row}: its hash is not the one witnessed in {where} ({head}): "
                  "the chain was rewritten").format(row=head.audit_id, where=where, head=head)]
    if engine.dialect.name != "postgresql":
        return []
    # Every earlier head witnessed must be in the chain too.
    stale = s.execute(select(AuditWitness.id, AuditWitness.audit_id)
                      .outerjoin(AuditEvent, AuditEvent.id == AuditWitness.audit_id)
                      .where(AuditEvent.hash.is_distinct_from(AuditWitness.hash))
                      .order_by(AuditWitness.id)).all()
    stale_row = _("audit_witness row {id}: witnesses audit row {row} with a hash the chain "
                  "does not hold: the chain or the witness was rewritten")
    return [stale_row.format(id=w.id, row=w.audit_id) for w in stale]


def _verify_project(s: Session, project: Project, signed_contents: SignedDigests,
                    entries: EntryCheck) -> list[str]:
    code = project.code
    # The time entries (millions, in their own rows and in imports' batch rows) are
    # streamed apart (records.entry_stream); the rest is replayed and read whole.
    rows = s.execute(select(AuditEvent.action, AuditEvent.entity, AuditEvent.ref,
                            AuditEvent.after)
                     .where(AuditEvent.project_code == code,
                            AuditEvent.entity.not_in(("entry", BATCH)))
                     .order_by(AuditEvent.id))
    from storage.sowfile import parse_sow

    replayed = records.replay(rows, parse_sow)
    if not replayed.created:
        return [_("{code}: its creation is not in the audit log").format(code=code)]
    problems, bad = records.compare(code, replayed,
                                    records.table_records(s, project, entries=False),
                                    entry_problems(s, project, check=entries))
    for kind, doc_id, number, expected in signed_contents(s, project):
        for sig in s.scalars(select(Signature).where(Signature.doc_kind == kind,
                                                     Signature.doc_id == doc_id)
                             .options(selectinload(Signature.person)).order_by(Signature.id)):
            if sig.digest == expected:
                continue
            # An intact signature row: the document changed since it was signed. An
            # edited one: say no more than what is known.
            who = _("{code} {number} signature of {person}").format(
                code=code, number=number, person=sig.person.key)
            intact = ("signature", records.signature_ref(number, sig.person.key)) not in bad
            problems.append(_("{who}: the document no longer matches what was signed on "
                              "{signed_on}").format(who=who, signed_on=sig.signed_on) if intact
                            else _("{who}: its digest does not match the document")
                            .format(who=who))
    return problems
