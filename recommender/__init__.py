"""The AI storage advisor: Django project and domain services.

The Celery app lives in `recommender.celery` and is imported only where tasks are sent or run
(`recommender/validation/tasks.py`; `celery -A recommender` finds `recommender.celery.app` by
itself), so commands and web requests that send no task do not pay Celery's import (~0.5 s).
"""
