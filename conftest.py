"""Shared pytest set-up for every app's tests. (Django's test runner already routes e-mail to memory.)"""

import os

# Playwright's sync API keeps an event loop on the main thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
