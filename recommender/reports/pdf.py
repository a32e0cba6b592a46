"""PDF report of a *stored* proposal (WeasyPrint): it renders the stored document, never re-runs rules."""
from django.template.loader import render_to_string

from recommender import presentation as present

from . import charts


def proposal_html(proposal):
    """The report as one self-contained HTML page (inline CSS and SVG, no network)."""
    context = present.result_context(proposal.document)
    context.update(charts.proposal_chart_uris(proposal.document))
    context.update({"proposal": proposal, "use_case": proposal.use_case})
    return render_to_string("reports/proposal.html", context)


def proposal_pdf_bytes(proposal):
    from weasyprint import HTML  # imported here: 1.6 s to import, only PDF requests pay it

    return HTML(string=proposal_html(proposal), base_url=None).write_pdf()
