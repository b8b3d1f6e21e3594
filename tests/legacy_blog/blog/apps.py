# The legacy Django blog's app config, verbatim (a test fixture; see models.py).
from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    default_auto_field = "django.db.models.BigAutoField"
