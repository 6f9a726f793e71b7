"""One way of showing a date everywhere: "3 Dec 2026", and "3 Dec 2026, 14:05" with a time."""

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

from safeguard.lib.dates import display_date, display_datetime

DAY = datetime.date(2026, 12, 3)
# 14:05 in London on that day (winter: London time is UTC).
MOMENT = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)
SUMMER_MOMENT = datetime.datetime(2026, 7, 1, 9, 30, tzinfo=datetime.UTC)


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_a_date_is_shown_as_day_short_month_and_year():
    assert display_date(DAY) == "3 Dec 2026"


def test_a_moment_is_shown_in_school_time_with_the_same_date():
    assert display_datetime(MOMENT) == "3 Dec 2026, 14:05"
    assert display_datetime(SUMMER_MOMENT) == "1 Jul 2026, 10:30"


def test_templates_show_dates_the_same_way_as_python():
    assert render("{{ day }}|{{ day|date }}", day=DAY) == "3 Dec 2026|3 Dec 2026"
    assert render('{{ moment|date:"DATETIME_FORMAT" }}', moment=MOMENT) == "3 Dec 2026, 14:05"
    assert render("{{ moment|time }}", moment=SUMMER_MOMENT) == "10:30"


# Formats that are not shown to people: machine-readable values and comparisons.
MACHINE_FORMATS = {"c", "Y-m-d", "Ymd"}
NAMED_FORMATS = {"DATE_FORMAT", "DATETIME_FORMAT"}
DATE_FILTER = re.compile(r"""\|date:\s*["']([^"']*)["']""")


def test_no_template_spells_out_its_own_date_format():
    templates = Path(settings.BASE_DIR, "safeguard").rglob("*.html")
    own_formats = [
        f"{path.relative_to(settings.BASE_DIR)}: {fmt}"
        for path in templates
        for fmt in DATE_FILTER.findall(path.read_text(encoding="utf-8"))
        if fmt not in MACHINE_FORMATS | NAMED_FORMATS
    ]
    assert own_formats == [], "use |date or |date:'DATETIME_FORMAT' (and |time for times)"
