"""`collect --trace`: each phase of one collection, in words a classroom can follow."""

from __future__ import annotations


def _names(ops) -> str:
    return ", ".join(ops) if ops else "none"


def _refs(gc_refs: dict) -> str:
    return ", ".join(f"{name}={n}" for name, n in gc_refs.items()) or "none"


def trace_lines(steps: list[dict]) -> list[str]:
    lines = []
    for n, step in enumerate(steps, 1):
        phase = step["phase"]
        base = phase.split(" ")[0]
        if base == "start":
            lines.append(f"{n}. merge the younger generations into generation {step['generation']}: "
                         f"{len(step['young'])} objects [{_names(step['young'])}]")
        elif base == "update_refs":
            lines.append(f"{n}. {phase}: gc_refs = refcount: {_refs(step['gc_refs'])}")
        elif base == "subtract_refs":
            lines.append(f"{n}. {phase}: minus references from inside the set: {_refs(step['gc_refs'])}")
            outside = [k for k, v in step["gc_refs"].items() if v > 0]
            lines.append(f"   referenced from outside (gc_refs > 0): {_names(outside)}")
        elif base == "move_unreachable":
            lines.append(f"{n}. {phase}: reachable [{_names(step['reachable'])}]; "
                         f"unreachable [{_names(step['unreachable'])}]")
        elif base == "untrack":
            if step["untracked"]:
                lines.append(f"{n}. untracked (nothing in them can be in a cycle): {_names(step['untracked'])}")
            lines.append(f"{n}. survivors move to generation {step['to']}: {_names(step['survivors'])}")
        elif base == "move_legacy_finalizers":
            lines.append(f"{n}. legacy finalizers and what they reach are uncollectable: "
                         f"{_names(step['uncollectable'])}")
        elif base == "handle_weakrefs":
            lines.append(f"{n}. handle_weakrefs: cleared {_names(step['cleared'])}; "
                         f"callbacks called {_names(step['called'])}")
        elif base == "finalize_garbage":
            lines.append(f"{n}. finalize_garbage: __del__ ran for {_names(step['finalized'])}")
        elif base == "handle_resurrected_objects":
            lines.append(f"{n}. resurrected by a finalizer, moved to generation {step['to']}: "
                         f"{_names(step['resurrected'])}")
        elif base == "delete_garbage":
            verb = "saved in gc.garbage (DEBUG_SAVEALL)" if step["saved"] else "tp_clear"
            lines.append(f"{n}. delete_garbage: {verb} on [{_names(step['garbage'])}]; "
                         f"freed {_names(step['freed'])}")
        else:
            lines.append(f"{n}. {phase}: {step}")
    return lines
