"""What the middleware adds to a request, as types the views can name.

Django's `HttpRequest` knows nothing of the attributes our middleware sets, so a view that
reads `request.school` names one of these classes in its signature instead. They describe
requests; nothing constructs them (Django still passes its own `HttpRequest`).
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from safeguard.accounts.models import Membership, School, User


class SafeguardRequest(HttpRequest):
    """Any request once the middleware has run, signed in or not.

    `SchoolMembershipMiddleware` sets `membership` (the person's role in the school they are
    working in), `school` (that membership's school) and `memberships` (every school where
    they hold an active role, by name); all three are empty for someone signed out, and for
    an operator with no role in any school. `SecondFactorRequiredMiddleware` sets
    `second_factor_required` (their role needs a key they have not added), and
    `HtmxMiddleware` sets `htmx`.
    """

    membership: Membership | None
    school: School | None
    memberships: list[Membership]
    second_factor_required: bool
    htmx: HtmxDetails


class SchoolRequest(SafeguardRequest):
    """A request to a view behind `@requires(...)`: a signed-in member of the current school.

    `requires` refuses any request without a membership that grants the capability, so by
    the time the view runs, the person is signed in and working in a school.
    """

    user: User
    membership: Membership
    school: School
