"""Run folders are all-or-nothing: staging beside the target, one swap, a lock, --force, no litter after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from simulate.cli.main import ExitStatus, main
from simulate.results import runfolder
from simulate.results.runfolder import FolderError, reserve, write_folder

NAMES = ["summary.json"] + [f"f{i}.txt" for i in range(1, 6)]
"""A run folder's files here: ``summary.json`` marks it as talentsim's, so ``replace`` may replace it."""


def files(tag: str) -> dict:
    return {name: (lambda p, name=name: p.write_text(f"{tag}:{name}")) for name in NAMES}


def content(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def tags(folder: Path) -> set[str]:
    """The runs whose files the folder holds (one tag, never two, for a sound folder)."""
    return {text.split(":", 1)[0] for text in content(folder).values()}


def litter(parent: Path, name: str) -> list[str]:
    """Hidden entries a writer of ``name`` left beside it (staging folders, moved-aside folders, its lock)."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


# --- a writer killed at the worst moments ----------------------------------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from simulate.results import runfolder

    out, tag, moment = Path(sys.argv[1]), sys.argv[2], sys.argv[3]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def write(name):
        def w(p):
            if moment == "mid-staging" and name == "f3.txt":
                die()
            p.write_text(f"{tag}:{name}")
        return w

    swap = runfolder._swap
    rename = os.rename

    def swap_and_maybe_die(a, b):
        if moment == "before-swap":
            die()
        done = swap(a, b)
        if moment == "after-swap":
            die()
        return done

    def rename_and_maybe_die(a, b):  # a new folder is renamed in; the fallback swap is two renames
        if moment == "before-swap" and ".staging-" in str(a):
            die()
        rename(a, b)
        if moment == "between-renames" and ".old-" in str(b):
            die()

    runfolder._swap = swap_and_maybe_die
    runfolder.os.rename = rename_and_maybe_die
    if moment == "between-renames":
        runfolder._swap = lambda a, b: False
    names = ["summary.json"] + [f"f{i}.txt" for i in range(1, 6)]
    runfolder.write_folder(out, {name: write(name) for name in names}, replace=True)
""")


@pytest.mark.parametrize("moment, survivor", [("mid-staging", "old"), ("before-swap", "old"), ("after-swap", "new"),
                                              ("between-renames", "old")])
def test_sigkill_leaves_the_old_or_the_new_folder_never_a_mix(tmp_path, moment, survivor):
    out = tmp_path / "run"
    write_folder(out, files("old"))
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    done = subprocess.run([sys.executable, str(script), str(out), "new", moment], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == -signal.SIGKILL, done.stderr
    if moment == "between-renames":
        assert not out.exists()  # the one window of the two-rename fallback; the next writer puts it back
        with reserve(out, replace=True):
            pass
    assert tags(out) == {survivor} and len(content(out)) == len(NAMES)
    # the next writer tidies up whatever the killed one left, and is not tripped up by it
    write_folder(out, files("next"), replace=True)
    assert tags(out) == {"next"} and litter(tmp_path, "run") == []


def test_a_killed_first_run_leaves_nothing_that_looks_like_a_run_folder(tmp_path):
    out = tmp_path / "run"
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    subprocess.run([sys.executable, str(script), str(out), "new", "before-swap"], timeout=60)
    assert not out.exists()
    write_folder(out, files("next"))
    assert tags(out) == {"next"} and litter(tmp_path, "run") == []


def test_ctrl_c_while_writing_keeps_the_old_folder_and_removes_the_staging_folder(tmp_path):
    out = tmp_path / "run"
    write_folder(out, files("old"))

    def interrupted(p):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_folder(out, {**files("new"), "f3.txt": interrupted}, replace=True)
    assert tags(out) == {"old"} and litter(tmp_path, "run") == []


# --- replacing, refusing, locking ---------------------------------------------------------------------

def test_an_existing_folder_is_refused_without_replace_and_replaced_whole_with_it(tmp_path):
    out = tmp_path / "run"
    write_folder(out, files("old"))
    (out / "report_en").mkdir()
    (out / "report_en" / "report.html").write_text("stale")
    with pytest.raises(FolderError, match="already exists.*--force"):
        write_folder(out, files("new"))
    write_folder(out, files("new"), replace=True)
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)  # no stale report_en/
    assert tags(out) == {"new"}


def test_an_empty_folder_is_filled_and_a_foreign_folder_never_replaced(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    write_folder(empty, files("new"))
    assert tags(empty) == {"new"}
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(FolderError, match="did not write"):
        write_folder(foreign, files("new"), replace=True)
    assert [p.name for p in foreign.iterdir()] == ["holiday.jpg"]


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    out = tmp_path / "run"
    with reserve(out) as first:
        with pytest.raises(FolderError, match="being written by process"):
            with reserve(out):
                pass
        runfolder.fill(first.staging, files("first"))
        first.commit()
    assert tags(out) == {"first"}


def test_a_second_talentsim_run_on_the_same_out_exits_2_before_simulating(tmp_path, small_scenario_file, capsys):
    out = tmp_path / "run"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from simulate.results.runfolder import reserve
        with reserve({str(out)!r}):
            print("locked", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        start = time.perf_counter()
        assert main(["run", str(small_scenario_file), "--out", str(out), "--reps", "1"]) == ExitStatus.BAD_INPUT
        assert time.perf_counter() - start < 5
        err = capsys.readouterr().err
        assert f"being written by process {holder.pid}" in err and str(out) in err and err.count("\n") == 1
    finally:
        holder.kill()
        holder.wait()
    assert not out.exists()


def test_run_refuses_an_existing_folder_and_replaces_it_with_force(tmp_path, small_scenario_file, capsys):
    out = tmp_path / "run"
    assert main(["run", str(small_scenario_file), "--out", str(out), "--reps", "1", "--seed", "1"]) == ExitStatus.OK
    (out / "report_en").mkdir()
    before = (out / "summary.json").read_text()
    capsys.readouterr()
    assert main(["run", str(small_scenario_file), "--out", str(out), "--reps", "1"]) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert str(out) in err and "--force" in err and (out / "summary.json").read_text() == before
    assert main(["run", str(small_scenario_file), "--out", str(out), "--reps", "1", "--seed", "2",
                 "--force"]) == ExitStatus.OK
    assert json.loads((out / "summary.json").read_text())["seed"] == 2
    assert not (out / "report_en").exists() and litter(tmp_path, "run") == []


def test_run_folders_get_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        out = write_folder(tmp_path / "run", files("x"))
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o755
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in out.iterdir())


# --- targets that cannot be a run folder ----------------------------------------------------------------

@pytest.mark.parametrize("target, needle", [("", "empty"), (".", "current folder"), ("/dev/null", "not a folder"),
                                            ("{file}", "a file"), ("{file}/sub", "is a file, not a folder")])
def test_impossible_targets_exit_2_with_a_sentence(target, needle, tmp_path, small_scenario_file, capsys,
                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    file = tmp_path / "notes.txt"
    file.write_text("keep me")
    argv = ["run", str(small_scenario_file), "--out", target.format(file=file), "--reps", "1"]
    assert main(argv) == ExitStatus.BAD_INPUT
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and "internal error" not in err
    assert file.read_text() == "keep me" and sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "small.yaml"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_exits_2(tmp_path, small_scenario_file, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert main(["run", str(small_scenario_file), "--out", str(locked / "run"), "--reps", "1"]) == 2
    finally:
        locked.chmod(0o755)
    err = capsys.readouterr().err
    assert "permission denied" in err and "internal error" not in err


def test_a_folder_root_cannot_write_exits_2(tmp_path, small_scenario_file, capsys, monkeypatch):
    def refuse(self):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(runfolder.Reservation, "_lock", refuse)
    assert main(["run", str(small_scenario_file), "--out", str(tmp_path / "run"), "--reps", "1"]) == 2
    err = capsys.readouterr().err
    assert "permission denied" in err and "internal error" not in err


# --- a mount point as the target --------------------------------------------------------------------------

@pytest.fixture
def mount_point(tmp_path):
    """A tmpfs mounted on a folder (a filesystem of its own), or a skip where mounting is not allowed."""
    point = tmp_path / "mnt"
    point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_a_read_only_filesystem_exits_2(tmp_path, small_scenario_file, capsys):
    point = tmp_path / "ro"
    point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro", "tmpfs", str(point)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    try:
        assert main(["run", str(small_scenario_file), "--out", str(point / "run"), "--reps", "1"]) == 2
    finally:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)
    err = capsys.readouterr().err
    assert "the filesystem is read-only" in err and "internal error" not in err and err.count("\n") == 1


def test_a_mount_point_is_written_and_replaced_through_one_switch(mount_point, tmp_path):
    assert os.stat(mount_point).st_dev != os.stat(tmp_path).st_dev
    write_folder(mount_point, files("old"))
    assert content(mount_point)["f1.txt"] == "old:f1.txt"
    (mount_point / "report_en").mkdir()
    with pytest.raises(FolderError, match="--force"):
        write_folder(mount_point, files("new"))
    write_folder(mount_point, files("new"), replace=True)
    assert content(mount_point) == {n: f"new:{n}" for n in NAMES}
    assert not (mount_point / "report_en").exists()
    data = [p.name for p in mount_point.iterdir() if p.name.startswith(runfolder.MOUNT_DATA)]
    assert len(data) == 1  # the old data folder is gone


@pytest.mark.parametrize("moment, survivor", [("before-swap", "old"), ("mid-staging", "old")])
def test_a_killed_writer_at_a_mount_point_leaves_the_old_folder(mount_point, tmp_path, moment, survivor):
    write_folder(mount_point, files("old"))
    script = tmp_path / "killer.py"
    script.write_text(KILLER.replace("runfolder._swap = swap_and_maybe_die",
                                     "runfolder.Reservation._commit_at_mount = (lambda self, f="
                                     "runfolder.Reservation._commit_at_mount: (die() if moment == 'before-swap' "
                                     "else f(self)))"))
    done = subprocess.run([sys.executable, str(script), str(mount_point), "new", moment], timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert content(mount_point) == {n: f"{survivor}:{n}" for n in NAMES}
    write_folder(mount_point, files("next"), replace=True)
    assert content(mount_point) == {n: f"next:{n}" for n in NAMES}
    assert len([p for p in mount_point.iterdir() if p.name.startswith(runfolder.MOUNT_DATA)]) == 1


def test_mount_point_logic_without_root(tmp_path, monkeypatch):
    """The same one-level-down swap where a real mount cannot be made: ismount is told the folder is one."""
    point = tmp_path / "mnt"
    point.mkdir()
    monkeypatch.setattr(runfolder.os.path, "ismount", lambda p: Path(p) == point)
    write_folder(point, files("old"))
    write_folder(point, files("new"), replace=True)
    assert content(point) == {n: f"new:{n}" for n in NAMES}
    assert all((point / n).is_symlink() for n in NAMES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnt"]  # nothing staged or locked beside it
