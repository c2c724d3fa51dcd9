"""Which weight table scores pairs now: the newest estimate stored in ``match_model``, or
the hand-set table (``weights.HAND_MODEL``) when there is none or it was made for another
set of levels (an older Kith)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db.models import MatchModel
from core.match.calibration import ESTIMATED_CALIBRATION
from core.match.weights import (
    HAND_MODEL,
    HOUSEHOLD_LEVELS,
    LEVELS,
    MODEL_VERSION,
    NAMESAKES,
    Model,
    calibrated_version,
)

#: version -> Model, so a refresh does not rebuild the table from JSON every batch.
_CACHE: dict[str, Model] = {}


def active_model(session: Session) -> Model:
    row = session.execute(select(MatchModel.version, MatchModel.params)
                          .order_by(MatchModel.id.desc()).limit(1)).first()
    if row is None:
        return HAND_MODEL
    version, params = row
    model = _CACHE.get(version)
    if model is None:
        model = model_from_params(version, params)
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[version] = model
    return model


def model_from_params(version: str, params: dict[str, Any]) -> Model:
    """A Model from stored parameters; the hand table when they do not cover its levels."""
    if params.get("levels_of") != MODEL_VERSION:
        return HAND_MODEL
    weights = {(f, lvl): float(w) for f, lvl, _m, _u, w in params["levels"]}
    if set(weights) != set(LEVELS):
        return HAND_MODEL
    weights[NAMESAKES] = float(params.get("namesakes", 0.0))
    for k, key in enumerate(HOUSEHOLD_LEVELS, start=1):
        weights[key] = round(k * float(params.get("household", 0.0)), 2)
    return Model(calibrated_version(version), float(params["prior"]), weights, "estimated",
                 ESTIMATED_CALIBRATION)
