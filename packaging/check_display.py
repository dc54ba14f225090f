"""Can Quire's window open on this machine's display? Says exactly what is missing.

``make run`` runs this first; ``.ci/run`` installs ``--packages``. It needs only the
standard library (it runs before Quire is installed, with the system's python3):

    python3 packaging/check_display.py             # exit 0, or 1 with what to install
    python3 packaging/check_display.py --packages  # the Debian packages, one per line

Qt draws on an X11 (or XWayland) display through its ``xcb`` platform plugin, which
loads the xcb libraries below; without one of them Qt aborts with "could not load the Qt
platform plugin "xcb"". The check runs ``ldd`` on the plugin the venv's PySide6 ships
and maps every library it cannot find to the Debian/Ubuntu package that provides it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

# The library each package provides (as ``ldd`` names it), for Qt 6's xcb plugin.
DISPLAY_PACKAGES = {
    "libxcb-cursor0": "libxcb-cursor.so.0",
    "libxcb-icccm4": "libxcb-icccm.so.4",
    "libxcb-image0": "libxcb-image.so.0",
    "libxcb-keysyms1": "libxcb-keysyms.so.1",
    "libxcb-randr0": "libxcb-randr.so.0",
    "libxcb-render-util0": "libxcb-render-util.so.0",
    "libxcb-render0": "libxcb-render.so.0",
    "libxcb-shape0": "libxcb-shape.so.0",
    "libxcb-shm0": "libxcb-shm.so.0",
    "libxcb-sync1": "libxcb-sync.so.1",
    "libxcb-util1": "libxcb-util.so.1",
    "libxcb-xfixes0": "libxcb-xfixes.so.0",
    "libxcb-xkb1": "libxcb-xkb.so.1",
    "libxcb1": "libxcb.so.1",
    "libxkbcommon-x11-0": "libxkbcommon-x11.so.0",
    "libxkbcommon0": "libxkbcommon.so.0",
    "libx11-xcb1": "libX11-xcb.so.1",
    "libx11-6": "libX11.so.6",
    "libegl1": "libEGL.so.1",
    "libgl1": "libGL.so.1",
    "libfontconfig1": "libfontconfig.so.1",
    "libdbus-1-3": "libdbus-1.so.3",
}
OFFSCREEN = ("offscreen", "minimal", "vnc")


def xcb_plugin() -> Path | None:
    """Qt's xcb platform plugin in the installed PySide6, or None."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    qt = Path(next(iter(spec.submodule_search_locations))) / "Qt"
    plugin = qt / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def missing_libraries(plugin: Path) -> list[str]:
    """The libraries the plugin (and Qt's xcb library beside it) cannot load."""
    files = [plugin, *sorted((plugin.parents[2] / "lib").glob("libQt6XcbQpa.so*"))[:1]]
    out = subprocess.run(["ldd", *map(str, files)], capture_output=True, text=True,
                         check=False).stdout
    return sorted({line.split()[0] for line in out.splitlines() if "not found" in line})


def packages_for(libraries: list[str]) -> tuple[list[str], list[str]]:
    """The packages providing ``libraries``, and the libraries no package here names."""
    by_library = {lib: pkg for pkg, lib in DISPLAY_PACKAGES.items()}
    known = sorted({by_library[lib] for lib in libraries if lib in by_library})
    return known, [lib for lib in libraries if lib not in by_library]


def problems(environ: dict[str, str] | None = None) -> list[str]:
    """What stops the window from opening here, in sentences (none: it can open)."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux"):
        return []
    if env.get("QT_QPA_PLATFORM", "").split(":")[0] in OFFSCREEN:
        return []
    found = []
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        found.append("No display: DISPLAY and WAYLAND_DISPLAY are unset. Run Quire in a "
                     "desktop session, with `ssh -X`, or under Xvfb (`xvfb-run make run`).")
    plugin = xcb_plugin()
    if plugin is None:
        found.append("PySide6 is not installed in this Python: run `make .venv/.installed`.")
    elif shutil.which("ldd"):
        packages, unknown = packages_for(missing_libraries(plugin))
        if packages:
            found.append("Qt's display plugin (xcb) needs Debian/Ubuntu packages that are "
                         f"missing: {' '.join(packages)}\nInstall them with:\n"
                         f"  sudo apt-get install {' '.join(packages)}")
        if unknown:
            found.append(f"Qt's display plugin cannot load: {' '.join(unknown)}")
    return found


def main(argv: list[str]) -> int:
    """Print the packages (``--packages``) or the problems; 1 when there are problems."""
    if "--packages" in argv:
        print("\n".join(DISPLAY_PACKAGES))
        return 0
    found = problems()
    for text in found:
        print(text, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
