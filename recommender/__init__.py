"""The AI storage advisor: Django project and domain services."""
from .celery import app as celery_app

__all__ = ("celery_app",)
