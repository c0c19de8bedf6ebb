"""The site's URLs plus the analysts' pages, as the lead mounts them (see docs/intel.md)."""

from django.urls import include, path

from commandcentre.urls import urlpatterns as site

urlpatterns = [path("", include("apps.intel.web_urls")), *site]
