"""Reading body map marks from the Add Incident form, and naming parts of the body."""

import pytest
from django.http import QueryDict

from safeguard.incidents.services import bodymap
from safeguard.incidents.services.bodymap import Mark


def posted(**fields: str) -> QueryDict:
    """posted(mark_1_side="front") -> a POST body with mark-1-side=front."""
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data[name.replace("_", "-")] = value
    return data


def one_mark(**overrides: str) -> QueryDict:
    fields = {"mark_1_side": "front", "mark_1_x": "500", "mark_1_y": "260", "mark_1_type": "bruise"}
    fields.update(overrides)
    return posted(**fields)


# parse_marks: what is kept -------------------------------------------------------------


def test_a_mark_placed_on_the_drawing_keeps_its_place_and_description():
    data = one_mark(
        mark_1_colour="purple",
        mark_1_shape="round",
        mark_1_size="2 cm",
        mark_1_note="left by a ball",
    )
    marks, errors = bodymap.parse_marks(data)
    assert errors == []
    assert marks == [
        Mark(
            side="front",
            x=500,
            y=260,
            mark_type="bruise",
            colour="purple",
            shape="round",
            size="2 cm",
            note="left by a ball",
        )
    ]


def test_no_marks_at_all_is_fine():
    assert bodymap.parse_marks(QueryDict()) == ([], [])


def test_wholly_empty_rows_are_skipped_and_the_rest_kept_in_order():
    data = posted(
        mark_1_side="back",
        mark_1_x="450",
        mark_1_y="600",
        mark_1_type="cut",
        mark_2_side="",
        mark_2_colour="  ",
        mark_3_side="front",
        mark_3_x="300",
        mark_3_y="500",
        mark_3_type="burn",
    )
    marks, errors = bodymap.parse_marks(data)
    assert errors == []
    assert [(m.side, m.mark_type) for m in marks] == [("back", "cut"), ("front", "burn")]


def test_a_part_of_the_body_chosen_from_the_list_stands_for_its_centre():
    data = posted(mark_1_region="back-left-calf", mark_1_type="scratch")
    marks, errors = bodymap.parse_marks(data)
    assert errors == []
    region = bodymap.REGION_BY_KEY["back-left-calf"]
    assert (marks[0].side, marks[0].x, marks[0].y) == ("back", *region.centre)


def test_a_part_chosen_after_placing_the_mark_moves_it_to_that_part():
    # Without JavaScript the hidden place stays as it was; the newly chosen part wins.
    data = one_mark(mark_1_region="front-left-knee")
    marks, _ = bodymap.parse_marks(data)
    assert (marks[0].x, marks[0].y) == bodymap.REGION_BY_KEY["front-left-knee"].centre


def test_a_point_inside_the_chosen_part_keeps_its_exact_place():
    data = one_mark(mark_1_x="470", mark_1_y="250", mark_1_region="front-upper-chest")
    marks, _ = bodymap.parse_marks(data)
    assert (marks[0].x, marks[0].y) == (470, 250)


def test_text_is_kept_without_surrounding_spaces():
    marks, _ = bodymap.parse_marks(one_mark(mark_1_colour="  red  "))
    assert marks[0].colour == "red"


def test_a_row_ticked_remove_is_not_kept():
    marks, errors = bodymap.parse_marks(one_mark(mark_1_remove="1"))
    assert (marks, errors) == ([], [])


def test_the_corners_of_the_drawing_are_allowed():
    data = posted(
        mark_1_side="front", mark_1_x="0", mark_1_y="0", mark_1_type="mark",
        mark_2_side="back", mark_2_x="1000", mark_2_y="1000", mark_2_type="other",
    )  # fmt: skip
    marks, errors = bodymap.parse_marks(data)
    assert errors == []
    assert [(m.x, m.y) for m in marks] == [(0, 0), (1000, 1000)]


def test_a_drafts_stored_lists_are_read_like_a_form():
    marks, errors = bodymap.parse_marks(
        {"mark-1-side": ["front"], "mark-1-x": ["500"], "mark-1-y": ["260"], "mark-1-type": ["cut"]}
    )
    assert errors == []
    assert marks[0].mark_type == "cut"


# parse_marks: what is refused, and the message ------------------------------------------


def test_a_mark_without_a_type_asks_what_kind_it_is():
    data = posted(
        mark_1_side="front", mark_1_x="500", mark_1_y="260", mark_1_type="bruise",
        mark_2_side="back", mark_2_x="500", mark_2_y="500",
    )  # fmt: skip
    marks, errors = bodymap.parse_marks(data)
    assert marks == []
    assert errors == ["Mark 2: choose what kind of mark it is."]


def test_an_unknown_type_asks_what_kind_it_is():
    _, errors = bodymap.parse_marks(one_mark(mark_1_type="stab"))
    assert errors == ["Mark 1: choose what kind of mark it is."]


def test_a_mark_without_a_side_asks_for_front_or_back():
    _, errors = bodymap.parse_marks(posted(mark_1_type="cut", mark_1_colour="red"))
    assert errors == [
        "Mark 1: choose whether the mark is on the front or the back.",
    ]


def test_an_unknown_side_asks_for_front_or_back():
    _, errors = bodymap.parse_marks(one_mark(mark_1_side="inside"))
    assert errors == ["Mark 1: choose whether the mark is on the front or the back."]


def test_a_side_without_a_place_asks_where_the_mark_is():
    _, errors = bodymap.parse_marks(posted(mark_1_side="back", mark_1_type="cut"))
    assert errors == ["Mark 1: show where it is: choose the part of the body."]


@pytest.mark.parametrize(
    ("x", "y"), [("1001", "10"), ("10", "-1"), ("1.5", "10"), ("ten", "10"), ("10", ""), ("٣", "1")]
)
def test_a_place_off_the_drawing_is_refused(x, y):
    _, errors = bodymap.parse_marks(one_mark(mark_1_x=x, mark_1_y=y))
    assert errors == ["Mark 1: its place on the drawing isn't valid. Choose the part of the body."]


def test_a_bad_place_is_forgiven_when_a_part_of_the_body_is_chosen():
    marks, errors = bodymap.parse_marks(one_mark(mark_1_x="5000", mark_1_region="front-face"))
    assert errors == []
    assert (marks[0].x, marks[0].y) == bodymap.REGION_BY_KEY["front-face"].centre


def test_an_unknown_part_of_the_body_is_refused():
    _, errors = bodymap.parse_marks(one_mark(mark_1_region="front-tail"))
    assert errors == ["Mark 1: choose the part of the body from the list."]


def test_a_part_of_the_other_side_is_refused_with_both_sides_named():
    _, errors = bodymap.parse_marks(one_mark(mark_1_side="back", mark_1_region="front-face"))
    assert errors == [
        "Mark 1: “Face” is on the front of the body: choose the front, or a part of the back."
    ]


@pytest.mark.parametrize(("name", "limit"), [("colour", 60), ("shape", 60), ("size", 60)])
def test_short_descriptions_are_limited_to_60_characters(name, limit):
    assert bodymap.parse_marks(one_mark(**{f"mark_1_{name}": "a" * limit}))[1] == []
    _, errors = bodymap.parse_marks(one_mark(**{f"mark_1_{name}": "a" * (limit + 1)}))
    assert errors == [f"Mark 1: keep the {name} to {limit} characters (it has {limit + 1})."]


def test_the_note_is_limited_to_500_characters():
    assert bodymap.parse_marks(one_mark(mark_1_note="a" * 500))[1] == []
    _, errors = bodymap.parse_marks(one_mark(mark_1_note="a" * 501))
    assert errors == ["Mark 1: keep the note to 500 characters (it has 501)."]


@pytest.mark.parametrize("bad", ["\x00", "\u202e", "line\nbreak", "\x1b[31m"])
def test_control_characters_are_refused(bad):
    _, errors = bodymap.parse_marks(one_mark(mark_1_note=f"red {bad} mark"))
    assert errors == [
        "Mark 1: the note contains control characters that aren't allowed. Retype it."
    ]


def test_messages_number_marks_as_the_form_shows_them_again():
    # Row 2 was left empty, so posted row 3 is shown again, and named, as mark 2.
    data = one_mark(mark_3_side="front", mark_3_x="500", mark_3_y="500")
    _, errors = bodymap.parse_marks(data)
    assert errors == ["Mark 2: choose what kind of mark it is."]
    assert [row["number"] for row in bodymap.mark_rows_for_form(data)] == [1, 2]


def test_every_problem_with_a_mark_is_reported():
    _, errors = bodymap.parse_marks(posted(mark_1_colour="x" * 61))
    assert errors == [
        "Mark 1: choose whether the mark is on the front or the back.",
        "Mark 1: choose what kind of mark it is.",
        "Mark 1: keep the colour to 60 characters (it has 61).",
    ]


def test_more_than_20_marks_are_refused():
    data = one_mark()
    data.update({"mark-21-side": "front", "mark-21-x": "500", "mark-21-y": "500"})
    marks, errors = bodymap.parse_marks(data)
    assert marks == []
    assert errors == ["A body map holds up to 20 marks. Describe any others in the account."]


def test_20_marks_are_kept():
    data = QueryDict(mutable=True)
    for n in range(1, 21):
        data.update({f"mark-{n}-region": "front-face", f"mark-{n}-type": "mark"})
    marks, errors = bodymap.parse_marks(data)
    assert errors == []
    assert len(marks) == 20


# Naming parts of the body ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("side", "x", "y", "name"),
    [
        ("front", 500, 260, "upper chest"),
        ("front", 500, 130, "face"),
        ("front", 252, 625, "right hand"),  # the front's left is the child's right
        ("front", 748, 625, "left hand"),
        ("back", 252, 625, "back of the left hand"),  # the back's left is the child's left
        ("back", 500, 440, "middle of the back"),
        ("back", 440, 605, "left buttock"),
        ("front", 444, 922, "right foot"),
        ("back", 556, 922, "right heel"),
    ],
)
def test_a_point_is_named_by_the_part_of_the_body_under_it(side, x, y, name):
    assert bodymap.region_name(side, x, y) == name


def test_a_point_beside_the_outline_is_named_by_the_nearest_part():
    assert bodymap.region_name("front", 150, 640) == "near the right hand"


def test_every_part_of_the_body_is_named_at_its_own_centre():
    # The lists' parts stand for their centres, so a centre must be named by its own part.
    for region in bodymap.REGION_BY_KEY.values():
        assert bodymap.region_at(region.side, *region.centre) == region, region.key


def test_each_side_names_the_same_parts_for_right_and_left():
    for side in ("front", "back"):
        labels = [r.label for r in bodymap.REGIONS[side]]
        rights = {label.replace("right", "?") for label in labels if "right" in label}
        lefts = {label.replace("left", "?") for label in labels if "left" in label}
        assert rights == lefts


def test_the_script_gets_the_same_table_in_the_same_order():
    table = bodymap.regions_for_script()
    assert [row["key"] for row in table] == [
        r.key for side in ("front", "back") for r in bodymap.REGIONS[side]
    ]
    assert table[0] == {
        "key": "front-right-ear",
        "side": "front",
        "label": "right ear",
        "box": (400, 90, 440, 140),
        "centre": (420, 115),
    }


# Showing the form again -----------------------------------------------------------------


def test_form_rows_keep_everything_typed_with_each_rows_messages():
    data = one_mark(
        mark_1_colour="purple",
        mark_1_note="<script>alert(1)</script>",
        mark_2_region="back-lower-back",
        mark_2_size="x" * 70,
    )
    rows = bodymap.mark_rows_for_form(data)
    assert [(r["number"], r["prefix"]) for r in rows] == [(1, "mark-1"), (2, "mark-2")]
    first, second = rows
    assert first["colour"] == "purple"
    assert first["note"] == "<script>alert(1)</script>"
    assert (first["side"], first["x"], first["y"]) == ("front", "500", "260")
    assert first["region"] == "front-upper-chest"
    assert first["where"] == "front, upper chest"
    assert first["errors"] == {}
    assert second["size"] == "x" * 70
    assert second["side"] == "back"
    assert (second["x"], second["y"]) == tuple(
        str(n) for n in bodymap.REGION_BY_KEY["back-lower-back"].centre
    )
    assert second["errors"] == {
        "type": "Mark 2: choose what kind of mark it is.",
        "size": "Mark 2: keep the size to 60 characters (it has 70).",
    }


def test_form_rows_keep_a_part_of_the_wrong_side_as_chosen():
    rows = bodymap.mark_rows_for_form(one_mark(mark_1_side="back", mark_1_region="front-face"))
    assert rows[0]["region"] == "front-face"
    assert rows[0]["side"] == "back"
    assert "region" in rows[0]["errors"]


def test_form_rows_drop_an_invalid_place():
    rows = bodymap.mark_rows_for_form(one_mark(mark_1_x="9999"))
    assert (rows[0]["x"], rows[0]["y"], rows[0]["where"]) == ("", "", "")
    assert rows[0]["side"] == "front"


def test_a_new_form_has_no_rows():
    assert bodymap.mark_rows_for_form(None) == []
    assert bodymap.mark_rows_for_form(QueryDict()) == []
