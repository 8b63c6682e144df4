"""The catalogs under attack: a value is never read as a format string, a line never reaches into a
value's object, and no language code picks a file outside the catalogs or fails."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wire.i18n import DOMAINS, FALLBACK, LANGUAGES, Catalog, fields, known, lookup

CATALOGS = {domain: Catalog(domain) for domain in DOMAINS}
LINES = [(domain, key) for domain, catalog in CATALOGS.items() for key in catalog.all_keys()]
HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["{0.__class__}", "{n}", "{counter:로}", "{}", "{{", "}", "%s", "{x.__init__.__globals__}", ""]),
)


@settings(max_examples=300, deadline=None)
@given(line=st.sampled_from(LINES), language=st.one_of(st.sampled_from(LANGUAGES), st.text(max_size=12)), value=HOSTILE)
def test_a_value_is_filled_in_as_it_is_never_formatted_again(line, language, value):
    domain, key = line
    catalog = CATALOGS[domain]
    raw = catalog.line(key, language)
    names = fields(raw)
    got = catalog.t(key, language, **dict.fromkeys(names, value))
    if names and value and not (value.startswith("{") and value.endswith("}")):
        assert value in got
    assert "<class" not in got and "__globals__" not in got.replace("{x.__init__.__globals__", "")


@pytest.mark.parametrize("name", ["n.__class__", "n.real", "n[0]", "0", "n.__init__.__globals__"])
def test_a_line_cannot_reach_into_a_value(name):
    line = {"k": {"ko": f"값 {{{name}}} 끝"}}
    assert lookup(line, "k", "ko", n="비밀") == f"값 {{{name}}} 끝"


@given(st.text(max_size=40))
def test_any_language_code_is_a_hall_language_or_korean(code):
    assert known(code) in LANGUAGES
    assert known(code) == (code if code in LANGUAGES else FALLBACK)


@pytest.mark.parametrize(
    "code", ["../../etc", "ko/../../x", "/etc/passwd", "\ud800", "\x00", "KO", "ru_RU", "é" * 9000]
)
def test_a_hostile_language_reads_no_file_and_speaks_korean(code):
    catalog = Catalog("web")
    assert catalog.t("status_title", code) == catalog.t("status_title", "ko")
    assert set(catalog.tables()) == set(catalog.languages)  # only the hall's own files were read
