"""No HTTP views: the baseline only speaks WebSocket."""

urlpatterns: list = []
