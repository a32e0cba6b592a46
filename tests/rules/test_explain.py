"""Sentences: every template, parsed once, reads as str.format over the formatted values would."""
import string

import pytest

from rules import explain

SAMPLE = {int: 123_456_789, float: 0.3215, str: "h100", bool: True}


def fields(template):
    """(section, name) of every field a template names."""
    out = []
    for _, field, _, _ in string.Formatter().parse(template):
        if field:
            section, name = field.rstrip("]").split("[")
            out.append((section, name))
    return out


def finding(template, kind, missing=None):
    values = {"inputs": {}, "result": {}}
    for section, name in fields(template):
        if (section, name) != missing:
            values[section][name] = SAMPLE[kind]
    return {"rule": "x", **values}


def as_str_format(template, item):
    return template.format(inputs=explain._FormattedOnUse(item.get("inputs")),
                           result=explain._FormattedOnUse(item.get("result")))


@pytest.mark.parametrize("rule", sorted(explain.TEMPLATES))
@pytest.mark.parametrize("kind", list(SAMPLE))
def test_each_template_reads_as_str_format_would(rule, kind):
    template = explain.TEMPLATES[rule]
    assert explain._parts(template) is not None
    item = dict(finding(template, kind), rule=rule)
    assert explain.sentence(item) == as_str_format(template, item)


@pytest.mark.parametrize("rule", sorted(explain.TEMPLATES))
def test_a_missing_value_reads_as_a_question_mark(rule):
    template = explain.TEMPLATES[rule]
    first = fields(template)[0]
    item = dict(finding(template, float, missing=first), rule=rule)
    assert explain.sentence(item) == as_str_format(template, item)
    assert "?" in explain.sentence(item)


@pytest.mark.parametrize("template", ["{inputs[a]:>5}", "{result[0]}", "{inputs[a]!r}", "{other[a]}", "{inputs}"])
def test_a_field_str_format_reads_otherwise_is_left_to_it(template):
    assert explain._parts(template) is None
