#!/usr/bin/env bash
# Build Quire.app and quire-VERSION-macos.dmg on a Mac (see README.md beside this file).
#
# NOT BUILT OR TESTED: Quire's build machine is Linux. This is the definition to run on
# macOS (12 or later) with a Python 3.11 from python.org or Homebrew; it makes:
#   dist/Quire.app                 (PyInstaller one-folder bundle in an .app, via BUNDLE
#                                   in packaging/quire.spec: icon, .quire document type)
#   dist/quire-VERSION-macos.dmg   (the .app and a link to /Applications, via hdiutil)
# and runs the bundle's self-test headless before making the .dmg.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-python3.11}
VENV=build/venv-macos
VERSION=$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
APP=dist/Quire.app
DMG=dist/quire-$VERSION-macos-$(uname -m).dmg

# 1. a clean build-only venv: Quire's dependencies and PyInstaller, nothing else
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]))' > build/requirements-macos.txt
"$VENV/bin/python" -m pip install --quiet -r build/requirements-macos.txt "pyinstaller>=6,<7"

# 2. the .app (the spec adds BUNDLE on darwin)
rm -rf "$APP" dist/quire
"$VENV/bin/pyinstaller" --noconfirm --distpath dist --workpath build/pyinstaller-macos \
  packaging/quire.spec

# 3. the self-test of the bundle, headless
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/quire" --selftest

# 4. ad-hoc signature (Apple Silicon refuses unsigned code; a real Developer ID signature
#    and notarization need the project's Apple account: see README.md)
codesign --force --deep --sign - "$APP"

# 5. the .dmg: the app and a shortcut to /Applications
STAGE=$(mktemp -d)
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Quire $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
rm -rf "$STAGE"
ls -lh "$DMG"
