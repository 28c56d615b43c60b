"""Recording, teachers: staff, dual-qualified, part-time, practice and flows."""

from __future__ import annotations

import numpy as np

from simulate.results.record.recorder import Recorder
from simulate.world import World

NAME = "teachers"


def columns(w: World) -> dict[str, np.ndarray]:
    """Per-school quantities of this topic."""
    k = w.staff  # tallied at the end of December's teacher changes
    return {
        "ft": k.fulltime, "prof": k.professional, "dual": k.dual,
        "dual_ok": (k.professional > 0) & (2 * k.dual >= k.professional), "has_prof": k.professional > 0,
        "pt": k.part_time, "due": k.due, "due_ok": k.due_compliant, "third": k.third_year,
        "third_ok": k.third_year_early_ok,
    }


def emit(rec: Recorder, w: World, g: dict[str, np.ndarray]) -> None:
    """Record this topic's indicators for the current year."""
    y, fl = w.year, w.flows
    rec.grid(y, "fulltime_teachers", g["ft"])
    rec.grid(y, "professional_teachers", g["prof"])
    rec.grid(y, "dual_qualified_teachers", g["dual"])
    rec.ratio(y, "dual_qualified_share", g["dual"], g["prof"])
    rec.ratio(y, "dual_share_compliance", g["dual_ok"], g["has_prof"])
    rec.grid(y, "part_time_teachers", g["pt"])
    rec.ratio(y, "part_time_share", g["pt"], g["prof"])
    rec.ratio(y, "teacher_practice_compliance", g["due_ok"], g["due"])
    rec.ratio(y, "new_teacher_practice_compliance", g["third_ok"], g["third"])
    rec.ratio(y, "student_teacher_ratio", g["in_school"], g["ft"])
    acc, grad = fl.accounting, fl.graduation
    rec.province(y, "teachers_placed_in_practice", grad.placed, level="all")
    rec.province(y, "teachers_hired", acc.hired, level="all")
    rec.province(y, "teachers_certified", acc.certified, level="all")
    rec.province(y, "teachers_engaged_part_time", acc.engaged, level="all")
    rec.province(y, "teachers_left", acc.retired + acc.quit + acc.released, level="all")
    rec.province(y, "practice_posts", grad.posts.total)
    rec.province(y, "practice_posts_rate", grad.posts.rate)
