"""The language sowtrack speaks to people: English or Chinese (issue 15).

Every text a person reads in the app, on the command line or in ``--help`` is an
English message marked for translation; the Chinese catalogue translates it. The
sources are ``model/locale/zh/LC_MESSAGES/<area>.po`` (one file per part of the code,
see ``tools/catalogues.py``), compiled into one ``sowtrack.mo`` by ``make install``.

How to mark a message::

    from model.i18n import _, N_, ngettext, parts

    _("Log time")                                   # translated now
    _("{hours} is more than 24 hours").format(hours=h)  # never an f-string inside _()
    ngettext("{n} entry", "{n} entries", n).format(n=n)
    TITLE = N_("Dashboard")   # a module-level constant: marked, translated where shown
    ...  _(TITLE)
    FieldError("to", *parts(_("{last} is before {first_day} {first}"),
                             last=last, first_day=Ref("from"), first=first))

English is the source language: an English "translation" is the message itself, so
only the Chinese catalogue is kept (a test checks that it translates every message,
with the same placeholders, and uses SPEC §2's glossary terms).

Which language (one rule, :func:`choose`): the ``language`` setting (the environment
variable ``SOWTRACK_LANGUAGE``, else the config file's key ``language``), else the
SOW's ``language``, else English. The printed sheets keep their own language
(``--lang``, else the SOW's): a signatory's sheet does not follow the screen.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from model.errors import Part

#: the languages sowtrack speaks (the same as a SOW's ``language`` may name)
LANGUAGES: tuple[str, ...] = ("zh", "en")
DOMAIN = "sowtrack"
LOCALE_DIR = Path(__file__).with_name("locale")
#: Babel's locale names for formatting dates and numbers
BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en"}

_current: str | None = None
_catalogues: dict[str, gettext.NullTranslations] = {}


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "marked, not translated"
    """Mark ``message`` for the catalogue without translating it (a constant)."""
    return message


def check(language: str, what: str = "language") -> str:
    """``language`` if sowtrack speaks it, else a LedgerError naming ``what`` (the
    setting's source: storage.config.check_language names the variable or the file)."""
    if language not in LANGUAGES:
        from model.errors import LedgerError

        raise LedgerError(f"{what}: ", _("{language!r} is not one of {choices}").format(
            language=language, choices=", ".join(LANGUAGES)))
    return language


def choose(setting: str | None, sow_language: str | None) -> str:
    """The language to speak: the setting (env ``SOWTRACK_LANGUAGE`` or the config's
    ``language``), else the SOW's, else English. A setting sowtrack does not speak is
    refused (naming ``language``); a SOW's is checked when the SOW is read."""
    if setting is not None:
        return check(setting.strip())
    if sow_language in LANGUAGES:
        return sow_language  # type: ignore[return-value]
    return "en"


def set_language(language: str | None) -> None:
    """Speak ``language`` from now on (None: not chosen yet, i.e. English)."""
    global _current
    _current = None if language is None else check(language)


def language() -> str:
    """The language spoken now ("en" until one is chosen)."""
    return _current or "en"


def chosen() -> bool:
    """Whether a language was chosen (by the setting or a SOW) in this process."""
    return _current is not None


def catalogue(lang: str | None = None) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (default: the one spoken now). English, or a
    missing ``.mo`` (``make install`` compiles it), is the messages themselves."""
    lang = lang or language()
    found = _catalogues.get(lang)
    if found is None:
        mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if lang != "en" and mo.is_file():
            with mo.open("rb") as f:
                found = gettext.GNUTranslations(f)
        else:
            found = gettext.NullTranslations()
        _catalogues[lang] = found
    return found


def _(message: str) -> str:
    """``message`` in the language spoken now."""
    if _current is None or _current == "en":
        return message
    return catalogue(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n``, in the language spoken now."""
    if _current is None or _current == "en":
        return singular if n == 1 else plural
    return catalogue(_current).ngettext(singular, plural, n)


def parts(template: str, **values: object) -> tuple[Part, ...]:
    """A translated ``template`` cut into a message's pieces (model.errors.Part): each
    ``{name}`` becomes its value, kept as a :class:`~model.errors.Ref` when it is one
    (so each interface still names the input its own way), else its text."""
    from string import Formatter

    from model.errors import Ref

    out: list[Part] = []
    for literal, name, spec, conversion in Formatter().parse(template):
        if literal:
            out.append(literal)
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Ref):
            out.append(value)
        else:
            out.append(format(repr(value) if conversion == "r" else value, spec or ""))
    return tuple(out)


# ------------------------------------------------------------------ dates and numbers

def format_date(day: date, style: str = "medium", lang: str | None = None) -> str:
    """``day`` as the language writes it: "Dec 4, 2026" / "2026年12月4日" (medium),
    "Friday, December 4, 2026" / "2026年12月4日星期五" (full), "12/4/26" / "2026/12/4"
    (short). Tables, files and JSON keep ISO 8601 (sortable, and what both parties
    type)."""
    from babel.dates import format_date as babel_date  # here: only text for people needs it

    return babel_date(day, format=style, locale=BABEL_LOCALES[lang or language()])


def format_weekday(day: date, width: str = "abbreviated", lang: str | None = None) -> str:
    """The day of the week: "Fri" / "周五" (abbreviated), "Friday" / "星期五" (wide)."""
    from babel.dates import get_day_names

    names: Mapping[int, str] = get_day_names(width, locale=BABEL_LOCALES[lang or language()])
    return names[day.weekday()]


def format_number(value: object, decimals: int | None = None, lang: str | None = None) -> str:
    """A number (an ``int`` or a ``Decimal``, never a float) with the language's
    grouping and decimal signs: "12,345.5"; ``decimals`` fixes how many are shown
    ("12,345.50", rounded half-even as Decimal does), else they are as many as needed."""
    from babel.numbers import format_decimal

    pattern = "#,##0." + ("0" * decimals if decimals is not None else "#" * 15)
    return format_decimal(value, format=pattern.rstrip("."),
                          locale=BABEL_LOCALES[lang or language()],
                          decimal_quantization=decimals is not None)


# ------------------------------------------------------------------ the ledger's words

#: the words of the ledger's vocabulary (model.rules.vocabulary) for people; a key
#: stays the key in files, JSON and on the command line's input
WORDS: dict[str, dict[str, str]] = {
    "grade": {"junior": N_("junior"), "intermediate": N_("intermediate"),
              "senior": N_("senior"), "expert": N_("expert"),
              "senior_expert": N_("senior expert")},
    "party": {"vendor": N_("vendor"), "client": N_("client")},
    "role": {"lead": N_("lead"), "engineer": N_("engineer"), "signatory": N_("signatory")},
    "location": {"onsite": N_("on-site"), "remote": N_("remote")},
    "priority": {"high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "task_status": {"open": N_("open"), "in_progress": N_("in progress"), "done": N_("done")},
}


def word(kind: str, key: str) -> str:
    """The word for ``key`` of the vocabulary ``kind`` (``grade``, ``party``, ``role``,
    ``location``, ``priority``, ``task_status``) in the language spoken now: ``senior``
    is "senior" / "高级工程师", ``client`` "client" / "甲方". An unknown key is itself."""
    found = WORDS.get(kind, {}).get(key)
    return key if found is None else _(found)


def before_chinese(name: str) -> str:
    """``name`` as Chinese words follow it: an id or a code (ending in ASCII) with a space
    after it, a Chinese name as is (``zhou.jie 在…``, ``周杰在…``, ``陈静（chen.jing）在…``)."""
    return name + " " if name[-1:].isascii() else name


def in_context(message: str) -> str:
    """A short word translated by its context (gettext's ``context|word`` convention):
    ``in_context(_("resolution|open"))`` is "open" in English, "未解决" in Chinese,
    where another ``open`` (a task's) is "未开始". The context is cut off in every
    language (a translation never holds one)."""
    return message.split("|", 1)[1] if "|" in message else message


def prose_date(day: date) -> str:
    """A date in a sentence or a heading on screen: ISO 8601 in English (as sowtrack has
    always written it there), as the language writes it otherwise (2026年12月4日).
    Tables, inputs and files keep ISO 8601 in every language."""
    return day.isoformat() if language() == "en" else format_date(day)


def key_word(kind: str, key: str) -> str:
    """A key of the vocabulary ``kind`` as the command line's tables show it: the key itself
    in English (what the options take: ``in_progress``, ``onsite``), its word in another
    language (进行中, 驻场)."""
    return key if language() == "en" else word(kind, key)
