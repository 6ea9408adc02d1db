"""The language (issue 15): the catalogues are complete, the glossary is kept, and the
language is chosen by one rule (model.i18n.choose)."""

from __future__ import annotations

import importlib.util
import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from model import i18n
from model.errors import FieldError, LedgerError, Ref
from storage import config

ROOT = Path(__file__).resolve().parent.parent


def _tools():
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "tools" / "catalogues.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("catalogues", module)
    spec.loader.exec_module(module)
    return module


catalogues = _tools()

#: SPEC §2: an English term in a message is translated by its Chinese term
GLOSSARY: tuple[tuple[str, str], ...] = (
    (r"\bstatements? of work\b|\bSOWs?\b", "工作说明书"),
    (r"\bperson-days?\b|\bPD\b", "人天"),
    (r"\bgrades?\b", "职级"),
    (r"\brate cards?\b", "人天单价"),
    (r"\bbaselines?\b", "基线"),
    (r"\btasks?\b", "任务"),
    (r"\ballocations?\b", "人天分配"),
    (r"\btime entr(?:y|ies)\b", "工时"),
    (r"\bblockers?\b", "阻塞问题"),
    (r"\bchange requests?\b", "变更申请单"),
    (r"\bsign-offs?\b", "签字确认"),
    (r"\bquotas?\b", "额度"),
    (r"\bacceptance\b", "验收"),
)
#: words a translator might reach for that SPEC §2 names otherwise
NOT_GLOSSARY = {"人日": "人天", "变更请求": "变更申请单", "工作声明": "工作说明书",
                "配额": "额度", "时间条目": "工时"}


def _prose(text: str) -> str:
    """A message without what is not prose: placeholders, flags, `code` and commands."""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\{[^}]*\}|%\(\w+\)\w", " ", text)
    text = re.sub(r"(?<![\w-])--?[\w-]+", " ", text)
    return "\n".join(line for line in text.splitlines()
                     if not line.strip().startswith("sowtrack "))


def _messages() -> list[tuple[str, str]]:
    catalog, _ = catalogues.merged("zh")
    out = []
    for m in catalog:
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        out += [(i, s) for i in ids for s in strings]
    return out


def test_every_message_has_both_translations() -> None:
    """Every message marked in the code is in its area's Chinese catalogue, translated,
    not fuzzy, with the same placeholders; none is translated two ways; none is marked
    as a built text (an f-string) that no catalogue could hold. (English is the source:
    its translation is the message itself.)"""
    assert catalogues.problems() == []


def test_every_source_file_is_in_one_area() -> None:
    areas = {catalogues.area_of(rel) for rel, _ in catalogues.sources()}
    assert areas == set(catalogues.AREAS)


def test_the_catalogues_spell_the_glossary() -> None:
    wrong = []
    for msgid, msgstr in _messages():
        prose = _prose(msgid)
        for pattern, zh in GLOSSARY:
            if re.search(pattern, prose, re.IGNORECASE) and zh not in msgstr:
                wrong.append(f"{msgid!r} -> {msgstr!r}: {zh} expected")
        for bad, good in NOT_GLOSSARY.items():
            if bad in msgstr:
                wrong.append(f"{msgid!r} -> {msgstr!r}: {good}, not {bad}")
    assert wrong == []


def _markup_read(text: str) -> bool:
    """Whether Rich (a Textual label, a notification) would read ``text`` as markup."""
    from rich.errors import MarkupError
    from rich.text import Text

    try:
        return Text.from_markup(text).plain != text
    except MarkupError:
        return True


def test_a_translation_is_never_read_as_markup_where_its_english_is_not() -> None:
    """Many labels are shown by widgets that read markup: a translation bringing its own
    brackets ("[注意]", "[/]") would vanish or break the view, in Chinese only."""
    read = [f"{msgid!r} -> {msgstr!r}" for msgid, msgstr in _messages()
            if _markup_read(msgstr) and not _markup_read(msgid)]
    assert read == []
    assert _markup_read("[b]注意[/b]") and _markup_read("[/oops]")
    assert not _markup_read("【注意】（见 README）")


def test_the_compiled_catalogue_is_the_po_files() -> None:
    """``make install`` compiled the .po files into the .mo the program reads."""
    catalog, _ = catalogues.merged("zh")
    i18n._catalogues.clear()
    translations = i18n.catalogue("zh")
    stale = [m.id for m in catalog if m.id and isinstance(m.id, str)
             and translations.gettext(m.id) != m.string]
    assert stale == []


def test_a_built_text_cannot_be_marked(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text('n = 3\n_(f"{n} days")\n_("{n} days").format(n=n)\n'
                      'ngettext("one", "{n} " + "many", n)\n', encoding="utf-8")
    assert [line for line, _ in catalogues.unextractable(source)] == [2, 4]


def test_a_translation_keeps_each_placeholder_as_written() -> None:
    """The check compares a placeholder's conversion and format spec too (a dropped
    ``!r`` shows a value unquoted), and argparse's bare ``%s`` (a translation without it
    makes argparse's ``%`` raise)."""
    same = catalogues.placeholders
    assert same("{value!r} is not one of {choices}") == same("{choices} 之一不含 {value!r}")
    assert same("{value!r} is not a date") != same("{value} 不是日期")
    assert same("{pd:.2f} PD") != same("{pd} 人天")
    assert same("unrecognized arguments: %s") != same("无法识别的参数")
    assert same("%(prog)s: error: %(message)s\n") == same("%(prog)s: 错误: %(message)s\n")
    assert same("0.06 for 6%") == same("6% 写作 0.06")  # a per cent sign, not a conversion


# ------------------------------------------------------------------ choosing the language

def test_the_setting_wins_over_the_sow_and_english_is_last() -> None:
    assert i18n.choose("zh", "en") == "zh"
    assert i18n.choose("en", "zh") == "en"
    assert i18n.choose(None, "zh") == "zh"
    assert i18n.choose(None, None) == "en"
    with pytest.raises(LedgerError, match=r"^language: 'fr' is not one of zh, en$"):
        i18n.choose("fr", "zh")


def test_the_environment_wins_over_the_config_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    assert config.configured_language() is None
    config.set_value("language", "zh")
    assert config.configured_language() == "zh"
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    assert config.configured_language() == "en"
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "fr")
    with pytest.raises(LedgerError, match=r"^SOWTRACK_LANGUAGE: 'fr' is not one of zh, en$"):
        config.configured_language()


def test_the_config_file_refuses_a_language_it_does_not_speak(_isolated_config: Path) -> None:
    with pytest.raises(LedgerError, match=r"^config: language: 'de' is not one of zh, en"):
        config.set_value("language", "de")
    assert not _isolated_config.exists()  # nothing half-written


def test_chinese_is_spoken_once_chosen_and_english_is_the_message() -> None:
    message = "{language!r} is not one of {choices}"
    assert i18n._(message) == message
    i18n.set_language("zh")
    assert i18n.language() == "zh" and i18n.chosen()
    assert i18n._(message) == "{language!r} 不是 {choices} 之一"
    with pytest.raises(LedgerError) as refused:
        i18n.check("fr")
    assert str(refused.value) == "language: 'fr' 不是 zh, en 之一"
    i18n.set_language("en")
    assert i18n._(message) == message
    assert i18n.ngettext("{n} day", "{n} days", 2) == "{n} days"


def test_a_translated_template_keeps_the_inputs_it_names() -> None:
    parts = i18n.parts("{last} is before {start} {first!r}", last=date(2026, 3, 1),
                       start=Ref("from"), first="2026-03-02")
    assert parts == ("2026-03-01", " is before ", Ref("from"), " ", "'2026-03-02'")
    error = FieldError("to", *parts)
    assert error.worded(lambda f: f"--{f}") == "--to: 2026-03-01 is before --from '2026-03-02'"


def test_dates_and_numbers_as_each_language_writes_them() -> None:
    day = date(2026, 12, 4)
    assert i18n.format_date(day, lang="zh") == "2026年12月4日"
    assert i18n.format_date(day, lang="en") == "Dec 4, 2026"
    assert i18n.format_date(day, "full", lang="zh") == "2026年12月4日星期五"
    assert i18n.format_weekday(day, lang="zh") == "周五"
    assert i18n.format_weekday(day, lang="en") == "Fri"
    assert i18n.format_number(Decimal("12345.5"), 2, lang="zh") == "12,345.50"
    assert i18n.format_number(Decimal("0.125"), lang="en") == "0.125"
    i18n.set_language("zh")
    assert i18n.format_date(day) == "2026年12月4日"


def test_a_ledger_speaks_its_sows_language_unless_the_setting_says(
        example, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example SOW is Chinese: the ledger speaks Chinese when nothing is set, and
    the setting (here the environment) wins over the SOW."""
    monkeypatch.delenv("SOWTRACK_LANGUAGE")
    assert example.speak() == "zh" and i18n.language() == "zh"
    monkeypatch.setenv("SOWTRACK_LANGUAGE", "en")
    assert example.speak() == "en" and i18n.language() == "en"


def test_the_ledgers_words_cover_its_vocabulary_and_grades_follow_the_glossary() -> None:
    from model.rules import vocabulary as v

    kinds = {"grade": v.GRADES, "party": v.PARTIES, "role": v.ROLES, "location": v.LOCATIONS,
             "priority": v.PRIORITIES, "task_status": v.TASK_STATUSES}
    assert {k: tuple(i18n.WORDS[k]) for k in kinds} == kinds
    assert [i18n.word("grade", g) for g in v.GRADES] == [g.replace("_", " ") for g in v.GRADES]
    i18n.set_language("zh")
    assert {g: i18n.word("grade", g) for g in v.GRADES} == v.GRADE_LABELS_ZH  # SPEC §2
    assert (i18n.word("party", "client"), i18n.word("party", "vendor")) == ("甲方", "乙方")
    assert i18n.word("grade", "wizard") == "wizard"
