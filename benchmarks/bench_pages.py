"""Page render and PDF report: the proposal page and its PDF for one of the demo user's proposals,
through Django's test client in a fresh process. `cold` is the first request of the process (it
pays the imports: templates, matplotlib for the charts, WeasyPrint and fonts for the PDF); `warm` is
the median of the next requests.

Run: uv run python benchmarks/bench_pages.py [--repeats 5]
"""
import sys

import benchsite


def bench(repeats):
    site = benchsite.prepared_site()
    benchsite.use_django(site)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from recommender.models import Proposal

    user = get_user_model().objects.get(username="demo")
    proposal = Proposal.objects.filter(use_case__owner=user).order_by("id").first()
    client = Client()
    client.force_login(user)
    rows = []
    for name, url in (("proposal page", f"/proposals/{proposal.pk}/"),
                      ("proposal PDF", f"/proposals/{proposal.pk}/report.pdf"),
                      ("home page (list)", "/")):
        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        cold = benchsite.timed_ms(get, 1)[0]
        warm = benchsite.summary_ms(benchsite.timed_ms(get, repeats))
        rows.append({"what": name, "cold_ms": round(cold, 1), "warm_median_ms": warm["median_ms"],
                     "warm_min_ms": warm["min_ms"], "bytes": len(get().content), "n_warm": repeats})
    return {"conditions": benchsite.conditions(), "proposal_use_case": proposal.use_case.name, "rows": rows}


def main():
    benchsite.repeats_main(__doc__, bench, "pages.json")


if __name__ == "__main__":
    sys.exit(main())
