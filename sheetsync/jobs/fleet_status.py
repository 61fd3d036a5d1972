"""`sheetsync status --config FILE`: what every shard of the fleet did in the last run of each job, read from
the state store, in the trackers' language (Chinese when most of the config's trackers are Chinese)."""
from __future__ import annotations

import datetime as dt

from ..state import open_store
from ..state.shard_runs import ShardRuns
from .config import Config

JOBS = ("nightly", "digest", "notice")


def _count(n: int, en_one: str, en_many: str, zh: str, lang: str) -> str:
    if lang == "zh":
        return f"{n} {zh}"
    return f"{n} {en_one if n == 1 else en_many}"


TEXT = {
    "en": {"none": "No fleet run recorded yet in {where}.", "job": "{job} {night}: {shards}",
           "shard": "  shard {shard}/{shards} ({runner}): {synced} synced, {failed} failed, {skipped} skipped, "
                    "{requests}; {state}",
           "finished": "finished {at}", "running": "not finished (still running, or the runner stopped)",
           "failure": "    failed: {line}", "missing": "  shard {shard}/{shards}: no runner reported"},
    "zh": {"none": "{where} 中尚无集群运行记录。", "job": "{job} {night}:{shards}",
           "shard": "  分片 {shard}/{shards}({runner}):同步 {synced} 个,失败 {failed} 个,跳过 {skipped} 个,"
                    "{requests};{state}",
           "finished": "完成于 {at}", "running": "未完成(仍在运行,或运行实例已停止)",
           "failure": "    失败:{line}", "missing": "  分片 {shard}/{shards}:没有运行实例报告"},
}


def config_language(config: Config) -> str:
    langs = [t.language for t in config.trackers if t.language]
    if langs:
        return "zh" if sum(1 for x in langs if x == "zh") * 2 >= len(langs) else "en"
    return "zh" if all(t.timezone in ("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC")
                       for t in config.trackers) else "en"


def fleet_status(config: Config, target, lang: str, zone: dt.tzinfo) -> list[str]:
    tx = TEXT[lang]
    store = open_store(target)
    try:
        runs = ShardRuns(store)
        out: list[str] = []
        for job in JOBS:
            rows = runs.last(job)
            if not rows:
                continue
            shards = rows[0]["shards"]
            out.append(tx["job"].format(job=job, night=rows[0]["night"],
                                        shards=_count(shards, "shard", "shards", "个分片", lang)))
            seen = set()
            for r in rows:
                seen.add(r["shard"])
                at = (dt.datetime.fromisoformat(r["finished"]).astimezone(zone).strftime("%Y-%m-%d %H:%M")
                      if r["finished"] else None)
                state = tx["finished"].format(at=at) if at else tx["running"]
                requests = _count(r["requests"], "request", "requests", "次请求", lang)
                out.append(tx["shard"].format(shard=r["shard"], shards=r["shards"], runner=r["runner"],
                                              synced=r["synced"], failed=r["failed"], skipped=r["skipped"],
                                              requests=requests, state=state))
                out += [tx["failure"].format(line=line) for line in (r["failures"] or "").splitlines()]
            out += [tx["missing"].format(shard=i, shards=shards) for i in range(shards) if i not in seen]
        return out or [tx["none"].format(where=store.where)]
    finally:
        store.close()
