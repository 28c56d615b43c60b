"""Observed statistics: a strict loader and the coverage rules of the published series.

The file (``calibration/observed_2015_2022.csv``, a copy of ``shared/data``) has one published
figure per row: ``region, level, indicator, year, value, qualifier, unit, quality, source, quote``.
:func:`load_observed` refuses a malformed file with a :class:`DataError` naming the file, the line
and what was expected; nothing is guessed or repaired.

Coverage rules (``shared/data/README.md``) kept here, and nowhere else:

* ``secondary_vocational`` rows exclude technical schools in every year; the national 中职 totals
  that include them (up to 2020, and 2022 from a compilation) are the separate level
  ``secondary_vocational_incl_technical``. :func:`harmonised` rebuilds the excluding series before
  2021 from ``incl − technical_school`` (and from the three components 2015–2019).
* ``higher_vocational/enrollment`` excludes five-year-programme transfers except in 2021, whose
  figure includes them (:data:`INCLUDES_TRANSFERS`); the harmonised series excludes them everywhere.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ("region", "level", "indicator", "year", "value", "qualifier", "unit", "quality", "source", "quote")
"""Columns a data file must have, in any order (source and quote are kept with every figure)."""
LEVELS = (
    "secondary_vocational", "secondary_vocational_incl_technical", "technical_school",
    "regular_specialized_secondary", "vocational_high_school", "adult_specialized_secondary",
    "higher_vocational", "vocational_undergraduate", "junior_secondary", "general_senior_secondary",
    "senior_secondary_all", "economy", "population", "other",
)
"""The level vocabulary of the data (``shared/data/README.md``)."""
QUALITIES = ("high", "medium", "low")
QUALIFIERS = ("", ">", "<", "~")
COMPONENTS = ("regular_specialized_secondary", "vocational_high_school", "adult_specialized_secondary")
"""普通中专 + 职业高中 + 成人中专 = 中职 excluding technical schools."""
TRANSFERS = ("higher_vocational", "five_year_program_transfer_enrollment")
INCLUDES_TRANSFERS = frozenset({2021})
"""Years whose published higher-vocational enrollment includes five-year-programme transfers."""
NON_NEGATIVE_UNITS = frozenset({"persons", "schools", "yuan", "percent", "students_per_teacher", "count",
                                "enterprises", "yuan_per_student_year"})
_IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,79}$")
MAX_BYTES = 20 * 1024 * 1024


class DataError(ValueError):
    """A data file that cannot be used, with where and what was expected."""

    def __init__(self, file: str | Path, line: int | None, message: str):
        self.file, self.line, self.message = str(file), line, message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Observed:
    """The rows of a data file, validated; ``frame`` has the file's columns plus ``line``.

    ``value`` is a float, ``year`` an int, ``qualifier`` a string ('' when empty).
    """

    file: str
    frame: pd.DataFrame

    def until(self, year: int) -> Observed:
        """Only the rows with ``year ≤ year`` (a new object; the rest is not kept)."""
        return Observed(self.file, self.frame[self.frame.year <= year].reset_index(drop=True))

    def after(self, year: int) -> Observed:
        """Only the rows with ``year > year``."""
        return Observed(self.file, self.frame[self.frame.year > year].reset_index(drop=True))

    @property
    def last_year(self) -> int:
        """The latest year of any national row."""
        nat = self.frame[self.frame.region == "national"]
        return int((nat if len(nat) else self.frame).year.max())

    def rows(self, level: str, indicator: str, region: str = "national") -> pd.DataFrame:
        """Rows of one published series, sorted by year."""
        f = self.frame
        return f[(f.region == region) & (f.level == level) & (f.indicator == indicator)].sort_values("year")

    def series(self, level: str, indicator: str, region: str = "national") -> pd.Series:
        """Values of one published series by year."""
        r = self.rows(level, indicator, region)
        return pd.Series(r.value.to_numpy(float), index=r.year.to_numpy(int), name=f"{level}/{indicator}")

    def value(self, level: str, indicator: str, year: int, region: str = "national") -> float | None:
        """One published figure, or None."""
        s = self.series(level, indicator, region)
        return float(s[year]) if year in s.index else None


def load_observed(path: str | Path) -> Observed:
    """Read and validate a data file.

    Raises:
        DataError: unreadable or non-UTF-8 file; missing, unknown or repeated columns; a row with
            the wrong number of fields; an empty region/indicator/unit/source; a level outside
            :data:`LEVELS`; a year that is not a whole number in 1990–2100; a value that is not a
            finite number (or negative for a count, money or percent unit); an unknown qualifier or
            quality; a (region, level, indicator, year) given twice.
    """
    file = str(path)
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DataError(file, None, f"cannot read the data file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise DataError(file, None, f"file is larger than {MAX_BYTES // 1024 // 1024} MiB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataError(file, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    if "\x00" in text:
        raise DataError(file, text[:text.index("\x00")].count("\n") + 1, "NUL byte: this is not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise DataError(file, 1, f"cannot parse the header as CSV: {exc}") from None
    if not header or not any(h.strip() for h in header):
        raise DataError(file, 1, f"empty file: expected a header line with the columns {', '.join(COLUMNS)}")
    names = [h.strip() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    unknown = [c for c in names if c not in COLUMNS]
    repeated = sorted({c for c in names if names.count(c) > 1})
    if missing or unknown or repeated:
        parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(repr(u) for u in unknown)}"] if unknown else []) + (
            [f"repeated column(s) {', '.join(repeated)}"] if repeated else [])
        raise DataError(file, 1, "; ".join(parts) + f" (expected the columns {', '.join(COLUMNS)})")
    col = {c: names.index(c) for c in COLUMNS}
    records, seen = [], {}
    line = 1
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataError(file, start, f"malformed CSV: {exc}") from None
        line = start
        if not fields or all(not f.strip() for f in fields):
            continue  # blank line
        if len(fields) != len(names):
            raise DataError(file, line, f"expected {len(names)} fields, found {len(fields)}")
        rec = _row({c: fields[i].strip() for c, i in col.items()}, file, line)
        key = (rec["region"], rec["level"], rec["indicator"], rec["year"])
        if key in seen:
            raise DataError(file, line, f"duplicate figure {'/'.join(map(str, key))} "
                                        f"(first given on line {seen[key]})")
        seen[key] = line
        records.append(rec | {"line": line})
    if not records:
        raise DataError(file, None, "no data rows after the header")
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS) + ["line"])
    frame["year"] = frame.year.astype(int)
    frame["value"] = frame.value.astype(float)
    return Observed(file, frame)


def _row(r: dict[str, str], file: str, line: int) -> dict:
    """Validate one row's fields; return them typed."""
    for name in ("region", "indicator"):
        if not _IDENT.match(r[name]):
            raise DataError(file, line, f"{name} {r[name]!r}: expected an identifier (letters, digits, _)")
    if r["level"] not in LEVELS:
        raise DataError(file, line, f"unknown level {r['level']!r} (expected one of {', '.join(LEVELS)})")
    try:
        year = int(r["year"])
    except ValueError:
        raise DataError(file, line, f"year {r['year']!r}: expected a whole number") from None
    if not 1990 <= year <= 2100:
        raise DataError(file, line, f"year {year}: expected 1990–2100")
    if not r["value"]:
        raise DataError(file, line, "empty value: expected a number")
    try:
        value = float(r["value"])
    except ValueError:
        raise DataError(file, line, f"value {r['value']!r}: expected a number") from None
    if not math.isfinite(value):
        raise DataError(file, line, f"value {r['value']!r}: expected a finite number")
    if not r["unit"]:
        raise DataError(file, line, "empty unit")
    if r["unit"] in NON_NEGATIVE_UNITS and value < 0:
        raise DataError(file, line, f"value {value:g}: expected ≥ 0 for unit {r['unit']!r}")
    if r["qualifier"] not in QUALIFIERS:
        raise DataError(file, line, f"qualifier {r['qualifier']!r}: expected empty, '>', '<' or '~'")
    if r["quality"] not in QUALITIES:
        raise DataError(file, line, f"quality {r['quality']!r}: expected one of {', '.join(QUALITIES)}")
    if not r["source"]:
        raise DataError(file, line, "empty source: every figure must say where it was read")
    return r | {"year": year, "value": value}


# -- harmonised series ----------------------------------------------------------------------------
QUALITY_RANK = {q: i for i, q in enumerate(QUALITIES)}


@dataclass(frozen=True)
class Harmonised:
    """One model quantity by year on a single coverage, with how each value was obtained."""

    values: pd.Series
    quality: pd.Series
    how: pd.Series


def _worst(*qs: str) -> str:
    return max(qs, key=QUALITY_RANK.__getitem__)


def harmonised(obs: Observed, level: str, indicator: str) -> Harmonised:
    """A national series on one coverage, across the breaks.

    ``secondary_vocational`` (excluding technical schools): the published figure, else the sum of
    the three components, else ``secondary_vocational_incl_technical − technical_school``.
    ``secondary_vocational_incl_technical``: the published figure, else ``secondary_vocational +
    technical_school``. ``higher_vocational/enrollment``: excluding five-year transfers in every year
    (the 2021 figure minus that year's transfers). Anything else: the published series as it is.
    """
    out: dict[int, tuple[float, str, str]] = {}

    def put(year: int, value: float, quality: str, how: str) -> None:
        out.setdefault(int(year), (float(value), quality, how))

    direct = obs.rows(level, indicator)
    for r in direct.itertuples():
        put(r.year, r.value, r.quality, "published")
    if level == "higher_vocational" and indicator == "enrollment":
        tr = obs.rows(*TRANSFERS).set_index("year")
        for y in sorted(INCLUDES_TRANSFERS & set(out)):
            v, q, _ = out[y]
            if y in tr.index:
                out[y] = (v - float(tr.value[y]), _worst(q, tr.quality[y]), "published − five-year transfers")
            else:
                del out[y]  # not comparable and cannot be converted
    elif level == "secondary_vocational":
        parts = [obs.rows(c, indicator).set_index("year") for c in COMPONENTS]
        for y in sorted(set.intersection(*(set(p.index) for p in parts))):
            put(y, sum(float(p.value[y]) for p in parts), _worst(*(p.quality[y] for p in parts)), "sum of components")
        _combine(obs, ("secondary_vocational_incl_technical", "technical_school"), indicator, -1.0, put,
                 "incl_technical − technical_school")
    elif level == "secondary_vocational_incl_technical":
        _combine(obs, ("secondary_vocational", "technical_school"), indicator, 1.0, put,
                 "secondary_vocational + technical_school")
    years = sorted(out)
    return Harmonised(pd.Series([out[y][0] for y in years], index=years, dtype=float),
                      pd.Series([out[y][1] for y in years], index=years, dtype=object),
                      pd.Series([out[y][2] for y in years], index=years, dtype=object))


def _combine(obs: Observed, levels: tuple[str, str], indicator: str, sign: float, put, how: str) -> None:
    a, b = (obs.rows(lv, indicator).set_index("year") for lv in levels)
    for y in sorted(set(a.index) & set(b.index)):
        put(y, float(a.value[y]) + sign * float(b.value[y]), _worst(a.quality[y], b.quality[y]), how)


def national_series(obs: Observed) -> list[tuple[str, str]]:
    """Every (level, indicator) with a national row, in file order."""
    nat = obs.frame[obs.frame.region == "national"]
    return list(dict.fromkeys(zip(nat.level, nat.indicator, strict=True)))


def relative_sigma(quality: str, qualifier: str) -> float:
    """Relative measurement error assumed for a figure: 1% high, 3% medium, 10% low; ×2 if approximate."""
    base = {"high": 0.01, "medium": 0.03, "low": 0.10}[quality]
    return base * (2.0 if qualifier == "~" else 1.0)


def as_array(s: pd.Series, years: range | list[int]) -> np.ndarray:
    """Values of ``s`` at ``years`` (NaN where absent)."""
    return s.reindex(list(years)).to_numpy(float)
