"""Every write in the incidents app, one module per feature.

`seed_default_categories` is importable from here too, where accounts/services.py looks for it
until accounts sets it off with a signal instead.
"""

from safeguard.incidents.services.categories import seed_default_categories

__all__ = ["seed_default_categories"]
