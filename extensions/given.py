"""Answers given with ``--data`` / ``--data-file``, checked before Copier touches them.

Copier casts a given value and runs its validator, and when either fails it raises a
plain ValueError: the CLI prints a traceback that names no question. It also takes any
string as a boolean (``include_tenant=maybe`` is true). But it renders each question's
``when`` first, and an error raised there stops it cleanly. So every question's
``when`` starts with ``check_data('<question>')``: the raw value is checked strictly
here (its type, its choices, then the question's own validator from copier.yml) and
a wrong one stops Copier with a message naming the question, before anything is
written.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from jinja2 import TemplateError, pass_context
from jinja2.runtime import Context

from . import destination
from .catalogue import catalogue_steps, load_domain
from .history import CREATE
from .naming import is_identifier
from .questionnaire import Question, load
from .questions import refuse, tenant_default
from .relations import link_problem, link_step

# Copier's ``cast_to_bool`` takes anything; these are the words meant as a boolean.
BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "1", "0"})
BASELINE_KEYS = {"table": str, "tenant_field": str, "soft_delete": bool, "rls": bool}
# Questions a later release removed. Copier passes an app's recorded answers back as
# data while updating it, so a retired name must stay accepted here.
RETIRED_QUESTIONS: frozenset[str] = frozenset()


def _shown(value: object) -> str:
    """How a refused value is quoted in a message."""
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the YAML boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def type_problem(question: Question, value: object) -> str:
    """Why ``value`` is not of the question's type (``""`` when it is).

    >>> type_problem(Question("include_tenant", "bool"), "maybe")
    "include_tenant: 'maybe' is not allowed; answer true or false (yes/no and 1/0 are accepted too)."
    >>> type_problem(Question("table_name", "str"), ["a"])
    'table_name: a list is not allowed; give text (in a --data-file, put it in quotes).'
    """
    if question.choices:
        if value in question.choices:
            return ""
        return f"{question.name}: {_shown(value)} is not allowed; choose one of {', '.join(question.choices)}."
    if question.type == "bool":
        if isinstance(value, bool) or (type(value) is int and value in (0, 1)):
            return ""
        if isinstance(value, str) and value.lower() in BOOLEAN_WORDS:
            return ""
        return f"{question.name}: {_shown(value)} is not allowed; answer true or false (yes/no and 1/0 are accepted too)."
    if question.type == "str" and not isinstance(value, str):
        return f"{question.name}: {_shown(value)} is not allowed; give text (in a --data-file, put it in quotes)."
    return ""


def name_problem(name: str, questions: Mapping[str, Question]) -> str:
    """Why ``name`` may not be given with ``--data`` at all (``""`` when it may).

    Names starting with ``_`` are Copier's own (``_commit``, ``_src_path``: it passes
    them back while updating). Recorded answers are judged by ``recorded_problem``.

    >>> name_problem("tabel_name", {"table_name": Question("table_name", "str")})
    "--data tabel_name: there is no question 'tabel_name' (did you mean table_name?); the questions are: table_name."
    """
    if name.startswith("_") or name in RETIRED_QUESTIONS:
        return ""
    question = questions.get(name)
    if question is None:
        answerable = [q.name for q in questions.values() if q.answerable]
        close = difflib.get_close_matches(name, answerable, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"--data {name}: there is no question {name!r}{hint}; the questions are: {', '.join(answerable)}."
    if question.check:
        return f"--data {name}: {name} is a check Copier runs before writing, not an answer; leave it out."
    return ""


def recorded_problem(
    name: str, value: object, domain: str, recorded: Mapping[str, Any] | None
) -> str:
    """Why a recorded answer (``schema_baseline``, ``linked_references``...) may not be given.

    Copier works these out on copy and stores them; ``copier update`` compares new
    answers with them before it rewrites anything. So a given value must be one
    Copier could have stored, and where the app already recorded one (``recorded``,
    its answers file), exactly that one: a forged baseline would let an update
    rewrite migrations the app has applied.

    >>> recorded_problem("soft_delete_after", "create", "budgets", None)
    ''
    >>> recorded_problem("soft_delete_after", "create", "budgets", {})
    "soft_delete_after: the app's answers file records nothing for it, and a recorded value cannot be changed with --data; leave it out."
    """
    if isinstance(value, str) and name == "schema_baseline":
        with contextlib.suppress(yaml.YAMLError):  # left as text, refused below
            value = yaml.safe_load(value)
    if recorded is not None:
        if value == recorded.get(name):
            return ""
        kept = recorded.get(name)
        was = "nothing" if kept is None else repr(kept)
        return (
            f"{name}: the app's answers file records {was} for it, and a recorded value cannot be "
            "changed with --data; leave it out."
        )
    allowed = ""
    if name == "schema_baseline":
        ok = isinstance(value, dict) and all(
            key in BASELINE_KEYS and isinstance(item, BASELINE_KEYS[key])
            for key, item in value.items()
        )
        allowed = (
            "" if ok else "a mapping of table, tenant_field (text), soft_delete and rls (booleans)"
        )
    elif name == "spec_history":
        ok = isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
        allowed = "" if ok else "a list of the field specs the table has had, oldest first"
    elif name == "linked_references":
        allowed = link_problem(domain, value)
    elif name == "destination_package":
        ok = value == "" or isinstance(value, str) and all(map(is_identifier, value.split(".")))
        allowed = "" if ok else "the destination's import path (app, ledger.api), or nothing"
    elif name == "soft_delete_after":
        spec = load_domain(domain)
        steps = [CREATE, *catalogue_steps(domain), *(link_step(f.name) for f in spec.references)]
        allowed = (
            "" if value in steps else f"one of the migration steps of {domain}: {', '.join(steps)}"
        )
    if allowed:
        return f"{name}: {_shown(value)} is not allowed; Copier records {allowed}. Leave it out of --data."
    return ""


def _conf(context: Context) -> Mapping[str, Any]:
    conf: Mapping[str, Any] = context["_copier_conf"]
    return conf


def _recorded_answers(context: Context) -> dict[str, Any] | None:
    """What the app's answers file for this domain holds, or None when it has none."""
    conf = _conf(context)
    path = Path(str(conf["dst_path"])) / str(conf["answers_file"])
    if not path.is_file():
        return None
    return destination.answers_file(path) or {}


def validator_message(context: Context, question: Question, value: object) -> str:
    """The question's own validator from copier.yml, rendered for ``value``."""
    if not question.validator:
        return ""
    template = context.environment.from_string(question.validator)
    return template.render({**context.get_all(), question.name: value}).strip()


def default_problem(context: Context, question: Question) -> str:
    """Why the default of an unanswered text question does not fit the earlier answers.

    Copier validates a default as it takes it, and a failing one ends in a traceback
    that names no answer. A default it will not take (the app's recorded answer or a
    user default comes first) is not judged here. The message names the answer that
    made the default wrong when it knows it (a custom field named like the tenant
    column), else the question, and always says what to answer instead.
    """
    conf = _conf(context)
    taken_first = conf.get("user_defaults") or {}
    if question.type != "str" or not question.default or question.name in taken_first:
        return ""
    recorded = _recorded_answers(context)
    if recorded and question.name in recorded:
        return ""
    try:
        value = context.environment.from_string(question.default).render(context.get_all())
    except (TemplateError, LookupError, TypeError, AttributeError):
        return ""  # a default this context cannot render yet; Copier judges it itself
    message = validator_message(context, question, value)
    if not message:
        return ""
    if question.name == "tenant_field":
        return tenant_default(value, str(context.get("domain_entry", "")), message)
    return f"{message} ({question.name} was not answered; {value!r} is its default: answer {question.name} yourself.)"


@pass_context
def check_data_names(context: Context) -> bool:
    """Stop Copier when ``--data`` names no question, or a check. Always true."""
    questions = load(str(_conf(context)["src_path"]))
    for name in _conf(context)["data"]:
        if message := name_problem(name, questions):
            refuse(message)
    return True


@pass_context
def check_data(context: Context, name: str) -> bool:
    """Stop Copier when the value given for ``name`` is wrong. Always true.

    Called from the question's own ``when``, which Copier renders before it reads
    the given value, and after every earlier question has its answer.
    """
    data = _conf(context)["data"]
    question = load(str(_conf(context)["src_path"]))[name]
    if name not in data:
        if message := default_problem(context, question):
            refuse(message)
        return True
    value = data[name]
    if question.recorded:
        # spec_history is recorded before the entry it makes exists; it needs none.
        entry = context.get("domain_entry") or context["domain"]
        message = recorded_problem(name, value, entry, _recorded_answers(context))
    else:
        message = type_problem(question, value) or validator_message(context, question, value)
    if message:
        refuse(message)
    return True
