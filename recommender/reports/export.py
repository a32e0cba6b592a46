"""Exports of a stored proposal: the bill of materials as CSV or JSON, and the PDF (pdf.py)."""


def filename(proposal, ext):
    return f"storage-proposal-{proposal.use_case_id}-{proposal.pk}.{ext}"


def bom_rows(document):
    return [dict(rank=p["rank"], architecture=p["architecture"], **line)
            for p in document.get("proposals", []) for line in p.get("bom", [])]


BOM_COLUMNS = ["rank", "architecture", "item", "name", "tier", "quantity", "unit_price_usd", "subtotal_usd",
               "price_is_estimate", "price_known", "price_basis", "price_year", "source", "power_w", "rack_units"]


def bom_csv(document):
    """The bill of materials of every ranked proposal as CSV, one row per BOM line."""
    import pandas as pd

    frame = pd.DataFrame(bom_rows(document), columns=BOM_COLUMNS)
    return frame.to_csv(index=False)


def bom_json(document):
    """The same BOM lines as a JSON-ready list, for procurement tools."""
    return [{k: row.get(k) for k in BOM_COLUMNS} for row in bom_rows(document)]


def proposal_pdf(proposal):
    """PDF bytes of a stored proposal (recommender/reports/pdf.py)."""
    from .pdf import proposal_pdf_bytes

    return proposal_pdf_bytes(proposal)
