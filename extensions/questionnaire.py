"""copier.yml's questions as data: type, choices, validator, and whether they are answers.

Read from the template being rendered, so copier.yml stays the one place each rule is
written; the checks of ``given`` and ``answers`` apply those rules to values Copier has
not cast or validated yet, or to the whole answer set at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from . import shipped_yaml


@dataclass(frozen=True)
class Question:
    """One question of copier.yml, as far as checking an answer to it goes."""

    name: str
    type: str
    choices: tuple[str, ...] = ()
    validator: str = ""
    recorded: bool = False  # ``ask: false``: Copier works the answer out and stores it
    check: bool = False  # ``when: false``: a check that runs before writing, never an answer
    default: str = ""  # the default as copier.yml writes it (a Jinja template), for text questions

    @property
    def answerable(self) -> bool:
        """Whether a user may give this question's answer (``--data``, a prompt)."""
        return not (self.recorded or self.check)


def _choice_values(choices: Any) -> tuple[str, ...]:
    if isinstance(choices, dict):
        return tuple(str(value) for value in choices.values())
    if isinstance(choices, list):
        return tuple(str(value) for value in choices)
    return ()


def parse(text: str) -> dict[str, Question]:
    """The questions of a copier.yml, in order; ``_settings`` are left out.

    >>> q = parse("_subdirectory: t\\ndomain:\\n  type: str\\n  choices: [a, b]\\n")
    >>> q["domain"].choices, list(q)
    (('a', 'b'), ['domain'])
    """
    raw = shipped_yaml.load(text) or {}
    questions = {}
    for name, spec in raw.items():
        if name.startswith("_") or not isinstance(spec, dict):
            continue
        questions[name] = Question(
            name=name,
            type=str(spec.get("type", "str")),
            choices=_choice_values(spec.get("choices")),
            validator=str(spec.get("validator", "")),
            recorded=spec.get("ask") is False,
            check=spec.get("when") is False,
            default=spec["default"] if isinstance(spec.get("default"), str) else "",
        )
    return questions


def _config(template_root: str) -> Path:
    root = Path(template_root)
    config = root / "copier.yml"
    return config if config.is_file() else root / "copier.yaml"


def load(template_root: str) -> dict[str, Question]:
    """The questions of the template at ``template_root``."""
    config = _config(template_root)
    return _questions(str(config), config.stat().st_mtime_ns)


def settings(template_root: str) -> dict[str, Any]:
    """The ``_settings`` of the template at ``template_root`` (``_subdirectory``, ...)."""
    config = _config(template_root)
    raw = shipped_yaml.load(_read(str(config), config.stat().st_mtime_ns)) or {}
    return {key: value for key, value in raw.items() if key.startswith("_")}


# Both keyed on the modification time too: a test may edit a template between renders.
@cache
def _read(config: str, modified: int) -> str:
    return Path(config).read_text(encoding="utf-8")


@cache
def _questions(config: str, modified: int) -> dict[str, Question]:
    return parse(_read(config, modified))
