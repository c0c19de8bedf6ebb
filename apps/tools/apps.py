from django.apps import AppConfig


class ToolsConfig(AppConfig):
    """Load and benchmark tooling, kept out of the product apps: the action-week
    simulator, synthetic earlier seizures, the benchmark fixture."""

    name = "apps.tools"
    label = "tools"
