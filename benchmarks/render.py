"""Render timings, measured side by side in one run and printed as ratios.

    python benchmarks/render.py [repeats]

1. `copier copy` of one domain next to `copier copy` of a one-file template
   (Copier's own floor: cloning, questions, writing).
2. `copier update` of that domain (to a release that changes one line) next to
   its `copier copy`.
3. `copier copy` by the last template that ran ruff at render time (commit
   c2eeaf8, when this clone has it) next to the same copy at HEAD.

Medians of `repeats` (default 5) alternating runs, so machine noise hits both sides.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from copier import run_copy, run_update

ROOT = Path(__file__).resolve().parents[1]
FORMATTED_AT_RENDER = "c2eeaf8"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def timed(action: Callable[..., object], *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    action(*args, **kwargs)
    return time.perf_counter() - start


def one_file_template(folder: Path) -> Path:
    (folder / "template").mkdir(parents=True)
    (folder / "copier.yml").write_text(
        "_subdirectory: template\nname:\n  type: str\n  default: demo\n"
    )
    (folder / "template/{{ name }}.py.jinja").write_text('NAME = "{{ name }}"\n')
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "one file")
    return folder


def released_copy_of_this_template(folder: Path) -> Path:
    """This template in a throw-away repo: v1 as it is, v2 with one changed line."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "v1")
    git(folder, "tag", "v1")
    model = folder / "template/{{ dest_dir }}/{{ models_filename }}.jinja"
    model.write_text(
        model.read_text().replace("The current time, timezone-aware, in UTC.", "Now, in UTC.")
    )
    git(folder, "commit", "-qam", "v2")
    git(folder, "tag", "v2")
    return folder


def main(repeats: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        floor = one_file_template(base / "floor")
        template = released_copy_of_this_template(base / "template")
        floor_times, copy_times, update_times = [], [], []
        formatted_times, head_times = [], []
        old = subprocess.run(
            ["git", "cat-file", "-e", f"{FORMATTED_AT_RENDER}^{{commit}}"], cwd=ROOT, check=False
        )
        for i in range(repeats):
            quiet = {"defaults": True, "unsafe": True, "quiet": True}
            if old.returncode == 0:
                at = {"data": {"include_tenant": True}, **quiet}
                formatted_times.append(
                    timed(run_copy, str(ROOT), base / f"r{i}", vcs_ref=FORMATTED_AT_RENDER, **at)
                )
                head_times.append(timed(run_copy, str(ROOT), base / f"h{i}", vcs_ref="HEAD", **at))
            floor_times.append(timed(run_copy, str(floor), base / f"f{i}", **quiet))
            app = base / f"app{i}"
            app.mkdir()
            git(app, "init", "-q")
            copy_times.append(timed(run_copy, str(template), app, vcs_ref="v1", **quiet))
            git(app, "add", "-A")
            git(app, "commit", "-qm", "rendered")
            answers = ".copier/answers.budgets.yml"
            update_times.append(
                timed(run_update, app, answers_file=answers, vcs_ref="v2", overwrite=True, **quiet)
            )
    floor_s, copy_s, update_s = (
        statistics.median(t) for t in (floor_times, copy_times, update_times)
    )
    print(f"repeats: {repeats} (medians)")
    print(f"copier copy, one-file template : {floor_s:6.2f} s")
    print(
        f"copier copy, budgets domain    : {copy_s:6.2f} s  = {copy_s / floor_s:4.1f}x the one-file floor"
    )
    print(
        f"copier update, budgets domain  : {update_s:6.2f} s  = {update_s / copy_s:4.1f}x its copy"
    )
    if formatted_times:
        formatted_s, head_s = statistics.median(formatted_times), statistics.median(head_times)
        print(
            f"copier copy at {FORMATTED_AT_RENDER} (ruff)    : {formatted_s:6.2f} s  = "
            f"{formatted_s / head_s:4.1f}x the same copy at HEAD ({head_s:.2f} s)"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
