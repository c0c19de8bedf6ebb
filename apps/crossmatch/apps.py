from django.apps import AppConfig


class CrossmatchConfig(AppConfig):
    name = "apps.crossmatch"
    label = "crossmatch"
