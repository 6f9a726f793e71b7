"""The body map: marks placed on outlines of a child's front and back (policy section 5 step 3).

"If the child has a physical injury, use the body map to note any marks or
injuries, as well as a description of the mark i.e. colour, shape."

A mark's position is a point on one side's drawing, in the drawing's own units
(0-1000 across and down; see `incidents/includes/body_map_svg.html`). The
drawing faces the viewer, so on the front the child's right is on the left of
the drawing, and on the back it is on the right, as on paper body maps.

Each mark arrives as a numbered row of form fields, `mark-N-<field>` for
N = 1..MAX_MARKS. With JavaScript the position comes from a click or the arrow
keys (`x` and `y`); without it, from a list of named parts of the body
(`region`), which stands for that part's centre. The same list names the part
of the body under any point, for the live announcement while a mark moves and
for the table beside the drawing. `static/js/bodymap.js` reads the list from
the page (`regions_for_script`), so there is one table, here.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify

from safeguard.incidents.models import BodySide, MarkType
from safeguard.lib.text import single_line_problem

MAX_MARKS = 20
SIZE = 1000  # the drawing's width and height in its own units
TEXT_LIMITS = {"colour": 60, "shape": 60, "size": 60, "note": 500}
FIELDS = ("side", "x", "y", "region", "type", "colour", "shape", "size", "note")
# Rows the form shows for typing marks without the drawing (and without JavaScript).
SPARE_ROWS = 3


@dataclass(frozen=True)
class Mark:
    side: str
    x: int
    y: int
    mark_type: str
    colour: str = ""
    shape: str = ""
    size: str = ""
    note: str = ""


@dataclass(frozen=True)
class Region:
    """A named part of the body on one side's drawing: a box, and the point that stands for it."""

    key: str
    side: str
    label: str
    box: tuple[int, int, int, int]  # left, top, right, bottom (inclusive)
    centre: tuple[int, int]

    def contains(self, x: int, y: int) -> bool:
        left, top, right, bottom = self.box
        return left <= x <= right and top <= y <= bottom

    def distance_squared(self, x: int, y: int) -> int:
        left, top, right, bottom = self.box
        dx = max(left - x, 0, x - right)
        dy = max(top - y, 0, y - bottom)
        return dx * dx + dy * dy


# Each side, head to toe, in the order a point is looked up (the first box holding it wins,
# so smaller parts come before the larger ones they overlap). Boxes are for the left of the
# drawing; "{lr}" marks a part the child has two of, mirrored onto the right of the drawing.
# An optional third item is the point standing for the part when the box's centre would fall
# off the outline (arms slope outwards).
_Entry = (
    tuple[str, tuple[int, int, int, int]] | tuple[str, tuple[int, int, int, int], tuple[int, int]]
)

_FRONT: list[_Entry] = [
    ("{lr} ear", (400, 90, 440, 140)),
    ("forehead", (425, 25, 575, 100)),
    ("face", (425, 100, 575, 195)),
    ("neck", (450, 175, 550, 232)),
    ("{lr} shoulder", (355, 222, 445, 285), (395, 262)),
    ("upper chest", (445, 232, 555, 300)),
    ("{lr} side of the chest", (375, 285, 500, 400), (440, 345)),
    ("{lr} upper arm", (280, 285, 375, 425), (348, 360)),
    ("{lr} elbow", (270, 425, 345, 470), (316, 447)),
    ("{lr} forearm", (235, 470, 335, 570), (286, 520)),
    ("{lr} wrist", (220, 570, 300, 595), (262, 582)),
    ("{lr} hand", (190, 595, 305, 690), (252, 625)),
    ("tummy", (375, 400, 625, 500)),
    ("{lr} hip", (365, 500, 445, 600)),
    ("lower tummy", (445, 500, 555, 570)),
    ("groin", (445, 570, 555, 640), (500, 595)),
    ("{lr} thigh", (365, 600, 500, 740), (440, 670)),
    ("{lr} knee", (390, 740, 500, 800), (448, 770)),
    ("{lr} shin", (390, 800, 500, 880), (452, 840)),
    ("{lr} ankle", (395, 880, 500, 905), (452, 892)),
    ("{lr} foot", (380, 905, 500, 965), (444, 922)),
]

_BACK: list[_Entry] = [
    ("{lr} ear", (400, 90, 440, 140)),
    ("back of the head", (425, 25, 575, 195)),
    ("back of the neck", (450, 175, 550, 232)),
    ("{lr} shoulder", (355, 222, 445, 285), (395, 262)),
    ("upper back", (445, 232, 555, 300)),
    ("{lr} shoulder blade", (375, 285, 500, 400), (440, 345)),
    ("back of the {lr} upper arm", (280, 285, 375, 425), (348, 360)),
    ("{lr} elbow", (270, 425, 345, 470), (316, 447)),
    ("back of the {lr} forearm", (235, 470, 335, 570), (286, 520)),
    ("{lr} wrist", (220, 570, 300, 595), (262, 582)),
    ("back of the {lr} hand", (190, 595, 305, 690), (252, 625)),
    ("middle of the back", (375, 400, 625, 480)),
    ("lower back", (375, 480, 625, 560)),
    ("{lr} buttock", (365, 560, 500, 650), (440, 605)),
    ("back of the {lr} thigh", (365, 650, 500, 740), (440, 695)),
    ("back of the {lr} knee", (390, 740, 500, 800), (448, 770)),
    ("{lr} calf", (390, 800, 500, 880), (452, 840)),
    ("{lr} ankle", (395, 880, 500, 905), (452, 892)),
    ("{lr} heel", (380, 905, 500, 965), (444, 922)),
]


def _build(side: str, entries: list[_Entry]) -> list[Region]:
    # The drawing faces the viewer: its left is the child's right on the front, left on the back.
    near, far = ("right", "left") if side == BodySide.FRONT else ("left", "right")
    regions = []
    for entry in entries:
        label, box = entry[0], entry[1]
        left, top, right, bottom = box
        centre = entry[2] if len(entry) == 3 else ((left + right) // 2, (top + bottom) // 2)
        if "{lr}" not in label:
            regions.append(_region(side, label, box, centre))
            continue
        mirrored = (SIZE - right, top, SIZE - left, bottom)
        regions.append(_region(side, label.format(lr=near), box, centre))
        regions.append(_region(side, label.format(lr=far), mirrored, (SIZE - centre[0], centre[1])))
    return regions


def _region(
    side: str, label: str, box: tuple[int, int, int, int], centre: tuple[int, int]
) -> Region:
    return Region(key=f"{side}-{slugify(label)}", side=side, label=label, box=box, centre=centre)


REGIONS: dict[str, list[Region]] = {
    str(BodySide.FRONT): _build(str(BodySide.FRONT), _FRONT),
    str(BodySide.BACK): _build(str(BodySide.BACK), _BACK),
}
REGION_BY_KEY: dict[str, Region] = {r.key: r for side in REGIONS.values() for r in side}


def region_at(side: str, x: int, y: int) -> Region:
    """The part of the body holding the point, or else the nearest one."""
    regions = REGIONS[side]
    for region in regions:
        if region.contains(x, y):
            return region
    return min(regions, key=lambda r: r.distance_squared(x, y))


def region_name(side: str, x: int, y: int) -> str:
    """'upper chest'; 'near the right hand' for a point beside the outline."""
    region = region_at(side, x, y)
    return region.label if region.contains(x, y) else f"near the {region.label}"


def regions_for_script() -> list[dict[str, Any]]:
    """The table for bodymap.js, which names regions the same way (same order, same boxes)."""
    return [
        {"key": r.key, "side": r.side, "label": r.label, "box": r.box, "centre": r.centre}
        for side in REGIONS.values()
        for r in side
    ]


# Reading the form ------------------------------------------------------------------------


@dataclass
class _Row:
    """One mark as posted: every value kept as typed, so the form can show it again."""

    posted_number: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    side: str = ""
    position: tuple[int, int] | None = None  # where the mark will be kept, once known
    mark: Mark | None = None


def _value(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list | tuple):  # a draft's stored lists
        value = value[-1] if value else ""
    return str(value) if value is not None else ""


def _as_coordinate(value: str) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 <= number <= SIZE else None


def _read_rows(data: Mapping[str, Any]) -> tuple[list[_Row], list[str]]:
    rows: list[_Row] = []
    for n in range(1, MAX_MARKS + 1):
        values = {name: _value(data, f"mark-{n}-{name}") for name in FIELDS}
        if _value(data, f"mark-{n}-remove") or not any(v.strip() for v in values.values()):
            continue
        rows.append(_Row(posted_number=n, values=values))
    for row in rows:
        _check_row(row)
    problems = [
        f"Mark {number}: {message}"
        for number, row in enumerate(rows, start=1)
        for message in row.errors.values()
    ]
    if _beyond_limit(data):
        problems.append(
            f"A body map holds up to {MAX_MARKS} marks. Describe any others in the account."
        )
    return rows, problems


def _beyond_limit(data: Mapping[str, Any]) -> bool:
    for key in data:
        parts = str(key).split("-")
        if (
            len(parts) == 3
            and parts[0] == "mark"
            and parts[1].isdigit()
            and int(parts[1]) > MAX_MARKS
            and parts[2] in FIELDS
            and _value(data, key).strip()
        ):
            return True
    return False


def _check_row(row: _Row) -> None:
    values, errors = row.values, row.errors
    side = values["side"].strip()
    region_key = values["region"].strip()
    region = REGION_BY_KEY.get(region_key)
    if region_key and region is None:
        errors["region"] = "choose the part of the body from the list."
    if not side and region is not None:
        side = region.side
    if side not in BodySide.values:
        errors["side"] = "choose whether the mark is on the front or the back."
    else:
        row.side = side
        if region is not None and region.side != side:
            errors["region"] = (
                f"“{region.label.capitalize()}” is on the {region.side} of the body: "
                f"choose the {region.side}, or a part of the {side}."
            )

    x_text, y_text = values["x"].strip(), values["y"].strip()
    x, y = _as_coordinate(x_text), _as_coordinate(y_text)
    if (x_text or y_text) and (x is None or y is None):
        errors["position"] = "its place on the drawing isn't valid. Choose the part of the body."
    elif x is not None and y is not None:
        row.position = (x, y)
    if row.side and "region" not in errors:
        if region is not None and (
            row.position is None or region_at(side, *row.position) != region
        ):
            # A part chosen from the list (without the drawing, or changed after placing the
            # mark) stands for its centre; a point on the drawing in that part keeps its place.
            row.position = region.centre
            errors.pop("position", None)
        elif row.position is None and "position" not in errors:
            errors["position"] = "show where it is: choose the part of the body."

    mark_type = values["type"].strip()
    if mark_type not in MarkType.values:
        errors["type"] = "choose what kind of mark it is."
    texts = {}
    for name, limit in TEXT_LIMITS.items():
        text = values[name].strip()
        if len(text) > limit:
            errors[name] = f"keep the {name} to {limit} characters (it has {len(text):,})."
        elif single_line_problem(text, max_length=limit):
            errors[name] = f"the {name} contains control characters that aren't allowed. Retype it."
        texts[name] = text
    if not errors and row.side and row.position is not None:
        x, y = row.position
        row.mark = Mark(side=row.side, x=x, y=y, mark_type=mark_type, **texts)


def parse_marks(data: Mapping[str, Any]) -> tuple[list[Mark], list[str]]:
    """The marks placed on the body map, and a message for each problem ("Mark 2: ...").

    Wholly empty rows, and rows ticked "remove", are skipped; the rest are numbered in
    order, as the form shows them again and as the incident will number them.
    """
    rows, problems = _read_rows(data)
    if problems:
        return [], problems
    return [row.mark for row in rows if row.mark is not None], []


def mark_rows_for_form(data: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The marks as typed, renumbered 1.., each with its messages, to show the form again."""
    if not data:
        return []
    rows, _ = _read_rows(data)
    shown = []
    for number, row in enumerate(rows, start=1):
        values = {name: value.strip() for name, value in row.values.items()}
        x = y = where = ""
        if row.side and row.position is not None:
            x, y = (str(n) for n in row.position)
            if "region" not in row.errors:
                values["region"] = region_at(row.side, *row.position).key
            where = f"{row.side}, {region_name(row.side, *row.position)}"
        shown.append(
            {
                **values,
                "number": number,
                "prefix": f"mark-{number}",
                "side": row.side or values["side"],
                "x": x,
                "y": y,
                "where": where,
                "errors": {
                    name: f"Mark {number}: {message}" for name, message in row.errors.items()
                },
            }
        )
    return shown


def blank_rows(after: int, count: int) -> list[dict[str, Any]]:
    """Empty rows numbered after the marks already shown (typing marks without the drawing)."""
    first = after + 1
    last = min(after + count, MAX_MARKS)
    return [
        {"number": n, "prefix": f"mark-{n}", "is_blank": True, "errors": {}}
        | dict.fromkeys(FIELDS, "")
        for n in range(first, last + 1)
    ]


def marks_on(side: str, marks: Iterable[Any]) -> list[Any]:
    """The marks (rows or BodyMapMark objects) placed on one side's drawing."""
    return [m for m in marks if _get(m, "side") == side and _get(m, "x") not in (None, "")]


def _get(mark: Any, name: str) -> Any:
    return mark.get(name) if isinstance(mark, dict) else getattr(mark, name, None)
