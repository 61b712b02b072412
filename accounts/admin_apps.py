"""Django's admin app, with the two-factor admin site (accounts.admin_site) as `admin.site`.

Kept apart from admin_site.py because app configs are imported before models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    default = False
    default_site = "accounts.admin_site.StaffAdminSite"
