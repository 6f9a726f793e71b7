from django.urls import path

from safeguard.incidents import category_views as views

app_name = "categories"
urlpatterns = [
    path("", views.category_list, name="category-list"),
]
