from django.urls import path

from .consumers import DashboardConsumer

websocket_urlpatterns = [
    path("ws/operations/<int:operation_id>/dashboard/", DashboardConsumer.as_asgi())
]
