"""A ledger whose every piece of user text is hostile: Rich/Textual markup, ReportLab tags.

SPEC §7: text from users is data. Each string below would be eaten, or take a view or a
sheet down, if it were read as markup: ``[/oops]`` is a closing tag with nothing to close
(MarkupError), ``[WIP] ... [client]`` are tags that vanish, ``[@click=app.quit]`` is an
action link, ``<b>&amp;</b>`` and ``<font size=40>`` are ReportLab paragraph markup.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from storage.services import Ledger
from storage.sowfile import load_sow

from .conftest import EXAMPLE_SOW, as_

#: every user-text field of the example SOW, replaced: (text in the example, hostile text)
SOW_TEXT: tuple[tuple[str, str], ...] = (
    ('"Insurance claims one-stop assistant: agent development"',
     '"[/oops] Claims assistant <b>&amp;</b>"'),
    ('"Example Mutual Insurance Co."', '"[client] Mutual & Co <x>"'),
    ('"Example Cloud AI Services"', '"[@click=app.quit]Cloud[/] AI"'),
    ('"张伟"', '"张伟 [lead]"'),
    ('"陈静"', '"[/]陈静"'),
    ('"刘洋"', '"[b]刘洋[/b]"'),
    ('"王芳"', '"王芳 <b>&amp;</b>"'),
    ('"赵敏"', '"[@click=app.quit]赵敏[/]"'),
    ('"李娜"', '"李娜 [client]"'),
    ('"Requirement clarification and task breakdown"', '"[/oops] Requirement clarification"'),
    ('"Claims material parsing pipeline"', '"[WIP] parsing pipeline [client]"'),
    ('"Policy clause comparison node and prompts"', '"[@click=app.quit]x[/] clause nodes"'),
    ('"Evaluation, bad-case rounds and acceptance report"',
     '"<b>&amp;</b> evaluation <font size=40>report</font>"'),
    ('"Scenario research meetings"', '"[i]research[/i] meetings <i>"'),
    ('"Prompt optimisation rounds"', '"<b>prompt</b> rounds &"'),
    ('"Evaluation data records"', '"[/oops] eval records"'),
)
PERSON_TITLE = "<font size=40>PM</font> [/]"

NAMES = {"zhang.wei": "张伟 [lead]", "chen.jing": "[/]陈静", "liu.yang": "[b]刘洋[/b]",
         "wang.fang": "王芳 <b>&amp;</b>", "zhao.min": "[@click=app.quit]赵敏[/]",
         "li.na": "李娜 [client]"}
PROJECT_TITLE = "[/oops] Claims assistant <b>&amp;</b>"
CLIENT = "[client] Mutual & Co <x>"
VENDOR = "[@click=app.quit]Cloud[/] AI"
TASKS = {"T1": "[/oops] Requirement clarification", "T2": "[WIP] parsing pipeline [client]",
         "T3": "[@click=app.quit]x[/] clause nodes",
         "T4": "<b>&amp;</b> evaluation <font size=40>report</font>"}
QUOTAS = {"research-meetings": "[i]research[/i] meetings <i>",
          "prompt-rounds": "<b>prompt</b> rounds &", "eval-records": "[/oops] eval records"}

BLOCKER_1 = "[/oops] VPN down"
BLOCKER_2 = "[WIP] waiting for VPN [client]"
NOTE_1 = "[b]x[/b] <b>&amp;</b>"
NOTE_2 = "[/oops] note [client] & <font size=40>big</font>"
NOTE_TODAY = "[@click=app.quit]quit[/] <i>today</i>"
CR_1 = "[/oops] scope [red]extra[/red]"
CR_1_REASON = "<font size=40>big</font> & [b]why[/b]\nsecond line [/] <b>&amp;</b>"
CR_2 = "[WIP] pending [client] <b>"
QUOTA_NOTE = "[/oops] meeting <b>&amp;</b>"

#: the app's "today" in these tests: a Friday inside the SOW, after everything below
TODAY = date(2026, 3, 13)


def hostile_sow(tmp_path: Path) -> Path:
    text = EXAMPLE_SOW.read_text(encoding="utf-8")
    for plain, hostile in SOW_TEXT:
        assert plain in text, plain
        text = text.replace(plain, hostile)
    text = text.replace('role = "signatory"\n\n[[task]]',
                        f'role = "signatory"\ntitle = "{PERSON_TITLE}"\n\n[[task]]')
    assert PERSON_TITLE in text
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def build_hostile(url: str, tmp_path: Path) -> Ledger:
    """The example project with hostile text in every field a user fills; acting as the lead.

    Entries, blockers, change requests (one effective, one pending), a quota use and a
    signed period all carry hostile text, dated before :data:`TODAY`.
    """
    led = Ledger.open(url)
    view = led.init_project(load_sow(hostile_sow(tmp_path)))
    lead = Ledger(led.engine, view.code, "zhang.wei")
    client = as_(lead, "li.na")
    lead.log("T2", "8", on="2026-03-02", person="liu.yang", note=NOTE_1)
    lead.log("T3", "6", on="2026-03-03", person="chen.jing", note=NOTE_2)
    lead.log("T1", "4", on="2026-03-03", person="wang.fang", note=NOTE_1)
    lead.log("T4", "2", on="2026-03-04", person="zhang.wei", note=NOTE_2)
    lead.sign_period("2026-03-02", "2026-03-06", on="2026-03-09")
    client.sign_period("2026-03-02", "2026-03-06", on="2026-03-09")
    lead.log("T2", "7.5", on=TODAY, person="liu.yang", note=NOTE_TODAY)
    lead.log("T3", "9", on="2026-03-10", person="chen.jing", note=NOTE_2)
    lead.add_blocker(BLOCKER_1, "client", on="2026-03-04")
    lead.add_blocker(BLOCKER_2, "vendor", on="2026-03-05", task="T2")
    lead.new_cr(CR_1, CR_1_REASON, {"senior": "5"}, {"prompt-rounds": "1"}, on="2026-03-05")
    lead.sign_cr("CR-001", on="2026-03-06")
    client.sign_cr("CR-001", on="2026-03-09")
    lead.new_cr(CR_2, "", {"expert": "2"}, on="2026-03-10")
    lead.use_quota("research-meetings", 1, on="2026-03-11", note=QUOTA_NOTE)
    return lead
