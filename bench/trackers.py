"""Large realistic trackers for benchmarks, written with openpyxl's write-only mode (fast, streaming)."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell

from sheetsync.engine.schema import header

FIELDS = ("id", "stage", "task", "owner", "department", "reviewer", "depends_on", "time_point", "duration",
          "deadline", "status", "submitted")
STAGES = ("策划", "审批", "资源筹备", "执行", "效果监控", "复盘")
STATUSES = ("未开始", "进行中", "待审核", "已完成", "受阻", "已取消")
POINTS = ("T-20", "活动前15天", "T-10", "T-7", "上线前5个工作日", "T-3", "上线当天", "活动结束后3个工作日")


def rows(n: int, seed: int = 7, today: dt.date = dt.date(2026, 9, 21)):
    """A plausible tracker: work is planned in order over a long horizon, tasks due in the past are mostly
    done, a few percent are late, blocked, unreviewed or inconsistent — as in a real, busy tracker."""
    rnd = random.Random(seed)
    span = 400  # days covered by the plan
    for i in range(1, n + 1):
        due = today + dt.timedelta(days=int(span * i / n) - span // 2)
        deps = ", ".join(f"T{rnd.randint(max(1, i - 30), i - 1)}" for _ in range(rnd.randint(0, 2))) if i > 1 else ""
        if due < today:
            status = "已完成" if rnd.random() < 0.93 else rnd.choice(("进行中", "待审核", "受阻", "已取消"))
        elif due < today + dt.timedelta(days=14):
            status = rnd.choice(("进行中", "进行中", "待审核", "未开始", "已完成"))
        else:
            status = "未开始" if rnd.random() < 0.95 else rnd.choice(("进行中", "受阻"))
        explicit = rnd.random() < 0.6
        yield {
            "id": f"T{i}", "stage": rnd.choice(STAGES), "task": f"任务 {i}", "owner": f"员工{rnd.randint(1, 60)}",
            "department": rnd.choice(("设计部", "IT", "运营", "门店")), "reviewer": f"员工{rnd.randint(1, 60)}",
            "depends_on": deps, "time_point": None if explicit else rnd.choice(POINTS), "duration": rnd.randint(1, 3),
            "deadline": due if explicit else None, "status": status,
            "submitted": dt.datetime.combine(today, dt.time(9)) - dt.timedelta(hours=rnd.randint(1, 80)) if status == "待审核" else None,
        }


def write_tracker(path: Path, n: int, fields=FIELDS) -> Path:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("任务")
    ws.append(["大型活动任务跟踪表"])
    ws.append([])
    ws.append([header(f, "zh") for f in fields])
    for row in rows(n):
        out = []
        for f in fields:
            v = row[f]
            if isinstance(v, dt.date):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(v, dt.datetime) else "yyyy-mm-dd"
                out.append(cell)
            else:
                out.append(v)
        ws.append(out)
    cs = wb.create_sheet("活动信息")
    for key, value in (("名称", "大型活动"), ("上线日期", dt.date(2026, 10, 12)), ("结束日期", dt.date(2026, 10, 30))):
        cs.append([key, value])
    wb.save(path)
    return path
