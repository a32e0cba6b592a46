"""Human units at the web edge: parsing what people type, formatting base units for reading."""
import pytest

from recommender import formatting as units
from webui.templatetags import units as filters


@pytest.mark.parametrize("text, default, expected", [
    ("1.5 TB", "GB", 1_500_000_000_000),
    ("800 GiB", "GB", 800 * 2**30),
    ("14", "GB", 14 * 10**9),
    ("146.6 MB", "kB", 146_600_000),
    ("512 kb", "GB", 512_000),
    ("1,000 GB", "TB", 10**12),
])
def test_it_parses_sizes_to_bytes(text, default, expected):
    assert units.parse_bytes(text, default) == expected


@pytest.mark.parametrize("text, expected", [
    ("25 GB/s", 25e9), ("400 MB/s", 400e6), ("1 GiB/s", 2**30), ("2.5", 2.5e9),
])
def test_it_parses_rates_to_bytes_per_second(text, expected):
    assert units.parse_rate(text, "GB/s") == pytest.approx(expected)


@pytest.mark.parametrize("text, default, expected", [
    ("30 min", "s", 1800), ("2 h", "s", 7200), ("30 d", "s", 30 * 86400), ("0.323", "s", 0.323),
    ("10", "min", 600), ("250 ms", "s", 0.25),
])
def test_it_parses_durations_to_seconds(text, default, expected):
    assert units.parse_duration(text, default) == pytest.approx(expected)


@pytest.mark.parametrize("parse, text, message", [
    (units.parse_bytes, "12 parsecs", "unknown unit 'parsecs'"),
    (units.parse_bytes, "lots", "'lots' is not a number with a unit"),
    (units.parse_rate, "5 GB", "write a rate like 2.5 GB/s"),
    (units.parse_duration, "3 weeks", "unknown unit 'weeks'"),
])
def test_it_rejects_unknown_units_with_a_message_listing_the_known_ones(parse, text, message):
    with pytest.raises(units.UnitError, match=message):
        parse(text)


@pytest.mark.parametrize("name, value, shown", [
    ("total_bytes", 112_400_000_000, "112.4 GB"),
    ("total_bytes", 15e12, "15 TB"),
    ("write_bytes_per_s", 3.18e9, "3.18 GB/s"),
    ("read_bytes_per_s", 205e6, "205 MB/s"),
    ("bytes_per_token", 131072, "128 KiB"),  # KV per token: the sources quote binary units
    ("interval_s", 720, "12 min"),
    ("latency_s", 0.0004, "400 µs"),
    ("restore_time_s", 3 * 86400, "3 d"),
    ("iops", 91_700, "91.7 k IOPS"),
    ("cost_usd", 1_234_567.8, "$1,234,568"),
    ("files", 128, "128"),
    ("hidden_size", 4096, "4,096"),
    ("parameters", 8_030_261_248, "8.03 G"),
    ("mode", "sync", "sync"),
    ("bytes_per_token_per_gpu", 327680, "320 KiB"),
    ("bytes_per_node", 141.1e9, "141.1 GB"),
    ("fits_in_hbm", False, "no"),
    ("tokens_per_s", 65000, "65 k/s"),
    ("waste_fraction", 0.05, "5 %"),
    ("retained", None, "—"),
])
def test_it_formats_a_value_by_the_unit_in_its_field_name(name, value, shown):
    assert units.format_field(name, value) == shown


def test_it_shows_binary_units_only_on_request():
    assert filters.gib(int(104.7 * 2**30)) == "104.7 GiB"
    assert units.format_bytes(int(104.7 * 2**30)) == "112.4 GB"


@pytest.mark.parametrize("name, caption", [
    ("write_bytes_per_s", "write"), ("total_bytes", "total"), ("interval_s", "interval"),
    ("bytes_per_token", "bytes per token"), ("files", "files"),
])
def test_it_captions_fields_without_their_unit_suffix(name, caption):
    assert filters.label(name) == caption
