"""Scenarios of different regions or base years are refused by compare unless --unpaired, which says so."""

from __future__ import annotations

import pandas as pd
import pytest

from simulate.cli.main import ExitStatus, main


@pytest.fixture(scope="module")
def unlike(small_files, run_folders, tmp_path_factory):
    """Run folders of the small baseline in another region (``gan``) and from another base year."""
    import simulate

    d = tmp_path_factory.mktemp("unlike")
    other = d / "gan.yaml"
    other.write_text(f"extends: {small_files['base']}\nname: gan_small\ntitle_en: Gan\nregion: {{name: gan}}\n",
                     encoding="utf-8")
    later = d / "later.yaml"
    later.write_text(f"extends: {small_files['base']}\nname: later_small\ntitle_en: Later\nbase_year: 2020\n",
                     encoding="utf-8")
    out = {"base": run_folders["base"]}
    for key, path in (("region", other), ("year", later)):
        result = simulate.run(simulate.load_scenario(path), seed=11, replications=2)
        out[key] = result.write(d / key)
    out["region_yaml"] = other
    return out


def csv(folder, name):
    return pd.read_csv(folder / "tables" / f"{name}.csv", encoding="utf-8-sig")


@pytest.mark.parametrize("other, needle", [("region", "jiangxi from 2019"), ("year", "from 2020"),
                                           ("region_yaml", "gan from 2019")])
def test_unlike_scenarios_are_refused_before_simulating(unlike, other, needle, tmp_path, capsys, monkeypatch):
    import simulate.api

    monkeypatch.setattr(simulate.api, "simulate_replication", lambda *a, **k: pytest.fail("simulated"))
    out = tmp_path / "out"
    assert main(["compare", str(unlike["base"]), str(unlike[other]), "--out", str(out), "--no-images"]) == 2
    err = capsys.readouterr().err
    assert "--unpaired" in err and needle in err and err.count("\n") == 1
    assert not out.exists()


def test_unpaired_labels_every_difference_and_skips_goals_that_do_not_apply(unlike, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", str(unlike["base"]), str(unlike["region"]), "--out", str(out), "--no-images",
                 "--lang", "en", "--unpaired"]) == ExitStatus.OK
    assert "NOT paired" in capsys.readouterr().out
    diff = csv(out, "differences")
    assert len(diff) > 0 and set(diff["Pairing"]) == {"unpaired"}
    assert diff["p5"].isna().all() and diff["Median"].notna().all()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Unpaired differences against the baseline" in page and "Paired differences" not in page
    matrix = csv(out, "goal_matrix")
    jiangxi = matrix["Goal id"].str.startswith("jx.")
    nanchang = matrix["Goal id"].str.startswith("nc.")
    assert jiangxi.any() and nanchang.any()
    assert matrix.loc[jiangxi, "P(met) | Gan"].isna().all()  # a Jiangxi target says nothing about region gan
    assert matrix.loc[jiangxi, "P(met) | Small baseline"].notna().all()
    assert matrix.loc[nanchang, "P(met) | Gan"].notna().any()  # gan still has the Nanchang sub-region


def test_paired_comparisons_label_their_differences_paired(compare_dirs):
    diff = csv(compare_dirs["en"], "differences")
    assert set(diff["Pairing"]) == {"paired"}
