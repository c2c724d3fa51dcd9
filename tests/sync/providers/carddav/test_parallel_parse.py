"""The CardDAV parser pool: same result as parsing in-process; a dead worker is transient."""

from __future__ import annotations

import os
import signal

import pytest

from core.ingest.prepare import prepare_for_write
from core.sync.contract import TransientError
from core.sync.providers.carddav.parallel_parse import CardPool
from core.sync.providers.vcard.parse import parse_card
from tests.servers.radicale import make_vcard


def test_pool_prepares_like_the_writer_and_reports_bad_cards() -> None:
    cards = [(make_vcard(i), f"/book/{i}.vcf", f'"e{i}"') for i in range(3)]
    cards.append(("BEGIN:VCARD\r\nVERSION:3.0\r\nno colon here\r\nEND:VCARD\r\n", "/book/x.vcf",
                  '"x"'))
    pool = CardPool(1)
    try:
        results = pool.prepare(cards, "DE")
    finally:
        pool.close()
    for (text, href, etag), (prepared, error, _warnings) in zip(cards[:3], results, strict=False):
        contact, _ = parse_card(text)
        contact.external_id, contact.etag = href, etag
        expected = prepare_for_write(contact, "DE")
        assert error == "" and prepared is not None
        assert (prepared.content_hash, prepared.data, prepared.party_row, prepared.contact.raw) \
            == (expected.content_hash, expected.data, expected.party_row, text)
    assert results[3][0] is None and results[3][1]


def test_a_dead_worker_is_a_transient_error() -> None:
    pool = CardPool(1)
    try:
        pool.prepare([(make_vcard(1), "/book/1.vcf", "")], "")  # starts the worker
        for process in list(pool._pool.get()._processes.values()):  # noqa: SLF001 - the test's aim
            os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(TransientError):
            pool.prepare([(make_vcard(2), "/book/2.vcf", "")] * 3, "")
        assert pool.prepare([(make_vcard(3), "/book/3.vcf", "")], "")[0][0] is not None
    finally:
        pool.close()


@pytest.mark.parametrize(("cpus", "workers"), [(None, 0), (1, 0), (2, 0), (3, 0), (4, 4),
                                               (16, 4)])
def test_no_worker_processes_by_default_below_four_cpus(monkeypatch, cpus, workers) -> None:
    """On 2 cores the pool made a 10,000-card first sync slower (measured, see MIN_CPUS):
    the provider must not start it there unless asked to."""
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert CardPool.default_workers() == workers
