"""The use case's 'procurement' section: defaults with sources, field-level errors."""
import pytest

import rules
from rules import bibliography, procurement
from rules.errors import Errors

BASE = {"workload": "llm_training", "model": {"parameters": 7e9}, "gpus": 8}


def test_it_fills_sourced_defaults_when_the_section_is_missing():
    result = rules.usecase.normalize(BASE)["procurement"]
    assert result == procurement.DEFAULTS
    assert bibliography.unknown(list(procurement.SOURCES.values())) == []


def test_it_keeps_the_buyers_inputs():
    section = {"tco_horizon_years": 3, "power_usd_per_kwh": 0.12, "support_fraction_per_year": 0.18,
               "rack_usd_per_u_per_year": 250, "storage_oversubscription": 2}
    assert rules.usecase.normalize({**BASE, "procurement": section})["procurement"] == section


# field, value, message
BAD = [
    ("tco_horizon_years", 7, "must be at least 3 and at most 5"),
    ("tco_horizon_years", "five", "must be a number"),
    ("power_usd_per_kwh", 0, "must be above 0 and at most 10"),
    ("support_fraction_per_year", 1.5, "must be at least 0 and at most 1"),
    ("storage_oversubscription", 0.5, "must be at least 1 and at most 16"),
    ("rack_usd_per_u_per_year", True, "must be a number"),
]


@pytest.mark.parametrize("field, value, message", BAD)
def test_it_rejects_a_bad_field_with_its_path(field, value, message):
    with pytest.raises(rules.UseCaseError) as error:
        rules.usecase.normalize({**BASE, "procurement": {field: value}})
    assert error.value.errors[f"procurement.{field}"] == [message]


def test_it_rejects_unknown_fields_and_a_section_that_is_not_an_object():
    errors = Errors()
    procurement.normalize({"discount": 0.3}, errors)
    procurement.normalize([1], errors)
    assert "procurement.discount" in errors.by_path and errors.by_path["procurement"] == ["must be an object"]
