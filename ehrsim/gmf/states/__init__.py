"""GMF state types: one small class per JSON ``type``, in family files, found through ``STATE_TYPES``."""

from __future__ import annotations

from ehrsim.gmf.states.base import State
from ehrsim.gmf.states.clinical import CLINICAL_STATES
from ehrsim.gmf.states.control import CONTROL_STATES
from ehrsim.gmf.states.encounter import ENCOUNTER_STATES
from ehrsim.gmf.states.observation import OBSERVATION_STATES

STATE_TYPES: dict[str, type[State]] = {
    **CONTROL_STATES,
    **ENCOUNTER_STATES,
    **CLINICAL_STATES,
    **OBSERVATION_STATES,
}

__all__ = ["STATE_TYPES", "State"]
