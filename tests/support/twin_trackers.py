"""The trackers every backend is compared on (its twin is the .xlsx): factory trackers in both languages and the
templates' demo scenario, and the helpers that compare a sheet's values with the .xlsx's (dates as serial numbers)."""
import datetime as dt

from sheetsync.templates import create_tracker
from support.tracker_factory import make_tracker

D = dt.date
CAMPAIGN = {"name": "夏日清凉服务季", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}
PEOPLE = [("张三", "zhangsan@example.com", "运营"), ("小李", "xiaoli@example.com", "设计部"),
          ("王五", "wangwu@example.com", "IT")]

TRACKERS = {
    "mixed-zh": dict(tasks=[
        {"id": "T1", "stage": "策划", "task": "写方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 18)},
        {"id": "T2", "task": "海报", "owner": "小李", "department": "设计部", "depends_on": "T1",
         "time_point": "活动启动前15天", "duration": 3, "status": "未开始"},
        {"id": "T3", "task": "H5 页面", "owner": "王五", "deadline": "2026-02-30", "status": "进行中"},
        {"id": "T4", "task": "文案", "owner": "赵六", "deadline": "10月8日", "status": "待审核",
         "submitted": dt.datetime(2026, 9, 17, 9, 30)},
        {"id": "T4", "task": "重复", "owner": "张三", "deadline": D(2026, 9, 22), "status": "搞定了吗"},
        {"id": "T5", "task": "复盘", "owner": "张三", "time_point": "活动结束后3个工作日", "status": "未开始",
         "depends_on": "T9"},
        {"id": "T6", "task": "=IMPORTXML(\"http://x\",\"//a\")", "owner": "张三", "status": "已完成",
         "deadline": D(2026, 9, 10)},
    ], campaign=CAMPAIGN, people=PEOPLE),
    "english": dict(tasks=[
        {"id": "A1", "task": "Brief", "owner": "Ann", "status": "in progress", "deadline": D(2026, 9, 22)},
        {"id": "A2", "task": "Design", "owner": "Bob", "status": "not started", "duration": "abc", "depends_on": "A1"},
        {"id": "A3", "task": "Launch", "owner": "Ann", "status": "done", "deadline": D(2026, 10, 12)},
    ], lang="en", campaign={"name": "Autumn", "launch": D(2026, 10, 12), "end": D(2026, 10, 30)}, people=None),
    "no-title-numeric-ids": dict(tasks=[
        {"id": 1, "task": "方案", "owner": "张三", "status": "进行中", "deadline": D(2026, 9, 21)},
        {"id": 2, "task": "物料", "owner": "张三", "depends_on": "1", "duration": 2, "status": "未开始"},
        {"id": "007", "task": "数据", "owner": "张三", "deadline": "1e5", "status": "未开始"},
    ], title=None, campaign=CAMPAIGN, people=PEOPLE),
}

TODAY = dt.date(2026, 9, 21)
EPOCH = dt.date(1899, 12, 30)


def build(tmp_path, kind, name):
    if kind == "factory":
        spec = dict(TRACKERS[name])
        return make_tracker(tmp_path / f"{name}.xlsx", spec.pop("tasks"), **spec)
    # the template's demo scenario: some tasks late, one unreviewed, a dependency problem, one blocked
    return create_tracker(tmp_path / f"{kind}-{name}.xlsx", kind, lang=name, today=TODAY, scenario="demo")


def as_serial(v):
    if isinstance(v, dt.datetime):
        v = v.date()
    if isinstance(v, dt.date):
        return (v - EPOCH).days
    return "" if v is None else v


def column(rows, col, start):
    return [as_serial(row[col]) if col < len(row) else "" for row in rows[start:]]


def trim(values):
    values = list(values)
    while values and values[-1] == "":
        values.pop()
    return values
