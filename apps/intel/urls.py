from django.urls import path

# REST endpoints of the intelligence phase, mounted under /api/v1/.
urlpatterns: list = []
