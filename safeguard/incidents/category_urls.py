from django.urls import path

from safeguard.incidents import category_views as views

app_name = "categories"
urlpatterns = [
    path("", views.category_list, name="category-list"),
    path("add/", views.category_add, name="category-add"),
    path("<int:category_id>/edit/", views.category_edit, name="category-edit"),
    path("<int:category_id>/retire/", views.category_retire, name="category-retire"),
    path("<int:category_id>/reinstate/", views.category_reinstate, name="category-reinstate"),
    path("<int:category_id>/move-up/", views.category_move_up, name="category-move-up"),
    path("<int:category_id>/move-down/", views.category_move_down, name="category-move-down"),
]
