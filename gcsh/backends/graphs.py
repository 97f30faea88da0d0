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


def dominators(n: int, children, root: int) -> tuple[list[int], list[int]]:
    """The dominator tree of the graph on nodes 0..N-1 from ROOT (Cooper, Harvey and Kennedy's
    iterative algorithm): (idom, postorder), idom[v] -1 for what ROOT does not reach. A node's
    dominator is a DFS ancestor, so in postorder every node comes before its dominator."""
    order, seen, stack = [], bytearray(n), [(root, 0)]
    seen[root] = 1
    while stack:
        v, i = stack[-1]
        kids = children[v]
        if i < len(kids):
            stack[-1] = (v, i + 1)
            w = kids[i]
            if not seen[w]:
                seen[w] = 1
                stack.append((w, 0))
        else:
            stack.pop()
            order.append(v)
    post = [-1] * n
    for k, v in enumerate(order):
        post[v] = k
    preds: list[list[int]] = [[] for _ in range(n)]
    for v in order:
        for w in children[v]:
            preds[w].append(v)
    idom = [-1] * n
    idom[root] = root
    rpo = order[::-1][1:]
    changed = True
    while changed:
        changed = False
        for v in rpo:
            new = -1
            for p in preds[v]:
                if idom[p] == -1:
                    continue
                if new == -1:
                    new = p
                    continue
                a, b = p, new
                while a != b:
                    while post[a] < post[b]:
                        a = idom[a]
                    while post[b] < post[a]:
                        b = idom[b]
                new = a
            if idom[v] != new:
                idom[v] = new
                changed = True
    return idom, order


def retained(idom: list[int], order: list[int], sizes) -> tuple[list[int], list[int]]:
    """Per node: (objects, size) it retains, itself included: the sums over its dominator subtree."""
    count = [1 if idom[v] != -1 else 0 for v in range(len(idom))]
    total = [sizes[v] if idom[v] != -1 else 0 for v in range(len(idom))]
    for v in order:
        d = idom[v]
        if d != v and d != -1:
            count[d] += count[v]
            total[d] += total[v]
    return count, total


def kinds(groups: list[list[int]], word_of, examples: int) -> list[tuple[tuple, list[list[int]]]]:
    """GROUPS of the same make-up (the sorted words WORD_OF gives their members) counted together,
    the most objects first: (words, the first EXAMPLES groups, how many groups) per make-up."""
    by: dict[tuple, list] = {}
    for g in groups:
        key = tuple(sorted(map(word_of, g)))
        entry = by.get(key)
        if entry is None:
            by[key] = entry = [[], 0]
        if entry[1] < examples:
            entry[0].append(g)
        entry[1] += 1
    return sorted(((k, ex, n) for k, (ex, n) in by.items()), key=lambda e: (-e[2] * len(e[0]), e[0]))
