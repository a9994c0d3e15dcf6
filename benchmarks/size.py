"""What the template costs an app, and what its source costs us: the size targets.

    python benchmarks/size.py

Renders categories, accounts, transactions, budgets and a three-field custom entity
into one app with every option (tenancy, soft delete, the repository, api=fastapi),
then prints:

- the lines each domain owns (its package, its tests, its migrations and its answer
  and requirement files) and the lines rendered once for the app (the rest);
- copies: the share of domain-owned lines, each domain's own names normalised, that
  sit inside a run of RUN lines which also appears in another domain's files;
- the template source: Jinja lines in template/, ``call(``/``argument(`` in templates,
  and Python lines in extensions/.

Counts are of non-blank lines for copies, of all lines for sizes, so they read like
``wc -l``. Issue 20's targets sit beside each number.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import yaml
from copier import run_copy

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extensions.catalogue import load_domain  # noqa: E402
from extensions.naming import humanize, plural, snake  # noqa: E402

TEMPLATE_PARTS = ("copier.yml", "extensions", "template")
EVERY_OPTION = {"api": "fastapi", "include_tenant": True, "include_soft_delete": True}
CUSTOM = {
    "domain": "custom",
    "entity": "Invoice",
    "fields": "number:str(32):unique amount:money:positive due_on:date?",
}
DOMAINS = [{"domain": key} for key in ("categories", "accounts", "transactions", "budgets")]
RUN = 6  # lines in a run that counts as a copy
TARGETS = {
    "custom": 600,
    "budgets": 900,
    "shared": 2000,
    "copies": 15,
    "jinja": 2000,
    "calls": 60,
    "extensions": 3500,
}


def template_copy(folder: Path) -> Path:
    folder.mkdir()
    for part in TEMPLATE_PARTS:
        source = ROOT / part
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(source, folder / part, ignore=ignore)
        else:
            shutil.copy2(source, folder / part)
    return folder


def files_of(app: Path) -> set[Path]:
    return {p.relative_to(app) for p in app.rglob("*") if p.is_file()}


def owned_by(key: str, dest_dir: str, tests_dir: str, path: Path) -> bool:
    """Whether ``path``, new with this domain's copy, is the domain's own file."""
    text = path.as_posix()
    return (
        text.startswith(f"{dest_dir}/")
        or text.startswith(f"{tests_dir}/{key}/")
        or "/versions/" in f"/{text}"
        or (text.startswith(".copier/") and f".{key}." in text)
    )


def own_names(key: str, entity: str, table: str) -> list[str]:
    """A domain's names as they appear in its files, longest first."""
    singular = snake(entity)
    names = {
        entity,
        singular,
        plural(singular),
        table,
        key,
        humanize(singular),
        humanize(plural(singular)),
        plural(singular).replace("_", "-"),
        entity.upper(),
        singular.upper(),
        plural(entity) if entity[-1:] != "s" else entity,
        humanize(plural(singular)).capitalize(),
        humanize(singular).capitalize(),
    }
    return sorted((n for n in names if len(n) > 2), key=len, reverse=True)


def normalised(lines: Iterable[str], names: list[str]) -> list[str]:
    pattern = re.compile("|".join(re.escape(name) for name in names))
    out = []
    for line in lines:
        text = " ".join(line.split())
        if text:
            out.append(pattern.sub("ENTITY", text))
    return out


def copied_share(domains: dict[str, list[list[str]]]) -> tuple[int, int]:
    """(lines inside a run seen in another domain, all lines), over every domain."""
    runs_of: dict[tuple[str, ...], set[str]] = {}
    for key, files in domains.items():
        for lines in files:
            for i in range(len(lines) - RUN + 1):
                runs_of.setdefault(tuple(lines[i : i + RUN]), set()).add(key)
    copied = total = 0
    for key, files in domains.items():
        for lines in files:
            marked = [False] * len(lines)
            for i in range(len(lines) - RUN + 1):
                if runs_of[tuple(lines[i : i + RUN])] - {key}:
                    marked[i : i + RUN] = [True] * RUN
            copied += sum(marked)
            total += len(lines)
    return copied, total


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8", errors="replace").splitlines())


def source_numbers() -> dict[str, int]:
    templates = [p for p in (ROOT / "template").rglob("*") if p.is_file()]
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in templates}
    jinja = sum(len(text.splitlines()) for p, text in texts.items() if p.suffix == ".jinja")
    calls = sum(len(re.findall(r"\b(?:call|argument)\(", text)) for text in texts.values())
    python = [p for p in (ROOT / "extensions").rglob("*.py")]
    return {"jinja": jinja, "calls": calls, "extensions": sum(map(line_count, python))}


def row(what: str, value: float, target: float, unit: str = "") -> str:
    verdict = "met" if value <= target else "over"
    return f"{what:<58} {value:>8,.0f}{unit:<2} target <= {target:,}{unit}  {verdict}"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        template = template_copy(Path(scratch) / "template")
        app = Path(scratch) / "app"
        app.mkdir()
        owned: dict[str, list[Path]] = {}
        shared: list[Path] = []
        names: dict[str, list[str]] = {}
        for answers in [*DOMAINS, CUSTOM]:
            before = files_of(app)
            run_copy(
                str(template),
                app,
                data={**answers, **EVERY_OPTION},
                defaults=True,
                unsafe=True,
                quiet=True,
                overwrite=True,
            )
            new = sorted(files_of(app) - before)
            recorded = [p for p in new if p.as_posix().startswith(".copier/answers.")]
            given = yaml.safe_load((app / recorded[0]).read_text())
            key = recorded[0].name.split(".")[1]
            label = "custom" if answers["domain"] == "custom" else key
            dest, tests = given["dest_dir"], given["tests_dir"]
            owned[label] = [p for p in new if owned_by(key, dest, tests, p)]
            shared += [p for p in new if not owned_by(key, dest, tests, p)]
            entity = given.get("entity") or load_domain(key).entity
            names[label] = own_names(key, entity, given["table_name"])

        print("Lines each domain owns (every option), and what the app holds once:")
        for label, paths in owned.items():
            lines = sum(line_count(app / p) for p in paths)
            target = TARGETS.get(label)
            if target:
                print(row(f"  {label} ({len(paths)} files)", lines, target))
            else:
                print(f"  {label + f' ({len(paths)} files)':<56} {lines:>8,}")
        kit = sum(line_count(app / p) for p in shared)
        print(row(f"  rendered once per app ({len(shared)} files)", kit, TARGETS["shared"]))

        texts = {
            label: [
                normalised((app / p).read_text(encoding="utf-8").splitlines(), names[label])
                for p in paths
                if p.suffix == ".py"
            ]
            for label, paths in owned.items()
        }
        copied, total = copied_share(texts)
        share = 100 * copied / total
        print(f"\nCopies: {copied:,} of {total:,} domain-owned Python lines (non-blank)")
        print(
            row(f"  inside a {RUN}-line run another domain also has", share, TARGETS["copies"], "%")
        )

    numbers = source_numbers()
    print("\nThe template source:")
    print(row("  Jinja lines in template/", numbers["jinja"], TARGETS["jinja"]))
    print(row("  call( and argument( in templates", numbers["calls"], TARGETS["calls"]))
    print(row("  Python lines in extensions/", numbers["extensions"], TARGETS["extensions"]))


if __name__ == "__main__":
    main()
