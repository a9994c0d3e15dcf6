"""Template logic for fin-infra-persistence: catalogue, naming, types, ids, validation.

Copier loads this package through :mod:`extensions.jinja`; the template's own tests
import it directly as ``extensions``.
"""
