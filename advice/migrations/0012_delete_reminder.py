# Advice reminders are casework.CaseReminder rows now (copied in 0011).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("advice", "0011_reminders_to_casework"),
    ]

    operations = [
        migrations.DeleteModel(
            name="Reminder",
        ),
    ]
