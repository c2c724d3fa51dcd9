"""A corruption corpus for measuring the duplicate model on the errors real data carries.

Independent of ``tests.match.corpus`` (whose weights were hand-set against it): names and
places from many cultures (``vocab``), error types with documented rates (``errors``), and
two shapes (``generate.one_file``, ``generate.two_sources``). Nothing in core/match may be
tuned to this corpus: it is evaluation data.
"""

from tests.match.corruption.generate import SHAPES, Corpus, Record, one_file, two_sources

__all__ = ["SHAPES", "Corpus", "Record", "one_file", "two_sources"]
