"""Questions about the whole heap, asked without collecting (analysis.py): its cycles, a path of
strong references, what a full collection would find, rows in order."""

from ..layout import FREED


def strong_components(gen, estart, elen, pool, first, index, low, comp, tstack, wop, wedge, sizes, selfref):
    """Tarjan's strongly connected components of the strong references among live rows (from row
    FIRST), iteratively. COMP[op] gets op's component; SIZES[c] the size of component c if it is a
    cycle (two or more members, or one that references itself), else 0. INDEX and COMP start at
    -1; LOW, TSTACK, WOP, WEDGE and SELFREF are scratch. Returns how many components."""
    counter = 0
    ncomp = 0
    tsp = 0
    for root in range(first, len(gen)):
        if gen[root] == FREED or index[root] >= 0:
            continue
        depth = 0
        wop[0] = root
        wedge[0] = estart[root]
        index[root] = counter
        low[root] = counter
        counter += 1
        tstack[tsp] = root
        tsp += 1
        comp[root] = -2  # on the stack
        while depth >= 0:
            op = wop[depth]
            k = wedge[depth]
            if k < estart[op] + elen[op]:
                wedge[depth] = k + 1
                t = pool[k]
                if t < 0:
                    continue
                if t == op:
                    selfref[op] = 1
                if index[t] < 0:
                    index[t] = counter
                    low[t] = counter
                    counter += 1
                    tstack[tsp] = t
                    tsp += 1
                    comp[t] = -2
                    depth += 1
                    wop[depth] = t
                    wedge[depth] = estart[t]
                elif comp[t] == -2 and index[t] < low[op]:
                    low[op] = index[t]
                continue
            if low[op] == index[op]:
                size = 0
                cyclic = 0
                while True:
                    tsp -= 1
                    x = tstack[tsp]
                    comp[x] = ncomp
                    size += 1
                    if selfref[x]:
                        cyclic = 1
                    if x == op:
                        break
                sizes[ncomp] = size if size > 1 or cyclic else 0
                ncomp += 1
            depth -= 1
            if depth >= 0 and low[op] < low[wop[depth]]:
                low[wop[depth]] = low[op]
    return ncomp


def group_rows(comp, first, sizes, ncomp, offsets, fill, out):
    """The rows of the cycles (components whose SIZES entry is not 0), grouped by component and in
    row order within each: component c's rows start at OFFSETS[c] in OUT. Returns how many."""
    total = 0
    for c in range(ncomp):
        offsets[c] = total
        fill[c] = total
        total += sizes[c]
    for op in range(first, len(comp)):
        c = comp[op]
        if c >= 0 and sizes[c] > 0:
            out[fill[c]] = op
            fill[c] += 1
    return total


def shortest_path(gen, estart, elen, pool, sources, nsources, target, parent, queue):
    """Breadth first from SOURCES through strong references: True if TARGET is reached, PARENT
    (which starts at -1) then leads back from it (a source's parent is itself)."""
    head = 0
    tail = 0
    for i in range(nsources):
        s = sources[i]
        if parent[s] < 0:
            parent[s] = s
            queue[tail] = s
            tail += 1
    while head < tail:
        op = queue[head]
        head += 1
        if op == target:
            return True
        start = estart[op]
        for k in range(start, start + elen[op]):
            t = pool[k]
            if t >= 0 and parent[t] < 0 and gen[t] != FREED:
                parent[t] = op
                queue[tail] = t
                tail += 1
    return False


def unreachable_now(gen, refcnt, estart, elen, pool, first, gc_refs, mark, stack):
    """What a full collection would find unreachable now, found without moving or writing a row:
    update_refs and subtract_refs over the three generations into the scratch GC_REFS, then what
    the objects held from outside reach. MARK (a zeroed byte per row) ends 1 for an unreachable
    object, 2 for a reachable one, 0 outside the generations; STACK: scratch, one int per row.
    Returns how many are unreachable."""
    n = len(gen)
    for op in range(first, n):
        g = gen[op]
        if g == 0 or g == 1 or g == 2:
            gc_refs[op] = refcnt[op]
            mark[op] = 1
    for op in range(first, n):
        if mark[op] != 0:
            start = estart[op]
            for k in range(start, start + elen[op]):
                t = pool[k]
                if t >= 0 and mark[t] != 0:
                    gc_refs[t] -= 1
    top = 0
    for op in range(first, n):
        if mark[op] == 1 and gc_refs[op] > 0:
            mark[op] = 2
            stack[top] = op
            top += 1
    while top > 0:
        top -= 1
        op = stack[top]
        start = estart[op]
        for k in range(start, start + elen[op]):
            t = pool[k]
            if t >= 0 and mark[t] == 1:
                mark[t] = 2
                stack[top] = t
                top += 1
    found = 0
    for op in range(first, n):
        if mark[op] == 1:
            found += 1
    return found


def sort_rows(rows, n, mark, out):
    """The first N of ROWS in increasing order, into OUT (MARK: a zeroed byte per row, left zeroed);
    returns how many."""
    lo = len(mark)
    hi = 0
    for i in range(n):
        r = rows[i]
        mark[r] = 1
        if r < lo:
            lo = r
        if r > hi:
            hi = r
    m = 0
    for r in range(lo, hi + 1):
        if mark[r]:
            mark[r] = 0
            out[m] = r
            m += 1
    return m
