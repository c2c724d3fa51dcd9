"""What each kind of source is called where the owner reads it ("vCard file" for "vcard").

In core because the activity log's sentences, written when a source is added, synced or
removed, name the kind too; the window and the CLI read the same table through
``app.source_words``."""

from __future__ import annotations

#: A source's provider as the owner knows it.
KINDS = {"vcard": "vCard file", "csv": "CSV file", "carddav": "CardDAV", "google": "Google"}


def kind_text(provider: str) -> str:
    """"vCard file" for "vcard"; an unknown provider as it is."""
    return KINDS.get(provider, provider)


def source_words(provider: str, name: str) -> str:
    """A source named for the activity log: "phone.vcf (vCard file)"."""
    return f"{name} ({kind_text(provider)})" if name else kind_text(provider)
