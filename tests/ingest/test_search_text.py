"""A party's search text: names, handles and phone forms, folded as one text would be."""

from __future__ import annotations

from core.ingest.normalize import fold
from core.ingest.phone_search import phone_index_words
from core.ingest.prepare import search_text


def test_names_and_handles_fold_as_one_text() -> None:
    """search_text folds names and handles apart (a fast path for ASCII handles); the result
    is the fold of the whole text, for non-ASCII handles and empty names too."""
    fields = {"display_name": "Zoë  Ørsted", "given_name": "Zoë", "family_name": "",
              "nickname": "İlkay, ǅ", "organization": "Ａcme\u00a0GmbH"}
    handles = ["+491513018681", "zoë@例え.jp", "ｚｏｅ_ｓｋｙｐｅ"]
    extra = ["Ärzte – Vertrieb", "Σοφία"]
    words = [fields[k] for k in ("display_name", "given_name", "family_name", "nickname",
                                 "organization")] + extra
    for value in handles:
        words += [value, *phone_index_words(value)]
    expected = fold(" ".join(w for w in words if w))
    assert search_text(fields, handles, extra) == expected
    assert "491513018681" in expected.split() and "01513018681" in expected.split()
    assert "zoe@例え.jp" in expected.split() and "acme" in expected.split()
    assert search_text({}, handles) == fold(" ".join(
        w for v in handles for w in (v, *phone_index_words(v))))
    assert search_text(fields, []) == fold(" ".join(w for w in words[:5] if w))
