"""The document's pattern for webhook URLs (models/webhooks.py) and the validator
(services/webhooks/urls.py) give the same answer: Schemathesis sends what the pattern allows and
expects it taken (a 2,000-character host was refused once), and what it refuses and expects a
400."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.models.webhooks import URL_PATTERN
from chalicelib.services.webhooks.urls import UrlGuard, UrlRefused

GUARD = UrlGuard(allow_loopback=False)
LABEL_63 = "a" * 63


def accepted(url: str) -> bool:
    try:
        GUARD.parse(url)
    except UrlRefused:
        return False
    return True


def name_of(length: int) -> str:
    """A host name of `length` characters: 63-character labels, the last one shorter."""
    labels, left = [], length
    while left > 0:
        size = min(63, left)
        labels.append("b" * size)
        left -= size + 1
    return ".".join(labels)[:length].rstrip(".") or "b"


@pytest.mark.parametrize("host", [
    "example.com", "EXAMPLE.com", "example.com.", "a", "1.2.3.4", "010.1.1.1", "a-b.c",
    "xn--bcher-kva.example", LABEL_63 + ".com", "a" * 64 + ".com", "-a.com", "a-.com",
    "a..com", "a_b.com", "a!b.com", "example.com..", ".", ".com", name_of(253),
    name_of(253) + ".", name_of(254), name_of(2000), "0" * 63 + "." + ".".join([LABEL_63] * 30),
    "bücher.example", "[2001:db8::1]", "[::1]",
])
@pytest.mark.parametrize("rest", ["", "/hooks?x=1", ":8443/hooks"])
def test_the_pattern_and_the_validator_agree_on_hosts(host, rest):
    url = f"https://{host}{rest}"
    assert bool(re.search(URL_PATTERN, url)) == accepted(url), url


@settings(max_examples=300, deadline=None)
@given(st.from_regex(URL_PATTERN))
def test_every_url_the_pattern_allows_with_https_is_taken(url):
    if url.lower().startswith("https://"):
        assert accepted(url), repr(url)


@pytest.mark.parametrize("path, taken", [
    ("/hooks/leadnod?a=1&b=%C3%B9", True), ("/caf%e9", True), ("/~user/(x);y=1,2:@", True),
    ("/café", False), ("/a b", False), ("/a\x08", False), ("/a<b>", False), ('/a"b', False),
    ("/a%zz", False), ("/a{b}", False), ("/a|b", False), ("/a\\b", False), ("/a^b", False)])
def test_paths_and_queries_are_written_as_rfc_3986_has_them(path, taken):
    """The document says `format: uri`: anything else is percent-encoded, or refused."""
    url = f"https://example.com{path}"
    assert (bool(re.search(URL_PATTERN, url)), accepted(url)) == (taken, taken)


def test_an_internationalized_name_is_asked_for_in_its_ascii_form():
    with pytest.raises(UrlRefused, match="xn--"):
        GUARD.parse("https://bücher.example/hooks")
    assert accepted("https://xn--bcher-kva.example/hooks")
