"""Catalog reads (placeholder until the catalog work lands)."""


def catalog_current():
    return {"blocks": [], "architectures": [], "version": ""}
