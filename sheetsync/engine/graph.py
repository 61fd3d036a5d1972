"""The dependency graph between tasks: unknown references, cycles, topological order.

Iterative algorithms throughout: a 100k-row tracker must not hit Python's recursion limit."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Task


FS = ("FS", 0.0, False)  # the link a plain reference means: finish-to-start, no lag


@dataclass
class Graph:
    tasks: list[Task]
    preds: list[list[int]]  # task index -> predecessor indices
    succs: list[list[int]]
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (task index, reference)
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (task index, index of the first with that id)
    cycles: list[list[int]] = field(default_factory=list)  # each: one cycle as task indices, first repeated last
    in_cycle: set[int] = field(default_factory=set)
    order: list[int] = field(default_factory=list)  # topological order of the tasks not in a cycle
    # (task, predecessor) -> (kind, lag in days, lag in calendar days?) for every link that is not a plain FS
    kinds: dict[tuple[int, int], tuple[str, float, bool]] = field(default_factory=dict)
    by_position: bool = False  # numbers were read as row positions (no id column)

    def link(self, i: int, j: int) -> tuple[str, float, bool]:
        return self.kinds.get((i, j), FS) if self.kinds else FS


def _squash(text: str) -> str:
    return "".join(text.split()).casefold()


def build(tasks: list[Task], by_id: bool, first_row: int | None = None) -> Graph:
    """The graph of 'depends on' links. With an id column a reference is an id, else a task name (names also
    match with an id column, ignoring case and spaces). A number without an id column is the task's position
    in the table as Smartsheet and MS Project number rows: 1 for the first row under the header (`first_row`,
    1-based sheet row)."""
    index: dict[str, int] = {}
    duplicates = []
    for i, t in enumerate(tasks):
        key = t.id if by_id else t.task
        if not key:
            continue
        if key in index:
            if by_id:
                duplicates.append((i, index[key]))
            continue
        index[key] = i
    lazy: dict[str, dict[str, int]] = {}  # built on the first reference that is not a plain key

    def find(ref: str) -> int | None:
        if not lazy:
            names = lazy["names"] = {}
            for i, t in enumerate(tasks):  # names are matched as people type them: ignore case and spaces
                if t.task:
                    names.setdefault(_squash(t.task), i)
            lazy["positions"] = ({str(t.row - first_row + 1): i for i, t in enumerate(tasks)}
                                 if not by_id and first_row is not None else {})
        j = index.get(ref)
        if j is None:
            j = lazy["names"].get(_squash(ref))
        if j is None and ref.isdigit():
            j = lazy["positions"].get(ref.lstrip("0") or "0")
        return j

    preds: list[list[int]] = [[] for _ in tasks]
    succs: list[list[int]] = [[] for _ in tasks]
    unknown = []
    kinds: dict[tuple[int, int], tuple[str, float, bool]] = {}
    for i, t in enumerate(tasks):
        if not t.depends_on:
            continue
        seen = set()
        links = t.links or None
        for n, ref in enumerate(t.depends_on):
            link = links[n] if links and n < len(links) else None
            j = index.get(ref)
            if j is None:
                j = find(ref)
            if j is not None:
                link = None  # the whole token names a task (one may be called 'CLASS'): no link syntax in it
            elif link is not None and link.ref != ref:
                j = find(link.ref)  # '3FS+2d' -> 3, 'T1(M1)' -> T1
            if j is None:
                unknown.append((i, ref))
                continue
            if j in seen:
                continue
            seen.add(j)
            preds[i].append(j)
            succs[j].append(i)
            if link is not None and (link.kind, link.lag, link.calendar) != FS:
                kinds[(i, j)] = (link.kind, link.lag, link.calendar)
    g = Graph(tasks, preds, succs, unknown, duplicates, kinds=kinds,
              by_position=not by_id and first_row is not None)
    order = _kahn(preds, succs)
    if len(order) == len(tasks):  # every task ordered: no cycles, and the order is the one _topological gives
        g.order = order
        return g
    _find_cycles(g)
    _topological(g)
    return g


def _kahn(preds: list[list[int]], succs: list[list[int]]) -> list[int]:
    """Kahn's order over all tasks; shorter than the task list exactly when there is a cycle."""
    indeg = [len(p) for p in preds]
    ready = [i for i, d in enumerate(indeg) if d == 0]
    order = []
    append, pop = order.append, ready.pop
    while ready:
        v = pop()
        append(v)
        for w in succs[v]:
            indeg[w] -= 1
            if indeg[w] == 0:
                ready.append(w)
    return order


def _sccs(succs: list[list[int]]) -> list[list[int]]:
    """Tarjan's strongly connected components, iteratively."""
    n = len(succs)
    idx = [-1] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(n):
        if idx[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            v, pos = work[-1]
            if pos == 0:
                idx[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack[v] = True
            edges = succs[v]
            if pos < len(edges):
                work[-1] = (v, pos + 1)
                w = edges[pos]
                if idx[w] == -1:
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], idx[w])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
            if low[v] == idx[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in succs[v]:
                    out.append(comp)
    return out


def _cycle_through(start: int, members: set[int], preds: list[list[int]]) -> list[int]:
    """A shortest cycle through `start` inside one component, following 'depends on' edges."""
    prev = {start: None}
    queue = [start]
    for v in queue:
        for w in preds[v]:
            if w not in members:
                continue
            if w == start:
                path = [v]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                path.reverse()  # start ... v, and v depends on start
                return path + [start]
            if w not in prev:
                prev[w] = v
                queue.append(w)
    return [start, start]


def _find_cycles(g: Graph) -> None:
    for comp in _sccs(g.succs):
        members = set(comp)
        g.in_cycle |= members
        left = set(members)  # one cycle through each task of the component that no earlier cycle passed
        while left:
            cycle = _cycle_through(min(left), members, g.preds)
            g.cycles.append(cycle)
            left.difference_update(cycle)


def _topological(g: Graph) -> None:
    """Kahn's order over the tasks outside cycles (edges into cycles are ignored)."""
    n = len(g.tasks)
    indeg = [0] * n
    for i in range(n):
        if i in g.in_cycle:
            continue
        indeg[i] = sum(1 for j in g.preds[i] if j not in g.in_cycle)
    ready = [i for i in range(n) if i not in g.in_cycle and indeg[i] == 0]
    order = []
    while ready:
        v = ready.pop()
        order.append(v)
        for w in g.succs[v]:
            if w in g.in_cycle:
                continue
            indeg[w] -= 1
            if indeg[w] == 0:
                ready.append(w)
    g.order = order
