"""Which database a read may use: the primary, or its streaming read replica.

A replica runs a moment behind the primary, and refuses writes. So nothing is sent there by
a router behind the code's back: a read that can live with being a second or two old (a
report, a search, a dashboard's counts) asks for it by name,

    Incident.objects.using(replica()).for_school(school).count()

and everything else, every write, and every page that must show what its own request just
saved, stays on the primary. Without REPLICA_DATABASE_URL, `replica()` is the primary.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA_ALIAS = "replica"


def replica() -> str:
    """The database alias for reads that may be slightly stale: the replica if there is one."""
    return REPLICA_ALIAS if REPLICA_ALIAS in settings.DATABASES else DEFAULT_DB_ALIAS
