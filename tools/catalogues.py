"""The message catalogues (model.i18n): extract, update, compile and check them.

    python tools/catalogues.py update [AREA...]   # the areas' .po from the code (all by default)
    python tools/catalogues.py compile            # every language's .po files into sowtrack.mo
    python tools/catalogues.py check              # what tests/test_catalogues.py asserts

The code is cut into areas (:data:`AREAS`, by path) so that each part keeps its own
``model/locale/<lang>/LC_MESSAGES/<area>.po``; ``compile`` merges them into one
``sowtrack.mo`` per language (``make install`` runs it when a ``.po`` changed; the
``.mo`` is built, never committed). ``update`` adds a new message with an empty
translation and drops one no longer in the code; a translator then fills ``msgstr``.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "model" / "locale"
DOMAIN = "sowtrack"
#: translated languages (English is the source: its messages are the msgids)
TRANSLATED = ("zh",)
BABEL_LOCALE = {"zh": "zh_Hans_CN"}
PACKAGES = ("model", "storage", "exports", "tui")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
#: which area a source file is in: the first rule whose path prefix matches
RULES: tuple[tuple[str, str], ...] = (
    ("tui/cli.py", "cli"),
    ("tui/flags.py", "cli"),
    ("tui/commands/", "cli"),
    ("tui/screens/blockers.py", "views"),
    ("tui/screens/changes.py", "views"),
    ("tui/screens/signoffs.py", "views"),
    ("tui/screens/obligations.py", "views"),
    ("tui/screens/history.py", "views"),
    ("tui/screens/journal.py", "views"),
    ("tui/screens/exports.py", "views"),
    ("tui/sheets.py", "views"),
    ("tui/spreadsheets.py", "views"),
    ("tui/text.py", "views"),
    ("tui/startup.py", "views"),
    ("tui/", "app"),
    ("model/", "model"),
    ("storage/", "storage"),
    ("exports/", "storage"),
)
AREAS: tuple[str, ...] = tuple(dict.fromkeys(area for _, area in RULES))


def area_of(path: str) -> str:
    """The area of a source file given relative to the project's root."""
    for prefix, area in RULES:
        if path.startswith(prefix):
            return area
    raise ValueError(f"{path}: in no area of tools/catalogues.py RULES")


def sources() -> Iterator[tuple[str, Path]]:
    """Every source file with a message, as (path relative to the root, path)."""
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path


def po_path(lang: str, area: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{area}.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def extract(area: str) -> Catalog:
    """The area's messages as found in the code (a template: no translations)."""
    template = new_catalog()
    for rel, path in sources():
        if area_of(rel) != area:
            continue
        for lineno, message, comments, context in extract_from_file(
                "python", str(path), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
            template.add(message, None, [(rel, lineno)], auto_comments=comments, context=context)
    return template


#: the header's dates stay put, so that updating an area changes only its messages
FIXED = datetime(2026, 12, 4, tzinfo=UTC)
HEADER = "# sowtrack's messages in {lang}: one area of the code (tools/catalogues.py)."


def new_catalog(lang: str | None = None) -> Catalog:
    return Catalog(locale=BABEL_LOCALE[lang] if lang else None, domain=DOMAIN,
                   project="sowtrack", version="1", creation_date=FIXED, revision_date=FIXED,
                   last_translator="sowtrack", language_team="sowtrack", fuzzy=False,
                   header_comment=HEADER.format(lang=lang or "English"))


def read(lang: str, area: str) -> Catalog:
    path = po_path(lang, area)
    if not path.is_file():
        return new_catalog(lang)
    with path.open("rb") as f:
        catalog = read_po(f, locale=BABEL_LOCALE[lang], domain=DOMAIN)
    catalog.creation_date = catalog.revision_date = FIXED
    catalog.fuzzy = False
    return catalog


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        # no line numbers: they would change with every edit and make merges conflict
        write_po(f, catalog, width=100, include_lineno=False, omit_header=False,
                 ignore_obsolete=True, sort_output=True)


def update(areas: tuple[str, ...] = AREAS) -> None:
    for area in areas:
        template = extract(area)
        for lang in TRANSLATED:
            catalog = read(lang, area)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            write(catalog, po_path(lang, area))


def merged(lang: str) -> tuple[Catalog, list[str]]:
    """Every area's catalogue of ``lang`` in one, and the messages translated two ways."""
    out = new_catalog(lang)
    clashes = []
    for area in AREAS:
        for message in read(lang, area):
            if not message.id:
                continue
            have = out.get(message.id)
            if have is not None and have.string != message.string:
                clashes.append(f"{lang}/{area}.po: {message.id!r} is {message.string!r} here, "
                               f"{have.string!r} in an area before it: translate it one way")
                continue
            out[message.id] = message
    return out, clashes


def compile_all() -> None:
    for lang in TRANSLATED:
        catalog, clashes = merged(lang)
        if clashes:
            raise SystemExit("\n".join(clashes))
        mo_path(lang).parent.mkdir(parents=True, exist_ok=True)
        with mo_path(lang).open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)


# ------------------------------------------------------------------ checks

#: a printf-style conversion (argparse's messages, help texts it fills with ``%``):
#: ``%s``, ``%r``, ``%(prog)s``, ``%%``...
_PERCENT = re.compile(r"%(?:\(\w+\))?[#0\- +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def placeholders(text: str) -> set[str]:
    """The placeholders of a message as written, conversion and format spec included:
    ``{name}``, ``{name!r}``, ``{pd:.2f}``, ``%(name)s``, ``%s`` (a translation that
    dropped a ``!r`` would show a text unquoted; one that dropped or added a bare
    ``%s`` makes argparse's ``%`` fail)."""
    names = set(_PERCENT.findall(text))
    try:
        names |= {n + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
                  for _, n, spec, conversion in Formatter().parse(text) if n is not None}
    except ValueError:
        names.add("<unbalanced braces>")
    return names


def problems() -> list[str]:
    """Everything wrong with the catalogues: a message missing, untranslated, fuzzy,
    with other placeholders, translated two ways, or marked in a way that cannot be
    extracted; an empty list when they are complete."""
    found: list[str] = []
    for rel, path in sources():
        found += [f"{rel}:{line}: {what}" for line, what in unextractable(path)]
    for area in AREAS:
        template = extract(area)
        for lang in TRANSLATED:
            catalog = read(lang, area)
            ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}
            for message in template:
                if not message.id:
                    continue
                key = message.id if isinstance(message.id, str) else tuple(message.id)
                if key not in ids:
                    where = message.locations[0][0] if message.locations else area
                    found.append(f"{lang}/{area}.po: {where}: {first(message.id)!r} is not in "
                                 "the catalogue (python tools/catalogues.py update)")
            template_ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template}
            for message in catalog:
                if not message.id:
                    continue
                key = message.id if isinstance(message.id, str) else tuple(message.id)
                label = f"{lang}/{area}.po: {first(message.id)!r}"
                if key not in template_ids:
                    found.append(f"{label}: no longer in the code (tools/catalogues.py update)")
                strings = ([message.string] if isinstance(message.string, str)
                           else list(message.string))
                if not all(s.strip() for s in strings):
                    found.append(f"{label}: not translated")
                    continue
                if message.fuzzy:
                    found.append(f"{label}: fuzzy")
                ids_ = [message.id] if isinstance(message.id, str) else list(message.id)
                want = set().union(*(placeholders(i) for i in ids_))
                for s in strings:
                    if placeholders(s) != want:
                        found.append(f"{label}: placeholders {sorted(placeholders(s))} "
                                     f"instead of {sorted(want)}")
    for lang in TRANSLATED:
        found += merged(lang)[1]
    return found


def first(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else str(list(message_id)[0])  # type: ignore[arg-type]


def unextractable(path: Path) -> Iterator[tuple[int, str]]:
    """Calls of ``_``/``N_``/``ngettext`` whose text the catalogue cannot hold: an
    f-string, a concatenation or ``%``/``.format`` inside the call (format after it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in KEYWORDS and node.args):
            continue
        count = 2 if node.func.id == "ngettext" else 1
        for arg in node.args[:count]:
            if isinstance(arg, ast.JoinedStr | ast.BinOp) or (
                    isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                    and arg.func.attr == "format"):
                yield node.lineno, f"{node.func.id}() of a built text: mark the template"


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("update", "compile", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "update":
        unknown = [a for a in argv[1:] if a not in AREAS]
        if unknown:
            print(f"unknown area {unknown[0]!r} (areas: {', '.join(AREAS)})", file=sys.stderr)
            return 2
        update(tuple(argv[1:]) or AREAS)
        return 0
    if argv[0] == "compile":
        compile_all()
        return 0
    bad = problems()
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
