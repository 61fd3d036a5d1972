"""Reading an OOXML package defensively: bounded members, no entity expansion, relationship lookup.

Every refusal is a PatchRefused with an English and a Chinese line."""
from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from .patch_spec import PatchRefused

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_PART_BYTES = 512 << 20  # one XML part we parse; a 100k-row tracker sheet is ~60 MiB
MAX_RATIO = 500  # deflate on real sheet XML stays well under 100x
RATIO_FLOOR = 1 << 20  # tiny members may compress arbitrarily well
MAX_TOTAL_BYTES = 2 << 30

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
STRICT_MARK = b"purl.oclc.org/ooxml"
REL_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_CALC_CHAIN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False,
                          load_dtd=False)


def refuse_bytes_kind(data: bytes, name: str = "file") -> None:
    """Encrypted workbooks and old .xls are OLE compound files; anything else must be a zip."""
    if data[:8] == OLE_MAGIC:
        raise PatchRefused(f"{name} is encrypted or an old .xls (OLE compound file): save it as an unprotected .xlsx",
                           f"{name} 已加密或为旧版 .xls(OLE 复合文件):请另存为未加密的 .xlsx", code="encrypted")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise PatchRefused(f"{name} is not an Excel workbook (not a zip package)",
                           f"{name} 不是 Excel 工作簿(不是 zip 包)", code="not-a-zip")


class Package:
    """A read-only view of the zip with bounded, parsed access to its XML parts."""

    def __init__(self, data: bytes, name: str = "file"):
        refuse_bytes_kind(data, name)
        self.name = name
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.zip.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise PatchRefused(f"{name} is a damaged zip package ({exc})", f"{name} 的 zip 包已损坏({exc})",
                               code="not-a-zip") from exc
        self.by_name = {i.filename: i for i in self.infos}
        total = sum(i.file_size for i in self.infos)
        if total > MAX_TOTAL_BYTES:
            raise PatchRefused(f"{name} unpacks to {total >> 20} MiB, over the {MAX_TOTAL_BYTES >> 20} MiB limit (zip bomb?)",
                               f"{name} 解压后 {total >> 20} MiB,超过 {MAX_TOTAL_BYTES >> 20} MiB 上限(疑似压缩炸弹)",
                               code="zip-bomb")

    def has(self, part: str) -> bool:
        return part in self.by_name

    def read(self, part: str) -> bytes:
        info = self.by_name.get(part)
        if info is None:
            raise PatchRefused(f"{self.name}: part {part} is missing from the package",
                               f"{self.name}:包中缺少部件 {part}", code="bad-package")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise PatchRefused(
                f"{self.name}: part {part} would inflate to {info.file_size} bytes ({ratio:.0f}x); refusing a possible zip bomb",
                f"{self.name}:部件 {part} 解压后 {info.file_size} 字节(压缩比 {ratio:.0f}),疑似压缩炸弹,拒绝处理",
                code="zip-bomb")
        try:
            with self.zip.open(info) as fh:
                # the declared size bounds what zipfile inflates; read one byte more to catch a lying header
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise PatchRefused(f"{self.name}: part {part} cannot be read ({exc})",
                               f"{self.name}:无法读取部件 {part}({exc})", code="bad-package") from exc
        return data

    def xml(self, part: str) -> etree._ElementTree:
        return parse_xml(self.read(part), f"{self.name}:{part}")

    def rels(self, part: str) -> tuple[str, etree._ElementTree | None]:
        """(rels part name, parsed tree or None) for a source part."""
        folder, base = posixpath.split(part)
        rel_name = posixpath.join(folder, "_rels", base + ".rels")
        return rel_name, (self.xml(rel_name) if self.has(rel_name) else None)

    def workbook_part(self) -> str:
        root = self.xml("_rels/.rels").getroot()
        for rel in root:
            if rel.get("Type") == REL_OFFICE_DOC:
                return resolve("", rel.get("Target", ""))
        if self.has("_rels/.rels") and STRICT_MARK in self.read("_rels/.rels"):
            raise refused_strict(self.name)
        raise PatchRefused(f"{self.name}: no workbook part in the package", f"{self.name}:包中没有工作簿部件",
                           code="bad-package")


def refused_strict(name: str) -> PatchRefused:
    return PatchRefused(f"{name} is an ISO Strict workbook, which sheetsync cannot write safely: save it as a normal Excel workbook (.xlsx)",
                        f"{name} 是 ISO Strict 格式工作簿,sheetsync 无法安全写入:请另存为普通 Excel 工作簿(.xlsx)",
                        code="iso-strict")


def parse_xml(data: bytes, where: str) -> etree._ElementTree:
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise PatchRefused(f"{where}: the XML declares a DOCTYPE/entities (possible billion-laughs attack); refusing",
                           f"{where}:XML 含 DOCTYPE/实体声明(疑似“十亿笑”攻击),拒绝处理", code="hostile-xml")
    try:
        tree = etree.parse(io.BytesIO(data), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PatchRefused(f"{where}: not well-formed XML ({exc})", f"{where}:XML 格式错误({exc})",
                           code="bad-xml") from exc
    if tree.docinfo.doctype:
        raise PatchRefused(f"{where}: the XML declares a DOCTYPE; refusing", f"{where}:XML 含 DOCTYPE 声明,拒绝处理",
                           code="hostile-xml")
    return tree


def resolve(source_part: str, target: str) -> str:
    """A relationship target relative to its source part's folder (or absolute from the package root)."""
    if target.startswith("/"):
        return target.lstrip("/")
    folder = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(folder, target))


def relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


def serialize(tree: etree._ElementTree, original: bytes) -> bytes:
    """Write back with the declaration the part had (standalone kept) so untouched parts compare equal."""
    standalone = None
    if original.startswith(b"<?xml"):
        decl = original[: original.find(b"?>") + 2]
        if b"standalone" in decl:
            standalone = b'"yes"' in decl or b"'yes'" in decl
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", standalone=standalone)
    return etree.tostring(tree, encoding="UTF-8")
