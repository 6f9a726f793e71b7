from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from safeguard import views
from safeguard.accounts.views import email_addresses

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ping/", views.ping, name="ping"),
    path("accounts/", include("safeguard.accounts.urls")),
    # Before allauth's own, under its name: primary addresses stay at a school's domain.
    path("accounts/email/", email_addresses, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("school/", include("safeguard.accounts.school_urls")),
    path("pupils/", include("safeguard.pupils.urls")),
    # /incidents/, /alerts/ and /school/categories/, all in the "incidents" namespace.
    path("", include("safeguard.incidents.urls")),
    # /casework/review/, /pupils/<id>/chronology/ and /school/decisions/, in the "casework"
    # namespace.
    path("", include("safeguard.casework.urls")),
    path("audit/", include("safeguard.oversight.urls")),
]

if settings.ADMIN_ENABLED:
    # For the deployment's operator (a superuser) only; schools use the screens above.
    urlpatterns.append(path("operator-admin/", admin.site.urls))

handler403 = "safeguard.views.permission_denied"
handler404 = "safeguard.views.page_not_found"
handler500 = "safeguard.views.server_error"
