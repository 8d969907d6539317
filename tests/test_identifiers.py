"""The identifier rules on their own (tbdesk.identifiers, no Qt): what the store and the dialog share."""

from __future__ import annotations

import functools
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tbdesk import identifiers
from tbdesk.identifiers import InvalidIdentifier, Taken, keys, normalise, skeleton
from tbdesk.sandbox import Store
from tbdesk.sandbox.store import StoreError


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("m", "rn"),  # TR39's own examples
        ("paypal", "paypaI"),
        ("ci-deploy", "ci\u2010deploy"),
        ("ci-deploy", "ci\u2212deploy"),
        ("ci-deploy", "\u0441i-d\u0435ploy"),
        ("release-1", "release-l"),
        ("build-0", "build-O"),
    ],
)
def test_skeleton_matches_tr39_look_alikes(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(("a", "b"), [("ci-deploy", "cd-deploy"), ("team-a", "team-b"), ("nightly", "nightIy2")])
def test_different_names_keep_different_keys(a, b):
    assert not set(keys(a)) & set(keys(b))


def test_case_and_look_alikes_both_clash_and_own_name_does_not():
    taken = Taken(["CI-Runner", "release-train"])
    assert taken.clash("ci-runner") == "CI-Runner"
    assert taken.clash("Cl-Runner") == "CI-Runner"  # small L for capital I, only visible before case folding
    assert taken.clash("\u0421I-Runner") == "CI-Runner"  # Cyrillic capital Es
    assert taken.clash("ci-runner", own="CI-Runner") is None
    assert taken.clash("release-traim", own="CI-Runner") is None
    assert taken.clash("re1ease-train", own="CI-Runner") == "release-train"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ab", "at least 3"),
        (" \t\n ab \n", "at least 3"),
        ("x" * 101, "at most 100"),
        ("bad\x07name", "control characters (U+0007)"),
        ("a\u2028bcd", "control characters"),
        ("ci\u200bdeploy", "invisible characters (U+200B ZERO WIDTH SPACE)"),
        ("ci\u00addeploy", "invisible characters (U+00AD SOFT HYPHEN)"),
        ("ci\ufe0fdeploy", "invisible characters (U+FE0F VARIATION SELECTOR-16)"),
        ("\u2800\u2800\u2800", "invisible characters (U+2800 BRAILLE PATTERN BLANK)"),
        ("ci\u202edeploy", "bidirectional control"),
        ("ci\u061cdeploy", "bidirectional control"),
        ("ci\ud800deploy", "lone surrogates"),
        ("ci\ue000deploy", "private-use or unassigned"),
        ("\u0301\u0301\u0301", "visible letter"),
        (None, "must be a string"),
    ],
)
def test_rules_name_the_broken_one(value, message):
    with pytest.raises(InvalidIdentifier) as info:
        normalise(value)
    assert message in info.value.message
    assert identifiers.problem(value) == info.value.message


def test_normalisation_is_nfkc_and_trimmed():
    assert normalise("  ｃｉ-ｄｅｐｌｏｙ\t") == "ci-deploy"
    assert normalise("cafe\u0301-ci") == "caf\u00e9-ci"
    assert normalise("a\u00a0b\u3000c") == "a b c"  # no-break and ideographic spaces become plain ones


@given(st.text(max_size=30))
def test_normalise_is_idempotent_and_keys_are_stable(text):
    try:
        once = normalise(text)
    except InvalidIdentifier:
        return
    assert normalise(once) == once
    assert keys(once) == keys(normalise(once))
    assert unicodedata.is_normalized("NFKC", once)


@functools.cache
def shared_store() -> Store:
    return Store(":memory:")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_the_store_applies_exactly_these_rules(text):
    """One set of rules: the sandbox refuses what identifiers.problem refuses, with the same message."""
    problem = identifiers.problem(text)
    try:
        made = shared_store().create_service_account(text)
    except StoreError as exc:
        assert exc.status == 400
        if problem is None:  # valid, so only a clash with an earlier example may refuse it
            assert "already exists" in exc.message or "looks the same" in exc.message
        else:
            assert exc.message == problem
    else:
        assert problem is None and made["identifier"] == normalise(text)


@pytest.mark.parametrize(
    ("new", "existing", "named"),
    [
        ("ci-Iog", "ci-log", "U+0049 LATIN CAPITAL LETTER I"),  # ASCII look-alike: capital I for small l
        ("ci-dep1oy", "ci-deploy", "U+0031 DIGIT ONE"),
        ("сi-deploy", "ci-deploy", "U+0441 CYRILLIC SMALL LETTER ES"),
    ],
)
def test_a_look_alike_clash_names_the_character_that_differs(new, existing, named):
    # In the UI font the two names look the same: the message must say where they differ.
    assert named in identifiers.clash_message(new, existing)
