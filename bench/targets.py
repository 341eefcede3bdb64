"""The targets of issues 16 and 12, judged on the rows of one run (bench/run.py prints them after the table).

Each target is a ratio or a figure of rows measured in the same run, at the
size the issue names; a target whose rows are missing from the run (not
measured, n/a or failed) is reported as such, with what would measure it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TARGET_SIZE = 10000
SYNC_SIZE = 5000
LARGE = 100000
STREAMED = ("ttl", "nt", "nq")
HELD = ("jsonld", "graphml")


@dataclass
class Target:
    name: str
    measured: str = ""         # the figure, with what it was computed from
    value: float | None = None
    status: str = "not measured"   # met | missed | not measured
    reason: str = ""           # for not measured: what was missing


def _row(rows: list[Any], size: int, task: str, fmt: str | None = None) -> Any | None:
    return next((r for r in rows if r.size == size and r.task == task and (fmt is None or r.format == fmt)), None)


def _why(row: Any | None, what: str, hint: str) -> str:
    if row is None:
        return f"no {what} row in this run ({hint})"
    return f"{what}: {row.status}" + (f" ({row.note.splitlines()[0][:60]})" if row.note else "")


def _result(target: Target, value: float, met: bool, measured: str) -> None:
    target.value, target.measured, target.status = value, measured, "met" if met else "missed"


def check(rows: list[Any], *, size: int = TARGET_SIZE, sync_size: int = SYNC_SIZE, large: int = LARGE) -> list[Target]:
    """The targets, judged on rows (bench/run.py's Row or anything with its fields) at the sizes given."""
    out: list[Target] = []
    at, big_at = f"{size:,}", f"{large:,}"
    sizes = f"--sizes with {size}"
    ttl = _row(rows, size, "export", "ttl")
    floor, floor_rs = _row(rows, size, "floor"), _row(rows, size, "floor_rs")

    t = Target(f"kg export ttl at most 1.0x the libyaml floor ({at})")
    if ttl and ttl.kg_over_floor and floor:
        rs = (f"; {ttl.kg_over_floor_rs:.2f}x the yaml_rs floor ({floor_rs.seconds:.2f} s)"
              if ttl.kg_over_floor_rs and floor_rs else "; the yaml_rs floor not measured")
        _result(t, ttl.kg_over_floor, ttl.kg_over_floor <= 1.0,
                f"{ttl.kg_over_floor:.2f}x ({ttl.seconds:.2f} s vs {floor.seconds:.2f} s){rs}")
    else:
        t.reason = (_why(ttl, "kg export ttl", sizes) if not (ttl and ttl.seconds)
                    else _why(floor, "libyaml floor", sizes))
    out.append(t)

    for task, what, limit, hint in (("baseline", "the naive rdflib baseline", 15, "drop --no-baseline"),
                                    ("morph", "Morph-KGC", 8, "add --morph-kgc")):
        other = _row(rows, size, task)
        t = Target(f"kg export ttl at least {limit}x faster than {what} ({at})")
        if ttl and ttl.seconds and other and other.seconds:
            value = other.seconds / ttl.seconds
            _result(t, value, value >= limit, f"{value:.1f}x ({other.seconds:.2f} s vs {ttl.seconds:.2f} s)")
        else:
            t.reason = _why(ttl, "kg export ttl", sizes) if not (ttl and ttl.seconds) else _why(other, what, hint)
        out.append(t)

    network = _row(rows, size, "network")
    t = Target(f"kg export --network full at most 1.5x the ttl export ({at}; issue 12)")
    if network and network.seconds and ttl and ttl.seconds:
        value = network.seconds / ttl.seconds
        _result(t, value, value <= 1.5, f"{value:.2f}x ({network.seconds:.2f} s vs {ttl.seconds:.2f} s)")
    else:
        t.reason = (_why(network, "kg export --network full", sizes) if not (network and network.seconds)
                    else _why(ttl, "kg export ttl", sizes))
    out.append(t)

    draw = _row(rows, size, "draw")
    t = Target(f"kg draw of the provider network under 10 s ({at}; issue 12)")
    if draw and draw.seconds:
        _result(t, draw.seconds, draw.seconds < 10, f"{draw.seconds:.2f} s")
    else:
        t.reason = _why(draw, "kg draw", f"{sizes}, with the draw extra installed")
    out.append(t)

    for fmt in HELD:
        row = _row(rows, size, "export", fmt)
        t = Target(f"kg export {fmt} at most 1.5x the libyaml floor ({at})")
        if row and row.kg_over_floor:
            _result(t, row.kg_over_floor, row.kg_over_floor <= 1.5, f"{row.kg_over_floor:.2f}x ({row.seconds:.2f} s)")
        else:
            t.reason = _why(row, f"kg export {fmt}", f"{sizes} and {fmt} in --formats")
        out.append(t)

    load = _row(rows, size, "load")
    t = Target(f"kg load into a new embedded store at least 100,000 triples/s ({at})")
    if load and load.triples_per_s:
        _result(t, load.triples_per_s, load.triples_per_s >= 100_000,
                f"{load.triples_per_s:,.0f} triples/s ({load.triples:,} in {load.seconds:.2f} s)")
    else:
        t.reason = _why(load, "kg load", sizes)
    out.append(t)

    sync = _row(rows, sync_size, "sync")
    t = Target(f"kg load after changing 1% of the files at least 5x faster than the first load ({sync_size:,})")
    if sync and sync.load_over_sync:
        _result(t, sync.load_over_sync, sync.load_over_sync >= 5,
                f"{sync.load_over_sync:.1f}x ({sync.first_load_seconds:.2f} s vs {sync.seconds:.2f} s)")
    else:
        t.reason = _why(sync, "sync", f"--sync-size {sync_size}")
    out.append(t)

    hint = f"--large, with {large} and {size} in one run"
    for fmt, limit in [(f, 250) for f in STREAMED] + [(f, 400) for f in HELD]:
        big, small = _row(rows, large, "export", fmt), _row(rows, size, "export", fmt)
        t = Target(f"kg export {fmt} peak RSS at {big_at} at most {limit} MB")
        if big and big.peak_mb:
            _result(t, big.peak_mb, big.peak_mb <= limit,
                    f"{big.peak_mb:.0f} MB (process tree {big.tree_mb or 0:.0f} MB)")
        else:
            t.reason = _why(big, f"kg export {fmt} at {big_at}", hint)
        out.append(t)
        if fmt not in STREAMED:
            continue
        t = Target(f"kg export {fmt} peak RSS at {big_at} at most 1.5x the {at} figure")
        if big and big.peak_mb and small and small.peak_mb:
            value = big.peak_mb / small.peak_mb
            _result(t, value, value <= 1.5, f"{value:.2f}x ({small.peak_mb:.0f} MB -> {big.peak_mb:.0f} MB)")
        else:
            t.reason = (_why(big, f"kg export {fmt} at {big_at}", hint) if not (big and big.peak_mb)
                        else _why(small, f"kg export {fmt} at {at}", hint))
        out.append(t)
    return out


def report(checked: list[Target]) -> str:
    lines = [["target", "measured", ""]]
    for t in checked:
        lines.append([t.name, t.measured if t.status != "not measured" else t.reason, t.status])
    widths = [max(len(line[i]) for line in lines) for i in range(3)]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    met = sum(t.status == "met" for t in checked)
    missed = sum(t.status == "missed" for t in checked)
    out.append(f"{met} met, {missed} missed, {len(checked) - met - missed} not measured")
    return "\n".join(out)
