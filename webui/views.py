"""Pages: the user's use cases, a proposal's result page, scenario comparison, PDF download.
Every query is scoped to the logged-in user (other users' objects are 404)."""
import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from recommender import selectors, services
from recommender.validation import services as validation_services
from recommender.validation.models import ValidationRun
from recommender.models import Proposal
from recommender.reports import export

from recommender import formatting as units
from recommender import presentation as present

log = logging.getLogger(__name__)
MAX_ID = 2**63 - 1  # largest primary key a database row can have


@login_required
def home(request):
    use_cases = selectors.use_cases_for(request.user).prefetch_related("proposals")
    rows = [(uc, uc.latest_proposal()) for uc in use_cases]
    return render(request, "webui/home.html", {"rows": rows})


def own_use_case(request, pk):
    return get_object_or_404(selectors.use_cases_for(request.user), pk=pk)


def own_proposal(request, pk):
    try:
        return selectors.proposal_for(request.user, pk)
    except Proposal.DoesNotExist as exc:
        raise Http404("no such proposal") from exc


@login_required
def use_case_detail(request, pk):
    use_case = own_use_case(request, pk)
    proposal = use_case.latest_proposal()
    if proposal is None:
        raise Http404("this use case has no proposal")
    return render_result(request, use_case, proposal)


@login_required
def proposal_detail(request, pk):
    proposal = own_proposal(request, pk)
    return render_result(request, proposal.use_case, proposal)


def render_result(request, use_case, proposal):
    context = present.result_context(proposal.document)
    stored = services.proposal_charts_ensure(proposal)  # drawn on the first view, stored, never redrawn
    context.update({"charts": stored.get("svg") or {}, "sweep": stored.get("sweep")})
    context.update({
        "use_case": use_case, "proposal": proposal,
        "history": use_case.proposals.select_related("calibrated_by").all(),
        "targets": validation_services.targets_for(request.user),
        "runs": ValidationRun.objects.filter(owner=request.user, use_case=use_case)[:10],
    })
    return render(request, "webui/result.html", context)


@login_required
def compare(request):
    """Two or more of the user's own use cases side by side (latest proposal of each)."""
    ids = [i for i in request.GET.getlist("ids") if i.isdigit()]
    if any(not i.isascii() or int(i) > MAX_ID for i in ids):  # no such row; the database would overflow
        raise Http404("no such use case")
    use_cases = list(selectors.use_cases_for(request.user).filter(pk__in=ids))
    if len(use_cases) < len(set(ids)):
        raise Http404("no such use case")
    columns = [comparison_column(uc) for uc in use_cases if uc.latest_proposal()]
    return render(request, "webui/compare.html", {
        "columns": columns, "rows": comparison_rows(columns), "too_few": len(columns) < 2,
        "all_use_cases": selectors.use_cases_for(request.user)})


def comparison_rows(columns):
    """One row per numeric requirement any scenario has: (need, field, values, differs)."""
    keys = sorted({(need, field) for c in columns for need, fields in c["requirements"].items()
                   for field, value in fields.items() if isinstance(value, (int, float))
                   and not isinstance(value, bool)})
    rows = []
    for need, field in keys:
        values = [(c["requirements"].get(need) or {}).get(field) for c in columns]
        rows.append({"need": need, "need_title": present.NEED_TITLES.get(need, need), "field": field,
                     "differs": len(set(values)) > 1,
                     "texts": [units.format_field(field, v) for v in values]})
    return rows


def comparison_column(use_case):
    document = use_case.latest_proposal().document
    top = (document.get("proposals") or [None])[0]
    return {"use_case": use_case, "requirements": document.get("requirements") or {}, "top": top,
            "tiers": {t["tier"]: t for t in document.get("tiers") or []}}


@login_required
def proposal_pdf(request, pk):
    proposal = own_proposal(request, pk)
    from recommender.api.pdfs import cached_pdf  # rendered once per proposal, then cached

    response = HttpResponse(cached_pdf(proposal), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export.filename(proposal, "pdf")}"'
    return response


@login_required
@require_POST
def use_case_duplicate(request, pk):
    """A copy of one of the user's use cases, with a fresh proposal; opens the copy."""
    copy, _ = services.use_case_duplicate(own_use_case(request, pk))
    messages.success(request, f"Duplicated as “{copy.name}”. Edit it to try a variant.")
    return redirect("use-case", pk=copy.pk)


@login_required
def use_case_delete(request, pk):
    """GET asks for confirmation (and names the validations that will be cancelled); POST deletes."""
    use_case = own_use_case(request, pk)
    active = use_case.validation_runs.filter(status__in=("queued", "running"))
    if request.method != "POST":
        return render(request, "webui/delete.html", {"use_case": use_case, "active": active})
    cancelled = services.use_case_delete(use_case)
    note = f"; cancelled validation {', '.join(map(str, cancelled))}" if cancelled else ""
    messages.success(request, f"Deleted “{use_case.name}”{note}.")
    return redirect("home")
