"""Result page, use-case list, comparison and PDF download: real values, only the owner's objects."""
import pytest
from django.urls import reverse


def test_it_sends_anonymous_users_to_login(client, stored):
    use_case, _ = stored
    for url in (reverse("home"), reverse("use-case", args=[use_case.pk]), reverse("wizard-start"),
                reverse("compare")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_logs_in_and_out(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_it_rejects_a_wrong_password(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_it_lists_only_the_users_own_use_cases(logged_in, user, other_user, sample_document, store):
    store(user, sample_document, name="Alice's training")
    store(other_user, sample_document, name="Bob's secret plan")
    page = logged_in.get(reverse("home")).content.decode()
    assert "Alice&#x27;s training" in page
    assert "Bob" not in page
    assert "$412,300" in page  # top proposal cost


@pytest.mark.parametrize("field, shown", [
    ("checkpoint.total_bytes", "112.4 GB"),
    ("checkpoint.files", "16"),
    ("checkpoint.interval_s", "90.2 min"),
    ("checkpoint.write_bytes_per_s", "415.6 MB/s"),
    ("checkpoint.restore_bytes_per_s", "187.3 MB/s"),
    ("training_data.read_bytes_per_s", "1.20 GB/s"),
])
def test_it_shows_each_requirement_in_decimal_units_with_its_why(logged_in, stored, field, shown):
    page = logged_in.get(reverse("use-case", args=[stored[0].pk])).content.decode()
    row = page.split(f'data-field="{field}"', 1)[1].split("</tr>", 1)[0]
    assert shown in row
    assert 'href="#finding-' in row  # every computed number links to the finding that explains it


def test_it_shows_the_tier_plan_proposals_bom_and_findings_with_sources(logged_in, stored):
    page = logged_in.get(reverse("use-case", args=[stored[0].pk])).content.decode()
    assert "Checkpoints must survive the loss of a node" in page  # tier reason
    assert "$412,300" in page and "$350,000" in page  # proposal cost and a BOM line
    assert "misses Shared fast tier: write bandwidth (B/s)" in page
    assert "<th>shared_fast.write_bytes_per_s</th>" not in page  # headroom rows read as words, not keys
    assert "0.62×" in page  # headroom under 1 shown
    assert 'id="finding-3"' in page and "Young, CACM 17(9) 1974" in page
    assert "Total bytes ÷ (overhead budget × interval)".lower() in page.lower()
    assert page.count('<svg') >= 2  # cost-vs-headroom and tier bandwidth charts inline


def test_it_hides_other_users_use_cases_proposals_and_pdfs(logged_in, other_user, sample_document, store):
    use_case, proposal = store(other_user, sample_document)
    for url in (reverse("use-case", args=[use_case.pk]), reverse("proposal", args=[proposal.pk]),
                reverse("proposal-pdf", args=[proposal.pk])):
        assert logged_in.get(url).status_code == 404


def test_it_compares_two_own_use_cases_side_by_side(logged_in, user, sample_document, store):
    small, _ = store(user, sample_document, name="Small cluster")
    doc = dict(sample_document)
    doc["requirements"] = {"checkpoint": dict(sample_document["requirements"]["checkpoint"],
                                              write_bytes_per_s=3.3e9)}
    large, _ = store(user, doc, name="Large cluster")
    page = logged_in.get(reverse("compare"), {"ids": [small.pk, large.pk]}).content.decode()
    assert "Small cluster" in page and "Large cluster" in page
    assert "415.6 MB/s" in page and "3.30 GB/s" in page


def test_it_refuses_to_compare_with_someone_elses_use_case(logged_in, user, other_user, sample_document, store):
    mine, _ = store(user, sample_document)
    theirs, _ = store(other_user, sample_document)
    assert logged_in.get(reverse("compare"), {"ids": [mine.pk, theirs.pk]}).status_code == 404


def test_it_offers_a_picker_when_fewer_than_two_are_chosen(logged_in, stored):
    page = logged_in.get(reverse("compare")).content.decode()
    assert "Pick two or more" in page


def test_it_downloads_the_pdf_of_a_stored_proposal(logged_in, stored):
    response = logged_in.get(reverse("proposal-pdf", args=[stored[1].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"storage-proposal-{stored[0].pk}-{stored[1].pk}.pdf" in response["Content-Disposition"]


def test_it_links_bom_exports_that_work_with_the_browser_session(logged_in, stored):
    page = logged_in.get(reverse("use-case", args=[stored[0].pk])).content.decode()
    csv_url = f"/api/v1/use-cases/{stored[0].pk}/bom.csv"
    assert f'href="{csv_url}"' in page
    response = logged_in.get(csv_url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "pfs-appliance" in response.content.decode() and "350000" in response.content.decode()
    rows = logged_in.get(f"/api/v1/use-cases/{stored[0].pk}/bom").json()
    assert {"architecture": "nvme-pfs-object", "item": "pfs-appliance", "quantity": 1}.items() <= rows[1].items()
