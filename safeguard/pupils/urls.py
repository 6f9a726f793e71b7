from django.urls import path

from safeguard.pupils import views

app_name = "pupils"
urlpatterns = [
    path("", views.pupil_list, name="pupil-list"),
]
