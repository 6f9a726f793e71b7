"""The services' clock (`lib/clock.py`) can be set back by the demo loader: never for anyone else."""

import datetime
import threading

from django.utils import timezone

from safeguard.lib import clock


def test_a_clock_set_back_in_one_thread_leaves_other_requests_on_the_real_time():
    moment = timezone.now() - datetime.timedelta(days=90)
    seen: list[datetime.datetime] = []
    with clock.frozen_at(moment):
        other = threading.Thread(target=lambda: seen.append(clock.now()))
        other.start()
        other.join()
        assert clock.now() == moment
    assert seen[0] > moment + datetime.timedelta(days=89)
