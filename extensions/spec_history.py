"""The field specs a custom entity's table has had, recorded in its answers file.

Copier re-renders the previous release into an empty folder while it updates, so the
specs the app migrated through must be recorded (``spec_history`` in copier.yml), as
the links of relations.py are: each later spec is a migration step (extensions/custom.py).
"""

from __future__ import annotations

import json
from pathlib import Path

from . import destination
from .catalogue import load_domain
from .questions import refuse
from .spec import custom_key, handle, normalized

__all__ = ["custom_entry", "custom_key", "spec_history_of", "stale_spec_history"]


def _specs(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [normalized(spec) for spec in value if isinstance(spec, str)]


def spec_history_of(app_root: str, key: str, fields: str) -> str:
    """The recorded specs, and ``fields`` after them when it differs (JSON)."""
    path = Path(app_root) / ".copier" / f"answers.{key}.yml"
    specs = _specs((destination.answers_file(path) or {}).get("spec_history"))
    if not specs or specs[-1] != normalized(fields):
        specs.append(normalized(fields))
    return json.dumps(specs)


def stale_spec_history(history: object, fields: str) -> str:
    """Copier's validator of the recorded specs: a message when the answer changed the spec."""
    specs = _specs(history)
    if specs and specs[-1] == normalized(fields):
        return ""
    return "spec_history: the fields changed; the new spec is recorded after the old ones"


def custom_entry(entity: str, fields: str, history: object = None) -> str:
    """The handle of a custom entity with its specs; stops Copier on a change no step makes."""
    entry = handle(entity, fields, _specs(history))
    try:
        load_domain(entry)
    except ValueError as error:
        refuse(str(error))
    return entry
