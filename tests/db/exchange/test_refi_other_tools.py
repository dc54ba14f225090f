"""Reading REFI-QDA files written by other programs, with their quirks."""

from __future__ import annotations

import unicodedata
import zipfile

import pytest
from sqlalchemy import select

from db.exchange.refi_import import import_qdc, import_qdpx, read_qdpx
from db.models import Code, Coder, Coding, Collection, Excerpt, Memo, Source

U1 = "6D1C2A3B-0000-4000-8000-00000000A001"
U2 = "{6d1c2a3b-0000-4000-8000-00000000a002}"
C1 = "6D1C2A3B-0000-4000-8000-0000000C0DE1"
C2 = "6D1C2A3B-0000-4000-8000-0000000C0DE2"
S1 = "6D1C2A3B-0000-4000-8000-00000000501A"
S2 = "6D1C2A3B-0000-4000-8000-00000000501B"
SEL = "6D1C2A3B-0000-4000-8000-0000000005E1"
SEL2 = "6D1C2A3B-0000-4000-8000-0000000005E2"
N1 = "6D1C2A3B-0000-4000-8000-0000000000E1"
V1 = "6D1C2A3B-0000-4000-8000-0000000000F1"
V2 = "6D1C2A3B-0000-4000-8000-0000000000F2"
SET = "6D1C2A3B-0000-4000-8000-0000000005E7"
G = iter(f"6d1c2a3b-0000-4000-8000-{i:012x}" for i in range(1, 999))


def qde(body: str, origin: str = "MAXQDA 2022", users: bool = True) -> bytes:
    """A project.qde around ``body`` (Sources and what follows them)."""
    who = (f'<Users><User guid="{U1}" name="Lina"/><User guid="{U2}" name="Karim"/></Users>'
           if users else "")
    return (f'<?xml version="1.0" encoding="utf-8"?>\r\n'
            f'<Project xmlns="urn:QDA-XML:project:1.0" name="Field study" origin="{origin}">'
            f'{who}<CodeBook><Codes><Code guid="{C1}" name="Fear" isCodable="true" '
            f'color="#F00"><Description>خوف</Description><Code guid="{C2}" name="Rumour" '
            f'isCodable="false"/></Code></Codes></CodeBook>'
            f'<Variables><Variable guid="{V1}" name="Author" typeOfVariable="Text"/>'
            f'<Variable guid="{V2}" name="Region" typeOfVariable="Text"/></Variables>'
            f'{body}</Project>').encode()


def selection(start: int, end: int, code: str = C1, user: str | None = U1,
              guid: str | None = None) -> str:
    who = f' creatingUser="{user}"' if user else ""
    return (f'<PlainTextSelection guid="{guid or next(G)}" startPosition="{start}" '
            f'endPosition="{end}"{who}><Coding guid="{next(G)}"{who}>'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')


def qdpx(tmp_path, files: dict[str, bytes], name: str = "other.qdpx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in files.items():
            zf.writestr(member, data)
    return path


def texts(proj) -> dict[str, list[str]]:
    """Each coder's coded passages."""
    with proj.sessions() as s:
        rows = s.execute(select(Coder.name, Source.text, Excerpt.start, Excerpt.end)
                         .join(Excerpt, Excerpt.coder_id == Coder.id)
                         .join(Source, Source.id == Excerpt.source_id)
                         .order_by(Excerpt.start)).all()
    out: dict[str, list[str]] = {}
    for name, text, a, b in rows:
        out.setdefault(name, []).append(text[a:b])
    return out


def run_import(proj, path):
    with proj.session() as s:
        return import_qdpx(s, path=path).value


def test_bom_crlf_lower_case_sources_folder_and_another_qde_name(proj, tmp_path):
    raw = "They left at dawn.\r\nNobody came back.\r\n"  # counted with its CRs
    at = raw.index("Nobody")
    body = (f'<Sources><TextSource guid="{S1}" name="Dawn" plainTextPath="internal://{S1}.txt">'
            f'{selection(at, at + len("Nobody came back"))}</TextSource></Sources>')
    path = qdpx(tmp_path, {"Field study.qde": qde(body),
                           f"sources/{S1}.txt": raw.encode("utf-8-sig")})  # a BOM
    report = run_import(proj, path)
    assert report.added["sources"] == 1 and report.unmapped == []
    assert texts(proj) == {"Lina": ["Nobody came back"]}
    with proj.sessions() as s:
        src = s.scalars(select(Source)).one()
        assert src.text == "They left at dawn.\nNobody came back.\n"
        assert src.uuid == S1.lower()  # upper-case GUIDs are the same entities
        code = s.scalar(select(Code).where(Code.name == "Fear"))
        assert (code.uuid, code.color, code.description) == (C1.lower(), "#ff0000", "خوف")
        assert s.scalar(select(Code.name).where(Code.parent_id == code.id)) == "Rumour"


def test_inline_text_with_crlf_keeps_positions(proj, tmp_path):
    raw = "Line one\r\nLine two has fear\r\nend"
    at = raw.index("fear")
    body = (f'<Sources><TextSource guid="{S1}" name="Inline"><PlainTextContent>{raw}'
            f'</PlainTextContent>{selection(at, at + 4, user=U2)}</TextSource></Sources>')
    path = qdpx(tmp_path, {"project.qde": qde(body, users=False)})
    run_import(proj, path)
    assert texts(proj) == {"User 6d1c2a3b": ["fear"]}  # an unlisted user gets a name


def test_utf16_positions_from_dotnet_programs_and_braced_guids(proj, tmp_path):
    text = "🕊️ سلام. The bridge 🌉 is gone."
    units = text.encode("utf-16-le")
    start = len(text[:text.index("bridge")].encode("utf-16-le")) // 2
    end = len(text[:text.index(" is gone")].encode("utf-16-le")) // 2
    assert len(units) // 2 > len(text)
    body = (f'<Sources><TextSource guid="{S1}" plainTextPath="internal://a.txt">'
            f'{selection(start, end, user=U2)}</TextSource></Sources>')
    path = qdpx(tmp_path, {"project.qde": qde(body, origin="NVivo 14"),
                           "Sources/a.txt": text.encode("utf-8")})
    report = run_import(proj, path)
    assert texts(proj) == {"Karim": ["bridge 🌉"]}
    assert any("UTF-16" in line for line in report.unmapped)


def test_decomposed_accents_are_composed_and_passages_keep_their_letters(proj, tmp_path):
    raw = unicodedata.normalize("NFD", "Café déjà vu, l'été")
    a = raw.index("d")
    body = (f'<Sources><TextSource guid="{S1}"><PlainTextContent>{raw}</PlainTextContent>'
            f'{selection(a, a + len(unicodedata.normalize("NFD", "déjà")))}'
            f'</TextSource></Sources>')
    run_import(proj, qdpx(tmp_path, {"project.qde": qde(body)}))
    assert texts(proj) == {"Lina": ["déjà"]}


def test_missing_optional_parts_and_what_cannot_be_mapped_is_reported(proj, tmp_path):
    body = (f'<Sources><TextSource guid="{S1}" name="Kept"><PlainTextContent>Fear and '
            f'rumours.</PlainTextContent>'
            f'<Coding guid="{next(G)}" creatingUser="{U1}"><CodeRef targetGUID="{C2}"/>'
            f'</Coding>'
            f'<VariableValue><VariableRef targetGUID="{V1}"/><TextValue>Noor</TextValue>'
            f'</VariableValue><VariableValue><VariableRef targetGUID="{V2}"/>'
            f'<TextValue>Nineveh</TextValue></VariableValue></TextSource>'
            f'<TextSource guid="{S2}" name="Elsewhere" plainTextPath="relative://../x.txt"/>'
            f'<PDFSource guid="{next(G)}" name="scan" path="internal://scan.pdf"/></Sources>'
            f'<Notes><Note guid="{N1}" name="Both"><PlainTextContent>about two</PlainTextContent>'
            f'</Note></Notes>'
            f'<Sets><Set guid="{SET}" name="Interviews"><MemberSource targetGUID="{S1}"/>'
            f'<MemberSource targetGUID="{S2}"/><MemberNote targetGUID="{N1}"/></Set></Sets>'
            f'<NoteRef targetGUID="{N1}"/>')
    report = run_import(proj, qdpx(tmp_path, {"project.qde": qde(body)}))
    text = "\n".join(report.unmapped)
    assert "PDFSource" in text and "outside the project file" in text
    assert "attached to 2 things" in text and "not imported" in text
    with proj.sessions() as s:
        src = s.scalars(select(Source)).one()
        assert (src.author, src.extra) == ("Noor", {"variables": {"Region": "Nineveh"}})
        whole = s.scalars(select(Excerpt)).one()  # a coding of the whole source
        assert (whole.start, whole.end) == (0, len(src.text))
        assert s.scalar(select(Coding.code_id)) == s.scalar(
            select(Code.id).where(Code.name == "Rumour"))
        assert [c.name for c in s.scalars(select(Collection))] == ["Interviews"]
        memo = s.scalars(select(Memo)).one()
        assert memo.target == "collection" and memo.body == "about two"


def test_a_folder_around_everything(proj, tmp_path):
    body = (f'<Sources><TextSource guid="{S1}" plainTextPath="internal://{S1}.txt">'
            f'{selection(0, 4)}</TextSource></Sources>')
    path = qdpx(tmp_path, {"Study/project.qde": qde(body),
                           f"Study/Sources/{S1}.txt": b"Fear of the dark"})
    run_import(proj, path)
    assert texts(proj) == {"Lina": ["Fear"]}


def test_a_taguette_codebook(proj, tmp_path):
    data = ('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
            f'origin="Taguette 1.5"><Codes><Code guid="{C1}" name="interesting" '
            'isCodable="true"><Description>Worth a look</Description></Code></Codes>'
            f'<Sets><Set guid="{SET}" name="All"><MemberCode guid="{C1}"/></Set></Sets>'
            '</CodeBook>').encode("utf-8-sig")
    path = tmp_path / "tags.qdc"
    path.write_bytes(data)
    with proj.session() as s:
        report = import_qdc(s, path=path).value
    assert report.added["codes"] == 1 and "code sets" in report.unmapped[0]


def test_the_reader_gives_a_bundle_without_touching_a_project(tmp_path):
    body = (f'<Sources><TextSource guid="{S1}"><PlainTextContent>Fear</PlainTextContent>'
            f'{selection(0, 4, guid=SEL)}{selection(0, 4, user=U2, guid=SEL2)}'
            f'</TextSource></Sources>')
    bundle = read_qdpx(qdpx(tmp_path, {"project.qde": qde(body)}))
    assert [e.coder for e in bundle.excerpts] == [U1.lower(), "6d1c2a3b-0000-4000-8000-"
                                                  "00000000a002"]
    assert bundle.counts()["codings"] == 2


@pytest.mark.parametrize("origin", ["QualCoder 3.5", "Quire 0.1.0"])
def test_code_point_programs_are_believed(proj, tmp_path, origin):
    text = "🕊 peace and fear"
    a = text.index("fear")
    body = (f'<Sources><TextSource guid="{S1}"><PlainTextContent>{text}</PlainTextContent>'
            f'{selection(a, a + 4)}</TextSource></Sources>')
    run_import(proj, qdpx(tmp_path, {"project.qde": qde(body, origin=origin)}))
    assert texts(proj) == {"Lina": ["fear"]}
