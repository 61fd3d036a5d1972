"""The embedded store: one SQLite file, WAL and a busy timeout because a sync and a digest may overlap."""
from __future__ import annotations

import os
import secrets
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from .migrations import MIGRATIONS
from .store import StateError, Store

SQLITE_MAGIC = b"SQLite format 3\x00"


def refuse_unsound(path: Path) -> None:
    """A state file that exists must be a SQLite database: an empty or foreign file is refused, never taken for
    a new state (that would send the whole week's digests again)."""
    try:
        if not path.exists():
            return
        if path.is_dir():
            raise damaged(path, "a folder, not a file")
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StateError(f"{path}: the state file cannot be read ({exc.strerror or exc})",
                         f"{path}:无法读取状态文件({exc.strerror or exc})") from None
    if not head:
        raise damaged(path, "the file is empty")
    if head != SQLITE_MAGIC:
        raise damaged(path, "not a SQLite database")


def create_atomically(path: Path) -> None:
    """A new state file appears whole or not at all: SQLite leaves a 0-byte file until its first write, and a
    run killed then would leave one that is refused from then on. It is made under another name and linked
    into place (a runner that made its own meanwhile wins, and this one opens that)."""
    tmp = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(3)}")
    try:
        db = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            db.execute("CREATE TABLE new_state (x INTEGER)")  # the first write: the header and page one exist
            db.execute("DROP TABLE new_state")
        finally:
            db.close()
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:  # a filesystem without hard links: a rename, unless someone made it meanwhile
            if not path.exists():
                os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def damaged(path: Path, why) -> StateError:
    why = " ".join(str(why).replace("*** ", "").replace(" ***", "").split())  # SQLite's report is several lines
    return StateError(f"{path}: the state file is damaged ({why}); nothing was written. Check it with "
                      f"`sheetsync state check`, and move it aside with `sheetsync state reset --yes` (a copy is kept)",
                      f"{path}:状态文件已损坏({why});未写入任何内容。可用 `sheetsync state check` 检查,"
                      f"用 `sheetsync state reset --yes` 将其移开(会保留副本)", code="state-damaged")


class SqliteStore(Store):
    dialect = "sqlite"
    now_sql = "((julianday('now') - 2440587.5) * 86400.0)"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.where = str(path)
        memory = str(path) == ":memory:"
        if not memory:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                create_atomically(self.path)
            refuse_unsound(self.path)
        # isolation_level=None: we open transactions ourselves so a ledger write is committed at once
        self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA busy_timeout = 30000")
            if not memory:  # checked before anything is written to it, the journal mode included
                bad = self.db.execute("PRAGMA quick_check(1)").fetchone()[0]
                if bad != "ok":
                    raise sqlite3.DatabaseError(bad)
                self.refuse_newer(self._version())
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise damaged(self.path, exc) from None
        except StateError:
            self.db.close()
            raise

    def execute(self, sql, args=()):
        with self._guard():
            return self.db.execute(sql, tuple(args))

    def executemany(self, sql, rows):
        with self._guard():
            self.db.executemany(sql, rows)

    @contextmanager
    def _guard(self):
        """A database error in use is one line naming the file: full disk, damage found late, a lock held."""
        try:
            yield
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise  # our own SQL's mistakes: not the file's
        except sqlite3.OperationalError as exc:
            text = str(exc)
            if "disk is full" in text or "disk I/O" in text:
                raise StateError(f"{self.path}: no space left for the state file ({text}); free disk space and run "
                                 f"again", f"{self.path}:磁盘空间不足,无法写入状态文件({text});请释放空间后重试",
                                 code="disk-full") from None
            if "malformed" in text or "not a database" in text:
                raise damaged(self.path, text) from None
            raise StateError(f"{self.path}: the state file cannot be used ({text})",
                             f"{self.path}:状态文件无法使用({text})") from None
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

    @contextmanager
    def transaction(self):
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    def _apply(self, step: int) -> None:
        # re-read under the write lock: another process may have migrated meanwhile
        if self._version() != step:
            return
        for statement in MIGRATIONS[step].split(";"):
            if statement.strip():
                self.db.execute(statement)
        self.db.execute(f"PRAGMA user_version = {step + 1}")

    def close(self) -> None:
        self.db.close()
