"""Exports of a stored proposal (placeholder until the reports work lands)."""


def filename(proposal, ext):
    return f"storage-proposal-{proposal.use_case_id}-{proposal.pk}.{ext}"


def bom_rows(document):
    return [dict(rank=p["rank"], architecture=p["architecture"], **line)
            for p in document.get("proposals", []) for line in p.get("bom", [])]


def bom_csv(document):
    raise RuntimeError("not implemented yet")


def proposal_pdf(proposal):
    raise RuntimeError("not implemented yet")
