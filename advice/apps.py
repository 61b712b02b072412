from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = "EHC health advice"

    def ready(self) -> None:
        """What EHC advice adds to the rest of the product: its part of a child's page, the reason it
        gives for involvement, its menu entries and its reminders (children and core name no app), and
        its endpoints in the LA casework API (casework/api.py)."""
        from advice import api, registrations  # noqa: F401 - importing advice.api adds its endpoints

        registrations.register()
