"""The analysts' pages; mounted at the site root beside apps.web.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path("operations/<int:operation_id>/indicators/", views.indicators, name="intel-indicators"),
    path(
        "indicators/<int:indicator_id>/toggle/",
        views.indicator_toggle,
        name="intel-indicator-toggle",
    ),
    path("operations/<int:operation_id>/imports/", views.imports, name="intel-imports"),
    path("imports/<int:run_id>/", views.import_detail, name="intel-import"),
]
