from django.apps import AppConfig


class Section23Config(AppConfig):
    name = "section23"
    verbose_name = "Section 23 notifications"

    def ready(self) -> None:
        """What section 23 adds to the rest of the product: its part of a child's page, its reasons for
        involvement, its menu entries, its reminders, and its endpoints in the LA casework API."""
        from section23 import api, registrations

        registrations.register()
        api.mount()
