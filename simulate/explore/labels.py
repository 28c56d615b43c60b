"""Every string the explore page shows, in Chinese and English.

Chart and table texts come from :mod:`simulate.report.labels` (the briefing's); this module adds the
page's own strings (:data:`UI`) and a name and a Chinese unit for each lever field (:data:`FIELDS`,
keyed by the dotted path under ``levers.``). Lever group names come from the lever registry
(:func:`simulate.policy.levers`). A test checks that every lever of the schema has its texts here, so
a new lever cannot appear untranslated.
"""

from __future__ import annotations

from simulate.report.labels import translate

UI: dict[str, tuple[str, str]] = {
    "app_title": ("政策杠杆模拟器", "Lever explorer"),
    "levers": ("政策杠杆", "Policy levers"),
    "reset": ("恢复基准", "Reset to base"),
    "reps": ("重复模拟次数", "Replications"),
    "language": ("语言", "Language"),
    "save_name": ("情景名称（小写字母、数字、下划线）", "Scenario name (lower-case letters, digits, _)"),
    "save": ("另存为情景", "Save as scenario"),
    "download": ("下载简报", "Download briefing"),
    "from_year": ("起始年份", "from"),
    "unit": ("单位", "unit"),
    "range": ("文件依据范围：低 {low}，高 {high}", "documented range: low {low}, high {high}"),
    "low": ("低端", "low end"),
    "high": ("高端", "high end"),
    "range_fixed": ("文件规定取值 {low}（不作范围）", "fixed by the documents at {low}"),
    "not_ranged": ("未设范围：{reason}", "not ranged: {reason}"),
    "no_range": ("无文件依据范围", "no documented range"),
    "base_value": ("基准取值", "base"),
    "source": ("来源", "source"),
    "everywhere": ("（空＝全部地区）", "(empty = everywhere)"),
    "none_selected": ("（无）", "(none)"),
    "status_idle": ("等待调整杠杆", "Move a lever"),
    "status_running": ("模拟中：已完成 {done}/{total} 次重复模拟", "Simulating: {done} of {total} replications done"),
    "status_done": ("已更新：{reps}次重复模拟，随机种子{seed}，用时{seconds:.1f}秒",
                    "Updated: {reps} replications, seed {seed}, {seconds:.1f} s"),
    "status_error": ("模拟出错：{message}", "Simulation failed: {message}"),
    "status_invalid": ("杠杆取值无效，结果仍为上一次有效设置：", "Invalid lever values; the results shown are for the "
                                                     "last valid settings:"),
    "paired": ("与基准情景使用相同随机种子（共同随机数）和相同的不确定参数抽样，差异逐次配对；"
               "达成概率同时涵盖参数不确定性和随机性"
               "（第 i 次重复使用 40 行拉丁超立方抽样的第 i 行，40 次时与 talentsim run 完全一致）。",
               "The variant shares the base scenario's seeds (common random numbers) and parameter draws; differences "
               "are paired. P(met) covers both parameter uncertainty and chance (replication i uses row i of a "
               "40-row Latin hypercube: at 40 replications the numbers equal talentsim run's)."),
    "variant": ("调整后情景", "Variant"),
    "changed_levers": ("已调整的杠杆", "Changed levers"),
    "no_changes": ("尚未调整任何杠杆：调整后情景与基准情景相同。",
                   "No lever changed: the variant is the base scenario."),
    "goals": ("目标达成矩阵", "Goal matrix"),
    "goals_note": ("达成概率：基准 → 调整后；差值为百分点；余量＝期限年取值中位数 − 目标值；"
                   "＊为代理指标，†为杠杆无法改变的目标。",
                   "P(met): base → variant; Δ in percentage points; margin = median value at the deadline − "
                   "target; * proxy, † no lever can move it."),
    "outcomes": ("结果目标", "Outcomes"),
    "commitments": ("政府承诺（按实际支付或执行判定）", "Commitments (judged on what is actually paid or done)"),
    "col_goal": ("目标", "Goal"),
    "col_deadline": ("期限", "Deadline"),
    "col_target": ("目标值", "Target"),
    "col_p_base": ("达成概率（基准）", "P(met) base"),
    "col_p_variant": ("达成概率（调整后）", "P(met) variant"),
    "col_delta": ("差值", "Δ"),
    "col_period": ("规划期内每年达成概率（基准 → 调整后）", "P(met every year of the plan period), base → variant"),
    "col_year": ("达成年份（基准 → 调整后）", "Year met (base → variant)"),
    "col_margin": ("余量（调整后）", "Margin (variant)"),
    "moved": ("{n}个目标的达成概率有变化", "P(met) moved for {n} goal(s)"),
    "trajectories": ("关键指标走势（90%区间）", "Trajectories with 90% bands"),
    "differences": ("与基准之差（配对）", "Paired differences from the base"),
    "budget": ("财政预算", "Budget"),
    "cost": ("每增加一单位结果的公共成本", "Cost per extra outcome"),
    "saved": ("已保存并通过校验：{path}", "Saved and validated: {path}"),
    "save_failed": ("未保存：{message}", "Not saved: {message}"),
    "download_wait": ("请等待当前模拟完成后再下载简报。", "Wait for the current run to finish, then download."),
    "download_ready": ("简报已生成：{name}", "Briefing ready: {name}"),
    "lever_col": ("杠杆", "Lever"),
    "base_col": ("基准", "Base"),
    "variant_col": ("调整后", "Variant"),
}
"""Page strings ``key → (zh, en)``."""

FIELDS: dict[str, tuple[str, str, str]] = {
    "enrollment_adjustment.responsiveness": ("招生计划对就业信号的响应度", "Responsiveness of plans to the employment "
                                             "signal", "弹性"),
    "enrollment_adjustment.max_change": ("专业年度招生计划调整上限", "Cap on a major's yearly plan change", "比例"),
    "enrollment_adjustment.expand": ("扩招专业（紧缺专业）", "Majors to expand (shortage majors)", "专业"),
    "enrollment_adjustment.close": ("停招专业", "Majors to stop enrolling", "专业"),
    "enrollment_adjustment.from_year": ("调整机制启动年份", "First year the adjustment runs", "年"),
    "apprenticeship_share": ("校企联合培养（订单班、学徒制）招生比例", "Share of entrants trained jointly with firms",
                             "比例"),
    "order_class_minimum.A": ("A档学校每年最少订单班数", "Minimum order classes per A-tier school a year", "个"),
    "order_class_minimum.B": ("B档学校每年最少订单班数", "Minimum order classes per B-tier school a year", "个"),
    "order_class_minimum.other": ("其他学校每年最少订单班数", "Minimum order classes per other school a year", "个"),
    "order_class_minimum.subregions": ("分档要求适用地区", "Where the tier rule applies", "地区"),
    "order_class_minimum.from_year": ("分档要求起始年份（9月）", "First September the tier rule applies", "年"),
    "per_student_funding.secondary": ("中职与技工学校生均拨款", "Secondary vocational and technical schools",
                                      "元/生·年"),
    "per_student_funding.higher": ("高职与职业本科生均拨款", "Higher vocational and vocational undergraduate",
                                   "元/生·年"),
    "surcharge_credit.rate": ("抵免比例", "Share of qualifying investment credited", "比例"),
    "surcharge_credit.eligibility": ("可申请抵免的企业", "Who may claim the credit", ""),
    "surcharge_vocational_share": ("地方教育附加用于职业教育的比例", "Share of the local education surcharge for "
                                   "vocational schools", "比例"),
    "teacher_practice.months_required": ("企业实践月数要求", "Months of enterprise practice required", "月"),
    "teacher_practice.window_years": ("实践周期", "Practice window", "年"),
    "teacher_practice.enforcement": ("未达标教师派出实践的比例", "Share of non-compliant teachers sent to practice",
                                     "比例"),
    "teacher_practice.post_rate": ("企业提供实践岗位占职工比例", "Practice posts firms offer, share of their staff",
                                   "比例"),
    "part_time_target": ("企业兼职教师占专业课教师比例目标", "Target part-time share of specialty teachers", "比例"),
    "bases_per_major_target": ("每个专业实训基地数目标", "Training bases each major should have", "个"),
    "certificate_subsidy": ("职工取证补贴", "Subsidy per certified employee", "元/人"),
}
"""Lever fields ``dotted path → (zh name, en name, zh unit)``; the English unit comes from the lever range."""

CHOICES: dict[str, tuple[str, str]] = {
    "surcharge_credit.eligibility:certified": ("仅产教融合型企业", "certified firms only"),
    "surcharge_credit.eligibility:cooperating": ("所有校企合作企业", "every cooperating firm"),
}
"""Option texts of select levers ``path:value → (zh, en)``; an option without one shows its value."""


def ui(key: str, lang: str, **fmt: object) -> str:
    """A page string in ``lang``."""
    return translate(UI, key, lang, **fmt)


def field_name(path: str, lang: str) -> str:
    """The name of a lever field in ``lang`` (the dotted path if it has none)."""
    text = FIELDS.get(path)
    if text is None:
        return path
    return text[0] if lang == "zh" else text[1]


def choice_name(path: str, value: object, lang: str) -> str:
    """The text of one option of a select lever."""
    text = CHOICES.get(f"{path}:{value}")
    if text is None:
        return str(value)
    return text[0] if lang == "zh" else text[1]


def group_name(group: str, lang: str) -> str:
    """A top-level lever's name from the lever registry (``生均拨款标准``), or its key."""
    from simulate.policy import levers

    for lv in levers():
        if lv.path == group:
            return lv.name_zh if lang == "zh" else lv.name_en
    return group
