"""Merge then unmerge restores the exact prior state; with a sync in between, the state
equals what the sync alone would have produced (later changes stay with their records)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from core.match.merge import merge_parties
from core.match.unmerge import unmerge
from tests.match.scenario import (
    FAMILY,
    GIVEN,
    GROUPS,
    PartySpec,
    Scenario,
    SyncChange,
    TemplateDatabases,
    build,
    run_sync,
)
from tests.match.state import capture


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> TemplateDatabases:
    return TemplateDatabases(tmp_path_factory.mktemp("roundtrip"))


party_specs = st.builds(
    PartySpec,
    given=st.sampled_from(GIVEN),
    family=st.sampled_from(FAMILY),
    emails=st.integers(0, 2),
    phone=st.booleans(),
    birthday=st.none() | st.just((1980, 2, 3)) | st.just((1975, 5, 6)),
    groups=st.lists(st.sampled_from(GROUPS), unique=True, max_size=2).map(tuple),
    org=st.sampled_from(("", "ACME", "Globex")),
    street=st.sampled_from(("", "Hauptstr. 1")),
    second_record=st.booleans(),
    local_edit=st.sampled_from(("", "Nicky")),
    confirm_first_handle=st.booleans(),
)


@st.composite
def scenarios(draw: st.DrawFn, with_sync: bool) -> Scenario:
    parties = draw(st.lists(party_specs, min_size=2, max_size=4))
    n = len(parties)
    merge = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=n, unique=True))
    keep = draw(st.sampled_from(merge))
    groups = draw(st.lists(st.sampled_from(("name", "organization", "birthday", "notes")),
                           unique=True, max_size=3))
    choices = {g: draw(st.sampled_from(merge)) for g in groups}
    sync: list[SyncChange] = []
    if with_sync:
        kinds = ("rename", "new_email", "drop_phone", "birthday", "delete", "regroup")
        sync = draw(st.lists(st.builds(SyncChange, st.integers(0, n - 1), st.sampled_from(kinds)),
                             min_size=1, max_size=3, unique_by=lambda c: c.index))
    return Scenario(parties, merge, keep, choices, sync)


def _merge(session, scenario: Scenario, ids: list[int]) -> int:  # noqa: ANN001
    return merge_parties(session, [ids[i] for i in scenario.merge], keep_id=ids[scenario.keep],
                         field_choices={k: ids[v] for k, v in scenario.choices.items()})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(scenario=scenarios(with_sync=False))
def test_unmerge_restores_exact_prior_state(templates: TemplateDatabases,
                                            scenario: Scenario) -> None:
    db = templates.new()
    with db.session() as session:
        ids = build(session, scenario)
        before = capture(session)
        decision = _merge(session, scenario, ids)
        session.commit()
        assert capture(session) != before
        unmerge(session, decision)
        session.commit()
        assert capture(session) == before
    db.dispose()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(scenario=scenarios(with_sync=True))
# A party whose only record a sync deleted while merged: the sync refreshed the merged
# party's search text, so unmerge must refresh the restored party's text too.
@example(scenario=Scenario(
    parties=[
        PartySpec("Eva", "Berg", emails=2, phone=False, birthday=(1980, 2, 3), org="ACME",
                  second_record=True, local_edit="Nicky"),
        PartySpec("Dieter", "Lind", emails=1, phone=False, birthday=(1975, 5, 6), org="ACME",
                  street="Hauptstr. 1"),
        PartySpec("Eva", "Lind", emails=2, phone=True, org="Globex", street="Hauptstr. 1",
                  second_record=True, local_edit="Nicky"),
        PartySpec("Anna", "Berg", emails=1, phone=True, birthday=(1980, 2, 3)),
    ],
    merge=[1, 3, 2], keep=2, choices={"name": 3},
    sync=[SyncChange(3, "delete"), SyncChange(0, "rename")],
))
def test_unmerge_after_sync_equals_sync_alone(templates: TemplateDatabases,
                                             scenario: Scenario) -> None:
    merged_db, control_db = templates.new(), templates.new()
    with merged_db.session() as merged, control_db.session() as control:
        ids = build(merged, scenario)
        assert build(control, scenario) == ids
        decision = _merge(merged, scenario, ids)
        merged.commit()
        run_sync(merged, scenario)
        run_sync(control, scenario)
        unmerge(merged, decision)
        merged.commit()
        assert capture(merged, exact=False) == capture(control, exact=False)
    merged_db.dispose()
    control_db.dispose()
