"""A parser process parses a chunk with the cyclic garbage collector paused."""

from __future__ import annotations

import gc
import pickle

from core.sync.providers.vcard.reader import parse_chunk_packed
from core.sync.providers.vcard.synthetic import synthetic_vcards


def test_a_chunk_is_parsed_without_cyclic_collections_and_the_collector_is_back_after() -> None:
    text = "".join(synthetic_vcards(200))
    cards = ["BEGIN:VCARD" + c for c in text.split("BEGIN:VCARD")[1:]]
    started: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            started.append(info["generation"])

    numbers, lines = list(range(1, 201)), [1] * 200
    thresholds = gc.get_threshold()
    gc.collect()  # allocation counts start at 0: none is due before the call
    gc.set_threshold(50, 5, 5)  # would collect every few cards with the collector on
    gc.callbacks.append(count)
    try:
        assert gc.isenabled()
        packed = parse_chunk_packed(cards, numbers, lines, "x.vcf", "DE", True)
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*thresholds)
    assert len(pickle.loads(packed)) == 200
    # None while parsing (with the collector on: hundreds); the collector, back on, may sweep
    # the young objects once as the pause ends.
    assert started in ([], [0])
    assert gc.isenabled()
