"""Exact PD and money: minutes and thousandths to ``Fraction``s, rounding at the edge, digests.

Rounding is half to even, which is what the worked example's 81.5625 -> 81.562 requires;
a rounded table's cells add up to its rounded totals.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from json.encoder import encode_basestring  # json.dumps(ensure_ascii=False)'s


def pd_of_minutes(minutes: int, minutes_per_day: int) -> Fraction:
    """Person-days in ``minutes`` of work, exactly."""
    return Fraction(minutes, minutes_per_day)


def pd_of_milli(milli: int) -> Fraction:
    """Person-days stored as integer thousandths (budgets and CR deltas)."""
    return Fraction(milli, 1000)


def _round(value: Fraction | int, places: int) -> Decimal:
    # round() on a Fraction rounds half to even, exactly.
    scaled = round(Fraction(value) * 10**places)
    return Decimal(scaled).scaleb(-places)


def round_pd(value: Fraction | int) -> Decimal:
    """A PD figure as shown and exported: 3 decimals, half to even."""
    return _round(value, 3)


def round_money(value: Fraction | int) -> Decimal:
    """A money figure as shown and exported: 2 decimals, half to even."""
    return _round(value, 2)


def _units(value: Fraction | int | Decimal, places: int) -> int:
    """``value`` in units of the last place, rounded half to even as :func:`_round` does."""
    return round(Fraction(value) * 10**places)


def round_to_total(values: Sequence[Fraction | int], places: int,
                   total: Fraction | int | Decimal | None = None) -> list[Decimal]:
    """``values`` rounded to ``places`` decimals so that they add up exactly to ``total``
    rounded the same way (by default their exact sum, rounded half to even as every
    figure is shown): the largest-remainder method.

    Every value is rounded down to its last place; the units still missing go one each
    to the values with the largest remainders, ties to the earlier value (a value that
    is exact at ``places`` never takes one). Each result is within one unit of the last
    place of its exact value whenever ``total`` is within one unit of the exact sum
    (a total below the sum of the floors takes units back from the smallest remainders).
    """
    unit = 10**places
    # In integers over one common denominator (a hundred thousand entries' hours and PD
    # in a second, not in Fraction arithmetic): value i scaled is scaled[i] / common.
    exact = [v if isinstance(v, int | Fraction) else Fraction(v) for v in values]
    common = math.lcm(*{v.denominator for v in exact}) if exact else 1
    scaled = [v.numerator * (common // v.denominator) * unit for v in exact]
    target = (round(Fraction(sum(scaled), common)) if total is None
              else _units(total, places))
    floors = [x // common for x in scaled]
    remainders = [x - f * common for x, f in zip(scaled, floors, strict=True)]
    out = list(floors)
    missing = target - sum(floors)
    if scaled:
        order = sorted(range(len(scaled)), key=lambda i: (-remainders[i], i))
        step = 1 if missing >= 0 else -1
        if step < 0:
            order.reverse()
        for k in range(abs(missing)):
            out[order[k % len(order)]] += step
    elif missing:
        raise ValueError("no values to add up to a total that is not zero")
    return [Decimal(n).scaleb(-places) for n in out]


@dataclass(frozen=True)
class RoundedTable:
    """A table of figures rounded so that it foots both ways (see :func:`round_table`)."""

    cells: list[list[Decimal]]
    row_totals: list[Decimal]
    column_totals: list[Decimal]
    total: Decimal


def round_table(cells: Sequence[Sequence[Fraction | int]], places: int) -> RoundedTable:
    """A table with row and column totals, rounded to ``places`` decimals so that every
    row adds up to its total as printed, every column to its total, and the totals to the
    grand total (the exact sum rounded half to even).

    Largest remainder cannot be applied to rows and to columns independently (the two
    choices may need a unit in a cell that is exact). This is controlled rounding: every
    cell and every total is its exact value rounded down or up (an exact one stays as it
    is), found as an integer flow from rows to columns whose row and column sums lie
    between their floors and ceilings (such a flow exists for every table, since the
    exact table is a fractional one and the flow polytope is integral). Deterministic:
    the flow is augmented along shortest paths, rows and columns in order.
    """
    unit = 10**places
    n_rows = len(cells)
    n_cols = max((len(r) for r in cells), default=0)
    exact = [[Fraction(r[j]) * unit if j < len(r) else Fraction(0) for j in range(n_cols)]
             for r in cells]
    floors = [[math.floor(x) for x in row] for row in exact]
    frac = [[exact[i][j] - floors[i][j] for j in range(n_cols)] for i in range(n_rows)]
    row_frac = [sum(r, Fraction(0)) for r in frac]
    col_frac = [sum((frac[i][j] for i in range(n_rows)), Fraction(0)) for j in range(n_cols)]
    grand = sum(row_frac, Fraction(0))
    # Units to add to the floors: the whole table's exact sum rounded half to even, less
    # the floors (rounding the fractions alone gets a tie wrong when the floors are odd).
    base = sum(sum(row) for row in floors)
    target = round(base + grand) - base
    # nodes: 0 source, 1 sink, rows, columns; edges with [low, high] bounds, then the
    # circulation sink -> source of exactly ``target``.
    s, t = 0, 1
    row_node = [2 + i for i in range(n_rows)]
    col_node = [2 + n_rows + j for j in range(n_cols)]
    size = 2 + n_rows + n_cols + 2
    ss, tt = size - 2, size - 1
    cap = [[0] * size for _ in range(size)]
    excess = [0] * size
    bounded: list[tuple[int, int, int]] = []

    def edge(u: int, v: int, low: int, high: int) -> None:
        cap[u][v] += high - low
        excess[v] += low
        excess[u] -= low
        bounded.append((u, v, low))

    for i in range(n_rows):
        edge(s, row_node[i], math.floor(row_frac[i]), math.ceil(row_frac[i]))
        for j in range(n_cols):
            if frac[i][j]:
                edge(row_node[i], col_node[j], 0, 1)
    for j in range(n_cols):
        edge(col_node[j], t, math.floor(col_frac[j]), math.ceil(col_frac[j]))
    edge(t, s, target, target)
    need = 0
    for v in range(size - 2):
        if excess[v] > 0:
            cap[ss][v] += excess[v]
            need += excess[v]
        elif excess[v] < 0:
            cap[v][tt] -= excess[v]
    original = [row[:] for row in cap]
    flowed = 0
    while flowed < need:
        parent = [-1] * size
        parent[ss] = ss
        queue = [ss]
        for u in queue:
            for v in range(size):
                if parent[v] < 0 and cap[u][v] > 0:
                    parent[v] = u
                    queue.append(v)
        if parent[tt] < 0:  # cannot happen: a controlled rounding always exists
            raise ArithmeticError("no controlled rounding of the table")
        push, v = need - flowed, tt
        while v != ss:
            push = min(push, cap[parent[v]][v])
            v = parent[v]
        v = tt
        while v != ss:
            cap[parent[v]][v] -= push
            cap[v][parent[v]] += push
            v = parent[v]
        flowed += push

    def used(u: int, v: int) -> int:
        return max(0, original[u][v] - cap[u][v])

    up = [[used(row_node[i], col_node[j]) if frac[i][j] else 0 for j in range(n_cols)]
          for i in range(n_rows)]
    out = [[floors[i][j] + up[i][j] for j in range(n_cols)] for i in range(n_rows)]

    def dec(n: int) -> Decimal:
        return Decimal(n).scaleb(-places)

    return RoundedTable(
        cells=[[dec(x) for x in row] for row in out],
        row_totals=[dec(sum(row)) for row in out],
        column_totals=[dec(sum(out[i][j] for i in range(n_rows))) for j in range(n_cols)],
        total=dec(sum(sum(row) for row in out)))


def canonical_json(content: object) -> str:
    """A document's canonical JSON (sorted keys, no spaces, the text as it is): what its
    digest is taken of."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def digest(content: object) -> str:
    """SHA-256 of a document's canonical JSON (sorted keys, no spaces, UTF-8)."""
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def canonical_value(value: object) -> str:
    """One value as :func:`canonical_json` writes it inside a document: a text or an int
    written directly (a period's hundreds of thousands of entries), anything else by
    :func:`canonical_json` itself."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)  # type: ignore[arg-type]
    if kind is int:
        return int.__repr__(value)  # type: ignore[arg-type]  # json's own int form
    return canonical_json(value)


def digest_with_rows(content: Mapping[str, object], key: str, rows: Iterable[str]) -> str:
    """``digest({**content, key: those rows})``, each row given as its canonical JSON
    already (:func:`canonical_value` of each value, ``[a,b,...]``), without building the
    list or its text in one piece: canonical JSON of a mapping is ``{`` + the items in key
    order, ``key:value`` each, joined by ``,`` + ``}``."""
    h = hashlib.sha256()
    sep = "{"
    for k in sorted({**content, key: None}):
        if k == key:
            h.update(f"{sep}{canonical_json(k)}:[".encode())
            comma = ""
            batch: list[str] = []
            for row in rows:
                batch.append(comma + row)
                comma = ","
                if len(batch) >= 4096:
                    h.update("".join(batch).encode())
                    batch.clear()
            h.update(("".join(batch) + "]").encode())
        else:
            h.update(f"{sep}{canonical_json(k)}:{canonical_json(content[k])}".encode())
        sep = ","
    h.update(b"}")
    return h.hexdigest()
