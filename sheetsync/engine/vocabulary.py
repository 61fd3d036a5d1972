"""What header words say about a column: head words per field in both languages, and the modifiers that
decide between near fields (planned/actual finish, start, percent, yes/no questions).

A header is scored against every field; recognition (engine/table.py) then picks the best assignment.
The words are meanings, not whole headers: 'Work component owner', '研发责任人' and 'Assigned To' score as
owner because of 'owner', '责任' and 'assigned to'. A word at the end of a header (or of one part of
'A / B') is its head and counts more: 'Task Owner' is an owner, 'Task Name' a task.
Chinese words are matched inside runs of characters (Chinese has no spaces); English words whole, with
a plural 's' allowed. Weights: 3.5 the field's own word, 3 a clear head word, 2 a usual one, 1 a hint."""
from __future__ import annotations

from functools import lru_cache

from .headers import HeaderWords

# field -> {Chinese term: weight}, {English word or phrase: weight}
_WORDS: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "id": ({"编号": 3, "序号": 3, "代号": 2.5, "工号": 1},
           {"id": 3, "#": 3, "no": 2, "key": 2, "number": 1.5, "wbs": 3, "ref": 1.5, "serial": 2, "num": 2, "sub code": 3,
            "task code": 3, "wbs code": 3}),
    "stage": ({"阶段": 3.5, "环节": 3, "模块": 2.5, "迭代": 3, "版本": 2, "平台": 2, "渠道": 2, "分组": 2,
               "板块": 2, "分类": 2, "类别": 2, "大类": 2, "类型": 1.5, "流程": 1.5, "里程碑": 1.5, "冲刺": 3, "组别": 2},
              {"stage": 3.5, "phase": 3.5, "sprint": 3, "epic": 3, "parent": 2.5, "bucket": 3, "module": 2.5,
               "category": 2, "group": 2, "platform": 2, "channel": 2, "workstream": 3, "stream": 1.5,
               "cycle": 2, "release": 2, "functionality": 2, "iteration": 3, "section": 2, "area": 1.5,
               "component": 1.5, "track": 1.5, "type": 1}),
    "task": ({"任务": 3, "事项": 3, "工作": 2, "内容": 2, "名称": 2, "项目": 2, "接口": 2, "问题描述": 3, "计划": 1,
              "功能": 2, "目标": 2, "需求": 2, "主题": 2.5, "标题": 3, "工作项": 3, "事情": 2, "问题": 2, "活动": 1,
              "描述": 1.5, "交付物": 1, "待办": 3, "名": 0.5, "行动": 2, "议题": 2.5, "模块": 1, "课题": 2},
             {"task": 3, "item": 2, "activity": 3, "work package": 3, "package": 1.5, "deliverable": 2, "work": 1.5, "work item": 3, "name": 2,
              "title": 3, "summary": 3, "description": 1.5, "subject": 3, "topic": 3, "caption": 2, "goal": 2,
              "objective": 2, "action": 2, "story": 2, "feature": 2, "todo": 3, "to do": 3, "card": 1.5,
              "issue": 1.5, "step": 2, "job": 2, "what": 2.5, "assignment": 1, "module": 1, "milestone": 1}),
    "details": ({"详细": 3, "详情": 3, "说明": 2, "内容": 1.5, "规格": 3, "验收": 3, "标准": 2, "描述": 2.5,
                 "详述": 3, "要求": 2, "交付物": 2, "细节": 3, "需求": 1},
                {"details": 3, "detail": 3, "description": 3, "spec": 3, "specification": 3,
                 "acceptance criteria": 3.5, "criteria": 2, "content": 2, "body": 2, "requirements": 2,
                 "scope": 2, "deliverable": 1, "hashtags": 1, "explanation": 2}),
    "owner": ({"负责": 3, "责任": 3, "执行": 3, "开发": 2, "人员": 2, "对接": 3, "承办": 3, "经办": 3, "处理人": 3,
               "跟进": 2.5, "组员": 2, "成员": 2, "分工": 2, "指派": 3, "开发者": 3, "主责": 3, "担当": 3, "落实": 2, "姓名": 3,
               "完成人": 3, "执行者": 3, "主办": 3, "由谁": 3},
              {"owner": 3.5, "assignee": 3, "assigned to": 3.5, "assigned": 2.5, "responsible": 3, "developer": 2.5,
               "resource": 2, "who": 3, "member": 2.5, "person": 2, "pic": 2, "lead": 1.5, "done by": 3,
               "dri": 3, "resourcing": 3, "own": 3, "assignment": 1.5, "handler": 2, "accountable": 2, "in charge": 3, "executor": 3,
               "assign": 2.5, "doer": 2, "staff": 2, "people": 1.5}),
    "department": ({"部门": 3.5, "团队": 3, "小组": 2, "科室": 2, "单位": 2, "部": 1, "组织": 1.5},
                   {"department": 3.5, "dept": 3, "team": 3, "group": 1.5, "unit": 2, "division": 2, "org": 1.5}),
    "reviewer": ({"审核人": 3.5, "审批人": 3.5, "验收人": 3.5, "审查": 3, "审核": 2, "审批": 2, "复核": 2.5,
                  "把关": 2},
                 {"reviewer": 3.5, "approver": 3, "reviewed by": 3.5, "approved by": 3.5, "checker": 2,
                  "review": 1.5, "approval": 1.5}),
    "depends_on": ({"前置": 3, "依赖": 3.5, "紧前": 3.5, "相依": 3, "前序": 3, "上游": 2, "阻塞": 2, "先决": 3},
                   {"predecessor": 3.5, "depends on": 3.5, "dependency": 3.5, "dependencies": 3.5,
                    "blocked by": 3.5, "blocks": 2.5, "prerequisite": 3, "prereq": 3, "issue link": 3,
                    "linked issues": 3, "waiting on": 3, "depends": 3}),
    "time_point": ({"时间节点": 3.5, "节点": 3, "时间点": 3, "里程碑": 2.5, "日期": 1, "时间": 1, "周次": 2.5,
                    "周": 1.5, "时段": 2, "排期": 2.5, "档期": 2.5},
                   {"time point": 3.5, "milestone": 2.5, "relative date": 3, "timing": 3, "date": 1, "when": 2,
                    "week": 2, "schedule": 2, "timeline": 2, "timeframe": 2.5, "slot": 2}),
    "duration": ({"工期": 3.5, "天数": 3, "所需时间": 3, "耗时": 3, "工时": 3, "工作量": 2, "时长": 3, "用时": 3,
                  "人天": 3, "周期": 2, "工作日": 2.5, "历时": 3, "人日": 3},
                 {"duration": 3.5, "days": 2.5, "effort": 3, "estimate": 3, "hours": 2, "time spent": 3,
                  "spent": 2.5, "working days": 3, "length": 1.5, "man days": 3, "fix time": 3, "work days": 3,
                  "estimated time": 3, "hrs": 2, "estimated": 2}),
    "start": ({"开始": 3.5, "启动": 3, "起始": 3, "开工": 3, "开启": 2, "始": 1.5, "起": 1},
              {"start": 3.5, "started": 3, "begin": 3, "beginning": 2, "from": 1.5, "kickoff": 2.5, "created": 1.5,
               "commence": 3, "starts": 3, "kick off": 3, "starting": 3}),
    "requested": ({"需求提出": 3.5, "提出": 3, "申请": 2.5, "提需求": 3, "发起": 2.5, "下单": 2, "登记": 2},
                  {"requested": 3, "request": 2, "requested on": 3.5, "reported": 2.5, "reporter": 2, "raised": 2.5,
                   "detected": 2, "opened": 2.5, "logged": 2, "filed": 2.5}),
    "deadline": ({"截止": 3.5, "到期": 3, "交付": 2.5, "完成": 2, "结束": 2.5, "期限": 3, "交期": 3, "完工": 2.5,
                  "上线": 2, "截至": 3, "终止": 1.5, "发布": 1.5, "止": 1},
                 {"due": 3.5, "deadline": 3.5, "end": 2.5, "finish": 2.5, "completion date": 3, "completion": 2,
                  "due date": 3.5, "due by": 3.5, "publish": 2, "launch": 1.5, "delivery": 2.5, "go live": 2,
                  "until": 2, "eta": 3, "ends": 2.5, "expiry": 2.5, "expires": 2.5, "by when": 3}),
    "done_date": ({"实际完成": 4, "实际结束": 4, "完成日期": 3, "完结": 2, "关闭": 3, "结案": 3, "解决": 2,
                   "已完成": 2},
                  {"actual finish": 4, "actual end": 4, "finished": 3, "completed": 2.5, "completed on": 3.5,
                   "done date": 3.5, "done on": 3.5, "closed": 2.5, "closing": 3, "resolved": 3,
                   "date completed": 3.5, "date done": 3.5, "ended": 3}),
    "status": ({"状态": 3.5, "完成情况": 3, "情况": 2, "是否": 3, "进展": 2, "结果": 1, "状况": 3},
               {"status": 3.5, "state": 3, "done": 2.5, "complete": 3, "condition": 1.5, "list": 1.5, "stage": 0,
                "finished": 1, "completed": 1.5, "outcome": 1}),
    "progress": ({"进度": 3.5, "完成率": 4, "完成度": 4, "百分比": 3, "进展": 2.5, "完成进度": 4, "完成比例": 4},
                 {"progress": 3.5, "% complete": 4, "percent complete": 4, "percent": 3, "% done": 4, "ratio": 2.5,
                  "progression": 3.5, "percentage": 3, "pct": 3, "%": 2.5}),
    "submitted": ({"提交审核": 3.5, "提交": 2.5, "送审": 3, "提审": 3},
                  {"submitted": 3, "submission": 3, "submitted for review": 4, "sent for review": 4}),
    "reviewed": ({"审核时间": 3.5, "审核完成": 3.5, "审核日期": 3.5, "审批时间": 3.5, "审批日期": 3.5},
                 {"reviewed": 3, "reviewed at": 3.5, "review date": 3.5, "reviewed on": 3.5, "approved": 2.5,
                  "approved on": 3.5}),
    "review_result": ({"审核结果": 4, "审批结果": 4, "审核意见": 3, "审批意见": 3},
                      {"review result": 4, "review outcome": 4, "verdict": 2, "approval status": 3}),
    "priority": ({"优先": 3.5, "紧急": 2.5, "重要": 2.5, "严重": 2.5, "轻重": 3},
                 {"priority": 3.5, "importance": 3, "severity": 3, "urgency": 3, "urgent": 2, "prio": 3}),
    "rating": ({"红黄绿": 4, "红绿灯": 4, "风险等级": 3.5, "健康状态": 3.5, "健康状况": 3.5, "健康度": 2, "风险": 2},
               {"rag": 4, "rag status": 4, "traffic light": 3.5, "health status": 3.5, "risk level": 3,
                "rating": 2, "health": 2}),
    "link": ({"链接": 3.5, "连结": 3, "网址": 3, "附件": 3, "文档": 2, "物料": 2, "地址": 1.5, "网盘": 2},
             {"link": 3, "url": 3, "attachment": 3, "doc": 2, "document": 2, "file": 2, "materials": 2,
              "href": 2, "website": 2, "hyperlink": 3}),
    "notes": ({"备注": 3.5, "注释": 3, "附注": 3, "评论": 2.5, "原因": 2, "意见": 2, "批注": 3, "说明": 1},
              {"notes": 3.5, "note": 3.5, "comments": 3, "comment": 3, "remarks": 3, "remark": 3, "memo": 3,
               "reason": 2, "resources": 1, "annotation": 2}),
}

# Fields whose value is a date: a date word in the header ('日期', 'date', 'on') is a hint for them.
DATE_FIELDS = ("start", "deadline", "done_date", "requested", "submitted", "reviewed", "time_point")
PERSON_FIELDS = ("owner", "reviewer")
# The item a tracker row stands for: 'Task ID', 'Card ID', 'Defect ID' are the row's id; 'Assignee Id',
# 'List ID' identify something else.
ITEM_WORDS = frozenset("task issue card defect bug item ticket story request case wbs job activity 任务 需求 问题 缺陷 "
                       "事项 工单 单".split())
_DATE_HINTS = {"日期", "时间", "日", "date", "time", "day", "on", "at", "when"}
_GENERIC_DATES = {"日期", "时间", "date"}
_ACTUAL = {"actual", "actually", "实际", "实"}
_PLANNED = {"planned", "plan", "计划", "预计", "预期", "target", "expected", "estimated", "scheduled", "拟", "原定",
            "baseline", "est", "proposed", "期望"}
_QUESTION = {"?", "是否", "有无"}
_PERCENT = {"%", "percent", "percentage", "pct", "百分比"}
_UNITS_DURATION = {"day", "days", "d", "h", "hr", "hrs", "hour", "hours", "天", "小时", "工作日", "人天", "周",
                   "weeks", "week", "wd", "min", "minutes", "工时"}
# 'Last Activity Date', 'Last Viewed': when the tool last touched the row, not a date of the work.
_META_FIRST = {"last", "previous"}
# A head word that says the column is about something else: 'Issue Type', 'Attachment Count', 'Epic Color'.
_OTHER_HEADS = {"count", "color", "colour", "code", "rank", "rating", "votes", "size", "branch", "分支",
                "人数", "数量", "个数", "颜色", "level", "flag", "flagged", "score", "language", "id's",
                "environment", "version", "viewed", "updated", "modified", "archived", "labels", "label",
                "audience", "keyword", "keywords", "semester", "year", "环境", "系统", "条件"}


def _index(words: dict[str, tuple[dict[str, float], dict[str, float]]]):
    zh: dict[str, list[tuple[str, float]]] = {}
    en: dict[str, list[tuple[tuple[str, ...], float]]] = {}
    vocab: set[str] = set()
    for fld, (zterms, eterms) in words.items():
        zh[fld] = sorted(zterms.items(), key=lambda kv: -len(kv[0]))
        en[fld] = [(tuple(p.split()), w) for p, w in eterms.items()]
        for p in eterms:
            vocab.update(p.split())
    return zh, en, frozenset(vocab)


_ZH, _EN, _VOCAB = _index(_WORDS)
FIELDS = tuple(_WORDS)


@lru_cache(maxsize=8192)
def _canon(word: str) -> str:
    """A word as the vocabulary spells it: plural forms, and one-letter typos of long words ('Detectd')."""
    if word in _VOCAB or not word.isascii() or not word.isalpha():
        return word
    for cand in (word[:-3] + "y" if word.endswith("ies") else None, word[:-2] if word.endswith("es") else None,
                 word[:-1] if word.endswith("s") else None):
        if cand and cand in _VOCAB:
            return cand
    if len(word) >= 6:
        for v in _VOCAB:
            if len(v) >= 6 and v[0] == word[0] and abs(len(v) - len(word)) <= 1 and _one_edit(word, v):
                return v
    return word


def _one_edit(a: str, b: str) -> bool:
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    if len(a) > len(b):
        a, b = b, a
    for i in range(len(b)):
        if a == b[:i] + b[i + 1:]:
            return True
    return False


def _match(h: HeaderWords, words: tuple[str, ...], fld: str, end_of) -> tuple[float, int, str]:
    """(best weight incl. head bonus, number of distinct terms, the best term) of one field in a word list."""
    best, hits, why = 0.0, 0, ""
    cjk_positions = [(i, w) for i, w in enumerate(words) if not w.isascii()]
    for term, weight in _ZH[fld]:
        for i, w in cjk_positions:
            at = w.find(term)
            if at < 0:
                continue
            score = weight + (1 if end_of(i) and w.endswith(term) else 0)
            if score > best:
                best, why = score, term
            hits += 1
            break
    if len(cjk_positions) == len(words):  # no English word to match (a Chinese header): skip the phrase scan
        return best, hits, why
    for phrase, weight in _EN[fld]:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if all(words[i + k] == phrase[k] for k in range(n)):
                score = weight + (1 if end_of(i + n - 1) else 0)
                if score > best:
                    best, why = score, " ".join(phrase)
                hits += 1
                break
    return best, hits, why


@lru_cache(maxsize=8192)
def score_header(h: HeaderWords) -> dict[str, tuple[float, str]]:
    """field -> (score, the word that gave it), only for fields the header can mean."""
    words = tuple(_canon(w) for w in h.words)
    note = tuple(_canon(w) for w in h.note)
    if not words and not note:
        return {}
    if not words:
        words, note = note, ()
    scores: dict[str, float] = {}
    why: dict[str, str] = {}
    last = len(words) - 1

    def end_of(i):
        return i == last or i in h.ends

    for fld in FIELDS:
        best, hits, term = _match(h, words, fld, end_of)
        if best:
            scores[fld] = best + 0.5 * (hits > 1)
            why[fld] = term
    if note and not scores:  # the words outside say nothing: the name is inside ('Custom field (Team)')
        words, note = note, ()
        last = len(words) - 1
        for fld in FIELDS:
            best, hits, term = _match(h, words, fld, lambda i: i == last)
            if best:
                scores[fld] = best + 0.5 * (hits > 1)
                why[fld] = term
    flat = set(words) | set(note)
    cjk = "".join(w for w in words if not w.isascii())
    _modifiers(scores, why, words, note, flat, cjk)
    return {f: (round(s, 2), why.get(f, "")) for f, s in scores.items() if s > 0.5}


def _has(flat: set[str], cjk: str, terms: set[str]) -> bool:
    return any((t in cjk) if not t.isascii() else (t in flat) for t in terms)


def _word(flat: set[str], cjk: str, terms: set[str]) -> str:
    return next((t for t in sorted(terms, key=lambda t: (-len(t), t)) if ((t in cjk) if not t.isascii() else (t in flat))), "")


def _modifiers(scores: dict[str, float], why: dict[str, str], words, note, flat: set[str], cjk: str) -> None:
    head = words[-1]
    # 'X id' / 'X key' of something that is not the row's item identifies that thing (Assignee Id, List ID)
    if head in ("id", "key", "no", "#", "number") and len(words) > 1 and words[-2] not in ITEM_WORDS:
        scores.clear()
        scores["id"] = 1.0
        why["id"] = head
        return
    if head == "code" and scores.get("id", 0) >= 3:  # 'Sub-Code', 'WBS code': the row's own code
        scores.clear()
        scores["id"], why["id"] = 4.0, " ".join(words[-2:])
        return
    if words[0] in _META_FIRST or head in _OTHER_HEADS or (not head.isascii() and any(head.endswith(o) for o in _OTHER_HEADS if not o.isascii())):
        scores.clear()  # 'Attachment Count', 'Issue color': a fact about the row, not a field of the task
        return
    if words[-1] == "by" or (len(words) > 1 and words[-2] == "by"):  # 'Detected By', 'Reviewed by': a person
        for f in DATE_FIELDS + ("submitted",):
            scores.pop(f, None)
        if "reviewer" not in scores and "owner" not in scores:
            scores["owner"], why["owner"] = 1.0, "by"
    if scores.get("depends_on", 0) >= 3:  # '紧前任务', 'Predecessor tasks': other tasks, not this one
        scores.pop("task", None)
    actual = _has(flat, cjk, _ACTUAL)
    planned = _has(flat, cjk, _PLANNED)
    finish = max(scores.get("deadline", 0), scores.get("done_date", 0))
    term = why.get("deadline") or why.get("done_date", "")
    if actual and finish:
        scores["done_date"], why["done_date"] = finish + 2, _word(flat, cjk, _ACTUAL) + " + " + term
        scores.pop("deadline", None)
    elif planned and finish:
        scores["deadline"], why["deadline"] = finish + 2, _word(flat, cjk, _PLANNED) + " + " + term
        scores.pop("done_date", None)
    if (actual or planned) and "start" in scores:
        scores["start"] += 1.5
        if not actual:
            scores.pop("done_date", None)
    if _has(flat, cjk, _QUESTION):
        scores["status"] = max(scores.get("status", 0), finish, scores.get("progress", 0), 2) + 2
        why["status"] = _word(flat, cjk, _QUESTION)
    if _has(flat, cjk, _PERCENT) or "%" in note:
        scores["progress"] = max(scores.get("progress", 0), scores.get("status", 0), finish, 2) + 2
        why["progress"] = _word(flat, cjk, _PERCENT) or "%"
        for f in ("status", "deadline", "done_date"):
            scores.pop(f, None)
    if any(u in note for u in _UNITS_DURATION):
        if "duration" not in scores:
            why["duration"] = "(" + next(u for u in note if u in _UNITS_DURATION) + ")"
        scores["duration"] = scores.get("duration", 0) + 1.5
    if why.get("time_point") in _GENERIC_DATES and any(f in scores for f in DATE_FIELDS if f != "time_point"):
        del scores["time_point"]  # 'Start Date' is a start; a bare 'Date' or '日期' is a time point
    if _has(flat, cjk, _DATE_HINTS):
        for f in DATE_FIELDS:
            if f in scores:
                scores[f] += 0.5
    elif "date" in note:
        for f in DATE_FIELDS:
            if f in scores:
                scores[f] += 0.5
