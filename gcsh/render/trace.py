"""`collect --trace`: each phase of one collection, in words a classroom can follow.

The steps come from the simulator's collector (one dict per phase, objects by
name); each phase is named as in CPython's gc_collect_main and says what it did
to which objects, so that a reader can follow a cycle from "referenced from
inside the set only" to "freed".
"""

from __future__ import annotations


def _names(ops) -> str:
    return ", ".join(ops) if ops else "none"


def _refs(gc_refs: dict) -> str:
    return "  ".join(f"{name}={n}" for name, n in gc_refs.items()) or "(no objects)"


def _where(g) -> str:
    return f"generation {g}"


def _start(step) -> list[str]:
    g = step["generation"]
    merged = {0: "generation 0", 1: "generation 1, then generation 0 appended",
              2: "generation 2, then generations 0 and 1 appended"}[g]
    return [f"start: the list to examine is {merged}: {len(step['young'])} objects",
            f"   [{_names(step['young'])}]"]


def _update_refs(step, again) -> list[str]:
    what = "the objects still unreachable" if again else "every object in the list"
    return [f"update_refs: gc_refs of {what} starts at its refcount", f"   {_refs(step['gc_refs'])}"]


def _subtract_refs(step, again) -> list[str]:
    outside = [k for k, v in step["gc_refs"].items() if v > 0]
    return ["subtract_refs: minus one for each reference from another object in the list",
            f"   {_refs(step['gc_refs'])}",
            f"   gc_refs > 0 means referenced from outside the list: {_names(outside)}"]


def _move_unreachable(step, again) -> list[str]:
    lines = ["move_unreachable: walk the list from head to tail"]
    for move in step.get("moves") or ():
        name, what = move[0], move[1]
        if what == "unreachable":
            lines.append(f"   {name}: gc_refs 0, moved to the unreachable list (for now)")
        elif what == "back":
            lines.append(f"   {name}: referenced by {move[2]}, which is reachable: moved back to the tail of the list")
        else:
            lines.append(f"   {name}: reachable")
    lines.append(f"   reachable: [{_names(step['reachable'])}]")
    lines.append(f"   unreachable: [{_names(step['unreachable'])}]")
    return lines


def _untrack(step) -> list[str]:
    lines = ["untrack_tuples" + (" and untrack_dicts" if step["to"] == 2 else "") + ": "
             + (f"nothing in them can be part of a cycle, so they are no longer tracked: {_names(step['untracked'])}"
                if step["untracked"] else "nothing to untrack")]
    lines.append(f"   the survivors move to the tail of {_where(step['to'])}: {_names(step['survivors'])}")
    return lines


def _legacy(step) -> list[str]:
    if not step["uncollectable"]:
        return [f"move_legacy_finalizers: no legacy finalizer among the unreachable; "
                f"the garbage is [{_names(step['unreachable'])}]"]
    return [f"move_legacy_finalizers: objects with tp_del, and everything they reach, cannot be collected: "
            f"{_names(step['uncollectable'])}",
            f"   the garbage is now [{_names(step['unreachable'])}]"]


def _weakrefs(step) -> list[str]:
    lines = [f"handle_weakrefs: weakrefs to the garbage are cleared before any finalizer runs: "
             f"{_names(step['cleared'])}"]
    if step["called"]:
        lines.append(f"   then the callbacks of those not garbage themselves run (newest first), "
                     f"each seeing a dead referent: {_names(step['called'])}")
    if step.get("freed"):
        lines.append(f"   {step['freed']} of them died after their callback: counted as collected")
    return lines


def _finalize(step) -> list[str]:
    if not step["finalized"]:
        return ["finalize_garbage: no __del__ to run"]
    return [f"finalize_garbage: __del__ runs once per object, in list order: {_names(step['finalized'])}"]


def _resurrected(step) -> list[str]:
    if step["resurrected"]:
        return [f"   resurrected (it survives, and its __del__ will not run again): "
                f"{_names(step['resurrected'])} -> {_where(step['to'])}",
                f"   still garbage: [{_names(step['still'])}]"]
    return ["   nothing was resurrected"]


def _delete(step) -> list[str]:
    if not step["garbage"]:
        return ["delete_garbage: nothing left to delete"]
    if step["saved"]:
        return [f"delete_garbage: DEBUG_SAVEALL keeps the garbage in gc.garbage instead: "
                f"{_names(step['garbage'])}"]
    return [f"delete_garbage: tp_clear on each object in turn drops its references; "
            f"refcounting frees the rest [{_names(step['garbage'])}]",
            f"   freed, in order: {_names(step['freed'])}"]


def _result(step) -> list[str]:
    lines = [f"result: collected {step['collected']} = {step['final']} garbage objects"
             f" + {step['weakrefs']} weakrefs freed after their callbacks"]
    if step["uncollectable"]:
        lines.append(f"   uncollectable {len(step['uncollectable'])}: {_names(step['uncollectable'])} "
                     f"stay alive in {_where(step['to'])}; gc.garbage is now [{_names(step['garbage'])}]")
    lines.append("   gc.collect() returns collected + uncollectable")
    return lines


RESURRECTION = ("handle_resurrected_objects: deduce_unreachable again on the garbage alone, "
                "to see whether a __del__ made any of it reachable")


def trace_lines(steps: list[dict]) -> list[str]:
    lines = []
    n = 0
    phases = {"start": _start, "untrack": _untrack, "move_legacy_finalizers": _legacy,
              "handle_weakrefs": _weakrefs, "finalize_garbage": _finalize, "delete_garbage": _delete,
              "result": _result}
    again_phases = {"update_refs": _update_refs, "subtract_refs": _subtract_refs,
                    "move_unreachable": _move_unreachable}
    in_resurrection = False
    for step in steps:
        phase = step["phase"]
        base = phase.split(" ")[0]
        again = "(again" in phase
        if base in again_phases:
            body = again_phases[base](step, again)
        elif base == "handle_resurrected_objects":
            if not in_resurrection:  # no object was left to look at again
                n += 1
                lines.append(f"{n:2}. {RESURRECTION}")
            lines.extend("    " + line.lstrip() for line in _resurrected(step))
            in_resurrection = False
            continue
        elif base in phases:
            body = phases[base](step)
        else:
            body = [f"{phase}: {step}"]
        if again:
            if not in_resurrection:
                n += 1
                lines.append(f"{n:2}. {RESURRECTION}")
                in_resurrection = True
            lines.append("    - " + body[0])
            lines.extend("      " + line.lstrip() for line in body[1:])
            continue
        n += 1
        lines.append(f"{n:2}. {body[0]}")
        lines.extend("    " + line.lstrip() for line in body[1:])
    return lines
