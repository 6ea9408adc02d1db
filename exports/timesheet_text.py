"""The timesheet confirmation's words in Chinese and English (exports.timesheet draws them,
exports.spreadsheet heads its columns with them)."""

from __future__ import annotations

TEXT = {
    "zh": {"period": "期间", "period_text": "{first} 至 {last}（工作日 {wd} 天）",
           "basis": "折算", "basis_text": "1 人天 = {h} 小时；工时以小时计，人天 = 工时 ÷ {h}",
           "status": "签字状态", "unsigned": "未签字（系统中尚无本期间的签字记录）",
           "effective": "{n} 已生效（{on}）", "signing": "{n} 签字中",
           "totals": "合计", "totals_text": "{h} 小时 = {pd} 人天，其中加班 {ot} 小时",
           "daily": "每日工时（小时）", "name": "姓名", "subtotal": "小计",
           "sum_h": "合计（小时）", "sum_pd": "合计（人天）", "pd_row": "人天",
           "weekdays": "一二三四五六日", "off": "休", "makeup": "班",
           "people": "个人合计", "no": "序号", "key": "账号", "grade": "职级",
           "days_worked": "出勤天数", "hours": "工时（小时）", "overtime": "其中加班（小时）",
           "pd": "人天", "by_grade": "按职级汇总", "headcount": "人数", "total": "合计",
           "legend": "说明：“+”及红色表示当日含加班（工作日超过 {h} 小时，或非工作日的任何工时），"
                     "格内为当日全部工时；灰底为非工作日（周末、节假日）；“休”为节假日，"
                     "“班”为调休工作日；空白为无工时。",
           "grid": "表中工时与人天均经舍入，使每行之和等于小计、每列之和等于当日合计"
                   "（行列同时平衡的受控舍入，每格与精确值相差不超过末位一个单位）。",
           "confirm": "甲乙双方确认上表所列工时真实、准确，作为本期人天结算的依据。",
           "own": "本人确认（签字 / 日期）：______________________",
           "sep": "、", "colon": "：",
           "part_of": "本表为 {n}（{first} 至 {last}）工时确认单（{state}，摘要 {sha}…）"
                      "的分人明细；该单的签字不涵盖本表，本表另行签字。",
           "part_signed": "已签", "part_signing": "签字中"},
    "en": {"period": "Period", "period_text": "{first} to {last} ({wd} working days)",
           "basis": "Person-day", "basis_text": "1 PD = {h} hours; PD = hours ÷ {h}",
           "status": "Signatures", "unsigned": "not signed (no sign-off of this period on record)",
           "effective": "{n} effective since {on}", "signing": "{n} being signed",
           "totals": "Total", "totals_text": "{h} hours = {pd} PD, of which {ot} hours overtime",
           "daily": "Hours per day", "name": "Name", "subtotal": "Subtotal",
           "sum_h": "Total (hours)", "sum_pd": "Total (PD)", "pd_row": "PD",
           "weekdays": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"], "off": "off",
           "makeup": "wk", "people": "Totals per person", "no": "#", "key": "ID",
           "grade": "Grade", "days_worked": "Days worked", "hours": "Hours",
           "overtime": "of which overtime", "pd": "PD", "by_grade": "Totals per grade",
           "headcount": "People", "total": "Total",
           "legend": "\"+\" in red: a day with overtime (more than {h} hours on a working "
                     "day, or any hours on a non-working day); the cell shows the day's hours "
                     "in all. Grey: a non-working day (weekend, holiday); \"off\": a holiday, "
                     "\"wk\": a make-up working day. Blank: no hours.",
           "grid": " Figures are rounded so that each row adds up to its subtotal and each "
                   "column to its day's total (controlled rounding: every cell within one "
                   "unit of the last place of its exact value).",
           "confirm": "Both parties confirm that the hours above are true and complete and are "
                      "the basis of this period's person-day settlement.",
           "own": "Confirmed by the engineer (signature / date): ______________________",
           "sep": ", ", "colon": ": ",
           "part_of": "One person's part of timesheet confirmation {n} ({first} to {last}; "
                      "{state}, SHA-256 {sha}…); its signatures do not cover this sheet, "
                      "which is signed on its own.",
           "part_signed": "signed", "part_signing": "being signed"},
}

#: the amounts table (billing = "actual", SPEC §8)
MONEY_TEXT = {
    "zh": {"title": "人天费用（按实结算）", "no": "序号", "name": "姓名", "grade": "职级",
           "pd": "人天", "rate": "人天单价（{cur}）", "amount": "金额（{cur}）", "total": "合计",
           "how": "金额 = 人天 × 人天单价，按精确人天（工时 ÷ {h}）计算后舍入到分。",
           "tax_in": "单价及金额含税（税率 {rate}）。",
           "tax_out": "单价及金额不含税（税率 {rate}）。",
           "tax_in_only": "单价及金额含税。", "tax_out_only": "单价及金额不含税。"},
    "en": {"title": "Amounts (time and materials)", "no": "#", "name": "Name", "grade": "Grade",
           "pd": "PD", "rate": "Day rate ({cur})", "amount": "Amount ({cur})", "total": "Total",
           "how": "Amount = PD × day rate, from the exact PD (hours ÷ {h}), rounded to the "
                  "cent.",
           "tax_in": "Rates and amounts include tax at {rate}.",
           "tax_out": "Rates and amounts exclude tax at {rate}.",
           "tax_in_only": "Rates and amounts include tax.",
           "tax_out_only": "Rates and amounts exclude tax."},
}
