"""The shared per-client rate limits (articles/ratelimit.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from articles.ratelimit import Rate, client_ip, parse_rate, rate_limit_hit


@pytest.mark.parametrize(
    ("text", "rate"),
    [("10/h", Rate(10, 3600)), ("5/10m", Rate(5, 600)), ("1/s", Rate(1, 1)), (" 100/d ", Rate(100, 86400))],
)
def test_rates_are_read_as_count_per_period(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "10", "ten/h", "10/x", "0/h", "10/0m", "-1/h", "10/h/2"])
def test_a_malformed_rate_is_a_configuration_error_that_says_how_to_write_it(text):
    with pytest.raises(ImproperlyConfigured, match="COUNT/PERIOD|positive"):
        parse_rate(text)


def test_hits_over_the_rate_are_refused_with_the_time_until_the_window_reopens(settings):
    settings.KB_RATE_LIMIT_RATES = {**settings.KB_RATE_LIMIT_RATES, "contact_ip": "3/h"}
    verdicts = [rate_limit_hit("contact_ip", "203.0.113.9") for _ in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert 0 < verdicts[-1].retry_after <= 3600


def test_each_key_and_each_scope_has_its_own_count(settings):
    settings.KB_RATE_LIMIT_RATES = {**settings.KB_RATE_LIMIT_RATES, "contact_ip": "1/h", "search_ip": "1/h"}
    assert rate_limit_hit("contact_ip", "203.0.113.9").allowed
    assert not rate_limit_hit("contact_ip", "203.0.113.9").allowed
    assert rate_limit_hit("contact_ip", "203.0.113.10").allowed
    assert rate_limit_hit("search_ip", "203.0.113.9").allowed


def test_KB_RATE_LIMITS_off_allows_everything(settings):
    settings.KB_RATE_LIMITS = False
    settings.KB_RATE_LIMIT_RATES = {**settings.KB_RATE_LIMIT_RATES, "contact_ip": "1/h"}
    assert all(rate_limit_hit("contact_ip", "203.0.113.9").allowed for _ in range(5))


def test_an_unknown_scope_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="no-such-scope"):
        rate_limit_hit("no-such-scope", "203.0.113.9")


def test_keys_with_unusual_characters_are_counted_safely(settings):
    settings.KB_RATE_LIMIT_RATES = {**settings.KB_RATE_LIMIT_RATES, "contact_email": "1/h"}
    key = "a b\x00c\ud800@example.com" + "x" * 5000
    assert rate_limit_hit("contact_email", key).allowed
    assert not rate_limit_hit("contact_email", key).allowed


def test_the_client_address_is_the_connection_unless_proxies_are_trusted(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.KB_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"
    settings.KB_TRUSTED_PROXIES = 1
    assert client_ip(request) == "198.51.100.7"
