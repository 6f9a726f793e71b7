"""Numbers from timings: percentiles, the result file, its table and the comparison of two runs.

A result (var/bench/<size>.json) is

    {"floor": {"p50_ms", "p95_ms", "p99_ms", "count", "errors"},
     "pages": {<request type>: the same keys},
     "rps": <requests per second, every request of the measured period>,
     "dataset": {<table>: <rows>},
     ...}                       # extra keys: how the run was made (see docs/performance.md)

Percentiles are by nearest rank over every timed request of the type, errors included:
p95 is the smallest time that at least 95 % of the requests took no longer than.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FLOOR = "floor"
SUMMARY_KEYS = ("p50_ms", "p95_ms", "p99_ms", "count", "errors")


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of `values` (0 < p <= 100); NaN for no values."""
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {p}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[max(rank, 1) - 1]


def summarise(durations_ms: Sequence[float], errors: int) -> dict[str, Any]:
    """One request type's figures, with times rounded to a hundredth of a millisecond."""

    def ms(p: float) -> float | None:
        value = percentile(durations_ms, p)
        return None if math.isnan(value) else round(value, 2)

    return {
        "p50_ms": ms(50),
        "p95_ms": ms(95),
        "p99_ms": ms(99),
        "count": len(durations_ms),
        "errors": errors,
    }


def build_result(
    samples: Mapping[str, Sequence[float]],
    errors: Mapping[str, int],
    *,
    seconds: float,
    dataset: Mapping[str, int],
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The result file's contents from the timings (ms) and error counts per request type."""
    names = sorted(set(samples) | set(errors))
    summaries = {name: summarise(samples.get(name, ()), errors.get(name, 0)) for name in names}
    floor = summaries.pop(FLOOR, summarise((), 0))
    total = sum(len(v) for v in samples.values())
    result: dict[str, Any] = {
        "floor": floor,
        "pages": summaries,
        "rps": round(total / seconds, 1) if seconds > 0 else 0.0,
        "dataset": dict(dataset),
    }
    result["p50_to_floor"] = {
        name: ratio(s["p50_ms"], floor["p50_ms"]) for name, s in summaries.items()
    }
    result.update(extra or {})
    return result


def ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return round(value / base, 2)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def format_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A plain text table, the first column left-aligned and the others right-aligned."""
    cells = [list(headers), *([_cell(v) for v in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        parts = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def result_table(result: Mapping[str, Any]) -> str:
    """The per-request-type table of one run, the floor first, then totals and the dataset."""
    floor = result["floor"]
    headers = ("request", "count", "p50 ms", "p95 ms", "p99 ms", "errors", "p50/floor")
    rows: list[tuple[Any, ...]] = [
        (
            FLOOR,
            floor["count"],
            floor["p50_ms"],
            floor["p95_ms"],
            floor["p99_ms"],
            floor["errors"],
            1.0,
        )
    ]
    for name, s in sorted(result["pages"].items()):
        rows.append(
            (
                name,
                s["count"],
                s["p50_ms"],
                s["p95_ms"],
                s["p99_ms"],
                s["errors"],
                ratio(s["p50_ms"], floor["p50_ms"]),
            )
        )
    errors = floor["errors"] + sum(s["errors"] for s in result["pages"].values())
    lines = [
        format_table(headers, rows),
        "",
        f"requests per second: {result['rps']}   errors: {errors}",
    ]
    if result.get("dataset"):
        lines.append(
            "dataset: "
            + ", ".join(f"{table} {rows:,}" for table, rows in sorted(result["dataset"].items()))
        )
    return "\n".join(lines)


def compare_table(
    a: Mapping[str, Any], b: Mapping[str, Any], *, names: tuple[str, str] = ("a", "b")
) -> str:
    """Two runs side by side: p50 and p95 of each, and b's figure as a ratio of a's."""
    first, second = names
    headers = (
        "request",
        f"{first} p50",
        f"{second} p50",
        "p50 ratio",
        f"{first} p95",
        f"{second} p95",
        "p95 ratio",
        f"{first} err",
        f"{second} err",
    )
    pages_a = {FLOOR: a["floor"], **a["pages"]}
    pages_b = {FLOOR: b["floor"], **b["pages"]}
    rows = []
    for name in [FLOOR, *sorted((set(pages_a) | set(pages_b)) - {FLOOR})]:
        sa, sb = pages_a.get(name, {}), pages_b.get(name, {})
        rows.append(
            (
                name,
                sa.get("p50_ms"),
                sb.get("p50_ms"),
                ratio(sb.get("p50_ms"), sa.get("p50_ms")),
                sa.get("p95_ms"),
                sb.get("p95_ms"),
                ratio(sb.get("p95_ms"), sa.get("p95_ms")),
                sa.get("errors"),
                sb.get("errors"),
            )
        )
    rows.append(
        (
            "requests/s",
            a.get("rps"),
            b.get("rps"),
            ratio(b.get("rps"), a.get("rps")),
            None,
            None,
            None,
            None,
            None,
        )
    )
    return (
        format_table(headers, rows)
        + f"\n\n{second} / {first}: above 1 is slower (rps: above 1 is faster)."
    )
