"""Regenerate the Taguette fixture files of this folder with a real Taguette.

Not part of the test run. It needs Taguette installed in a throwaway virtual
environment outside the repository (Taguette is never vendored into Quire):

    python3 -m venv /tmp/taguette-venv
    /tmp/taguette-venv/bin/pip install taguette==1.5.2
    /tmp/taguette-venv/bin/python tests/db/exchange/taguette_files/make_fixtures.py

It starts Taguette's own server (multi-user mode, on 127.0.0.1 only, with a database in
a temporary folder), registers two users, and drives Taguette's HTTP API exactly as its
web page does: a project with two HTML articles (one English and French with an emoji,
one Arabic and right-to-left), six tags (one French with accents, one Arabic, one with
"/" in its name), nine highlights by the two users (two with two tags, one across a
paragraph break, one untagged; Taguette itself adds a tag "interesting" to every new
project), and a second project whose only tag is deleted. Highlight offsets
are computed as Taguette's page computes them: UTF-8 bytes over the text of the
document's HTML as an HTML5 parser builds it (Taguette's own BeautifulSoup/html5lib).
Then it downloads every export Taguette offers for them (no Calibre needed: HTML, CSV,
QDC, SQLite) and copies the server's own database. README.md lists the files.

With ``--check-csv FILE`` it instead prints what Taguette's own codebook importer
reads from a CSV file (used to check Quire's codebook CSV export).
"""

from __future__ import annotations

import http.cookiejar
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent

RETURN_HTML = """<html><head><meta charset="utf-8"><title>Return to Raqqa</title></head><body>
<h1>Return to Raqqa</h1>
<p>Families returned to Raqqa after the strikes ended. There is no water 💧 and no
electricity.</p>
<p>Many feel <em>hopeless</em>; some still hope to rebuild their homes.
« C'est notre ville », dit Hélène.</p>
<ul><li>Water: none</li><li>Power: none</li></ul>
<p>The old bridge is gone &amp; the river is the only way across.</p>
</body></html>
"""
ARABIC_HTML = """<meta charset="utf-8">
<p>عادَت العائلات إلى الرقة بعد توقف الغارات. لا ماء ولا كهرباء في المدينة.</p>
<p>يخشى المدنيون من عودة القتال، لكن الأمل باقٍ.</p>
"""
TAGS = [("water", "Access to drinking water"), ("hope", ""),
        ("émotion", "Sentiments exprimés"), ("أمل", "الأمل في المستقبل"),
        ("politique/locale", "Local politics"), ("infrastructure", "")]
# (user, document, first words, last words, tags): the passage runs from the start of
# the first words to the end of the last words, in the text as Taguette counts it.
HIGHLIGHTS = [
    ("lina", "return", "no water", "electricity", ["water", "infrastructure"]),
    ("lina", "return", "some still hope", "their homes", ["hope"]),
    ("karim", "return", "hopeless", "hopeless", ["émotion"]),
    ("karim", "return", "strikes ended", "Many feel", ["émotion", "politique/locale"]),
    ("lina", "return", "« C'est", "ville »", ["politique/locale"]),
    ("lina", "return", "The old bridge", "is gone", []),
    ("karim", "return", "Water: none", "Water: none", ["water"]),
    ("karim", "arabic", "لا ماء", "ولا كهرباء", ["infrastructure"]),
    ("lina", "arabic", "الأمل", "باقٍ", ["أمل"]),
]
CONFIG = """NAME = "Quire fixtures"
BIND_ADDRESS = "127.0.0.1"
PORT = {port}
BASE_PATH = "/"
DOMAIN = "localhost:{port}"
SECRET_KEY = "quire-fixtures-only"
DATABASE = "sqlite:///{db}"
EMAIL = "Quire fixtures <nobody@localhost>"
TOS_FILE = None
DEFAULT_LANGUAGE = "en_US"
MAIL_SERVER = {{"ssl": False, "host": "localhost", "port": 25}}
COOKIES_PROMPT = False
REGISTRATION_ENABLED = True
SQLITE3_IMPORT_ENABLED = True
X_HEADERS = False
MULTIUSER = True
"""


class Browser:
    """One user's cookies, and requests carrying Taguette's XSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.get("/login")  # sets the _xsrf cookie

    def xsrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "_xsrf")

    def request(self, method: str, path: str, data: bytes | None = None,
                ctype: str = "") -> bytes:
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("X-Xsrftoken", self.xsrf() if any(c.name == "_xsrf" for c in self.jar)
                       else "")
        if ctype:
            req.add_header("Content-Type", ctype)
        with self.opener.open(req, timeout=60) as resp:
            return resp.read()

    def get(self, path: str) -> bytes:
        return self.request("GET", path)

    def form(self, path: str, fields: dict[str, str]) -> bytes:
        body = urllib.parse.urlencode({**fields, "_xsrf": self.xsrf()}).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded")

    def json(self, method: str, path: str, obj) -> dict:
        out = self.request(method, path, json.dumps(obj).encode(), "application/json")
        return json.loads(out or b"{}")

    def upload(self, path: str, fields: dict[str, str], filename: str, data: bytes) -> dict:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{filename}"\r\nContent-Type: text/html\r\n\r\n'.encode()
                     + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        out = self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")
        return json.loads(out)


def text_nodes(html: str) -> str:
    """The text Taguette counts offsets in: every string of the HTML5 tree, in order."""
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(html, "html5lib")
    return "".join(str(n) for n in soup.descendants if isinstance(n, NavigableString))


def byte_span(html: str, first: str, last: str) -> tuple[int, int]:
    text = text_nodes(html)
    if first not in text or last not in text[text.index(first):]:
        raise SystemExit(f"{first!r}...{last!r} is not in {text!r}")
    a = text.index(first)
    b = text.index(last, a) + len(last)
    return len(text[:a].encode("utf-8")), len(text[:b].encode("utf-8"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(base: str, proc: subprocess.Popen) -> None:
    for _ in range(100):  # at most 20 seconds
        if proc.poll() is not None:
            raise SystemExit("Taguette stopped before it answered")
        try:
            urllib.request.urlopen(base + "/health", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("Taguette did not answer on " + base)


def build(base: str) -> dict[str, bytes]:
    lina, karim = Browser(base), Browser(base)
    for who, login in ((lina, "lina"), (karim, "karim")):
        who.form("/register", {"login": login, "password1": "fixtures-only",
                               "password2": "fixtures-only"})
    lina.form("/project/new", {"name": "Field study", "description": "Two articles, coded"})
    lina.form("/project/new", {"name": "Empty study", "description": ""})
    lina.json("PATCH", "/api/project/1/members", {"karim": {"privileges": "TAG"}})
    docs = {
        "return": lina.upload("/api/project/1/document/new",
                              {"name": "Return to Raqqa", "description": "An article",
                               "text_direction": "LEFT_TO_RIGHT"},
                              "return.html", RETURN_HTML.encode())["created"],
        "arabic": lina.upload("/api/project/1/document/new",
                              {"name": "العودة إلى الرقة", "description": "",
                               "text_direction": "RIGHT_TO_LEFT"},
                              "arabic.html", ARABIC_HTML.encode())["created"],
    }
    lina.upload("/api/project/2/document/new", {"name": "Untagged", "description": "",
                                                "text_direction": "LEFT_TO_RIGHT"},
                "untagged.html", b"<p>Nothing tagged here.</p>")
    # Every new project starts with the tag "interesting" (ids 1 and 2 here); the second
    # project loses it, so that its codebook export has no code at all.
    lina.request("DELETE", "/api/project/2/tag/2")
    tags = {path: lina.json("POST", "/api/project/1/tag/new",
                            {"path": path, "description": desc})["id"]
            for path, desc in TAGS}
    contents = {k: "".join(c["contents"] for c in json.loads(
        lina.get(f"/api/project/1/document/{d}/contents"))["contents"]) for k, d in docs.items()}
    users = {"lina": lina, "karim": karim}
    for user, doc, first, last, names in HIGHLIGHTS:
        a, b = byte_span(contents[doc], first, last)
        users[user].json("POST", f"/api/project/1/document/{docs[doc]}/highlight/new",
                         {"start_offset": a, "end_offset": b,
                          "tags": [tags[n] for n in names]})
    return {
        "project.sqlite3": lina.get("/project/1/export/project.sqlite3"),
        "codebook.qdc": lina.get("/project/1/export/codebook.qdc"),
        "codebook.csv": lina.get("/project/1/export/codebook.csv"),
        "highlights.csv": lina.get("/project/1/export/highlights/.csv"),
        "document.html": lina.get(f"/project/1/export/document/{docs['return']}.html"),
        "empty-codebook.qdc": lina.get("/project/2/export/codebook.qdc"),
    }


def main() -> None:
    if sys.argv[1:2] == ["--check-csv"]:
        from taguette.import_codebook import list_tags

        with open(sys.argv[2], "rb") as fh:
            for tag in list_tags(fh):
                print(json.dumps(tag, ensure_ascii=False))
        return
    import taguette

    folder = Path(tempfile.mkdtemp(prefix="quire-taguette-"))
    port = free_port()
    db = folder / "taguette.sqlite3"
    (folder / "config.py").write_text(CONFIG.format(port=port, db=db))
    exe = Path(sys.executable).with_name("taguette")
    with open(folder / "server.log", "wb") as log:
        proc = subprocess.Popen([str(exe), "server", str(folder / "config.py")], stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base, proc)
            files = build(base)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    if b"<Codes/>" not in files["empty-codebook.qdc"]:
        raise SystemExit("the second project's codebook is not empty")
    for name, data in files.items():
        (HERE / name).write_bytes(data)
    shutil.copyfile(db, HERE / "taguette-server.sqlite3")
    (HERE / "VERSION").write_text(f"Taguette {taguette.__version__}\n")
    shutil.rmtree(folder, ignore_errors=True)
    print("wrote", ", ".join(sorted([*files, "taguette-server.sqlite3"])), "in", HERE)


if __name__ == "__main__":
    main()
