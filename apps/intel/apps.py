from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "apps.intel"
    label = "intel"
