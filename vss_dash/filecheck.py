"""Judge an uploaded workbook before any parser builds anything from it.

An .xlsx file is a zip package of XML parts. `check_xlsx()` reads only the zip's directory and
streams each XML part once through a parser that refuses DTDs and entities (defusedxml), and
refuses the package when it:

- is not a zip, is encrypted, or holds no spreadsheet workbook ([Content_Types].xml);
- holds macros (vbaProject.bin, macro sheets, ActiveX, a macro-enabled content type), whatever
  the file's name;
- declares more than MAX_UNCOMPRESSED bytes in all, more than MAX_MEMBERS parts, or a part whose
  compression ratio exceeds MAX_RATIO (a zip bomb is judged by its directory, never inflated;
  Python's zipfile never inflates a part beyond the size its directory declares);
- has a sheet that declares (`<dimension ref=…>`) or holds a cell beyond MAX_ROWS rows or
  MAX_COLUMNS columns, more than MAX_CELLS cells in all, or a part of more than
  MAX_PART_ELEMENTS other elements (styles, shared strings, merged ranges).

It returns each sheet's name and the extent of the cells that hold a value, so that the reader
builds rows for that extent only, never for a range the file merely declares. Refusals are
`Refusal(rule, row, column, **fields)`; the messages live with the other rules in
texts.toml (`import.<rule>`).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.sax import SAXException
from xml.sax.handler import ContentHandler

import defusedxml.sax
from defusedxml import DefusedXmlException

MAX_FILE_BYTES = 20 * 2**20  # what any uploaded file may weigh (a monthly report is ~20 KB)
MAX_UNCOMPRESSED = 100 * 2**20  # all parts of a package, as its directory declares them
MAX_RATIO = 100  # uncompressed / compressed, for a part of over RATIO_FROM bytes
RATIO_FROM = 2**20
MAX_MEMBERS = 1000
MAX_ROWS = 10_000  # a sheet's rows; a year of the long table for 34 provinces fits
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000  # cells written in all the sheets of a workbook
# XML elements of a part other than a sheet's cells (styles, shared strings, merged ranges…):
# openpyxl builds an object of each (a million styles took 25 s and 1.9 GB)
MAX_PART_ELEMENTS = 200_000
_CELL_TAGS = frozenset(("row", "c", "v", "f", "is", "t"))

_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
)
_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# parts and content types that carry code
_MACRO_PARTS = ("vbaproject", "macrosheets/", "activex", "vbadata")
_MACRO_TYPES = ("macroenabled", "vbaproject", "macrosheet", "activex", "vbadata")
_CELL_REF = re.compile(r"([A-Za-z]+)(\d+)")


class Refusal(Exception):
    """Why a file is refused: a rule of the import findings (its text is `import.<rule>` in
    texts.toml), the cell it concerns (if any) and the fields its message needs."""

    def __init__(self, rule: str, row: int | None = None, column: str = "", **fields: object):
        super().__init__(rule)
        self.rule, self.row, self.column, self.fields = rule, row, column, fields
        self.sheet = ""  # the sheet's name, where the refusal concerns a sheet


@dataclass(frozen=True)
class Sheet:
    name: str
    part: str
    rows: int  # the last row holding a value, 0 if none
    columns: int  # the last column holding a value, 0 if none


def column_index(letters: str) -> int:
    """ "A" -> 1, "XFD" -> 16384."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(index: int) -> str:
    """1 -> "A", 16384 -> "XFD"."""
    out = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _beyond(row: int, col: int) -> bool:
    return row > MAX_ROWS or col > MAX_COLUMNS


class _Part(ContentHandler):
    """Reads what the checks need from one XML part while it streams past: content types, the
    workbook's sheets and relationships, and a worksheet's extent."""

    def __init__(self, part: str, worksheet: bool, cells_before: int):
        super().__init__()
        self.part, self.worksheet = part, worksheet
        self.elements = 0  # elements other than a sheet's cells
        self.types: list[tuple[str, str]] = []  # ([Content_Types].xml) part name or .ext, type
        self.sheets: list[tuple[str, str]] = []  # (workbook) name, relationship id
        self.targets: dict[str, str] = {}  # (relationships) id -> target
        self.cells = cells_before  # cells counted in the whole workbook
        self.rows = 0  # <row> elements
        self.row = self.col = 0  # the current cell
        self.last_row = self.last_col = 0  # the extent of cells holding a value

    def startElement(self, name: str, attrs) -> None:  # noqa: N802 (SAX's name)
        tag = _local(name)
        if not (self.worksheet and tag in _CELL_TAGS):
            self.elements += 1
            if self.elements > MAX_PART_ELEMENTS:
                raise Refusal("xml_elements", part=self.part, limit=MAX_PART_ELEMENTS)
        if tag in ("Default", "Override"):
            key = attrs.get("PartName") or "." + attrs.get("Extension", "")
            self.types.append((key, attrs.get("ContentType", "")))
        elif tag == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            self.sheets.append((attrs.get("name", ""), rid))
        elif tag == "Relationship":
            self.targets[attrs.get("Id", "")] = attrs.get("Target", "")
        elif self.worksheet:
            self._worksheet(tag, attrs)

    def _worksheet(self, tag: str, attrs) -> None:
        if tag == "dimension":
            for letters, digits in _CELL_REF.findall(attrs.get("ref", "")):
                huge = len(digits) > 7 or len(letters) > 3
                if huge or _beyond(int(digits), column_index(letters)):
                    raise Refusal(
                        "sheet_size",
                        int(digits[:8]),
                        letters[:3].upper(),
                        rows=MAX_ROWS,
                        columns=MAX_COLUMNS,
                    )
        elif tag == "row":
            self.rows += 1
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() and len(r) < 9 else self.row + 1
            self.col = 0
            if self.rows > MAX_ROWS or self.row > MAX_ROWS:
                raise Refusal("sheet_size", self.row, "", rows=MAX_ROWS, columns=MAX_COLUMNS)
        elif tag == "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise Refusal("too_many_cells", limit=MAX_CELLS)
            m = _CELL_REF.fullmatch(attrs.get("r", ""))
            if m and len(m[1]) <= 3 and len(m[2]) <= 7:
                self.row, self.col = int(m[2]), column_index(m[1])
            elif m:
                raise Refusal(
                    "sheet_size",
                    int(m[2][:8]),
                    m[1][:3].upper(),
                    rows=MAX_ROWS,
                    columns=MAX_COLUMNS,
                )
            else:
                self.col += 1
            if _beyond(self.row, self.col):
                raise Refusal(
                    "sheet_size",
                    self.row,
                    column_letters(self.col),
                    rows=MAX_ROWS,
                    columns=MAX_COLUMNS,
                )
        elif tag in ("v", "is", "f"):  # the current cell holds a value
            self.last_row = max(self.last_row, self.row)
            self.last_col = max(self.last_col, self.col)


def _parse(zf: zipfile.ZipFile, part: str, handler: _Part) -> _Part:
    try:
        with zf.open(part) as stream:
            defusedxml.sax.parse(stream, handler, forbid_dtd=True)
    except DefusedXmlException:
        raise Refusal("xml_dtd", part=part) from None
    except SAXException as e:
        raise Refusal("file_type", detail=f"{part}: {e.getMessage()}") from None
    return handler


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as e:
        raise Refusal("file_type", detail=str(e) or type(e).__name__) from None


def _judge_members(zf: zipfile.ZipFile) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Refusal("zip_members", n=len(infos), limit=MAX_MEMBERS)
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise Refusal("file_type", detail="duplicate parts")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise Refusal("zip_size", mb=total // 2**20, limit=MAX_UNCOMPRESSED // 2**20)
    for i in infos:
        if i.flag_bits & 0x1:
            raise Refusal("file_type", detail="encrypted")
        if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refusal("file_type", detail=f"{i.filename}: compression {i.compress_type}")
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise Refusal("zip_ratio", part=i.filename, ratio=ratio, limit=MAX_RATIO)
        if any(p in i.filename.lower() for p in _MACRO_PARTS):
            raise Refusal("macros", part=i.filename)


def check_xlsx(data: bytes) -> list[Sheet]:
    """The workbook's sheets (name, part, extent of the cells holding a value), in order; raises
    Refusal when the package is not a plain workbook within the limits."""
    if len(data) > MAX_FILE_BYTES:
        raise Refusal("too_large", mb=len(data) // 2**20, limit=MAX_FILE_BYTES // 2**20)
    with _open(data) as zf:
        _judge_members(zf)
        names = set(zf.namelist())
        if "[Content_Types].xml" not in names:
            raise Refusal("file_type", detail="no [Content_Types].xml")
        types = _parse(zf, "[Content_Types].xml", _Part("[Content_Types].xml", False, 0)).types
        for _, content_type in types:
            if any(t in content_type.lower() for t in _MACRO_TYPES):
                raise Refusal("macros", part=content_type)
        overrides = {key.lstrip("/"): t for key, t in types if not key.startswith(".")}
        main = next((p for p, t in overrides.items() if t in _MAIN_TYPES), None)
        if main is None or main not in names:
            raise Refusal("file_type", detail="no workbook in the package")
        # the sheets, then every XML part parsed once (DTDs refused), the sheets measured
        base = posixpath.dirname(main)
        rels = posixpath.join(base, "_rels", posixpath.basename(main) + ".rels")
        targets = _parse(zf, rels, _Part(rels, False, 0)).targets if rels in names else {}
        parts = {}
        for name, rid in _parse(zf, main, _Part(main, False, 0)).sheets:
            target = targets.get(rid, "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            parts[name] = posixpath.normpath(part)
        sheet_of = {part: name for name, part in parts.items()}
        measured: dict[str, _Part] = {}
        cells = 0
        for part in sorted(names - {"[Content_Types].xml", main, rels}):
            worksheet = part in sheet_of or overrides.get(part) == _WORKSHEET_TYPE
            xml = part.lower().endswith((".xml", ".rels"))
            xml = xml or overrides.get(part, "").endswith("xml")
            if not (worksheet or xml):
                continue
            try:
                measured[part] = h = _parse(zf, part, _Part(part, worksheet, cells))
            except Refusal as r:
                r.sheet = sheet_of.get(part, "")
                raise
            cells = h.cells
        return [
            Sheet(name, part, h.last_row, h.last_col)
            if (h := measured.get(part))
            else Sheet(name, part, 0, 0)
            for name, part in parts.items()
        ]
