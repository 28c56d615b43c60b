"""The school-age cohort: national births and the ratio that turns them into junior-secondary graduates.

Junior-secondary graduates (初中毕业生) of year *y* were mostly born in *y* − :data:`COHORT_LAG`.
Registration undercounts (notably around 2010, ``calibration/README.md``) make the ratio of
graduates to births 15 years earlier drift, so it is not assumed to be 1: :func:`junior_ratio`
reads it off the data for every year the data determines the cohort — published graduates up to the
cut-off, and three more years from the junior-secondary entrants of the last three years (each
graduates three years later, less the fitted junior dropout) — and extends it beyond with
:func:`ratio_extension` (a labelled assumption with a range).

:func:`load_births` reads ``calibration/births_national.csv`` strictly, like the observed statistics.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from simulate import shipped
from simulate.fitting.data import MAX_BYTES, DataError

DEFAULT_BIRTHS = shipped.calibration_dir() / "births_national.csv"
BIRTH_COLUMNS = ("region", "indicator", "year", "value", "unit", "quality", "source")
COHORT_LAG = 15
"""Years from birth to junior-secondary graduation (six years of primary school from age 6, three of junior)."""
ENTRY_LAG = 12
"""Years from birth to entering junior secondary."""
JUNIOR_YEARS = 3
"""Years of junior secondary (初中)."""
GENERAL_YEARS = 3
"""Years of general senior secondary (普通高中): external applicants to 高职 left junior school this long before."""


@dataclass(frozen=True)
class Births:
    """National births (出生人口) by year, with the source of each figure.

    Attributes:
        file: where they were read.
        values: persons by calendar year.
        quality: ``high``/``medium`` by year.
        source: the source text by year.
    """

    file: str
    values: pd.Series
    quality: pd.Series
    source: pd.Series

    def until(self, year: int) -> Births:
        """Only the births up to ``year`` (births are published the year after: a cut-off applies to them too)."""
        keep = self.values.index <= year
        return Births(self.file, self.values[keep], self.quality[keep], self.source[keep])

    def at(self, year: int) -> float:
        """Births in ``year``, or NaN."""
        return float(self.values.get(year, np.nan))


def load_births(path: str | Path = DEFAULT_BIRTHS) -> Births:
    """Read and validate the national births file.

    Raises:
        DataError: unreadable or non-UTF-8 file; missing, unknown or repeated columns; a row with the
            wrong number of fields; a region other than ``national``, an indicator other than ``births``
            or a unit other than ``persons``; a year outside 1990–2100; a value that is not a positive
            number; a quality other than high/medium/low; an empty source; a year given twice.
    """
    file = str(path)
    try:
        raw = Path(path).read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise DataError(file, None, f"cannot read the births file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(file, raw.count(b"\n", 0, exc.start) + 1, "not valid UTF-8") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise DataError(file, 1, f"empty file: expected the columns {', '.join(BIRTH_COLUMNS)}")
    names = [h.strip() for h in rows[0]]
    if sorted(names) != sorted(BIRTH_COLUMNS):
        raise DataError(file, 1, f"columns {', '.join(names)}: expected {', '.join(BIRTH_COLUMNS)}")
    col = {c: names.index(c) for c in BIRTH_COLUMNS}
    values, quality, source = {}, {}, {}
    for line, fields in enumerate(rows[1:], start=2):
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(names):
            raise DataError(file, line, f"expected {len(names)} fields, found {len(fields)}")
        r = {c: fields[i].strip() for c, i in col.items()}
        for key, want in (("region", "national"), ("indicator", "births"), ("unit", "persons")):
            if r[key] != want:
                raise DataError(file, line, f"{key} {r[key]!r}: expected {want!r}")
        try:
            year, value = int(r["year"]), float(r["value"])
        except ValueError:
            raise DataError(file, line, f"year {r['year']!r} / value {r['value']!r}: expected numbers") from None
        if not 1990 <= year <= 2100:
            raise DataError(file, line, f"year {year}: expected 1990–2100")
        if not np.isfinite(value) or value <= 0:
            raise DataError(file, line, f"value {r['value']!r}: expected a positive number of persons")
        if r["quality"] not in ("high", "medium", "low"):
            raise DataError(file, line, f"quality {r['quality']!r}: expected high, medium or low")
        if not r["source"]:
            raise DataError(file, line, "empty source: every figure must say where it was read")
        if year in values:
            raise DataError(file, line, f"births of {year} given twice")
        values[year], quality[year], source[year] = value, r["quality"], r["source"]
    if not values:
        raise DataError(file, None, "no data rows after the header")
    years = sorted(values)
    return Births(file, pd.Series([values[y] for y in years], index=years, dtype=float),
                  pd.Series([quality[y] for y in years], index=years, dtype=object),
                  pd.Series([source[y] for y in years], index=years, dtype=object))


def junior_ratio(junior: np.ndarray, years: np.ndarray, births: Births, last_covered: int) -> pd.Series:
    """Junior graduates per birth :data:`COHORT_LAG` years earlier, for the years up to ``last_covered``."""
    out = {}
    for y, j in zip(years, junior, strict=True):
        b = births.at(int(y) - COHORT_LAG)
        if int(y) <= last_covered and np.isfinite(j) and np.isfinite(b):
            out[int(y)] = float(j / b)
    return pd.Series(out, dtype=float)


@dataclass(frozen=True)
class RatioExtension:
    """How the births → junior-graduates ratio continues beyond the years the data determines.

    Attributes:
        central: the last determined ratio, held (the junior entrants of the last observed year per birth
            twelve years earlier, less junior dropout): later cohorts are as under-registered as it.
        low: junior completion alone, ``(1 − junior_dropout)³``: every registered birth reaches junior
            school, i.e. registration is complete from the next cohort on (communiqué births from 2012).
        high: the drift of the last two determined years repeated once more, then held: registration of
            later cohorts is worse still.
        first_year: the first year of the extension.
    """

    central: float
    low: float
    high: float
    first_year: int


def ratio_extension(ratio: pd.Series, junior_dropout: float) -> RatioExtension:
    """The extension of the ratio beyond the last determined year (see :class:`RatioExtension`)."""
    central = float(ratio.iloc[-1])
    drift = central - float(ratio.iloc[-3]) if len(ratio) >= 3 else 0.0
    completion = (1.0 - junior_dropout) ** JUNIOR_YEARS
    return RatioExtension(central=central, low=min(completion, central), high=central + max(drift, 0.0),
                          first_year=int(ratio.index[-1]) + 1)


__all__ = ["Births", "COHORT_LAG", "DEFAULT_BIRTHS", "RatioExtension", "junior_ratio", "load_births",
           "ratio_extension"]
