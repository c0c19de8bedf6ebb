from django.urls import path

from . import api

# REST endpoints of the intelligence phase, mounted under /api/v1/.
urlpatterns = [
    path(
        "operations/<int:operation_id>/indicators/",
        api.IndicatorListView.as_view(),
        name="api-operation-indicators",
    ),
    path("indicators/<int:indicator_id>/", api.IndicatorDetailView.as_view(), name="api-indicator"),
    path(
        "operations/<int:operation_id>/score/", api.ScoreView.as_view(), name="api-operation-score"
    ),
    path(
        "operations/<int:operation_id>/imports/",
        api.ImportListView.as_view(),
        name="api-operation-imports",
    ),
    path("imports/<int:run_id>/", api.ImportDetailView.as_view(), name="api-import"),
    path(
        "imports/<int:run_id>/agencies/",
        api.ImportAgenciesView.as_view(),
        name="api-import-agencies",
    ),
    path(
        "imports/<int:run_id>/matches/", api.ImportMatchesView.as_view(), name="api-import-matches"
    ),
]
