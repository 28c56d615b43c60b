"""Self-describing output folders, written all-or-nothing.

A run folder holds ``scenario.resolved.yaml``, ``results.parquet``, ``summary.json`` and more; a
briefing folder holds ``report.html``, figures and tables. Every such folder is written whole into a
staging folder on the target's own filesystem and then swapped in with one rename, under a lock:

* **Staging beside the target.** ``runs/x`` is built in ``runs/.x.staging-<hex>/``. A new folder
  is renamed into place; an existing one is exchanged with the staging folder in one
  ``renameat2(RENAME_EXCHANGE)`` (Linux), then the old content is deleted. Where the filesystem
  cannot exchange, the old folder is first renamed to ``.x.old-<hex>`` (and put back by the next
  writer should the process die between the two renames).
* **A mount point as the target** cannot be renamed, so the swap happens one level down: the files
  live in ``x/.talentsim-run-<hex>/``, each visible entry ``x/<name>`` is a symbolic link to
  ``.talentsim-current/<name>``, and ``x/.talentsim-current`` is one symbolic link to the current
  data folder, replaced with one rename.
* **One writer at a time.** An exclusive ``flock`` on ``.x.lock`` beside the target (inside it for a
  mount point) refuses a second writer at once; the lock is held from before the simulation until
  the swap, so the second writer is told before it simulates anything. The lock file is removed
  when the writer is done.
* **No litter.** Staging folders of a killed writer are deleted by the next writer of the same
  target (under the lock); a killed writer leaves the old folder or the new one, never a mix.
* **Replacing is explicit.** An existing, non-empty target is replaced only with ``replace=True``
  (the ``--force`` option), and only when it looks like a folder talentsim wrote.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

Writer = Callable[[Path], None]
"""Writes one file at the given path."""

OURS = ("summary.json", "scenario.resolved.yaml", "report.html", "tables.xlsx", "sweep.duckdb")
"""Files by which a folder is recognised as talentsim output (so ``--force`` may replace it)."""
MOUNT_DATA = ".talentsim-run-"
MOUNT_CURRENT = ".talentsim-current"
MOUNT_LOCK = ".talentsim.lock"
KEEP_AT_MOUNT = frozenset({"lost+found", MOUNT_LOCK})


class FolderError(Exception):
    """An output folder cannot be written: it exists, is busy, is not a folder, or is not writable."""


def _file_mode(existing: Path | None = None) -> int:
    """The mode a new file gets (``0o666`` less the umask), or the mode of the file it replaces."""
    if existing is not None:
        try:
            return existing.stat().st_mode & 0o7777
        except OSError:
            pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, write: Writer) -> None:
    """Write one file through a temporary sibling and ``os.replace``.

    The file gets ordinary permissions (those of the file it replaces, else ``0o666`` less the
    umask), not the ``0600`` of a temporary file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _file_mode(path if path.exists() else None))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_target(out: str | Path, what: str = "--out") -> Path:
    """The absolute path of an output folder, or :class:`FolderError` saying why it cannot be one."""
    if str(out).strip() == "":
        raise FolderError(f"{what} is empty: give the folder to write, e.g. {what} runs/my_plan")
    path = Path(os.path.abspath(Path(out).expanduser()))
    cwd = Path(os.path.abspath(os.getcwd()))
    if path == cwd or path in cwd.parents:
        raise FolderError(f"{what} {str(out)!r} is the current folder or one above it: give a new folder, "
                          f"e.g. {what} runs/my_plan")
    if path.exists() and not path.is_dir():
        kind = "a file" if path.is_file() else "not a folder (a device, pipe or socket)"
        raise FolderError(f"{what} {str(out)!r} is {kind}: give a folder, e.g. {what} runs/my_plan")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise FolderError(f"{what} {str(out)!r}: {str(parent)!r} is a file, not a folder")
            break
    return path


def looks_like_ours(folder: Path) -> bool:
    """True for an empty folder or one holding talentsim output (a run, briefing or sweep folder)."""
    names = {p.name for p in folder.iterdir()} - KEEP_AT_MOUNT
    return not names or any(n in names for n in OURS)


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - not a POSIX C library
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False if unsupported here."""
    libc = _libc()
    fn = getattr(libc, "renameat2", None) if libc is not None else None
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


class Reservation:
    """A locked claim on an output folder: write into :attr:`staging`, then :meth:`commit`.

    Use :func:`reserve` (a context manager). Leaving the block without :meth:`commit` (an error,
    Ctrl-C) deletes the staging folder and leaves the target as it was.
    """

    def __init__(self, out: str | Path, *, replace: bool = False, what: str = "--out") -> None:
        self.path = check_target(out, what)
        self.replace = replace
        self.what = what
        self.mount = self.path.is_dir() and os.path.ismount(self.path)
        self.staging: Path = self.path  # set on entry
        self.committed = False
        self._lock_fd: int | None = None

    # --- entry: lock, tidy up after killed writers, check the target, make the staging folder ---

    def __enter__(self) -> Reservation:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
            try:
                self._tidy()
                self._check_existing()
                self.staging = self._new_staging()
            except BaseException:
                self._unlock()
                raise
        except OSError as exc:
            reason = {errno.EACCES: "permission denied", errno.EPERM: "permission denied",
                      errno.EROFS: "the filesystem is read-only"}.get(exc.errno)
            if reason is None:
                raise FolderError(f"{self.what} {str(self.path)!r}: {exc.strerror or exc}") from None
            raise FolderError(f"{self.what} {str(self.path)!r}: cannot write in {str(exc.filename or self.path)!r} "
                              f"({reason}): choose a folder you can write to") from None
        return self

    def __exit__(self, *exc) -> None:
        try:
            if not self.committed and self.staging != self.path:
                _remove(self.staging)
        finally:
            self._unlock()

    def _lock_path(self) -> Path:
        return self.path / MOUNT_LOCK if self.mount else self.path.parent / f".{self.path.name}.lock"

    def _lock(self) -> None:
        """Take the lock file (created beside the target, removed when done) or refuse at once."""
        import fcntl

        path = self._lock_path()
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                os.close(fd)
                who = f"process {holder}" if holder.isdigit() else "another talentsim process"
                raise FolderError(f"{str(self.path)!r} is being written by {who}: wait for it to finish, "
                                  f"or choose another {self.what}") from None
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a file the previous holder removed as we opened it
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            try:
                self._lock_path().unlink(missing_ok=True)  # while still held: a waiting writer then retries
            except OSError:
                pass
            finally:
                os.close(self._lock_fd)  # closing releases the lock
                self._lock_fd = None

    def _litter(self) -> list[Path]:
        if self.mount:
            current = os.readlink(self.path / MOUNT_CURRENT) if (self.path / MOUNT_CURRENT).is_symlink() else None
            link = re.compile(r"^\..+\.link-[0-9a-f]{8}$")
            return [p for p in self.path.iterdir() if (p.name.startswith(MOUNT_DATA) and p.name != current)
                    or p.name == MOUNT_CURRENT + ".new" or link.match(p.name)]
        pattern = re.compile(rf"^\.{re.escape(self.path.name)}\.(staging|old)-[0-9a-f]{{8}}$")
        return [p for p in self.path.parent.iterdir() if pattern.match(p.name)]

    def _tidy(self) -> None:
        """Put back a folder a killed writer had moved aside, then delete every staging folder it left."""
        litter = self._litter()
        if not self.mount and not self.path.exists():
            old = sorted((p for p in litter if ".old-" in p.name), key=lambda p: p.stat().st_mtime)
            if old:
                os.rename(old[-1], self.path)
                litter.remove(old[-1])
        for p in litter:
            _remove(p)

    def _check_existing(self) -> None:
        if not self.path.exists():
            return
        if not self.path.is_dir():
            raise FolderError(f"{self.what} {str(self.path)!r} is not a folder")
        if not {p.name for p in self.path.iterdir()} - KEEP_AT_MOUNT:
            return  # an empty folder (or an empty mount point) is simply filled
        if not self.replace:
            raise FolderError(f"{str(self.path)!r} already exists: pass --force to replace it whole, "
                              f"or choose another {self.what}")
        if not looks_like_ours(self.path):
            raise FolderError(f"{str(self.path)!r} holds files talentsim did not write: refusing to replace it "
                              f"even with --force; choose another {self.what}")

    def _new_staging(self) -> Path:
        where = self.path if self.mount else self.path.parent
        prefix = MOUNT_DATA if self.mount else f".{self.path.name}.staging-"
        staging = where / f"{prefix}{secrets.token_hex(4)}"
        os.mkdir(staging, 0o777)  # the umask applies: an ordinary folder, not mkdtemp's 0700
        return staging

    # --- the swap ---

    def commit(self) -> Path:
        """Swap the staging folder in place of the target; returns the target."""
        if self.committed:
            raise RuntimeError("already committed")
        if self.mount:
            self._commit_at_mount()
        else:
            self._commit()
        self.committed = True
        return self.path

    def _commit(self) -> None:
        if not self.path.exists() or not any(True for _ in self.path.iterdir()):
            os.rename(self.staging, self.path)  # a new or empty target: one rename
            return
        if _swap(self.staging, self.path):  # the old content is now at the staging name
            _remove(self.staging)
            return
        old = self.path.parent / f".{self.path.name}.old-{secrets.token_hex(4)}"
        os.rename(self.path, old)
        os.rename(self.staging, self.path)
        _remove(old)

    def _commit_at_mount(self) -> None:
        names = [p.name for p in self.staging.iterdir()]
        for name in names:  # stable links: <name> -> .talentsim-current/<name>
            link, target = self.path / name, f"{MOUNT_CURRENT}/{name}"
            if link.is_symlink() and os.readlink(link) == target:
                continue
            _remove(link)
            tmp = self.path / f".{name}.link-{secrets.token_hex(4)}"
            os.symlink(target, tmp)
            os.replace(tmp, link)
        new = self.path / (MOUNT_CURRENT + ".new")
        _remove(new)
        os.symlink(self.staging.name, new)
        os.replace(new, self.path / MOUNT_CURRENT)  # the one-step switch
        keep = set(names) | {MOUNT_CURRENT, self.staging.name} | KEEP_AT_MOUNT
        for p in self.path.iterdir():
            if p.name not in keep:
                _remove(p)


def _swap(staging: Path, out: Path) -> bool:
    """Exchange ``staging`` and ``out`` in one step where the filesystem can."""
    return _exchange(staging, out)


def reserve(out: str | Path, *, replace: bool = False, what: str = "--out") -> Reservation:
    """Claim an output folder before doing the work that fills it.

    Args:
        out: the folder to write.
        replace: replace an existing, non-empty folder whole (``--force``).
        what: how the folder was given, for messages (``--out``).

    Raises:
        FolderError: on entering the block, if the folder is held by another writer, already exists
            (without ``replace``), is not a folder or cannot be written.
    """
    return Reservation(out, replace=replace, what=what)


def write_folder(out: str | Path, files: dict[str, Writer], *, replace: bool = False) -> Path:
    """Write a whole folder: every file into a staging folder, then one swap in place of ``out``.

    Args:
        out: the folder.
        files: relative file name → writer (sub-folders are created).
        replace: replace an existing, non-empty folder whole (nothing of it is kept).

    Raises:
        FolderError: see :func:`reserve`.
    """
    with reserve(out, replace=replace) as slot:
        fill(slot.staging, files)
        return slot.commit()


def fill(folder: Path, files: dict[str, Writer]) -> None:
    """Write each file into ``folder`` (a staging folder nobody else sees)."""
    for name, write in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path)


def json_writer(payload: dict) -> Writer:
    """A writer for a JSON document (UTF-8, indented)."""
    return lambda p: p.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n", "utf-8")


def text_writer(text: str) -> Writer:
    """A writer for a UTF-8 text file."""
    return lambda p: p.write_text(text, "utf-8")
