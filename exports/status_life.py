"""The status report's sections on the project's life (SPEC §9): the obligations overdue or
done late, and the staff changes (joins, leaves, replacements, days away), each worded
here from the sheet's structured content."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from exports.base import Styles, data_table, name_with_id, whole_words
from exports.base import p as para
from model.sheet_status import ObligationLine, StaffLine, StatusSheetData

TEXT = {
    "zh": {
        "s_obligations": "义务事项（逾期或逾期完成）", "s_staff": "人员变更",
        "o_key": "编号", "o_title": "义务事项", "o_party": "责任方", "o_due": "应完成日期",
        "o_done": "完成日期", "o_late": "逾期工作日", "o_note": "说明",
        "o_not_done": "未完成", "o_blocks": "计入甲方阻塞工作日",
        "o_none": "无逾期的义务事项。",
        "o_foot": "逾期工作日自应完成日期后的第一个工作日起，至完成日前一日（未完成的至报告日期）；"
                  "甲方义务逾期即为甲方阻塞问题，以其编号列入阻塞问题，计入甲方阻塞工作日。",
        "w_person": "人员", "w_change": "变更", "w_date": "日期", "w_note": "说明",
        "w_join": "加入项目", "w_leave": "离开项目（最后工作日）", "w_replace": "接替",
        "w_away": "请假", "w_until": "至 {d}",
        "w_short": "▲ 通知不足：提前 {g} 个工作日登记，SOW 要求提前 {r} 个工作日",
        "w_none": "报告期内无人员变更。",
        "w_foot": "报告期为项目开始至报告日期。▲ 为登记时提前的工作日少于 SOW 要求的乙方人员变更。",
    },
    "en": {
        "s_obligations": "Obligations overdue or done late", "s_staff": "Staff changes",
        "o_key": "Key", "o_title": "Obligation", "o_party": "Party", "o_due": "Due",
        "o_done": "Done", "o_late": "Working days late", "o_note": "Note",
        "o_not_done": "not done", "o_blocks": "counts as client blocked days",
        "o_none": "No obligation is overdue.",
        "o_foot": "Working days late run from the first working day after the due date to "
                  "the day before it was done (or to the report's date). A late client "
                  "obligation is a client blocker under its key and counts in the client's "
                  "blocked days.",
        "w_person": "Person", "w_change": "Change", "w_date": "Date", "w_note": "Note",
        "w_join": "joins", "w_leave": "leaves (last working day)", "w_replace": "replaces",
        "w_away": "away", "w_until": "until {d}",
        "w_short": "▲ short notice: recorded {g} working days ahead; the SOW asks for {r}",
        "w_none": "No staff change in the report's period.",
        "w_foot": "The report's period runs from the start to the report's date. ▲ marks a "
                  "vendor change recorded with less notice than the SOW asks.",
    },
}


def _obligation_row(o: ObligationLine, t: dict[str, str], party: Any) -> list[object]:
    return [o.key, o.title, party(o.party), o.due, o.done_on or t["o_not_done"],
            o.days_late, t["o_blocks"] if o.blocks else ""]


def obligations_block(data: StatusSheetData, s: Styles, lang: str, width: float,
                      party: Any) -> list[Any]:
    """The obligations not done by their due date as of the report's date, then those done
    late by then: key, title, party, due, done, working days late, and whether it counts
    as client blocked days."""
    t = TEXT[lang]
    out: list[Any] = [para(t["s_obligations"], s.h2)]
    lines = (*data.overdue, *data.done_late)
    if not lines:
        return [*out, para(t["o_none"], s.body)]
    note_w = 30 * mm if lang == "zh" else 34 * mm
    fixed = 22 * mm + 14 * mm + 20 * mm + 20 * mm + 18 * mm + note_w
    out.append(data_table(
        [t["o_key"], t["o_title"], t["o_party"], t["o_due"], t["o_done"], t["o_late"],
         t["o_note"]], [_obligation_row(o, t, party) for o in lines], s,
        widths=[22 * mm, width - fixed, 14 * mm, 20 * mm, 20 * mm, 18 * mm, note_w],
        right=[5]))
    return [*out, Spacer(1, 1.5 * mm), para(t["o_foot"], s.small)]


def _staff_row(x: StaffLine, s: Styles, t: dict[str, str], lang: str) -> list[object]:
    """Who, what, when, and a note: the person replaced (by name, the id in small print),
    the last day away, the short-notice mark."""
    parts: list[str] = []
    if x.change == "replace" and x.other:
        key = f"（{x.other}）" if lang == "zh" else f" ({x.other})"
        parts.append(f'{escape(x.other_name or x.other)}<font size="6.5">{escape(key)}</font>')
    elif x.until is not None:
        parts.append(escape(t["w_until"].format(d=x.until)))
    if x.short_notice:
        note = t["w_short"].format(g=x.short_notice[0], r=x.short_notice[1])
        parts.append(f'<font color="#b42318">{escape(note)}</font>')
    return [name_with_id(x.name, x.person, s.cell, lang), t[f"w_{x.change}"], x.on,
            Paragraph("<br/>".join(parts), whole_words(s.cell))]


def staff_block(data: StatusSheetData, s: Styles, lang: str, width: float) -> list[Any]:
    """The staff changes from the start to the report's date, by date: who (name, the id
    in small print), what, when, and the short-notice mark."""
    t = TEXT[lang]
    out: list[Any] = [para(t["s_staff"], s.h2)]
    if not data.staff:
        return [*out, para(t["w_none"], s.body)]
    out.append(data_table(
        [t["w_person"], t["w_change"], t["w_date"], t["w_note"]],
        [_staff_row(x, s, t, lang) for x in data.staff], s,
        widths=[40 * mm, 40 * mm, 22 * mm, width - 102 * mm]))
    return [*out, Spacer(1, 1.5 * mm), para(t["w_foot"], s.small)]
