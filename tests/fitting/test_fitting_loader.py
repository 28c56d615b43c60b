"""The observed-statistics loader: the real file, its coverage rules, and malformed files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from simulate.cli.main import ExitStatus, main
from simulate.fitting.data import COLUMNS, DataError, harmonised, load_observed

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "calibration" / "observed_2015_2022.csv"
SHARED = ROOT.parent / "shared" / "data" / "observed_2015_2022.csv"


@pytest.fixture(scope="module")
def obs():
    return load_observed(DATA)


def test_the_shipped_file_is_the_shared_data_with_sources_and_quotes(obs):
    if SHARED.is_file():
        assert DATA.read_bytes() == SHARED.read_bytes()
    assert len(obs.frame) == 389
    assert list(obs.frame.columns[:10]) == list(COLUMNS)
    assert (obs.frame.source.str.len() > 0).all() and (obs.frame.quote.str.len() > 0).all()
    row = obs.frame[(obs.frame.level == "higher_vocational") & (obs.frame.indicator == "enrollment")
                    & (obs.frame.year == 2021)].iloc[0]
    assert row.value == 5525800 and "含五年制" in row.quote
    line = DATA.read_text(encoding="utf-8").splitlines()[row.line - 1]
    assert line.startswith("national,higher_vocational,enrollment,2021")


def test_secondary_vocational_excluding_technical_schools_is_rebuilt_across_the_2021_break(obs):
    h = harmonised(obs, "secondary_vocational", "enrollment")
    assert list(h.values.index) == list(range(2015, 2023))
    comp = sum(obs.value(lv, "enrollment", 2017) for lv in ("regular_specialized_secondary", "vocational_high_school",
                                                            "adult_specialized_secondary"))
    assert h.values[2017] == pytest.approx(comp) and h.how[2017] == "sum of components"
    assert h.values[2020] == pytest.approx(6446600 - 1601000) and h.quality[2020] == "medium"
    assert h.values[2021] == 4889900 and h.how[2021] == "published"
    incl = harmonised(obs, "secondary_vocational_incl_technical", "in_school")
    assert incl.values[2021] == pytest.approx(13118100 + 4267000)


def test_higher_vocational_2021_enrollment_excludes_five_year_transfers_when_harmonised(obs):
    h = harmonised(obs, "higher_vocational", "enrollment").values
    assert h[2021] == pytest.approx(5525800 - 452000)
    assert h[2022] == 5389800 and h[2020] == 5243364


def _write(tmp_path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header or list(COLUMNS))
    w.writerows(rows)
    path = tmp_path / "data.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


GOOD = ["national", "secondary_vocational", "enrollment", "2021", "4889900", "", "persons", "high", "MoE bulletin",
        "招生488.99万人"]


def _row(**changes) -> list[str]:
    r = dict(zip(COLUMNS, GOOD, strict=True)) | changes
    return [r[c] for c in COLUMNS]


MALFORMED = {
    "non_numeric_value": ([_row(), _row(year="2022", value="4.8M")], 3, "value '4.8M': expected a number"),
    "empty_value": ([_row(value="")], 2, "empty value"),
    "nan_value": ([_row(value="nan")], 2, "finite"),
    "negative_count": ([_row(value="-3")], 2, "expected ≥ 0"),
    "unknown_level": ([_row(level="secondary_vocational_total")], 2, "unknown level 'secondary_vocational_total'"),
    "duplicate_row": ([_row(), _row(value="1")], 3, "duplicate figure national/secondary_vocational/enrollment/2021 "
                                                    "(first given on line 2)"),
    "bad_year": ([_row(year="21")], 2, "year 21: expected 1990–2100"),
    "fractional_year": ([_row(year="2021.5")], 2, "expected a whole number"),
    "bad_quality": ([_row(quality="good")], 2, "quality 'good'"),
    "bad_qualifier": ([_row(qualifier="about")], 2, "qualifier 'about'"),
    "empty_source": ([_row(source="")], 2, "empty source"),
    "bad_region": ([_row(region="全国")], 2, "region '全国'"),
    "short_row": ([_row()[:7]], 2, "expected 10 fields, found 7"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_rows_name_file_line_and_what_was_expected(case, tmp_path):
    rows, line, needle = MALFORMED[case]
    path = _write(tmp_path, rows)
    with pytest.raises(DataError) as err:
        load_observed(path)
    assert err.value.line == line
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert needle in str(err.value)


def test_missing_and_unknown_columns_are_refused_at_the_header(tmp_path):
    header = [c for c in COLUMNS if c != "quote"] + ["comment"]
    path = _write(tmp_path, [_row()[:9] + ["x"]], header)
    with pytest.raises(DataError, match=r"data.csv:1: missing column\(s\) quote; unknown column\(s\) 'comment'"):
        load_observed(path)


@pytest.mark.parametrize("content, needle", [
    (b"", "empty file"),
    (b"region,level\xff\n", "not valid UTF-8"),
    (",".join(COLUMNS).encode() + b"\n", "no data rows"),
    (b"a,\"b\n", "CSV"),
])
def test_unreadable_files_are_refused(tmp_path, content, needle):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=needle):
        load_observed(path)


@pytest.mark.parametrize("command", [["backtest", "--fit-until", "2020", "--no-images"],
                                     ["calibrate", "--no-engine", "--no-images"]])
def test_cli_maps_a_malformed_data_file_to_exit_2_and_one_line(command, tmp_path, capsys):
    path = _write(tmp_path, [_row(), _row(year="2022", value="n/a")])
    out = tmp_path / "out"
    argv = command + ["--data", str(path), "--out", str(out)]
    if command[0] == "calibrate":
        argv += ["--report", str(out), "--region-out", str(tmp_path / "r.yaml")]
        argv[argv.index("--out") + 1] = str(tmp_path / "b.yaml")
    assert main(argv) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err == f"error: {path}:3: value 'n/a': expected a number\n"
    assert not out.exists()


def test_cli_reports_a_missing_data_file(tmp_path, capsys):
    assert main(["backtest", "--data", str(tmp_path / "none.csv"), "--fit-until", "2020", "--no-images",
                 "--out", str(tmp_path / "o")]) == ExitStatus.BAD_INPUT
    assert "not found" in capsys.readouterr().err


def test_the_births_file_is_the_shared_data_read_strictly(tmp_path):
    from simulate.fitting.cohort import DEFAULT_BIRTHS, load_births

    shared = ROOT.parent / "shared" / "data" / "births_national.csv"
    if shared.is_file():
        assert DEFAULT_BIRTHS.read_bytes() == shared.read_bytes()
    b = load_births(DEFAULT_BIRTHS)
    assert list(b.values.index) == list(range(2000, 2025))
    assert b.at(2016) == 17860000 and b.at(2023) == 9020000
    assert set(b.quality[b.values.index >= 2012]) == {"high"} and (b.source.str.len() > 0).all()
    text = DEFAULT_BIRTHS.read_text(encoding="utf-8")
    bad = tmp_path / "births.csv"
    for broken, message in ((text.replace(",2016,17860000,", ",2016,-5,", 1), "births.csv:18: value '-5'"),
                            (text + text.splitlines()[1] + "\n", "births of 2000 given twice"),
                            (text.replace("national,births,2001", "jiangxi,births,2001", 1), "region 'jiangxi'")):
        bad.write_text(broken, encoding="utf-8")
        with pytest.raises(DataError, match=message):
            load_births(bad)
