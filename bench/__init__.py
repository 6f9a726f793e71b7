"""The benchmark: the real server stack on PostgreSQL, driven over HTTP by a separate
load-generator process. `make bench SIZE=school|trust|authority` (docs/performance.md)."""
