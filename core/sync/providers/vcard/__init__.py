"""vCard files and folders as a Kith contact source (read, parse in parallel, export).

Public entry points:

- :class:`VCardProvider` (``provider``): the ``ContactProvider`` for a .vcf file or folder.
- :func:`parse_paths` / :func:`parse_text` (``reader``): vCard text -> ``ParsedContact``.
- :func:`write_vcards` (``export``): ``ParsedContact`` -> vCard 4.0 / 3.0 text.
- :func:`write_synthetic_file` (``synthetic``): deterministic test data for benchmarks.
"""

from core.sync.providers.vcard.export import write_vcard, write_vcard_file, write_vcards
from core.sync.providers.vcard.provider import VCardProvider
from core.sync.providers.vcard.reader import ParsedBatch, parse_paths, parse_text
from core.sync.providers.vcard.synthetic import synthetic_vcards, write_synthetic_file
from core.sync.providers.vcard.textio import CardProblem

__all__ = [
    "CardProblem",
    "ParsedBatch",
    "VCardProvider",
    "parse_paths",
    "parse_text",
    "synthetic_vcards",
    "write_synthetic_file",
    "write_vcard",
    "write_vcard_file",
    "write_vcards",
]
