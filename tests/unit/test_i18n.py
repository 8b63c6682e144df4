"""The languages in one list, the message catalogs complete and current, 로/으로, and the converter."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools import i18n as tool
from wire import config, protocol
from wire.i18n import DOMAINS, LANGUAGE_NAMES, LANGUAGES, Catalog, fields, josa, known, languages_of, lookup

ROOT = Path(__file__).resolve().parents[2]


# --- one list of languages ---------------------------------------------------------------------


def test_every_list_of_languages_is_the_one_in_wire_i18n():
    assert get_args(protocol.Language) == LANGUAGES
    assert set(config.Names.model_fields) == set(LANGUAGES)  # a name in every language
    assert tuple(LANGUAGE_NAMES) == LANGUAGES
    assert LANGUAGE_NAMES["ru"] == "Русский"  # the chooser names a language in itself

    from display.announce import ESPEAK_VOICES
    from hardware.fonts import NOTO_FACE
    from kiosk.simulate import LANGUAGE_MIX
    from tools.demo_people import LANGUAGES as DEMO_MIX

    assert tuple(ESPEAK_VOICES) == LANGUAGES
    assert set(NOTO_FACE) == set(LANGUAGES)
    assert set(LANGUAGE_MIX) <= set(LANGUAGES) and set(DEMO_MIX) <= set(LANGUAGES)

    from hub.report import LANGUAGE_NAMES as REPORT_NAMES

    assert set(REPORT_NAMES) == set(LANGUAGES)  # the report names every language in Korean and English


def test_a_new_language_never_breaks_the_simulated_visitors():
    """The first release's weights were a list of four: a 5th language made random.choices raise."""
    from kiosk.simulate import visitor_language

    rng = random.Random(3)
    six = (*LANGUAGES, "uz")
    chosen = {visitor_language(rng, six) for _ in range(5000)}
    assert chosen == set(six)  # every language of the hall comes, the unlisted one too


def test_an_unknown_language_falls_back_to_korean():
    assert known("ru") == "ru" and known("xx") == "ko" and known(None) == "ko"
    from display.words import call_texts
    from kiosk.text import t

    assert t("choose", "xx") == t("choose", "ko") == "원하시는 업무를 선택해 주십시오"
    assert call_texts("1017", "3", "xx") == ["천십칠 번 고객님, 삼 번 창구로 오십시오"]


def test_the_kiosk_and_the_pages_offer_russian():
    from kiosk.text import LANGUAGE_NAMES as KIOSK
    from web.text import LANGUAGE_NAMES as WEB
    from web.text import choose

    assert KIOSK["ru"] == WEB["ru"] == "Русский"
    assert choose("ru", None) == "ru" and choose(None, "ru-RU,ru;q=0.9") == "ru" and choose(None, "uz") == "ko"


# --- the catalogs ------------------------------------------------------------------------------


def test_every_catalog_is_complete_its_placeholders_match_and_its_mo_is_current():
    """Every key translated in every language, no line left flagged, `{n}` etc. as in Korean, and
    the shipped .mo files compiled from the .po files as they are (else: `make i18n`)."""
    assert tool.problems() == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_line_reads_back_from_the_compiled_catalog(domain):
    catalog = Catalog(domain)
    keys = catalog.all_keys()
    assert len(keys) >= 5  # the notifier's domain has five lines; the others dozens
    for language in languages_of(domain):
        source = {m.id: m.string for m in tool.load(domain, language) if m.id}
        for key in keys:
            assert catalog.line(key, language) == source[key], (domain, language, key)


def test_a_missing_line_falls_back_to_korean_never_to_nothing(tmp_path):
    for language in ("ko", "en"):
        shutil.copytree(ROOT / "locale" / language, tmp_path / "src" / language)
    (tmp_path / "src" / "ko" / "LC_MESSAGES" / "kiosk.po").write_text(
        (ROOT / "locale/ko/LC_MESSAGES/kiosk.po").read_text() + '\nmsgid "only_korean"\nmsgstr "한국어만 있는 줄"\n'
    )
    tool.compile_all(tmp_path / "src", tmp_path / "mo")
    catalog = Catalog("kiosk", tmp_path / "mo")
    assert catalog.t("only_korean", "en") == "한국어만 있는 줄"
    assert catalog.t("only_korean", "ru") == "한국어만 있는 줄"  # no Russian file at all
    assert catalog.t("title", "en") == "Take a number"
    with pytest.raises(KeyError):
        catalog.t("no_such_line", "ko")


def test_check_reports_a_missing_line_a_wrong_placeholder_and_a_stale_mo(tmp_path):
    shutil.copytree(ROOT / "locale", tmp_path / "src")
    shutil.copytree(ROOT / "wire" / "locale", tmp_path / "mo")
    assert tool.problems(tmp_path / "src", tmp_path / "mo") == []
    zh = tool.load("kiosk", "zh", tmp_path / "src")
    zh["waiting"].string = "等候人数"  # lost its {n}
    del zh["title"]
    tool.save(zh, "kiosk", "zh", tmp_path / "src")
    found = "\n".join(tool.problems(tmp_path / "src", tmp_path / "mo"))
    assert "kiosk/zh: 'title' is not translated" in found
    assert "kiosk/zh: 'waiting' has placeholders [], Korean has ['n']" in found
    assert "kiosk.mo is not current" in found


def test_the_converter_appends_a_text_table_and_flags_what_is_left_to_translate(tmp_path):
    """What a helper with a TEXT dict on a branch runs (docs/i18n.md): the lines land in every
    catalog they have; Russian, missing, is empty and flagged, so `check` lists it until translated.
    (A key no catalog has: the kiosk's real `staff_call` arrived this way, issue 13.)"""
    shutil.copytree(ROOT / "locale", tmp_path / "src")
    table = {
        "test_only_line": {"ko": "직원 호출", "en": "Call staff", "zh": "呼叫工作人员", "vi": "Gọi nhân viên"},
        "title": {"ko": "번호표 발급", "en": "Get a number"},  # already there: kept, reported
    }
    conflicts = tool.import_table(table, "kiosk", root=tmp_path / "src")
    assert conflicts == ["'title' (en): kept 'Take a number', not 'Get a number' (use --replace)"]
    ru = tool.load("kiosk", "ru", tmp_path / "src")
    assert ru["test_only_line"].string == "" and ru["test_only_line"].fuzzy
    assert ru["test_only_line"].auto_comments == ["ko: 직원 호출"]
    tool.compile_all(tmp_path / "src", tmp_path / "mo")
    found = tool.problems(tmp_path / "src", tmp_path / "mo")
    assert found == ["kiosk/ru: 'test_only_line' is not translated"]
    assert Catalog("kiosk", tmp_path / "mo").t("test_only_line", "ru") == "직원 호출"  # until translated: Korean

    tool.import_table(
        {"test_only_line": {"ko": "직원 호출", "ru": "Вызвать сотрудника"}}, "kiosk", root=tmp_path / "src"
    )
    tool.update(tmp_path / "src", tmp_path / "mo")
    assert tool.problems(tmp_path / "src", tmp_path / "mo") == []
    assert Catalog("kiosk", tmp_path / "mo").t("test_only_line", "ru") == "Вызвать сотрудника"


def test_a_changed_korean_line_flags_its_translations_to_check(tmp_path):
    """Ids are keys, so gettext alone would keep an English line written for an older Korean one."""
    shutil.copytree(ROOT / "locale", tmp_path / "src")
    ko = tool.load("kiosk", "ko", tmp_path / "src")
    ko["not_open"].string = "오늘은 접수가 끝났습니다"
    tool.save(ko, "kiosk", "ko", tmp_path / "src")
    tool.update(tmp_path / "src", tmp_path / "mo")
    found = tool.problems(tmp_path / "src", tmp_path / "mo")
    assert found == [f"kiosk/{lang}: 'not_open' is flagged fuzzy (to check)" for lang in ("en", "zh", "vi", "ru")]
    en = tool.load("kiosk", "en", tmp_path / "src")
    assert en["not_open"].auto_comments == ["ko: 오늘은 접수가 끝났습니다"]
    assert Catalog("kiosk", tmp_path / "mo").t("not_open", "en") == "오늘은 접수가 끝났습니다"  # not the old English

    # The converter replacing a Korean line does the same for the languages it does not give.
    tool.import_table(
        {"title": {"ko": "번호표 뽑기", "en": "Get a number"}}, "kiosk", replace=True, root=tmp_path / "src"
    )
    tool.update(tmp_path / "src", tmp_path / "mo")
    found = tool.problems(tmp_path / "src", tmp_path / "mo")
    assert [p for p in found if "'title'" in p] == [
        f"kiosk/{lang}: 'title' is flagged fuzzy (to check)" for lang in ("zh", "vi", "ru")
    ]


def test_the_converter_runs_from_the_command_line(tmp_path, monkeypatch):
    (tmp_path / "extra_text.py").write_text('TEXT = {"k": {"ko": "가"}}\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    assert tool._table("extra_text:TEXT") == {"k": {"ko": "가"}}
    with pytest.raises(SystemExit):
        tool.import_table({"k": {"ko": "가"}}, "nowhere", root=tmp_path)


# --- 로/으로 and friends -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, particle, joined",
    [
        ("종합안내석", "로", "종합안내석으로"),
        ("민원실", "로", "민원실로"),  # ㄹ takes 로
        ("여권 창구", "로", "여권 창구로"),
        ("3번 창구", "으로", "3번 창구로"),
        ("3", "로", "3으로"),  # 삼
        ("1", "로", "1로"),  # 일
        ("2", "로", "2로"),  # 이
        ("10", "로", "10으로"),  # 십
        ("Counter A", "로", "Counter A로"),  # 에이
        ("Desk M", "로", "Desk M으로"),  # 엠
        ("상담석 (2층)", "로", "상담석 (2층)으로"),
        ("상담석", "이", "상담석이"),
        ("창구", "가", "창구가"),
        ("번호표", "를", "번호표를"),
        ("업무", "은", "업무는"),
        ("综合窗口", "로", "综合窗口(으)로"),  # unreadable: both, as Korean forms write it
    ],
)
def test_josa_follows_the_last_syllable(word, particle, joined):
    assert josa(word, particle) == joined


@given(st.text(max_size=30), st.sampled_from(["로", "으로", "이", "가", "은", "는", "을", "를", "과", "와"]))
def test_josa_never_fails_and_keeps_the_word(word, particle):
    assert josa(word, particle).startswith(word)


def test_a_line_chooses_its_particle_and_a_page_placeholder_keeps_it_for_the_script():
    from web.text import t

    assert t("called", "ko", counter="종합안내석") == "지금 종합안내석으로 오십시오"
    assert t("called", "ko", counter="3번 창구") == "지금 3번 창구로 오십시오"
    assert t("called", "ko", counter="{counter}") == "지금 {counter:로} 오십시오"  # ticket.js applies it
    assert t("called", "en", counter="Counter 3") == "Please go to Counter 3 now"
    assert fields("지금 {counter:로} 오십시오") == {"counter"}
    assert lookup({"k": {"ko": "{where:로} 가십시오"}}, "k", "vi", where="민원실") == "민원실로 가십시오"


def test_a_korean_line_with_a_line_break_does_not_flag_its_translations(tmp_path):
    """The notifier's messages end with the ticket's link on its own line. A .po comment cannot hold
    the break, so `make i18n` once read every such note as a changed Korean line and flagged the
    translations of all of them (found merging the notifier)."""
    shutil.copytree(ROOT / "locale", tmp_path / "src")
    line = {"ko": "곧 차례입니다.\n{url}", "en": "Your turn is near.\n{url}", "zh": "快到您了。\n{url}"}
    tool.import_table(
        {"near_link": {**line, "vi": "Sắp đến lượt.\n{url}", "ru": "Скоро Ваша очередь.\n{url}"}},
        "kiosk",
        root=tmp_path / "src",
    )
    tool.update(tmp_path / "src", tmp_path / "mo")
    tool.update(tmp_path / "src", tmp_path / "mo")  # a second run reads the notes the first wrote
    assert tool.problems(tmp_path / "src", tmp_path / "mo") == []
