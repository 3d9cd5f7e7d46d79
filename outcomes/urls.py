from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("factsheet/", views.public_factsheet, name="public_factsheet"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/<int:pk>/results/new/", views.result_entry, name="result_add"),
    path("indicators/<int:pk>/results/<int:result_pk>/", views.result_entry, name="result_edit"),
]
