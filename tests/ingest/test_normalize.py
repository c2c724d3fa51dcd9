from hypothesis import given, settings
from hypothesis import strategies as st

from core.ingest import normalize
from core.ingest.normalize import fold, normalize_email, normalize_handle, normalize_phone


def test_email_is_trimmed_and_casefolded():
    h = normalize_email("  Alice.Smith@Example.COM ")
    assert (h.platform, h.value, h.is_valid) == ("email", "alice.smith@example.com", True)
    assert h.display_value == "Alice.Smith@Example.COM"


def test_email_without_at_is_kept_but_flagged():
    h = normalize_email("not-an-address")
    assert h.value == "not-an-address" and h.is_valid is False


def test_blank_values_produce_no_handle():
    assert normalize_email("   ") is None
    assert normalize_phone(" ") is None


def test_phone_to_e164_with_default_region():
    assert normalize_phone("(202) 555-0143", "US").value == "+12025550143"
    assert normalize_phone("020 7946 0958", "GB").value == "+442079460958"
    assert normalize_phone("+49 30 901820", "US").value == "+4930901820"
    assert normalize_phone("0049 30 901820", "").value == "+4930901820"


def test_phone_extension_is_kept():
    h = normalize_phone("+1 202-555-0143 ext. 42", "US")
    assert h.value == "+12025550143;ext=42" and h.is_valid


def test_impossible_phone_is_cleaned_text_and_flagged():
    h = normalize_phone("12-3", "US")
    assert h.value == "123" and h.is_valid is False


def test_fold_strips_diacritics_and_case():
    assert fold("  Zoë  BJÖRK ") == "zoe bjork"


def test_fold_strips_marks_outside_the_common_blocks_and_keeps_other_scripts():
    # U+0951 (Devanagari stress sign) and U+302A (ideographic tone mark) are combining marks
    # past U+02FF that the block list does not name; the kana and Greek are letters.
    assert fold("x\u0951y \u5c71\u302a\u7530 ΟΔΟΣ カナ") == "xy \u5c71\u7530 οδοσ カナ"
    assert fold("Ünïcödé\u00a0 only below U+0300") == "unicode only below u+0300"


def test_normalize_handle_dispatches_usernames():
    h = normalize_handle("Telegram", "@SomeOne")
    assert (h.platform, h.value) == ("telegram", "someone")


def test_a_local_only_number_is_not_valid_and_kept_as_written():
    # 7 digits in region US: only dialable locally, not a number anyone can be reached at.
    local = normalize_phone("3456789", "US")
    assert (local.value, local.display_value, local.is_valid) == ("3456789", "3456789", False)
    full = normalize_phone("(905) 555-1234", "US")
    assert (full.value, full.display_value, full.is_valid) == (
        "+19055551234", "(905) 555-1234", True)


_PHONE_TEXT = st.lists(st.sampled_from(list("0123456789+*#()-. xX;=tTeEnN") + [
    "ext", "EXT.", "extension", "٣", "０", "\u00a0", "é", "\t"]), max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(_PHONE_TEXT)
def test_phone_chars_and_extension_agree_with_the_regular_expressions(text: str) -> None:
    """The shortcuts (str.translate for ASCII, no search without "x" or "#") give exactly
    what the regular expressions give; Arabic-Indic and full-width digits are dropped."""
    assert normalize.phone_chars(text) == normalize._PHONE_KEEP_RE.sub("", text)
    found = normalize._extension(text)
    expected = normalize._EXTENSION_RE.search(text)
    assert (found and found.span(), found and found.group(1)) == (
        expected and expected.span(), expected and expected.group(1))


def test_an_extension_is_kept_in_every_written_form() -> None:
    for written in ("+49 30 1234567 ext. 12", "+49 30 1234567 x12", "+49 30 1234567 #12",
                    "+49 30 1234567;ext=12", "+49 30 1234567 EXTENSION 12"):
        assert normalize_phone(written, "DE").value == "+49301234567;ext=12", written
    assert normalize_phone("+49 30 1234567", "DE").value == "+49301234567"


_WORDS = st.lists(st.text(alphabet=st.sampled_from(list("aZ ßİΣσ\u0301\u0951\u00a0\u2002\t0+") +
                                                    ["ǅ", "ﬁ", "①", "Å", "\u302a"]),
                          max_size=6), max_size=5)


@settings(max_examples=300, deadline=None)
@given(_WORDS, _WORDS)
def test_fold_of_joined_parts_is_the_join_of_folded_parts(a: list[str], b: list[str]) -> None:
    """What search_text relies on to fold names and handles apart: marks, case, compatibility
    forms and whitespace all fold character by character, never across a space."""
    first, second = " ".join(a), " ".join(b)
    joined = " ".join(p for p in (fold(first), fold(second)) if p)
    assert fold(f"{first} {second}") == joined
