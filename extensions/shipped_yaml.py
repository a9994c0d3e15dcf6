"""The YAML this template ships (its catalogue and copier.yml), parsed fast.

PyYAML's C loader (libyaml, in every PyYAML wheel) parses these files about ten times
faster than the pure-Python one, and every render reads them again. The result never
depends on which loader ran: tests/test_extensions.py parses each shipped file with
both and compares. Answers and the app's own files are parsed with ``yaml.safe_load``
as before: their text is the user's, where the two loaders may disagree.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """The data of a YAML document this template ships."""
    return yaml.load(text, Loader=LOADER)  # noqa: S506 - a safe loader, C or Python
