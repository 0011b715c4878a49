"""Page addresses built without a resolver call per link are the resolver's own."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from articles.addresses import fixed_path, slug_path


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize(
    "view", ["articles:article", "articles:category", "articles:feedback", "articles:article_markdown"]
)
@pytest.mark.parametrize("slug", ["login-issues", "a_b-2"])
def test_slug_addresses_are_what_reverse_gives(view, slug):
    assert slug_path(view, slug) == reverse(view, args=[slug])


@pytest.mark.parametrize("view", ["articles:home", "articles:contact", "articles:search", "articles:feed"])
def test_fixed_addresses_are_what_reverse_gives(view):
    assert fixed_path(view) == reverse(view)


def test_addresses_follow_the_script_prefix_of_a_site_served_below_the_root(script_prefix):
    script_prefix("/help/")
    assert slug_path("articles:article", "login-issues") == "/help/articles/login-issues/"
    assert fixed_path("articles:contact") == "/help/contact/"


def test_a_slug_the_path_converter_would_not_take_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        slug_path("articles:article", "déjà-vu")
