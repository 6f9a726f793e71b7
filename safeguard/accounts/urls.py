from django.urls import path

from safeguard.accounts import views

app_name = "accounts"
urlpatterns = [
    path("switch-school/", views.switch_school, name="switch-school"),
]
