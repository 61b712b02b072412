from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = "EHC health advice"

    def ready(self) -> None:
        """What EHC advice adds to the rest of the product: its part of a child's page, the reason it
        gives for involvement, its menu entries and its reminders (children and core name no app)."""
        from advice import registrations

        registrations.register()
