"""The indicator reference: every indicator the engine writes, with unit and meaning (en / zh).

``results.parquet`` is tidy: one row per (scenario, replication, year, region,
level, dimension, indicator) with a ``value``. ``dimension`` is ``total`` for
aggregates, or ``major:<id>``, ``industry:<id>``, ``track:<id>``,
``destination:<name>`` for breakdowns. ``level`` is an education level, ``all``
(every level together) or ``enterprise`` (firms and the labour market).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    """One indicator: its recording topic, unit, kind (stock, flow over the year, ratio), month and meaning.

    Attributes:
        topic: the recording module that writes it (:data:`simulate.results.record.TOPICS`).
        month: calendar month (1–12) in which the recorded value of a year is settled by the step
            that produces it (January budget, April plans, July graduation and practice, September
            enrollment, December accounting); it holds until that step runs again. A goal with a
            deadline month before it is judged on the previous year's value.
    """

    name: str
    topic: str
    unit: str
    kind: str
    month: int
    en: str
    zh: str


_ROWS = [
    ("enrollment", "students", "persons", "flow", 9, "New students entering in September (招生), incl. progression from a lower level", "招生数"),
    ("in_school", "students", "persons", "stock", 9, "Students in school at year end (在校生)", "在校生数"),
    ("graduates", "students", "persons", "flow", 7, "Students completing the final grade (毕业生)", "毕业生数"),
    ("dropouts", "students", "persons", "flow", 7, "Students leaving school without graduating (流失)", "流失学生数"),
    ("progression", "students", "persons", "flow", 7, "Graduates admitted to the next modelled level (升学)", "升学人数"),
    ("further_study", "students", "persons", "flow", 7, "Graduates studying on outside the modelled levels (e.g. 专升本)", "其他升学人数"),
    ("external_entrants", "students", "persons", "flow", 9, "Entrants from outside the modelled levels (enrollment − progression in)", "外部新生"),
    ("graduate_destinations", "students", "persons", "flow", 7, "Graduates by destination (dimension destination:<name>)", "毕业去向"),
    ("order_trained", "students", "persons", "flow", 7, "Graduates of order-class and apprenticeship tracks (订单式培养)", "订单式培养毕业生"),
    ("joint_entrants", "students", "persons", "flow", 9, "Entrants in order-class or apprenticeship tracks", "订单/学徒制新生"),
    ("apprenticeship_share", "students", "share", "ratio", 9, "Share of entrants in order-class or apprenticeship tracks", "学徒制/订单班新生占比"),
    ("order_classes", "students", "count", "flow", 9, "Order/apprenticeship classes formed in September (订单班)", "订单班数"),
    ("order_class_compliance", "students", "share", "ratio", 9, "Share of secondary vocational schools running the 8623 plan's order classes for their tier (A≥5, B≥3, other≥2)", "订单班达标学校占比"),
    ("enrollment_plan", "students", "persons", "flow", 4, "September intake plan set in April (招生计划)", "招生计划数"),
    ("fulltime_teachers", "teachers", "persons", "stock", 12, "Full-time teachers (专任教师)", "专任教师数"),
    ("professional_teachers", "teachers", "persons", "stock", 12, "Full-time specialty teachers (专业课教师)", "专业课教师数"),
    ("dual_qualified_teachers", "teachers", "persons", "stock", 12, "Dual-qualified specialty teachers (双师型教师)", "双师型教师数"),
    ("dual_qualified_share", "teachers", "share", "ratio", 12, "Dual-qualified share of specialty teachers", "双师型教师占专业课教师比例"),
    ("dual_share_compliance", "teachers", "share", "ratio", 12, "Share of schools whose dual-qualified share ≥ 50%", "双师型比例达标学校占比"),
    ("part_time_teachers", "teachers", "persons", "stock", 12, "Enterprise part-time teachers (企业兼职教师)", "企业兼职教师数"),
    ("part_time_share", "teachers", "share", "ratio", 12, "Part-time teachers / full-time specialty teachers", "兼职教师占专业课教师比例"),
    ("teacher_practice_compliance", "teachers", "share", "ratio", 12, "Specialty teachers whose rule window has run (service ≥ 5 years) who did the required practice months in it", "企业实践达标教师占比"),
    ("new_teacher_practice_compliance", "teachers", "share", "ratio", 12, "Specialty teachers completing their third year of service this year who did the required months in their first 3 years", "新教师企业实践达标占比"),
    ("teachers_placed_in_practice", "teachers", "persons", "flow", 7, "Teachers placed in enterprise practice posts this summer", "参加企业实践教师数"),
    ("practice_posts", "teachers", "count", "flow", 7, "Teacher-practice posts offered by firms and public training bases", "企业实践岗位数"),
    ("teachers_hired", "teachers", "persons", "flow", 12, "Full-time teachers hired", "新聘教师数"),
    ("teachers_left", "teachers", "persons", "flow", 12, "Teachers who retired or quit, and part-time engagements that ended", "离岗教师数"),
    ("teachers_certified", "teachers", "persons", "flow", 12, "Teachers newly certified dual-qualified", "新认定双师型教师数"),
    ("teachers_engaged_part_time", "teachers", "persons", "flow", 12, "Enterprise part-time teachers newly engaged", "新聘兼职教师数"),
    ("student_teacher_ratio", "teachers", "students_per_teacher", "ratio", 12, "Students per full-time teacher (生师比)", "生师比"),
    ("training_bases", "institutions", "count", "stock", 12, "Practice/training bases (实习实训基地)", "实习实训基地数"),
    ("bases_per_major_compliance", "institutions", "share", "ratio", 12, "Share of offered school-majors with at least 3 bases (001 §三.3 standard, whatever the lever asks)", "专业实训基地达标占比"),
    ("consortia", "institutions", "count", "stock", 12, "Vocational education groups / consortia led or joined by the schools (职教集团、产教联合体)", "职教集团/产教联合体数"),
    ("consortium_membership", "institutions", "share", "ratio", 12, "Share of schools in at least one consortium", "加入职教集团学校占比"),
    ("industrial_colleges", "institutions", "count", "stock", 12, "Industrial colleges run by schools (产业学院)", "产业学院数"),
    ("industrial_college_compliance", "institutions", "share", "ratio", 12, "Share of county/district secondary schools with an industrial college", "县区学校产业学院覆盖率"),
    ("per_student_funding", "finance", "yuan", "ratio", 1, "Per-student appropriation actually paid, average over students (生均拨款)", "生均拨款"),
    ("appropriations", "finance", "yuan", "flow", 1, "Per-student appropriations paid (生均拨款总额)", "生均拨款总额"),
    ("surcharge_vocational", "finance", "yuan", "flow", 1, "Local education surcharge spent on vocational schools", "地方教育附加用于职业教育"),
    ("surcharge_vocational_share", "finance", "share", "ratio", 1, "Local education surcharge actually paid to vocational schools / surcharge collected", "地方教育附加用于职业教育比例"),
    ("credits_foregone", "finance", "yuan", "flow", 1, "Education-surcharge credits granted to enterprises (教育费附加抵免)", "抵免教育费附加"),
    ("public_cost", "finance", "yuan", "flow", 1, "Appropriations + vocational surcharge spending + credits foregone + certificate subsidies", "公共财政成本"),
    ("demand", "market", "persons", "flow", 7, "Vacancies open to vocational graduates (growth + replacement)", "岗位需求"),
    ("supply", "market", "persons", "flow", 7, "Graduates seeking work in the industry (incl. partner-firm hires)", "毕业生供给"),
    ("matched", "market", "persons", "flow", 7, "Vacancies filled by graduates (对口就业)", "对口就业人数"),
    ("shortage", "market", "persons", "flow", 7, "Vacancies left unfilled by graduates", "人才缺口"),
    ("surplus", "market", "persons", "flow", 7, "Graduates trained for the industry who found no job in it", "供给过剩"),
    ("mismatch", "market", "ratio", "ratio", 7, "|supply − demand| / demand of an industry (the 2030 proxy reads ≤ 15% of demand)", "供需错配度"),
    ("mismatch_index", "market", "share", "ratio", 7, "Dissimilarity of supply and demand mixes across industries", "供需结构错配指数"),
    ("max_priority_mismatch", "market", "ratio", "ratio", 7, "Largest mismatch among the plan's priority industries", "重点产业最大错配度"),
    ("matched_rate", "students", "share", "ratio", 7, "Matched / graduates entering the labour market", "对口就业率"),
    ("local_retention_rate", "students", "share", "ratio", 7, "Share of labour-market entrants who stay in the region (本地留存率)", "本地留存率"),
    ("outflow", "students", "persons", "flow", 7, "Graduates leaving the region (外流)", "外流毕业生"),
    ("unemployed", "students", "persons", "flow", 7, "Graduates without a job or study place", "未就业毕业生"),
    ("participating_enterprises", "enterprises", "enterprises", "stock", 12, "Enterprises cooperating with schools or certified (校企合作企业)", "参与校企合作企业数"),
    ("certified_enterprises", "enterprises", "enterprises", "stock", 12, "Certified industry–education enterprises (产教融合型企业)", "产教融合型企业数"),
    ("enterprise_participation_rate", "enterprises", "share", "ratio", 12, "Participating share of enterprises", "企业参与率"),
    ("large_enterprise_participation_rate", "enterprises", "share", "ratio", 12, "Participating share of large firms (≥1亿元 or ≥1,000 staff)", "规模以上大企业参与率"),
    ("practice_posts_rate", "teachers", "share", "ratio", 7, "Teacher-practice posts firms offered / employees of large and medium firms (003 §9)", "企业实践岗位占职工比例"),
    ("staff_trained_share", "enterprises", "share", "ratio", 12, "Employees trained in the year / all employees (firms' training decisions)", "职工培训比例"),
    ("employees", "enterprises", "persons", "stock", 1, "Employees of the enterprise population", "企业职工数"),
    ("seats_offered", "enterprises", "count", "flow", 9, "Order/apprenticeship seats offered by participating firms", "订单/学徒岗位数"),
    ("schools", "students", "schools", "stock", 4, "Schools enrolling (after mergers of small schools, 撤并)", "学校数"),
    ("joint_places_sought", "students", "persons", "flow", 9, "Joint-training places schools sought (share lever and tier minimum)", "校企联合培养计划名额"),
    ("joint_training_seats_short", "students", "persons", "flow", 9, "Joint-training places sought that firms did not offer", "订单/学徒岗位缺口"),
    ("majors_opened", "students", "count", "flow", 4, "School-majors opened in April (专业动态调整)", "新设专业点数"),
    ("per_student_funding_min", "finance", "yuan", "ratio", 1, "Lowest per-student appropriation actually paid to a school of the cell", "最低生均拨款"),
    ("funded_share", "finance", "share", "ratio", 1, "Share of schools' operating, hiring and development needs their money pays", "办学经费保障率"),
    ("certificate_subsidies", "finance", "yuan", "flow", 12, "Certificate subsidies paid for trained employees", "职业技能证书补贴"),
    ("enterprise_investment", "enterprises", "yuan", "flow", 12, "Qualifying investment of cooperating firms in vocational education (next year)", "企业职业教育投入"),
]

INDICATORS: dict[str, Indicator] = {r[0]: Indicator(*r) for r in _ROWS}
"""Every indicator by name."""


def reference_markdown() -> str:
    """The indicator reference page (docs/indicators.md) as Markdown."""
    lines = [
        "# Indicator reference",
        "",
        "Columns of `results.parquet`: `scenario, replication, year, region, level, dimension, indicator, value`.",
        "`dimension` is `total` for aggregates, else `major:<id>`, `industry:<id>`, `track:<id>` or",
        "`destination:<name>`. `level` is an education level, `all`, or `enterprise`. Flows are totals over",
        "the calendar year; stocks are at year end (December). In-school stocks satisfy",
        "`in_school(y) = in_school(y−1) + enrollment(y) − graduates(y) − dropouts(y)` exactly; the",
        "base stock is written for `year = base_year − 1`.",
        "",
        "`month` is the calendar month in which a year's value is settled (1 budget, 4 plans, 7 graduation",
        "and practice, 9 enrollment, 12 accounting); a goal whose deadline month falls before it is judged",
        "on the previous year's value.",
        "",
        "| indicator | topic | unit | kind | month | meaning | 中文 |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [f"| `{i.name}` | {i.topic} | {i.unit} | {i.kind} | {i.month} | {i.en} | {i.zh} |" for i in INDICATORS.values()]
    return "\n".join(lines) + "\n"
