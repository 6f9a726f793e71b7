"""Display helpers for alerts on the incident page: they summarise what the view gives them.

The view reads the alerts through the selectors (the person's own, and the alert log for
the leads only); these filters only shape them for the page, and query nothing.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from safeguard.incidents.models import Alert, AlertReason

register = template.Library()


@dataclass(frozen=True)
class MyAlerts:
    """The signed-in person's alerts on one incident, as the incident page shows them."""

    alerts: list[Alert]

    @property
    def newest(self) -> Alert:
        return self.alerts[-1]

    @property
    def unread(self) -> list[Alert]:
        return [alert for alert in self.alerts if alert.read_at is None]

    @property
    def is_all_read(self) -> bool:
        return not self.unread

    @property
    def is_all_acknowledged(self) -> bool:
        return all(alert.acknowledged_at is not None for alert in self.alerts)

    @property
    def last_acknowledged_at(self) -> datetime.datetime | None:
        return max((a.acknowledged_at for a in self.alerts if a.acknowledged_at), default=None)


@dataclass(frozen=True)
class LogEntry:
    """One thing people were alerted about: the incident, an action, a reported mistake."""

    title: str
    alerts: list[Alert]

    @property
    def told(self) -> int:
        return len(self.alerts)

    @property
    def read(self) -> int:
        return sum(1 for alert in self.alerts if alert.read_at is not None)

    @property
    def acknowledged(self) -> int:
        return sum(1 for alert in self.alerts if alert.acknowledged_at is not None)


def _entry_title(alert: Alert) -> str:
    by = alert.created_by.full_name or alert.created_by.email
    when = date_format(timezone.localtime(alert.created_at), "DATETIME_FORMAT")
    if alert.action_id is not None:
        return f"Action by {by}, {when}"
    if alert.reason == AlertReason.MISTAKE:
        return f"Mistake reported by {by}, {when}"
    if alert.reason == AlertReason.REPLY:
        return f"Reply to the author from {by}, {when}"
    return "Incident recorded"


def alert_log_entries(alerts: Iterable[Alert]) -> list[LogEntry]:
    """The alert log summarised: one entry per thing alerted about, in the order sent."""
    entries: dict[tuple[object, ...], LogEntry] = {}
    for alert in alerts:
        if alert.action_id is not None:
            key: tuple[object, ...] = ("action", alert.action_id)
        elif alert.reason == AlertReason.MISTAKE:
            key = ("mistake", alert.created_by_id, alert.created_at.replace(microsecond=0))
        elif alert.reason == AlertReason.REPLY:
            key = ("reply", alert.pk)
        else:
            key = ("incident",)
        if key not in entries:
            entries[key] = LogEntry(_entry_title(alert), [])
        entries[key].alerts.append(alert)
    return list(entries.values())


@register.filter
def alert_summary(alerts: list[Alert] | None) -> MyAlerts | None:
    """The signed-in person's alerts on the incident, summarised (None: there are none)."""
    return MyAlerts(list(alerts)) if alerts else None


@register.filter
def alert_log_summary(alerts: list[Alert]) -> list[LogEntry]:
    return alert_log_entries(alerts)
