"""What Quire loads: the modules imported and the data files opened under site-packages.

    .venv/bin/python packaging/measure_imports.py OUT.json [PYTEST ARGS...]

runs ``quire --selftest`` in this process, then pytest with the given arguments (e.g. the
desktop tests, which open every window, pane, dialog and export), with an audit hook that
records every file opened under site-packages, and writes the top-level packages imported
and the files opened, grouped by package. It is how the bundle's exclusions in
packaging/quire.spec were chosen (packaging/README.md, "Leaner bundle"): a package, a data
folder or a Qt translation that no run loads can be left out.
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig
from collections import defaultdict
from pathlib import Path

SITE = str(Path(sysconfig.get_paths()["purelib"]).resolve()) + os.sep
opened: set[str] = set()


def _hook(event: str, args: tuple) -> None:
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        path = os.fsdecode(args[0])
        if path.startswith(SITE):
            opened.add(path[len(SITE):])


def main() -> int:
    out = Path(sys.argv[1])
    sys.addaudithook(_hook)
    from desktop.cli import main as quire

    code = quire(["--selftest"])
    if len(sys.argv) > 2:
        import pytest

        code = pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[2:]]) or code
    by_package: dict[str, list[str]] = defaultdict(list)
    for path in sorted(opened):
        if path.endswith((".py", ".pyc")) or "__pycache__" in path:
            continue  # modules are counted below
        by_package[path.split(os.sep)[0]].append(path)
    modules = sorted({m.split(".")[0] for m in sys.modules})
    out.write_text(json.dumps({"modules": modules, "data_files": by_package,
                               "all_modules": sorted(sys.modules)}, indent=1))
    print(f"{len(modules)} top-level modules, data files of {len(by_package)} packages: {out}")
    return code


if __name__ == "__main__":
    sys.exit(main())
