"""The peer of the engine: pandera's lazy validation of the same column checks on a pandas DataFrame of the
same tracker rows (what a hand-written pandera/openpyxl script does).

The checks mirror the engine's per-cell checks: id unique; task and owner present; status present and one of
the accepted words; deadline and submitted-for-review blank or a date (a real date cell or a date written as
text); duration blank or a number >= 0; time point blank or a known relative form; every id in depends-on is a
task id. pandera does none of the engine's derivation (due dates from time points over the working-day calendar,
the schedule pass, health, review SLA) and finds no dependency cycles.

Run: .venv/bin/python -m bench.bench_pandera [--rows 100000]"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import time
import warnings

DATE_TEXT = re.compile(r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}月\d{1,2}日|\d{1,2}-\d{1,2})(\s+\d{1,2}:\d{2})?\s*$")
TIME_POINT = re.compile(r"^\s*(T-\d+|活动(启动)?前\d+天|上线前\d+个工作日|上线当天|活动结束后\d+个工作日)\s*$")
STATUS_WORDS = ("未开始", "未启动", "待开始", "待办", "进行中", "处理中", "执行中", "开发中", "待审核", "审核中", "待确认",
                "待验收", "已完成", "完成", "已上线", "已交付", "受阻", "阻塞", "卡住", "暂停", "搁置", "已取消", "取消", "作废",
                "Not started", "In progress", "In review", "Done", "Blocked", "Cancelled")


def _pandera():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import pandera.pandas as pa  # pandera >= 0.24
        except ImportError:  # older pandera
            import pandera as pa
    return pa


def _blank(s):
    return s.isna() | (s.astype(str).str.strip() == "")


def _date_like(v) -> bool:
    if v is None or v == "" or isinstance(v, (dt.date, dt.datetime)):
        return True
    return isinstance(v, str) and DATE_TEXT.match(v) is not None


def schema(headers: dict[str, str]):
    """headers: field -> the tracker's header text."""
    pa = _pandera()
    import pandas as pd

    def present(s):
        return ~_blank(s)

    def number_ok(s):
        num = pd.to_numeric(s.where(~_blank(s)), errors="coerce")
        return _blank(s) | (num >= 0)

    def point_ok(s):
        return _blank(s) | s.astype(str).str.match(TIME_POINT)

    def deps_known(df):
        ids = set(df[headers["id"]].astype(str).str.strip())
        refs = df[headers["depends_on"]].astype(str).str.split(r"\s*[,;，；、/]\s*")
        return refs.map(lambda parts: all(p in ids for p in parts if p))

    cols = {
        headers["id"]: pa.Column(object, unique=True, nullable=True),
        headers["task"]: pa.Column(object, pa.Check(present, name="task present")),
        headers["owner"]: pa.Column(object, pa.Check(present, name="owner present")),
        headers["status"]: pa.Column(object, [pa.Check(present, name="status present"),
                                              pa.Check(lambda s: _blank(s) | s.astype(str).str.strip().isin(STATUS_WORDS),
                                                       name="status word")]),
        headers["deadline"]: pa.Column(object, pa.Check(_date_like, element_wise=True, name="deadline is a date"),
                                       nullable=True),
        headers["submitted"]: pa.Column(object, pa.Check(_date_like, element_wise=True, name="submitted is a date"),
                                        nullable=True),
        headers["duration"]: pa.Column(object, pa.Check(number_ok, name="duration >= 0"), nullable=True),
        headers["time_point"]: pa.Column(object, pa.Check(point_ok, name="time point"), nullable=True),
    }
    return pa.DataFrameSchema(cols, checks=[pa.Check(deps_known, name="depends-on ids exist")], strict=False)


def frame(workbook, header_row: int):
    """The task table of the first sheet as a DataFrame of the cell values calamine read (object columns)."""
    import pandas as pd
    rows = workbook.sheets[0].rows
    head = rows[header_row]
    return pd.DataFrame(rows[header_row + 1:], columns=head, dtype=object)


def validate(df, sch) -> int:
    """Failure cases found by lazy validation (0 when the frame is valid)."""
    pa = _pandera()
    errors = getattr(pa.errors, "SchemaErrors", None) or __import__("pandera.errors").errors.SchemaErrors
    try:
        sch.validate(df, lazy=True)
        return 0
    except errors as exc:
        return len(exc.failure_cases)


def measure(workbook, runs: int) -> dict:
    """pandera on the tracker the engine reads (bench/trackers.py layout: title, blank row, header on row 3)."""
    from sheetsync.engine.schema import header

    from .trackers import FIELDS
    headers = {f: header(f, "zh") for f in FIELDS}
    t0 = time.perf_counter()
    df = frame(workbook, 2)
    build = time.perf_counter() - t0
    sch = schema(headers)
    times, failures = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        failures = validate(df, sch)
        times.append(time.perf_counter() - t0)
    import pandera
    return {"seconds": statistics.median(times), "all": [round(x, 3) for x in times], "frame_s": build,
            "failure_cases": failures, "rows": len(df), "version": pandera.__version__}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    from sheetsync.xlsx.read import read_xlsx

    from .bench_engine import OUT
    from .trackers import write_tracker
    path = OUT / f"engine-{args.rows}.xlsx"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        write_tracker(path, args.rows)
    print(measure(read_xlsx(path), args.runs))


if __name__ == "__main__":
    main()
