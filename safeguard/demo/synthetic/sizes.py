"""The sizes a synthetic dataset is built at, and how each is shared among its schools.

The three named in the plan for scale (one secondary; a trust of 20 schools; a local
authority of 300) and a tiny one for the tests. Pupils and incidents are shared out by a
school's size: a secondary has about four times a primary's pupils, and incidents follow
the pupils (on roll and archived), so every school has years of history.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    schools: int
    secondaries: int
    on_roll: int  # pupils on roll, all schools together
    archived: int  # pupils who have left, kept (records are kept for decades)
    incidents: int
    actions_per_incident: float
    years: int  # how far back the oldest school's records go
    long_chronologies: int  # pupils with 1,000+ entries (fewer at the tiny size)
    # Years the schools have recorded in Safeguard: what they recorded before came in from
    # their previous system when the deployment went live (sealed, not alerted or viewed).
    live_years: int


SIZES = {
    "tiny": Size("tiny", 2, 1, 120, 60, 300, 3.0, 3, 1, 2),
    "school": Size("school", 1, 1, 1_500, 6_000, 20_000, 3.0, 12, 2, 3),
    "trust": Size("trust", 20, 4, 12_000, 48_000, 200_000, 3.0, 15, 5, 3),
    "authority": Size("authority", 300, 60, 100_000, 400_000, 5_000_000, 3.0, 20, 10, 3),
}


@dataclass(frozen=True)
class SchoolPlan:
    number: int
    is_secondary: bool
    on_roll: int
    archived: int
    incidents: int
    staff: int
    long_chronologies: int


def _share(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, summing exactly to `total`."""
    whole = sum(weights)
    parts = [int(total * w / whole) for w in weights]
    for i in range(total - sum(parts)):
        parts[i % len(parts)] += 1
    return parts


def plan(size: Size, *, seed: int) -> list[SchoolPlan]:
    rng = random.Random(seed)
    kinds = [i < size.secondaries for i in range(size.schools)]
    weights = [(4.0 if secondary else 1.0) * rng.uniform(0.7, 1.3) for secondary in kinds]
    on_roll = _share(size.on_roll, weights)
    archived = _share(size.archived, weights)
    incidents = _share(size.incidents, weights)
    long_ones = _share(size.long_chronologies, [1.0 if k else 0.0 for k in kinds])
    return [
        SchoolPlan(
            number=i + 1,
            is_secondary=kinds[i],
            on_roll=on_roll[i],
            archived=archived[i],
            incidents=incidents[i],
            # About one adult to 14 pupils: some 100 at a 1,500-pupil secondary.
            staff=max(15, min(160, round(on_roll[i] / 14))),
            long_chronologies=long_ones[i],
        )
        for i in range(size.schools)
    ]
