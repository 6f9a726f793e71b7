import datetime

import pytest
from django.utils import timezone

from safeguard.lib import clock


def test_the_clock_tells_the_real_time_unless_frozen():
    before = timezone.now()
    assert before <= clock.now() <= timezone.now()


def test_a_frozen_clock_tells_the_moment_it_was_set_to_until_the_block_ends():
    moment = timezone.now() - datetime.timedelta(days=40)
    with clock.frozen_at(moment):
        assert clock.now() == moment
        assert clock.localdate() == timezone.localdate(moment)
    assert clock.now() > moment + datetime.timedelta(days=39)


def test_the_clock_cannot_be_set_forward_or_to_a_naive_time():
    with pytest.raises(ValueError, match="never forward"):
        clock.frozen_at(timezone.now() + datetime.timedelta(days=1)).__enter__()
    with pytest.raises(ValueError, match="aware"):
        clock.frozen_at(datetime.datetime(2026, 9, 1, 9, 0)).__enter__()


def test_a_frozen_clock_gives_its_time_in_utc_as_the_real_clock_does():
    moment = timezone.make_aware(datetime.datetime(2026, 9, 7, 13, 15))  # 12:15 UTC in summer
    with clock.frozen_at(moment):
        assert clock.now() == moment
        assert clock.now().utcoffset() == datetime.timedelta(0)
        assert (
            clock.now().isoformat()
            == timezone.now()
            .replace(year=2026, month=9, day=7, hour=12, minute=15, second=0, microsecond=0)
            .isoformat()
        )
