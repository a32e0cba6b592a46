"""PDF report of a *stored* proposal (WeasyPrint): it renders the stored document and the charts
stored with it, never re-runs rules or redraws charts."""
from django.template.loader import render_to_string

from recommender import presentation as present

from . import charts

FINISHED = ("succeeded", "failed", "cancelled")


def last_validation(proposal):
    """The run that calibrated this proposal, else the use case's latest finished run (None if none)."""
    if proposal.calibrated_by_id:
        return proposal.calibrated_by
    if proposal._state.adding or proposal.use_case.pk is None:  # an unsaved proposal has no runs
        return None
    from recommender.validation.models import ValidationRun

    return (ValidationRun.objects.filter(use_case_id=proposal.use_case.pk, status__in=FINISHED)
            .order_by("-finished_at", "-pk").first())


def report_context(proposal):
    document = proposal.document
    context = present.result_context(document)
    stored = proposal.charts or {}
    context.update({
        "proposal": proposal, "use_case": proposal.use_case,
        "exec": present.summary_context(document, context["findings"]),
        "charts": charts.pdf_images(stored), "sweep": stored.get("sweep"),
        "validation": present.validation_context(last_validation(proposal)),
    })
    return context


def proposal_html(proposal):
    """The report as one self-contained HTML page (inline CSS, charts as data: URIs, no network)."""
    return render_to_string("reports/proposal.html", report_context(proposal))


def proposal_pdf_bytes(proposal):
    from weasyprint import HTML  # ~1.6 s to import: the web server preloads it (preload below)

    return HTML(string=proposal_html(proposal), base_url=None).write_pdf()


def preload():
    """Import WeasyPrint and matplotlib and render a one-line page, so a server's first PDF is warm."""
    import matplotlib.pyplot  # noqa: F401
    from weasyprint import HTML

    HTML(string="<p style='font-family: DejaVu Sans'>warm-up</p>").write_pdf()
