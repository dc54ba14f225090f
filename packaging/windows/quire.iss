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
; headless commands and --selftest, with a console). This script installs that folder,
; per user by default (no administrator rights needed in a classroom), registers the
; .quire file type and adds Start menu entries. Output: dist\quire-<version>-setup.exe.
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
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
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

[Icons]
Name: "{autoprograms}\Quire"; Filename: "{app}\quire.exe"
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
