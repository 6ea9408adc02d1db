"""The acceptance report's words in Chinese and English (exports.acceptance draws them)."""

from __future__ import annotations

TEXT = {
    "zh": {
        "intro": "根据工作说明书 {code} 及双方签字生效的变更申请单，甲乙双方对本项目的交付成果、"
                 "人天消耗、额度使用与阻塞问题进行确认，形成本验收报告。",
        "s_project": "项目概况", "s_deliver": "交付成果", "s_kt": "知识转移（培训及手册）",
        "s_pd": "人天与金额", "s_unconfirmed": "未经确认人天",
        "s_quota": "额度使用", "s_block": "阻塞问题与损失工作日",
        "s_periods": "已签字确认的工时期间", "s_crs": "变更申请单",
        "s_settle": "结算金额", "s_end": "验收结论",
        "code": "项目编号", "name": "项目名称", "start": "开始日期", "sow_end": "合同结束日期",
        "cur_end": "当前结束日期（含已生效变更）", "wd": "工作日", "pd_def": "人天定义",
        "pd_def_v": "1 人天 = {h} 小时", "currency": "币种", "status": "验收状态",
        "t_budget": "预算人天", "t_consumed": "已消耗人天", "t_remaining": "剩余人天",
        "t_cost": "已消耗金额（{cur}）",
        "task": "编号", "task_title": "任务 / 交付物", "priority": "优先级", "t_status": "状态",
        "estimate": "预估人天", "used": "实耗人天", "diff": "偏差", "total": "合计",
        "item": "项目", "rate": "人天单价", "baseline": "基线", "budget": "预算",
        "consumed": "已消耗", "remaining": "剩余", "total_pd": "合计人天", "amount": "金额",
        "cr_row": "{d} 生效",
        "by_money": "金额（按职级）", "budget_cost": "预算金额", "consumed_cost": "已消耗金额",
        "remaining_cost": "剩余金额",
        "cap_budget": "预算金额（大写）", "cap_consumed": "已消耗金额（大写）",
        "cap_remaining": "剩余金额（大写）",
        "overtime": "其中加班 {pd} 人天，已计入消耗（逐人逐日见各期工时确认单）。",
        "pd_note": "人天与金额按全部已登记工时及全部已生效变更计算，即验收签字所覆盖的内容。",
        "quota": "额度", "q_title": "说明", "limit": "上限", "q_used": "已用", "q_left": "剩余",
        "lost": "损失工作日（截至 {d}）", "lost_v": "{n} 个工作日", "b_count": "阻塞问题数",
        "b_no": "编号", "b_title": "阻塞问题", "party": "责任方", "raised": "提出日期",
        "resolved": "解决日期", "b_days": "工作日", "b_task": "任务", "open": "未解决",
        "p_no": "编号", "period": "期间", "effective_on": "生效日期", "signers": "签字人",
        "doc_id": "文档编号", "cr_title": "标题", "new_end": "新结束日期",
        "d_pd": "人天变更", "d_cost": "费用变更",
        "conclusion": "甲方验收结论（由甲方签字人勾选，并在意见栏中写明条件或理由）：",
        "c_accepted": "通过", "c_conditional": "有条件通过", "c_rejected": "不通过",
        "comments": "验收意见",
        "none": "无",
        "acc_open": "未签字", "acc_signing": "一方已签字（{who}），待另一方签字",
        "acc_effective": "已于 {d} 验收通过（{who}）",
        "doc_open": "待签字", "doc_signing": "一方已签", "doc_effective": "已生效",
        "doc_withdrawn": "已撤回", "doc_rejected": "不通过",
        "task_open": "未开始", "task_in_progress": "进行中", "task_done": "已完成",
        "prio_high": "高", "prio_medium": "中", "prio_low": "低",
        "party_client": "甲方", "party_vendor": "乙方", "party_third": "第三方",
        # deliverables and knowledge transfer
        "d_key": "编号", "d_title": "交付物", "d_criteria": "验收标准", "d_due": "计划交付日期",
        "d_delivered_on": "交付于 {d}", "d_delivery_note": "：{n}", "d_not_delivered": "未交付",
        "d_result": "验收结果", "d_tasks": "对应任务：{tasks}", "d_sep": "、",
        "d_delivered": "已交付", "d_in_progress": "进行中", "d_open": "未开始",
        "d_no_tasks": "未关联任务",
        "r_pass": "通过", "r_fail": "不通过",
        "d_note": "交付物下方为登记的交付日期及说明（培训即为培训举办及手册移交）；"
                  "验收结果中的交付情况依据对应任务的状态：全部任务已完成即为已交付。"
                  "验收结果由甲方签字人逐项勾选。",
        "kt_none": "工作说明书未约定培训或手册类交付物。",
        # unconfirmed person-days
        "u_intro": "下列人天已登记，但其日期不在任何经甲乙双方签字确认的工时期间内，"
                   "尚未经确认。",
        "u_all": "全部已登记人天均在经甲乙双方签字确认的工时期间内。",
        "u_pd": "未经确认人天",
        # blockers
        "b_sum": "阻塞工作日（逐项合计）", "b_subtotal": "{p}小计",
        "b_note": "阻塞工作日为各阻塞问题自提出日起至解决日前一日（未解决的至 {d}）的工作日；"
                  "逐项合计为各项之和，损失工作日中同一责任方重叠的日期只计一次。",
        # settlement
        "st_basis": "结算方式", "st_actual": "按实结算（已消耗人天 × 人天单价，见第{n}节）",
        "st_fixed": "固定总价",
        "st_amount": "结算金额", "st_excl": "不含税金额", "st_tax": "税额（税率 {r}）",
        "st_incl": "价税合计", "st_item": "款项",
        "st_incl_note": "合同价格含税：税额 = 价税合计 × 税率 ÷（1 + 税率），"
                        "不含税金额 = 价税合计 − 税额。",
        "st_excl_note": "合同价格不含税：税额 = 不含税金额 × 税率，"
                        "价税合计 = 不含税金额 + 税额。",
        "st_round": "金额按四舍五入保留至分，各项之和等于合计。",
        "st_words": "结算金额（大写）",
    },
    "en": {
        "intro": "Under the Statement of Work {code} and the change requests signed by both "
                 "parties, the client and the vendor confirm the deliverables, the "
                 "person-days consumed, the quotas used and the blockers of this project.",
        "s_project": "Project", "s_deliver": "Deliverables",
        "s_kt": "Knowledge transfer (training and handbooks)",
        "s_pd": "Person-days and money", "s_unconfirmed": "Unconfirmed person-days",
        "s_quota": "Quotas", "s_block": "Blockers and working days lost",
        "s_periods": "Signed periods", "s_crs": "Change requests",
        "s_settle": "Settlement", "s_end": "Acceptance",
        "code": "Project code", "name": "Project", "start": "Start", "sow_end": "SOW end",
        "cur_end": "Current end (after CRs)", "wd": "Working days", "pd_def": "Person-day",
        "pd_def_v": "1 PD = {h} hours", "currency": "Currency", "status": "Acceptance",
        "t_budget": "Budget PD", "t_consumed": "Consumed PD", "t_remaining": "Remaining PD",
        "t_cost": "Consumed ({cur})",
        "task": "Task", "task_title": "Deliverable", "priority": "Priority",
        "t_status": "Status", "estimate": "Estimate PD", "used": "Consumed PD",
        "diff": "Variance", "total": "Total",
        "item": "Item", "rate": "Day rate", "baseline": "Baseline", "budget": "Budget",
        "consumed": "Consumed", "remaining": "Remaining", "total_pd": "Total PD",
        "amount": "Amount", "cr_row": "effective {d}",
        "by_money": "Money by grade", "budget_cost": "Budget", "consumed_cost": "Consumed",
        "remaining_cost": "Remaining",
        "cap_budget": "", "cap_consumed": "", "cap_remaining": "",
        "overtime": "Of which overtime: {pd} PD, included in the consumption (by person "
                    "and day on each period's timesheet confirmation).",
        "pd_note": "Person-days and money count every recorded entry and every effective "
                   "change request: the content the acceptance signatures cover.",
        "quota": "Quota", "q_title": "Description", "limit": "Limit", "q_used": "Used",
        "q_left": "Left",
        "lost": "Working days lost (as of {d})", "lost_v": "{n} working days",
        "b_count": "Blockers",
        "b_no": "No.", "b_title": "Blocker", "party": "Party", "raised": "Raised",
        "resolved": "Resolved", "b_days": "Days", "b_task": "Task", "open": "open",
        "p_no": "No.", "period": "Period", "effective_on": "Effective", "signers": "Signed by",
        "doc_id": "Document", "cr_title": "Title", "new_end": "New end",
        "d_pd": "PD change", "d_cost": "Cost change",
        "conclusion": "The client's conclusion (ticked by the client's signatory, with the "
                      "conditions or reasons written in the comments):",
        "c_accepted": "Accepted", "c_conditional": "Accepted with conditions",
        "c_rejected": "Rejected", "comments": "Comments",
        "none": "none",
        "acc_open": "not signed", "acc_signing": "signed by one party ({who}); awaiting "
                                                 "the other party",
        "acc_effective": "accepted on {d} ({who})",
        "doc_open": "unsigned", "doc_signing": "one party signed",
        "doc_effective": "effective", "doc_withdrawn": "withdrawn", "doc_rejected": "rejected",
        "task_open": "open", "task_in_progress": "in\u00a0progress", "task_done": "done",
        "prio_high": "high", "prio_medium": "medium", "prio_low": "low",
        "party_client": "client", "party_vendor": "vendor", "party_third": "third party",
        "d_key": "No.", "d_title": "Deliverable", "d_criteria": "Acceptance criteria",
        "d_due": "Due", "d_delivered_on": "delivered on {d}",
        "d_delivery_note": ": {n}", "d_not_delivered": "not delivered",
        "d_result": "Result", "d_tasks": "Tasks: {tasks}", "d_sep": ", ",
        "d_delivered": "delivered", "d_in_progress": "in progress", "d_open": "not started",
        "d_no_tasks": "no tasks linked",
        "r_pass": "Accepted", "r_fail": "Rejected",
        "d_note": "Under each deliverable, its delivery as recorded: date and note (for "
                  "training, the sessions held and the manual handed over). The status "
                  "in the result follows the "
                  "deliverable's tasks: it is delivered when all of them are done. The "
                  "client's signatory ticks a result for each item.",
        "kt_none": "The Statement of Work provides for no training or handbook deliverables.",
        "u_intro": "The following person-days are recorded on dates that no timesheet period "
                   "signed by both parties covers; they have not been confirmed.",
        "u_all": "Every recorded person-day lies in a timesheet period signed by both parties.",
        "u_pd": "Unconfirmed PD",
        "b_sum": "Blocked days (sum of items)", "b_subtotal": "Subtotal, {p}",
        "b_note": "A blocker's days are the working days from the day it was raised to the "
                  "day before it was resolved (or to {d} if unresolved); the sum adds the "
                  "items, the days lost count a day on which a party's blockers overlap once.",
        "st_basis": "Basis", "st_actual": "Time and materials (person-days consumed × day "
                                          "rates, see section {n})",
        "st_fixed": "Fixed price",
        "st_amount": "Amount payable", "st_excl": "Amount excluding tax",
        "st_tax": "Tax at {r}", "st_incl": "Total including tax", "st_item": "Description",
        "st_incl_note": "Contract prices include tax: tax = amount including tax × rate ÷ "
                        "(1 + rate); the amount excluding tax is the difference.",
        "st_excl_note": "Contract prices exclude tax: tax = amount excluding tax × rate; the "
                        "total is their sum.",
        "st_round": "Amounts are rounded to the nearest cent (halves up); the items add up "
                    "to the total.",
        "st_words": "Amount in Chinese capitals (大写)",
    },
}
