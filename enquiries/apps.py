from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "enquiries"
    verbose_name = "Enquiries (single point of contact)"

    def ready(self) -> None:
        """What enquiries add to the rest of the product: a part of a child's page, a reason for
        involvement, header entries with a count, a child/case search by reference, its reminders."""
        from enquiries import registrations

        registrations.register()
