import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("advice", "0002_assignment_local_authority_and_exception_flag"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assignment",
            name="local_authority",
            field=models.ForeignKey(
                limit_choices_to={"kind": "la"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.organisation",
            ),
        ),
    ]
