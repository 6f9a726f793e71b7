"""Dates for people to read, in the one format the templates use (safeguard/formats)."""

import datetime

from django.utils import formats, timezone


def display_date(value: datetime.date) -> str:
    """'3 Dec 2026'."""
    return formats.date_format(value, "DATE_FORMAT")


def display_datetime(value: datetime.datetime) -> str:
    """'3 Dec 2026, 14:05', in the school's time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")


def display_time(value: datetime.datetime) -> str:
    """'14:05', in the school's time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.time_format(value, "TIME_FORMAT")
