; Inno Setup 6 script for Quire on Windows (64-bit).
;
; NOT BUILT OR TESTED: Quire's build machine is Linux. This is the definition to use on a
; Windows machine with Python 3.11 and Inno Setup 6 (see packaging/README.md):
;
;   py -3.11 -m venv build\venv
;   build\venv\Scripts\pip install <the dependencies of pyproject.toml> "pyinstaller>=6,<7"
;   build\venv\Scripts\pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\quire.spec
;   dist\quire\quire-cli.exe --selftest
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\quire.iss
;
; The spec makes dist\quire\ with quire.exe (the window, no console) and quire-cli.exe (the
; headless commands and --selftest, with a console), both carrying a version resource made
; from pyproject.toml's version (packaging/windows_version.py), and THIRD-PARTY-NOTICES.txt
; (packaging/notices.py). This script installs that folder, registers the .quire file type
; and adds Start menu entries. Output: dist\quire-<version>-setup.exe.
;
; Who it is installed for:
;   * Silent deployment (SCCM, Intune, GPO: they run setup as SYSTEM or as an administrator)
;       quire-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;     installs PER MACHINE, in Program Files, for every user (administrative install mode is
;     the default: PrivilegesRequired=admin). No /ALLUSERS is needed. Before, the default was
;     per user, so a silent install as SYSTEM went into the SYSTEM account's own profile.
;   * A user without administrator rights (a classroom) double-clicking setup is offered
;     "Install for me only" (the override dialog), which needs no rights; silently:
;       quire-<version>-setup.exe /VERYSILENT /CURRENTUSER
;   * Machine-wide defaults (coder name from the login name, citation style, project
;     folder, first-run question) go in %ProgramData%\Quire\defaults.toml: see the README,
;     "Machine-wide defaults". Deploy that file separately; uninstalling leaves it.
;
; Portable use without installing: copy dist\quire\ to a USB stick and put an empty file
; named "portable" (or "portable.txt") beside quire.exe; settings, data and the search
; cache then stay in that folder.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6C1F3A52-8E0B-4B8E-9A63-5D2C7E4F1A90}
AppName=Quire
AppVersion={#AppVersion}
AppPublisher=Quire developers
AppComments=Offline workbench for qualitative research on articles and posts
DefaultDirName={autopf}\Quire
DefaultGroupName=Quire
DisableProgramGroupPage=yes
; Per machine by default (and always when silent as SYSTEM); "for me only" stays possible
; from the dialog or with /CURRENTUSER. {autopf}, {autoprograms} and HKA follow the mode.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
UsePreviousPrivileges=no
VersionInfoVersion={#AppVersion}
VersionInfoProductName=Quire
VersionInfoDescription=Quire setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
SetupIconFile=quire.ico
UninstallDisplayIcon={app}\quire.exe
OutputDir=..\..\dist
OutputBaseFilename=quire-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Add Arabic when the Inno Setup used ships it:
; Name: "arabic"; MessagesFile: "compiler:Languages\Arabic.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "association"; Description: "Open .quire project files with Quire"; GroupDescription: "File types:"

[Files]
Source: "..\..\dist\quire\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; the licences of everything bundled, where an administrator looks (also in _internal\)
Source: "..\..\dist\quire\_internal\THIRD-PARTY-NOTICES.txt"; DestDir: "{app}"; Flags: ignoreversion

[Icons]
Name: "{autoprograms}\Quire"; Filename: "{app}\quire.exe"
Name: "{autoprograms}\Quire third-party licences"; Filename: "{app}\THIRD-PARTY-NOTICES.txt"
Name: "{autoprograms}\Quire self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\quire-cli.exe"" --selftest"
Name: "{autodesktop}\Quire"; Filename: "{app}\quire.exe"; Tasks: desktopicon

[Registry]
; The .quire file type, for the current user or the machine, as the install is.
Root: HKA; Subkey: "Software\Classes\.quire"; ValueType: string; ValueName: ""; ValueData: "Quire.Project"; Flags: uninsdeletevalue; Tasks: association
Root: HKA; Subkey: "Software\Classes\.quire"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-quire"; Tasks: association
Root: HKA; Subkey: "Software\Classes\Quire.Project"; ValueType: string; ValueName: ""; ValueData: "Quire project"; Flags: uninsdeletekey; Tasks: association
Root: HKA; Subkey: "Software\Classes\Quire.Project\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\quire.exe,0"; Tasks: association
Root: HKA; Subkey: "Software\Classes\Quire.Project\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\quire.exe"" ""%1"""; Tasks: association

[Run]
Filename: "{app}\quire.exe"; Description: "{cm:LaunchProgram,Quire}"; Flags: nowait postinstall skipifsilent
