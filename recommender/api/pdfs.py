"""PDF reports without starving the web workers: each proposal's PDF is rendered once and kept in
the shared cache (a proposal never changes; the key carries a digest of the renderer's source),
and one user renders at most one PDF at a time (another request meanwhile gets 429)."""
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled

from recommender import services
from recommender.reports import export

log = logging.getLogger(__name__)
REPORTS_DIR = Path(export.__file__).resolve().parent
RENDER_LOCK_S = 300


def _renderer_digest():
    sources = sorted(REPORTS_DIR.rglob("*.py")) + sorted(
        (settings.BASE_DIR / "webui" / "templates" / "reports").glob("*"))
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


RENDERER_DIGEST = _renderer_digest()


def cache_key(proposal):
    return f"pdf:{RENDERER_DIGEST}:{proposal.pk}:{proposal.created_at.timestamp():.6f}"


def cached_pdf(proposal, user_id=None):
    """The proposal's PDF bytes, from the cache or rendered now (and then cached)."""
    key = cache_key(proposal)
    try:
        pdf = cache.get(key)
    except Exception as error:  # cache down: render, as before
        log.warning("pdf cache unavailable (%s)", error)
        services.proposal_charts_ensure(proposal)
        return export.proposal_pdf(proposal)
    if pdf is not None:
        return pdf
    with render_slot(user_id):
        services.proposal_charts_ensure(proposal)  # drawn the first time it is shown, then stored
        pdf = export.proposal_pdf(proposal)
    try:
        cache.set(key, pdf, timeout=settings.PDF_CACHE_TIMEOUT_S)
    except Exception as error:
        log.warning("pdf cache unavailable (%s)", error)
    return pdf


class render_slot:
    """One render at a time per user (None: no limit); a second one meanwhile is 429."""

    def __init__(self, user_id):
        self.key = f"pdf-render:{user_id}" if user_id is not None else None

    def __enter__(self):
        if self.key and not _added(self.key):
            raise Throttled(wait=5, detail="a PDF of yours is being rendered; retry when it is done")
        return self

    def __exit__(self, *exc):
        if self.key:
            try:
                cache.delete(self.key)
            except Exception:  # the lock expires by itself after RENDER_LOCK_S
                pass
        return False


def _added(key):
    try:
        return cache.add(key, 1, timeout=RENDER_LOCK_S)
    except Exception:  # no shared cache: no per-user limit, but no 500 either
        return True
