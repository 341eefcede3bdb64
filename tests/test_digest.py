"""HTTP Digest authentication against the worked examples of RFC 7616 and RFC 2617 (a real
Virtuoso is authenticated against in test_remote.py), and the parsing of challenges."""
from __future__ import annotations

import hashlib
import re

import pytest

from graph.store.digest import AuthError, Challenge, Digest, parse_challenges
from graph.store.http import parse_retry_after

RFC7616 = ('Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm={alg}, '
           'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
           'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"')
CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"


@pytest.mark.parametrize("algorithm,expected", [
    ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),  # RFC 7616, section 3.9.1
    ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
])
def test_rfc7616_examples(algorithm, expected):
    [challenge] = parse_challenges([RFC7616.format(alg=algorithm)])
    digest = Digest("Mufasa", "Circle of Life", challenge)
    assert digest.response("GET", "/dir/index.html", 1, CNONCE) == expected
    header = digest.header("GET", "http://www.example.org/dir/index.html", cnonce=CNONCE)
    assert f'response="{expected}"' in header
    assert 'uri="/dir/index.html"' in header and "qop=auth," in header and "nc=00000001" in header
    assert 'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"' in header
    assert header.startswith('Digest username="Mufasa", realm="http-auth@example.org"')


def test_rfc2617_example():
    header = ('Digest realm="testrealm@host.com", qop="auth,auth-int", '
              'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"')
    [challenge] = parse_challenges([header])
    digest = Digest("Mufasa", "Circle Of Life", challenge)
    assert digest.response("GET", "/dir/index.html", 1, "0a4f113b") == "6629fae49393a05397450978507c4ef1"


def test_the_nonce_count_grows_and_the_uri_keeps_the_query():
    [challenge] = parse_challenges(['Digest realm="SPARQL", nonce="abc", qop="auth", algorithm="MD5"'])
    digest = Digest("dba", "dba", challenge)
    first = digest.header("PUT", "http://127.0.0.1:8890/sparql-graph-crud-auth?graph=urn%3Ag")
    second = digest.header("PUT", "http://127.0.0.1:8890/sparql-graph-crud-auth?graph=urn%3Ag")
    assert "nc=00000001" in first and "nc=00000002" in second
    assert 'uri="/sparql-graph-crud-auth?graph=urn%3Ag"' in first
    cnonce = re.search(r'cnonce="([^"]+)"', first).group(1)
    ha1 = hashlib.md5(b"dba:SPARQL:dba").hexdigest()
    ha2 = hashlib.md5(b"PUT:/sparql-graph-crud-auth?graph=urn%3Ag").hexdigest()
    expected = hashlib.md5(f"{ha1}:abc:00000001:{cnonce}:auth:{ha2}".encode()).hexdigest()
    assert f'response="{expected}"' in first


def test_md5_sess_and_a_server_without_qop():
    [sess] = parse_challenges(['Digest realm="r", nonce="n", qop="auth", algorithm=MD5-sess'])
    ha1 = hashlib.md5(f"{hashlib.md5(b'u:r:p').hexdigest()}:n:c".encode()).hexdigest()
    ha2 = hashlib.md5(b"GET:/").hexdigest()
    assert Digest("u", "p", sess).response("GET", "/", 1, "c") == \
        hashlib.md5(f"{ha1}:n:00000001:c:auth:{ha2}".encode()).hexdigest()
    [old] = parse_challenges(['Digest realm="r", nonce="n"'])  # RFC 2069: no qop, no nc, no cnonce
    header = Digest("u", "p", old).header("GET", "http://h/")
    assert "qop" not in header and "nc=" not in header
    assert hashlib.md5(f"{hashlib.md5(b'u:r:p').hexdigest()}:n:{ha2}".encode()).hexdigest() in header


@pytest.mark.parametrize("challenge,message", [
    ('Digest realm="r", nonce="n", algorithm=SHA-512-256', "algorithm SHA-512-256"),
    ('Digest realm="r", nonce="n", qop="auth-int"', "qop=auth-int"),
    ('Digest realm="r", nonce="n", userhash=true', "userhash"),
    ('Digest realm="r"', "no nonce"),
])
def test_challenges_kg_cannot_answer_are_refused_clearly(challenge, message):
    with pytest.raises(AuthError, match=message):
        Digest("u", "p", parse_challenges([challenge])[0])


def test_challenges_are_parsed():
    got = parse_challenges(['Basic realm="simple", Digest realm="a, b", nonce="q\\"uote", stale=TRUE',
                            "Negotiate"])
    assert got == [Challenge("basic", {"realm": "simple"}),
                   Challenge("digest", {"realm": "a, b", "nonce": 'q"uote', "stale": "TRUE"}),
                   Challenge("negotiate", {})]
    assert parse_challenges([]) == []


def test_quotes_in_user_names_are_escaped():
    [challenge] = parse_challenges(['Digest realm="r", nonce="n", qop="auth"'])
    assert 'username="a\\"b\\\\c"' in Digest('a"b\\c', "p", challenge).header("GET", "http://h/")


def test_retry_after_in_seconds_or_as_a_date():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
