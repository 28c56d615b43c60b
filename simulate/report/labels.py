"""Every string a chart or table shows, in Chinese and English.

``label(key, lang)`` looks up a UI string (titles, axes, legends, table headers) or an
indicator name (from :data:`simulate.results.indicators.INDICATORS`); ``goal_name`` takes the
catalogue's ``name_zh`` / ``name_en``. A missing key is an error, so an untranslated string
cannot slip into a briefing unnoticed.

>>> label("year", "zh"), label("year", "en")
('年份', 'Year')
>>> label("dual_qualified_share", "zh")
'双师型教师占专业课教师比例'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from simulate.report.style import check_lang
from simulate.results.indicators import INDICATORS

UI: dict[str, tuple[str, str]] = {
    # generic
    "year": ("年份", "Year"),
    "scenario": ("情景", "Scenario"),
    "baseline": ("基准情景", "Baseline"),
    "median": ("中位数", "Median"),
    "band_90": ("90%区间（P5–P95）", "90% band (p5–p95)"),
    "band_50": ("50%区间（P25–P75）", "50% band (p25–p75)"),
    "value": ("数值", "Value"),
    "unit": ("单位", "Unit"),
    "item": ("项目", "Item"),
    "total": ("合计", "Total"),
    "notes": ("说明", "Notes"),
    "contents": ("目录", "Contents"),
    "generated": ("生成", "Generated"),
    "replications": ("重复模拟次数", "Replications"),
    "seed": ("随机种子", "Seed"),
    "horizon": ("模拟年份", "Simulated years"),
    "region": ("地区", "Region"),
    "n_a": ("不适用", "n/a"),
    # titles
    "compare_title": ("政策杠杆情景比较", "Lever mix comparison"),
    "report_title": ("情景简报", "Scenario briefing"),
    "lever_diff": ("政策杠杆差异", "Lever differences"),
    "lever_diff_none": ("各情景的参数完全相同。", "The scenarios' parameters are identical."),
    "goal_matrix": ("目标达成矩阵", "Goal matrix"),
    "headline": ("主要目标达成判定", "Headline verdicts"),
    "trajectories": ("关键指标走势", "Trajectories of key indicators"),
    "differences": ("与基准情景的配对差异", "Paired differences against the baseline"),
    "differences_unpaired": ("与基准情景的差异（未配对）", "Unpaired differences against the baseline"),
    "budget": ("财政预算与成本效果", "Budget and cost-effectiveness"),
    "assumptions": ("标注为假设的参数", "Labelled assumptions"),
    "assumptions_intro": ("以下参数尚无统计数据支撑，取值为标注的假设：",
                          "These values have no statistic behind them yet; they are labelled assumptions:"),
    # goal matrix
    "goal": ("目标", "Goal"),
    "goal_id": ("目标编号", "Goal id"),
    "deadline": ("期限", "Deadline"),
    "target": ("目标值", "Target"),
    "p_met": ("达成概率", "P(met)"),
    "p_met_ci": ("达成概率95%区间", "P(met) 95% interval"),
    "median_year_met": ("达成年份（中位数）", "Median year met"),
    "median_value": ("期限年取值（中位数）", "Median value at deadline"),
    "proxy": ("代理指标", "Proxy"),
    "proxy_note": ("＊ 定性目标的代理指标（阈值为标注的假设）",
                   "* proxy of a qualitative goal (its threshold is a labelled assumption)"),
    "not_met_by_horizon": ("未达成", "not met"),
    "cell_text": ("概率 {p}｜{year}", "P {p} | {year}"),
    # lever table
    "parameter": ("参数路径", "Parameter"),
    "source": ("来源", "Source"),
    "source_of": ("{name} 来源", "{name} source"),
    "default_value": ("默认值", "default"),
    "absent": ("（无）", "(absent)"),
    # trajectories and differences
    "difference": ("与基准之差", "Difference from baseline"),
    "difference_of": ("{name}：与基准之差", "{name}: difference from baseline"),
    "difference_of_unpaired": ("{name}：与基准之差（未配对）", "{name}: unpaired difference from baseline"),
    "pairing": ("配对", "Pairing"),
    "paired": ("配对", "paired"),
    "unpaired": ("未配对", "unpaired"),
    "unlike_note": ("注意：各情景的地区或基年不同（{what}），差异只是中位数之差，不是政策效果；"
                    "目标只在其适用地区判定。",
                    "Note: the scenarios differ in region or base year ({what}); differences are differences of "
                    "medians, not effects of a lever, and each goal is judged only where it applies."),
    "paired_note": ("配对差异：各情景使用相同随机种子（共同随机数），逐次模拟相减后取分位数。",
                    "Paired differences: the scenarios share seeds (common random numbers); "
                    "differences are taken replication by replication, then summarised."),
    "unpaired_note": ("注意：各运行的随机种子不同，差异不是配对的，仅给出中位数之差，不含区间。",
                      "Note: the runs' seeds differ, so the differences are not paired; only the difference "
                      "of medians is shown, without bands."),
    "supply_vs_demand": ("分行业对口供给与岗位需求（{year}年）", "Matched supply vs demand by industry ({year})"),
    "industry": ("行业", "Industry"),
    "dual_share_title": ("双师型教师比例", "Dual-qualified teacher share"),
    # budget
    "per_year": ("{year}年", "{year}"),
    "window": ("{n}年合计（{start}–{end}）", "{n}-year total ({start}–{end})"),
    "money_unit": ("亿元", "million yuan"),
    "cost_per_matched": ("每增加一名对口就业毕业生的公共成本", "Public cost per additional matched graduate"),
    "cost_per_dual": ("每增加一名双师型教师的公共成本", "Public cost per additional dual-qualified teacher"),
    "delta_cost": ("公共成本增量", "Additional public cost"),
    "delta_matched": ("对口就业毕业生增量（累计）", "Additional matched graduates (cumulative)"),
    "delta_dual": ("双师型教师增量（期末）", "Additional dual-qualified teachers (end of window)"),
    "yuan_per_person": ("元/人", "yuan per person"),
    "persons": ("人", "persons"),
    "estimate": ("估计", "Estimate"),
    "p05": ("P5", "p5"),
    "p95": ("P95", "p95"),
    "p25": ("P25", "p25"),
    "p75": ("P75", "p75"),
    "reason": ("原因", "Reason"),
    "na_no_gain": ("不适用：相对基准没有增加", "n/a: no gain over the baseline"),
    "na_loss": ("不适用：相对基准反而减少", "n/a: fewer than the baseline"),
    "na_saving": ("不适用：成本更低且效果更好（优于基准）", "n/a: lower cost and more gain (dominates the baseline)"),
    "na_unpaired": ("不适用：运行未配对", "n/a: runs are not paired"),
    "col_unit_stat": ("{name}（{unit}）{stat}", "{name} ({unit}), {stat}"),
    "col_unit": ("{name}（{unit}）", "{name} ({unit})"),
    "col_of": ("{name}｜{scenario}", "{name} | {scenario}"),
    "col_reason": ("{name}：原因", "{name}: reason"),
    "subtitle_bands": ("{region}，{n}次重复模拟的中位数（线）与90%区间（阴影，P5–P95）",
                       "{region}; median (line) and 90% band (shaded, p5–p95) over {n} replications"),
    "subtitle_diff": ("{region}，配对差异的中位数（线）与90%区间（阴影）", "{region}; median paired difference (line) "
                      "and 90% band (shaded)"),
    "subtitle_diff_unpaired": ("{region}，中位数之差（未配对，无区间）", "{region}; difference of medians (not paired, "
                               "no band)"),
    "subtitle_goals": ("单元格：达成概率｜达成年份中位数；＊为代理指标",
                       "Cells: P(met) | median year met; * marks a proxy"),
    "subtitle_industry": ("{region}，中位数；柱：对口就业（供给），◆：岗位需求", "{region}; medians. Bars: matched "
                          "(supply); ◆: demand"),
    "subtitle_budget": ("{region}，各次模拟求和后的中位数", "{region}; medians of per-replication sums"),
    "budget_windows_title": ("财政投入分项（窗口合计）", "Public spending by item (window totals)"),
    "milestone": ("{year}年目标节点", "{year} milestone"),
    "unit_persons": ("人", "persons"),
    "unit_share": ("比例", "share"),
    "unit_ratio": ("比率", "ratio"),
    "lever_matrix_title": ("各项杠杆取区间上限时对目标指标的影响（{year}年，配对差值中位数）",
                           "Each lever at the top of its range: effect on goal indicators ({year}, median paired "
                           "difference)"),
    "lever_matrix_scale": ("相对基准", "vs base"),
    "lever_matrix_note": ("每项杠杆单独取 scenarios/lever_ranges.yaml 的上限，其余保持情景设定；与基准情景同一种子、"
                          "同一批模拟（共同随机数）。格中为相对变化，“·”表示90%区间包含0。",
                          "Each lever alone at the top of its range in scenarios/lever_ranges.yaml, the others as "
                          "the scenario sets them; same seed and replications as the base (common random numbers). "
                          "Cells: relative change; “·” marks a 90% interval that includes zero."),
    "unit_count": ("个", "count"),
    "unit_enterprises": ("家", "enterprises"),
    "unit_yuan": ("元", "yuan"),
    "verdicts": ("目标达成判定", "Goal verdicts"),
    "ci_low": ("95%区间下限", "95% CI low"),
    "ci_high": ("95%区间上限", "95% CI high"),
    "p05_value": ("期限年取值P5", "p5 at deadline"),
    "p95_value": ("期限年取值P95", "p95 at deadline"),
    "scenario_description": ("情景说明", "About the scenario"),
    "origin_note": ("{origin}（{how}）", "{origin} ({how})"),
    "labelled": ("{name}：{text}", "{name}: {text}"),
    "doc_nc": ("南昌市中职“8623”行动计划", "Nanchang \"8623\" plan"),
    "doc_jx": ("江西省深化产教融合实施方案", "Jiangxi integration plan"),
    "doc_hn": ("湖南省深化产教融合实施意见", "Hunan integration plan"),
    "doc_jl": ("吉林省深化产教融合实施意见", "Jilin integration plan"),
    "doc_cn": ("国家产教融合建设试点实施方案", "National pilot plan"),
    "doc_other": ("情景自定目标", "Scenario's own targets"),
    "goal_matrix_part": ("目标达成矩阵：{doc}", "Goal matrix: {doc}"),
    "every_year_from": ("{year}（自{start}年起每年）", "{year} (every year from {start})"),
    "indicator": ("指标", "Indicator"),
    "scenarios_col": ("适用情景", "Scenarios"),
    "note": ("说明", "Note"),
    "window_col": ("窗口", "Window"),
    "origin": ("来源文件", "From"),
    "simulated_now": ("本次模拟", "simulated now"),
    "read_from_folder": ("读取运行目录", "read from run folder"),
    "scenario_line": ("{title}：{origin}，{reps}次重复模拟，种子{seed}",
                      "{title}: {origin}, {reps} replications, seed {seed}"),
    "baseline_line": ("基准情景：{title}", "Baseline: {title}"),
    "windows_line": ("预算窗口：{windows}", "Budget windows: {windows}"),
    "headline_line": ("{n}项可模拟目标中，{met}项达成概率≥90%，{uncertain}项介于10%–90%，{unmet}项≤10%。",
                      "Of {n} modelled targets, {met} are met with P ≥ 0.9, {uncertain} have 0.1 < P < 0.9, "
                      "{unmet} have P ≤ 0.1."),
    "headline_commitments": ("另有{n}项政府承诺（情景自身的设定，按实际拨付或执行判定，不计入上述目标）："
                             "{kept}项达成概率≥90%。",
                             "Besides, {n} commitments (settings the scenario itself makes, judged on what is actually "
                             "paid or done, not counted above): {kept} kept with P ≥ 0.9."),
    # outcomes and commitments
    "commitments": ("政府承诺的落实", "Commitments kept"),
    "commitment_matrix": ("政府承诺落实矩阵", "Commitment matrix"),
    "commitment_note": ("政府承诺是情景自身的设定（如生均拨款、地方教育附加用于职教的比例），"
                        "按实际拨付或执行判定，单列于成果目标之外。",
                        "Commitments are settings the scenario itself makes (per-student funding, the surcharge "
                        "earmark), judged on what is actually paid or done and kept apart from the outcome targets."),
    "judged_region": ("判定所用数据", "Judged on"),
    "margin": ("差距（取值−目标）", "Margin (value − target)"),
    "p_met_plan": ("规划期内每年达成概率", "P(met every year of the plan period)"),
    "fixed_because": ("无论杠杆如何均不变的原因", "Fixed whatever the levers, because"),
    "fixed_note": ("† 在文件支持的杠杆范围内无法改变的目标，原因见表中说明。",
                   "† a goal no lever setting the documents support can move; the reason is given in the table."),
    "sum_from": ("{deadline}（自{start}年起累计）", "{deadline} (sum from {start})"),
    "change_since": ("{deadline}（较{start}年的变化）", "{deadline} (change since {start})"),
    "value_of": ("{deadline}（以{year}年数值判定）", "{deadline} (value of {year})"),
    "standing_in": ("{region}（代{issuer}判定）", "{region} (standing in for {issuer})"),
    "not_separate": ("{region}（{sub}未单列）", "{region} ({sub} not recorded separately)"),
    "issuer_hunan": ("湖南省", "Hunan"),
    "issuer_jilin": ("吉林省", "Jilin"),
    "issuer_national": ("全国", "national"),
    "issuer_jiangxi": ("江西省", "Jiangxi"),
    "issuer_nanchang": ("南昌市", "Nanchang"),
    "judges_line": ("{title}：本简报判定{regions}的{n}项目标；另有{m}项目标适用于其他地区（{elsewhere}），"
                    "在模拟相应地区的情景中判定。",
                    "{title}: this report judges {n} goals of {regions}; {m} apply elsewhere ({elsewhere}) and are "
                    "judged on a scenario that simulates their region."),
    "matched_graduates": ("对口就业毕业生", "Matched graduates"),
    # uncertainty
    "uncertainty_parameters": ("{title}：达成概率同时涵盖参数不确定性（每次重复模拟重新抽取{k}个不确定参数，"
                               "拉丁超立方抽样）与随机不确定性（模型的随机抽样），基于{reps}次重复模拟。",
                               "{title}: P(met) covers both parameter uncertainty ({k} uncertain parameters drawn anew "
                               "in each replication, Latin hypercube) and stochastic uncertainty (the model's random "
                               "draws), over {reps} replications."),
    "uncertainty_stochastic": ("{title}：达成概率仅涵盖随机不确定性（参数取中心值），基于{reps}次重复模拟。",
                               "{title}: P(met) covers stochastic uncertainty only (parameters at their central "
                               "values), over {reps} replications."),
    "decided_by": ("决定因素（达成条件）", "Decided by (met if …)"),
    "decided_note": ("决定因素：对达成概率介于5%与95%之间的目标，逐个参数给出最能区分达成与未达成的条件；"
                     "ρ为该参数与目标余量的秩相关，百分比为该条件判对的重复模拟比例。",
                     "Decided by: for a goal with P(met) between 5% and 95%, the condition on one parameter at a time "
                     "that best separates met from missed; ρ is the parameter's rank correlation with the goal's "
                     "slack, % the share of replications the condition gets right."),
    "decided_entry": ("{name} {op} {threshold} 时达成（ρ {rho}，{right}%）",
                      "met if {name} {op} {threshold} (ρ {rho}, {right}%)"),
    "budget_note": ("金额为各次模拟的中位数；窗口合计为逐次模拟求和后的中位数。"
                    "成本效果比 = 公共成本增量均值 ÷ 效果增量均值（配对）。",
                    "Amounts are medians over replications; window totals are medians of per-replication sums. "
                    "Cost-effectiveness = mean additional public cost ÷ mean additional effect (paired)."),
}
"""UI strings: key → (Chinese, English)."""

SHORT_EN: dict[str, str] = {
    "dual_qualified_share": "Dual-qualified share of specialty teachers",
    "dual_qualified_teachers": "Dual-qualified teachers",
    "order_trained": "Order-trained graduates",
    "mismatch_index": "Supply–demand mismatch index",
    "outflow": "Graduates leaving the region",
    "enterprise_participation_rate": "Enterprise participation rate",
    "public_cost": "Public cost",
    "appropriations": "Per-student appropriations",
    "credits_foregone": "Surcharge credits foregone",
    "surcharge_vocational": "Surcharge spent on vocational schools",
    "matched": "Matched graduates",
    "demand": "Demand (vacancies)",
    "supply": "Supply (graduates seeking work)",
    "per_student_funding": "Per-student appropriation",
    "graduate_destinations": "Graduate destinations",
}
"""Short English chart names for indicators whose reference text is a long sentence."""

_PAREN = re.compile(r"\s*\([^)]*[\u3400-\u9fff][^)]*\)")


def _indicator(key: str, lang: str) -> str:
    ind = INDICATORS[key]
    if lang == "zh":
        return ind.zh
    return SHORT_EN.get(key) or _PAREN.sub("", ind.en).strip()


def has_label(key: str) -> bool:
    """Whether ``key`` is a UI string or an indicator name."""
    return key in UI or key in INDICATORS


def translate(table: dict[str, tuple[str, str]], key: str, lang: str, **fmt: object) -> str:
    """The ``lang`` text of ``key`` in a ``{key: (zh, en)}`` table, with ``{placeholders}`` filled.

    Raises:
        KeyError: ``key`` not in ``table``.
        ValueError: unsupported language.
    """
    check_lang(lang)
    text = table[key][0 if lang == "zh" else 1]
    return text.format(**fmt) if fmt else text


def label(key: str, lang: str, default: str | None = None, **fmt: object) -> str:
    """The text of a UI string or indicator name in ``lang`` (``"zh"`` or ``"en"``).

    Args:
        key: a key of :data:`UI` or an indicator name.
        lang: ``"zh"`` or ``"en"``.
        default: returned for an unknown key instead of raising.
        **fmt: values for ``{placeholders}`` in the string.

    Raises:
        KeyError: unknown key and no ``default``.
        ValueError: unsupported language.
    """
    if key in UI:
        return translate(UI, key, lang, **fmt)
    check_lang(lang)
    if key in INDICATORS:
        text = _indicator(key, lang)
    elif default is not None:
        text = default
    else:
        raise KeyError(f"no {lang} label for {key!r}")
    return text.format(**fmt) if fmt else text


def goal_name(goal_id: str, lang: str, goals: Iterable | None = None) -> str:
    """A goal's name from the catalogue (or from ``goals``, e.g. a scenario's own goals).

    Falls back to the id for a goal neither knows.
    """
    check_lang(lang)
    if goals is None:
        from simulate.goals.catalogue import load_catalogue

        goals = load_catalogue()
    for g in goals:
        if g.id == goal_id:
            return g.name_zh if lang == "zh" else g.name_en
    return goal_id


def named(items: Iterable, lang: str) -> dict[str, str]:
    """``{id: name}`` of objects with ``id``, ``name_zh`` and ``name_en`` (industries, majors)."""
    check_lang(lang)
    out = {}
    for it in items:
        get = it.get if isinstance(it, dict) else lambda k, it=it: getattr(it, k)
        out[get("id")] = get("name_zh") if lang == "zh" else get("name_en")
    return out


def scenario_title(scenario, lang: str) -> str:
    """The scenario's ``title_zh`` / ``title_en`` (a :class:`Scenario` or its dict), or its name."""
    get = scenario.get if isinstance(scenario, dict) else lambda k: getattr(scenario, k, None)
    title = get("title_zh" if lang == "zh" else "title_en")
    return title or get("name")
