"""Graph walks over plain adjacency lists (node -> the nodes it references), shared by the backends."""

from __future__ import annotations


def groups(rows: list[int], children: list[list[int]]) -> list[list[int]]:
    """ROWS split into groups that reference each other (connected components, either direction)."""
    parent = {i: i for i in rows}

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in rows:
        for j in children[i]:
            if j in parent:
                a, b = root(i), root(j)
                if a != b:
                    parent[b] = a
    out: dict[int, list[int]] = {}
    for i in rows:
        out.setdefault(root(i), []).append(i)
    return list(out.values())


def strong_components(nodes: list, children) -> list[list]:
    """Tarjan's components of NODES (edges inside NODES only) that are cycles, largest first; iterative,
    as heaps can be deeper than the recursion limit. CHILDREN[v]: what v references (a list or dict)."""
    inside = set(nodes)
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on: set[int] = set()
    stack: list[int] = []
    found = []
    for start in nodes:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on.add(v)
            kids = children[v]
            while i < len(kids) and (kids[i] not in inside or kids[i] in index):
                w = kids[i]
                if w in on:
                    low[v] = min(low[v], index[w])
                i += 1
            if i < len(kids):
                work.append((v, i + 1))
                work.append((kids[i], 0))
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in children[v]:
                    found.append(comp[::-1])
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    found.sort(key=lambda c: (-len(c), c[0]))
    return found
