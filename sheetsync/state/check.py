"""`sheetsync state check` and `state reset`: a state store is checked, never guessed.

SQLite: the file's header, `PRAGMA integrity_check` (read only), and its schema version. PostgreSQL: the schema
version and every table the schema steps create. A damaged file is moved aside only when asked (`reset`), and
kept beside the new one so nothing is lost."""
from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..atomic import move_aside
from . import is_url, open_store
from .migrations import MIGRATIONS
from .sqlite import damaged, refuse_unsound
from .store import StateError

_TABLES = re.compile(r"CREATE TABLE (\w+)")


def expected_tables() -> set[str]:
    """The tables the schema holds after every step (a table renamed by a later step counts under its new name)."""
    tables: set[str] = set()
    for step in MIGRATIONS:
        tables |= set(_TABLES.findall(step))
        for gone in re.findall(r"DROP TABLE (\w+)", step):
            tables.discard(gone)
        for old, new in re.findall(r"ALTER TABLE (\w+) RENAME TO (\w+)", step):
            tables.discard(old)
            tables.add(new)
    return tables


@dataclass(frozen=True)
class Checked:
    en: str
    zh: str

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


def check_state(target: str | Path) -> Checked:
    """What is sound about the store at `target`; a StateError (one line naming it) for what is not."""
    if is_url(target):
        return _check_postgres(str(target))
    return _check_sqlite(Path(target))


def _check_sqlite(path: Path) -> Checked:
    if not path.exists():
        return Checked(f"{path}: no state file yet; the first run makes a new one",
                       f"{path}:尚无状态文件;首次运行时会新建")
    refuse_unsound(path)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check(20)")]
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None
    if problems != ["ok"]:
        raise damaged(path, "; ".join(problems[:3]))
    return _verdict(str(path), version, tables)


def _check_postgres(url: str) -> Checked:
    store = open_store(url, migrate=False)
    try:
        version = store.schema_version
        tables = {r["table_name"] for r in store.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
        where = store.where
    finally:
        store.close()
    return _verdict(where, version, tables)


def _verdict(where: str, version: int, tables: set[str]) -> Checked:
    latest = len(MIGRATIONS)
    if version > latest:
        raise StateError(f"{where}: state schema {version} is newer than this sheetsync ({latest}); upgrade sheetsync",
                         f"{where}:状态库结构版本 {version} 比当前 sheetsync 支持的({latest})更新;请升级 sheetsync",
                         code="state-newer")
    if version == latest:
        missing = sorted(expected_tables() - tables)
        if missing:
            raise StateError(f"{where}: schema {version}, but tables are missing: {', '.join(missing)}",
                             f"{where}:结构版本 {version},但缺少表:{', '.join(missing)}", code="state-damaged")
        return Checked(f"{where}: OK (schema {version}, integrity checked)",
                       f"{where}:正常(结构版本 {version},已完成完整性检查)")
    return Checked(f"{where}: OK (schema {version}; the next run brings it to {latest})",
                   f"{where}:正常(结构版本 {version};下次运行时升级到 {latest})")


def reset_state(target: str | Path) -> Checked:
    """Move a state file (and its -wal/-shm companions) aside, keeping it; the next run makes a new one."""
    if is_url(target):
        raise StateError("a PostgreSQL state is not reset by sheetsync; its administrator restores it from a backup",
                         "PostgreSQL 状态库不由 sheetsync 重置;请由数据库管理员从备份恢复", code="usage")
    path = Path(target)
    if not path.exists():
        return Checked(f"{path}: no state file; nothing to reset", f"{path}:没有状态文件;无需重置")
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while kept.exists():
        kept, n = path.with_name(f"{path.name}.damaged-{stamp}-{n}"), n + 1
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            move_aside(side, kept.with_name(kept.name + suffix))
    move_aside(path, kept)
    return Checked(f"{path}: moved aside to {kept} (kept); the next run makes a new state file",
                   f"{path}:已移至 {kept}(副本保留);下次运行时新建状态文件")
