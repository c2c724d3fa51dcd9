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
