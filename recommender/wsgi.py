"""WSGI entry point (gunicorn recommender.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")
application = get_wsgi_application()

# Only WSGI servers load this module (not manage.py commands): pay the PDF and chart imports at
# worker boot, not on the first report a user asks for. ADVISOR_PRELOAD_REPORTS=0 skips it.
if os.environ.get("ADVISOR_PRELOAD_REPORTS", "1") != "0":
    from recommender.reports import pdf

    pdf.preload()
