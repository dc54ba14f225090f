"""The Windows version resource of quire.exe and quire-cli.exe, made from the package's
version (pyproject.toml), as the text PyInstaller's ``EXE(version=FILE)`` reads (its
``VSVersionInfo`` notation). ``packaging/quire.spec`` writes it on Windows; Explorer's
Properties ▸ Details and software inventories (SCCM, Intune) then show Quire's version.
"""

from __future__ import annotations

import re


def numeric(version: str) -> tuple[int, int, int, int]:
    """``0.1.0`` → (0, 1, 0, 0); ``1.2.3rc1`` → (1, 2, 3, 0): the four numbers Windows keeps."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])[:3]]
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def version_file_text(version: str, exe_name: str, description: str) -> str:
    """The version resource of one executable, as PyInstaller's version-file text."""
    nums = numeric(version)
    strings = {
        "CompanyName": "Quire developers",
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": exe_name.removesuffix(".exe"),
        "LegalCopyright": "Quire developers; GNU GPL 3 or later (third-party licences in "
                          "THIRD-PARTY-NOTICES.txt)",
        "OriginalFilename": exe_name,
        "ProductName": "Quire",
        "ProductVersion": version,
    }
    entries = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""# UTF-8
# The version resource of {exe_name} (packaging/windows_version.py; do not edit).
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={nums},
    prodvers={nums},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [{entries}])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])])
  ]
)
"""
