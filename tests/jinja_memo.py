"""Compile each Jinja source once per test process, however many renders use it.

Copier builds a new Jinja environment for every render and Jinja caches compiled
templates per environment only, so a test worker that renders hundreds of apps
compiled the same templates and copier.yml expressions hundreds of times: about half
of an in-process render. ``compile_each_source_once`` memoises ``Environment.compile``
on what decides the generated code: the source, the template name and every setting
of the environment the code generator reads.

Two things keep it faithful:

- The file name is left out of the key: Copier renders each run from a fresh clone
  of the template, so the same file has a new path every time. It only labels
  tracebacks.
- A cache hit still runs the extensions' ``preprocess`` hooks, which may keep state
  (Copier's ``yield`` tag resets its context there).

The rendered bytes do not change; tests/test_render.py compares a render with the
memo against one without it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import Environment

_Compile = Callable[..., Any]
# Jinja's own compile, for the test that renders without the memo.
UNMEMOISED = Environment.compile


def _settings(environment: Environment) -> Hashable:
    """Every setting of ``environment`` that changes the code Jinja generates."""
    return (
        type(environment),
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        repr(environment.autoescape),
        repr(environment.finalize),
        repr(getattr(environment, "intercepted_binops", None)),
        repr(getattr(environment, "intercepted_unops", None)),
        tuple(sorted(environment.extensions)),
    )


def memoised(compile_source: _Compile) -> _Compile:
    """``compile_source`` (``Environment.compile``), remembering what it compiled."""
    compiled: dict[Hashable, Any] = {}

    def compile(  # noqa: A001 - the name Jinja calls
        self: Environment,
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if raw or not isinstance(source, str):
            return compile_source(self, source, name, filename, raw, defer_init)
        key = (_settings(self), source, name, defer_init)
        code = compiled.get(key)
        if code is None:
            code = compiled[key] = compile_source(self, source, name, filename, raw, defer_init)
        else:
            self.preprocess(source, name, filename)
        return code

    return compile


@contextmanager
def compile_each_source_once() -> Iterator[None]:
    """Within the block, every Jinja environment shares one memo of compiled code."""
    Environment.compile = memoised(UNMEMOISED)  # type: ignore[method-assign]
    try:
        yield
    finally:
        Environment.compile = UNMEMOISED  # type: ignore[method-assign]
