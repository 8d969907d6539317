"""Key age, unused accounts, hand-over forms, leaked-key triage and preferences: the Qt-free rules."""

from __future__ import annotations

import json
import shlex
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from tbdesk.api import ServiceAccount
from tbdesk.core.lifecycle import History, KeyAge, Use, key_age, key_age_tooltip, use_of
from tbdesk.core.preferences import CLIPBOARD, POLL, REVEAL, ROTATION, Preferences
from tbdesk.core.snippets import FORM_IDS, UnsafeValue, check_pair, hub_url, render
from tbdesk.core.triage import triage

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
KEY, SECRET = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def account(**kw) -> ServiceAccount:
    return ServiceAccount(id=1, identifier="ci-runner", key=KEY, **kw)


# -- key age -------------------------------------------------------------------------------------


def test_key_age_comes_from_the_issued_field_and_survives_renames():
    a = account(created_at=days_ago(300), updated_at=days_ago(1), keys_issued_at=days_ago(120))
    age = key_age(a)
    assert age.exact and age.days(NOW) == 120 and age.text(NOW) == "120 days"
    assert age.past_policy(90, NOW) and not age.past_policy(None, NOW) and not age.past_policy(180, NOW)
    assert age.due(90) == days_ago(30)


def test_key_age_policy_boundary_is_the_policy_day_itself():
    age = KeyAge(days_ago(90))
    assert age.past_policy(90, NOW) and not age.past_policy(90, NOW - timedelta(seconds=1))
    assert KeyAge(NOW).text(NOW) == "today" and KeyAge(days_ago(1)).text(NOW) == "1 day"


def test_without_the_field_the_age_is_a_lower_bound_unless_never_changed():
    untouched = key_age(account(created_at=days_ago(200), updated_at=days_ago(200)))
    assert untouched.exact and untouched.days(NOW) == 200
    changed = key_age(account(created_at=days_ago(200), updated_at=days_ago(100)))
    assert not changed.exact and changed.text(NOW) == "≥ 100 days" and changed.past_policy(90, NOW)
    assert key_age(account()).text(NOW) == "unknown" and not key_age(account()).past_policy(90, NOW)


def test_key_age_tooltip_says_since_when_it_is_past_the_policy():
    age = KeyAge(days_ago(120))
    tip = key_age_tooltip(age, 90, NOW)
    assert "120 days ago" in tip and f"since {days_ago(30).astimezone():%Y-%m-%d}" in tip
    assert "Due for rotation" in key_age_tooltip(KeyAge(days_ago(10)), 90, NOW)
    assert "policy" not in key_age_tooltip(age, None, NOW)


# -- unused --------------------------------------------------------------------------------------


def test_unused_only_when_the_history_reaches_back_far_enough():
    full = History(days_ago(45))
    short = History(days_ago(10))
    assert use_of(days_ago(3), days_ago(400), short, NOW) is Use.USED
    assert use_of(days_ago(31), days_ago(400), full, NOW) is Use.UNUSED
    assert use_of(None, days_ago(400), full, NOW) is Use.UNUSED
    assert use_of(None, days_ago(400), short, NOW) is Use.UNKNOWN  # not guessing
    assert use_of(None, days_ago(400), History(days_ago(1), complete=True), NOW) is Use.UNUSED
    assert use_of(None, days_ago(5), short, NOW) is Use.NEW  # made 5 days ago, none since: new, not unused
    assert use_of(None, days_ago(20), short, NOW) is Use.UNKNOWN  # the history does not reach its start
    assert use_of(days_ago(40), days_ago(400), short, NOW) is Use.UNKNOWN
    assert use_of(None, None, History(), NOW) is Use.UNKNOWN


# -- hand-over forms -----------------------------------------------------------------------------


def test_every_form_carries_the_pair_where_that_system_reads_it():
    env = render("env", KEY, SECRET)
    assert env.splitlines() == [f"TESTINGBOT_KEY={KEY}", f"TESTINGBOT_SECRET={SECRET}"]
    out = subprocess.run(
        ["sh", "-c", render("export", KEY, SECRET) + 'printf "%s|%s" "$TESTINGBOT_KEY" "$TESTINGBOT_SECRET"'],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == f"{KEY}|{SECRET}"
    assert render("powershell", KEY, SECRET).splitlines() == [
        f"$env:TESTINGBOT_KEY = '{KEY}'",
        f"$env:TESTINGBOT_SECRET = '{SECRET}'",
    ]
    assert render("hub", KEY, SECRET) == f"https://{KEY}:{SECRET}@hub.testingbot.com/wd/hub"
    assert render("hub", KEY, SECRET, "http://127.0.0.1:8717/v1") == f"http://{KEY}:{SECRET}@127.0.0.1:8717/wd/hub"
    caps = json.loads(render("capabilities", KEY, SECRET))
    assert caps["tb:options"] == {"key": KEY, "secret": SECRET} and caps["browserName"]
    gha = render("github", KEY, SECRET)
    assert KEY not in gha and SECRET not in gha  # it reads repository secrets, never holds the values
    assert gha.splitlines()[-3:] == [
        "env:",
        "  TESTINGBOT_KEY: ${{ secrets.TESTINGBOT_KEY }}",
        "  TESTINGBOT_SECRET: ${{ secrets.TESTINGBOT_SECRET }}",
    ]
    assert set(FORM_IDS) == {"env", "export", "powershell", "hub", "capabilities", "github"}


@pytest.mark.parametrize("bad", ["a'; rm -rf ~; '", "abc\ndef", "key with space", "$(id)", "", "x" * 300, "ключ"])
def test_hostile_values_are_refused_before_any_form_is_made(bad):
    with pytest.raises(UnsafeValue) as info:
        check_pair(bad, SECRET)
    assert bad not in str(info.value) or not bad
    with pytest.raises(UnsafeValue):
        check_pair(KEY, bad)


def test_forms_still_quote_what_they_are_given():
    assert shlex.split(render("export", "a'b", "c")[7:].splitlines()[0])[0] == "TESTINGBOT_KEY=a'b"
    assert render("powershell", "a'b\u2019c", "s").splitlines()[0] == "$env:TESTINGBOT_KEY = 'a''b\u2019\u2019c'"
    assert hub_url("https://api.testingbot.com/v1", "a/b", "c@d") == "https://a%2Fb:c%40d@hub.testingbot.com/wd/hub"


# -- triage --------------------------------------------------------------------------------------

KEYS = {KEY: 7, "11112222333344445555666677778888": 9}


@pytest.mark.parametrize(
    "pasted",
    [
        KEY,
        f"  {KEY}\n",
        f"{KEY}:{SECRET}",
        f"https://{KEY}:{SECRET}@hub.testingbot.com/wd/hub",
        f"TESTINGBOT_KEY={KEY}\nTESTINGBOT_SECRET={SECRET}",
        json.dumps({"tb:options": {"key": KEY, "secret": SECRET}}),
        f"log line: driver = Remote('http://{KEY}:{SECRET}@hub.testingbot.com/wd/hub')",
    ],
)
def test_triage_finds_the_owner_of_a_key_in_any_pasted_form(pasted):
    found = triage(pasted, KEYS)
    assert found is not None and found.found and found.account_id == 7 and found.key == KEY
    assert found.extra == (pasted.strip() != KEY)


def test_triage_matches_whole_keys_in_any_case_and_says_when_nothing_matches():
    assert triage(KEY[:-1] + "0", KEYS).account_id is None  # one character off: no match
    upper = triage(KEY.upper(), KEYS)  # a leak of the key whatever its case
    assert upper.account_id == 7 and upper.case_differs and not triage(KEY, KEYS).case_differs
    miss = triage(f"{'9' * 16}abcd{'e' * 12}:{SECRET}", KEYS)
    assert miss is not None and not miss.found
    assert triage("nightly-regression", KEYS) is None  # an identifier filter, not a key
    assert triage("checkout-pipeline-00042", KEYS) is None
    assert triage("ci", KEYS) is None
    mine = triage("abcdefabcdef0123456789", KEYS, own_key="abcdefabcdef0123456789")
    assert mine.own and mine.found and mine.account_id is None


# -- preferences ---------------------------------------------------------------------------------


def test_preferences_clamp_junk_and_out_of_bounds_values():
    settings = {REVEAL.key: "3", CLIPBOARD.key: "100000", POLL.key: "soon", ROTATION.key: 0}
    prefs = Preferences.load(lambda k, d: settings.get(k, d))
    assert prefs == Preferences(reveal_seconds=5, clipboard_seconds=600, poll_seconds=15, rotation_days=None)
    assert prefs.items()[ROTATION.key] == 0
    assert Preferences.load(lambda k, d: d) == Preferences()
    assert Preferences().rotation_days == 90 and Preferences().poll_seconds == 15
    assert Preferences.load(lambda k, d: {ROTATION.key: "2"}.get(k, d)).rotation_days == ROTATION.low
    assert Preferences(poll_seconds=1).items()[POLL.key] == POLL.low
