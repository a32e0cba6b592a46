"""Ranking (placeholder until the catalog work lands)."""


def rank(tiers, catalog, priority="balanced", measured=None):
    return {"proposals": [], "findings": [], "pareto": []}
