#!/usr/bin/env bash
# Build Quire's Linux installers (`make package`): run from anywhere, on Debian 12 x86_64.
#
#   1. a clean build-only venv, build/venv: Quire's dependencies and PyInstaller, nothing
#      else (the bundle takes whatever sits in the venv); Quire's own code is taken from
#      the source tree by packaging/quire.spec;
#   2. the one-folder bundle dist/quire/ (PyInstaller), then its self-test, headless;
#   3. dist/quire-VERSION-linux-x86_64.tar.gz and dist/quire_VERSION_amd64.deb;
#   4. the .deb is unpacked again and the self-test runs on what it installs;
#   5. the window's start-up time is measured (offscreen), against the 2 s budget; a
#      window that does not come up (a module left out of the bundle) fails the build.
#
# The spec also writes build/pyinstaller/THIRD-PARTY-NOTICES.txt (shipped in the bundle)
# and build/pyinstaller/copyright (the .deb's DEP-5 copyright file) with
# packaging/notices.py; a bundled package with no licence text stops the build there.
#
# Environment: PYTHON (default python3, 3.11 built as a shared library), QUIRE_DEB_COMPRESSION
# (xz, the default: smallest; zstd: much faster, bigger), QUIRE_REUSE_VENV=1 to keep an
# existing build/venv made from the same pyproject.toml (faster rebuilds).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3}
COMPRESSION=${QUIRE_DEB_COMPRESSION:-xz}
VENV=build/venv
BUNDLE=dist/quire
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
TARBALL=dist/quire-$VERSION-linux-x86_64.tar.gz
DEB=dist/quire_${VERSION}_amd64.deb
START=$SECONDS
export QT_QPA_PLATFORM=offscreen  # everything below runs without a display

step() { printf '\n== %s (%d s so far)\n' "$*" $((SECONDS - START)); }

# --- 1. the build-only venv ----------------------------------------------------------------
build_venv() {
  local stamp=$VENV/.pyproject.sha256 want
  want=$(sha256sum pyproject.toml packaging/build.sh | sha256sum | cut -d' ' -f1)
  if [[ ${QUIRE_REUSE_VENV:-} == 1 && -f $stamp && $(cat "$stamp") == "$want" ]]; then
    echo "reusing $VENV (QUIRE_REUSE_VENV=1, same pyproject.toml)"
    return
  fi
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip 2>&1 \
    | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
  # Quire's run-time dependencies only (not the test or dev extras), read from pyproject.toml,
  # so that the project itself is not built into the venv: the spec takes it from the tree.
  "$VENV/bin/python" - <<'EOF' > build/requirements.txt
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project.get("optional-dependencies", {}).get("package", [])))
EOF
  grep -qi '^pyinstaller' build/requirements.txt || echo 'pyinstaller>=6,<7' >> build/requirements.txt
  "$VENV/bin/python" -m pip install --quiet -r build/requirements.txt 2>&1 \
    | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
  "$VENV/bin/python" -m pip freeze > build/bundled-packages.txt
  echo "$want" > "$stamp"
}

# --- 2. the bundle -----------------------------------------------------------------------------
build_bundle() {
  rm -rf "$BUNDLE"
  "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist \
    --workpath build/pyinstaller packaging/quire.spec 2>&1 | grep -v -e 'ctypes not found' \
      -e "could not resolve 'libxcb-icccm" -e "could not resolve 'libxcb-keysyms" \
      -e "could not resolve 'libg[td]k-3" -e 'INFO: setup plugin alembic' \
      -e 'Hidden import "pysqlite2"' -e 'Hidden import "MySQLdb"' || true
  [[ -x $BUNDLE/quire ]] || { echo "PyInstaller made no $BUNDLE/quire" >&2; exit 1; }
  # the notices made by the spec (packaging/notices.py), where an administrator looks first
  [[ -s $BUNDLE/_internal/THIRD-PARTY-NOTICES.txt ]] || { echo "no third-party notices" >&2; exit 1; }
  ln -s _internal/THIRD-PARTY-NOTICES.txt "$BUNDLE/THIRD-PARTY-NOTICES.txt"
  install -m 644 packaging/README-bundle.txt "$BUNDLE/README.txt"
}

selftest() {  # selftest EXECUTABLE: the self-test of a built Quire, in a scratch home
  local home
  home=$(mktemp -d)
  if ! HOME=$home XDG_CONFIG_HOME=$home/.config XDG_CACHE_HOME=$home/.cache \
       XDG_DATA_HOME=$home/.local/share "$1" --selftest; then
    rm -rf "$home"
    echo "SELF-TEST FAILED: $1" >&2
    exit 1
  fi
  rm -rf "$home"
}

# --- 3. the archives ---------------------------------------------------------------------------
build_tarball() {
  rm -f "$TARBALL"
  tar -C dist --owner=0 --group=0 -czf "$TARBALL" quire
}

build_deb() {
  local root=build/deb
  rm -rf "$root" "$DEB"
  mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
    "$root/usr/share/mime/packages" "$root/usr/share/doc/quire" \
    "$root/usr/share/icons/hicolor/scalable/apps" "$root/usr/share/icons/hicolor/256x256/apps" \
    "$root/usr/share/icons/hicolor/scalable/mimetypes" \
    "$root/usr/share/icons/hicolor/256x256/mimetypes"
  cp -a "$BUNDLE" "$root/opt/quire"
  ln -s /opt/quire/quire "$root/usr/bin/quire"
  install -m 644 packaging/linux/quire.desktop "$root/usr/share/applications/quire.desktop"
  install -m 644 packaging/linux/quire-mime.xml "$root/usr/share/mime/packages/quire.xml"
  for kind in apps mimetypes; do
    local name=quire
    [[ $kind == mimetypes ]] && name=application-x-quire
    install -m 644 resources/icons/quire.svg "$root/usr/share/icons/hicolor/scalable/$kind/$name.svg"
    install -m 644 resources/icons/quire.png "$root/usr/share/icons/hicolor/256x256/$kind/$name.png"
  done
  # the DEP-5 copyright file the spec generated from what the bundle holds (notices.py)
  install -m 644 build/pyinstaller/copyright "$root/usr/share/doc/quire/copyright"
  ln -s /opt/quire/_internal/THIRD-PARTY-NOTICES.txt \
    "$root/usr/share/doc/quire/THIRD-PARTY-NOTICES.txt"
  install -m 755 packaging/linux/postinst packaging/linux/postrm "$root/DEBIAN/"
  local size
  size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  sed -e "s/@VERSION@/$VERSION/" -e "s/@SIZE@/$size/" packaging/linux/control > "$root/DEBIAN/control"
  chmod -R u=rwX,go=rX "$root/opt" "$root/usr"
  dpkg-deb --build --root-owner-group "-Z$COMPRESSION" "$root" "$DEB" >/dev/null
}

check_deb() {  # the .deb's files are where they should be, and what it installs runs
  local out=build/deb-check
  rm -rf "$out"
  dpkg-deb -x "$DEB" "$out"
  for f in opt/quire/quire usr/bin/quire usr/share/applications/quire.desktop \
           usr/share/mime/packages/quire.xml usr/share/icons/hicolor/scalable/apps/quire.svg \
           opt/quire/_internal/resources/sample opt/quire/_internal/db/migrations/env.py \
           opt/quire/_internal/THIRD-PARTY-NOTICES.txt usr/share/doc/quire/copyright; do
    [[ -e $out/$f || -L $out/$f ]] || { echo "the .deb lacks /$f" >&2; exit 1; }
  done
  head -1 "$out/usr/share/doc/quire/copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
    || { echo "the .deb's copyright file is not DEP-5" >&2; exit 1; }
  dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'
  selftest "$out/opt/quire/quire"
  rm -rf "$out"
}

# --- 5. start-up time --------------------------------------------------------------------------
time_window() {  # the bundle's window, offscreen: the welcome page, then the sample project
  local home sample=$BUNDLE/_internal/resources/sample
  home=$(mktemp -d)
  mkdir -p "$home/settings"
  printf '[General]\ncoder=Timing\n' > "$home/settings/quire.ini"  # no first-run question
  local env=(QUIRE_CONFIG_DIR="$home/settings" QUIRE_DATA_DIR="$home/data"
             QUIRE_CACHE_DIR="$home/cache" QUIRE_EXIT_AFTER_SHOWN=1)
  "$BUNDLE/quire" new "$home/sample.quire" >/dev/null
  "$BUNDLE/quire" import "$home/sample.quire" "$sample/articles" --collection Articles >/dev/null
  "$BUNDLE/quire" import "$home/sample.quire" "$sample"/posts/* >/dev/null
  for what in "" "$home/sample.quire"; do
    for _ in 1 2 3; do
      printf '%-16s ' "$( [[ -n $what ]] && echo 'sample project:' || echo 'welcome page:')"
      env "${env[@]}" "$BUNDLE/quire" $what 2>"$home/stderr" | grep 'window shown' \
        || { echo "NO WINDOW from $BUNDLE/quire $what:" >&2; cat "$home/stderr" >&2; exit 1; }
    done
  done
  rm -rf "$home"
}

step "build-only venv $VENV"; build_venv
step "PyInstaller bundle $BUNDLE"; build_bundle
step "self-test of the bundle"; selftest "$BUNDLE/quire"
step "tarball"; build_tarball
step "Debian package ($COMPRESSION)"; build_deb
step "checking the .deb"; check_deb
step "window start-up (budget: 2 s)"; time_window
step "done"
"$BUNDLE/quire" --version --verbose
du -sh "$BUNDLE"
ls -l "$TARBALL" "$DEB"
echo "build time: $((SECONDS - START)) s"
