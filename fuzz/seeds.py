#!/usr/bin/env python3
"""Writes the structure-aware seed corpora of the fuzz targets from the import fixtures
(tests/fixtures/imports): each seed is a selector byte (which of the server's ways through the
import core to run, see src/lib.rs) followed by the inner part the target wraps into a file.

    xlsx: a worksheet's XML, then SEPARATOR and the shared-strings XML
    ods:  content.xml
    xls:  the BIFF8 Workbook stream (or a whole compound file)
    csv:  the file itself

Run from the repository: python3 fuzz/seeds.py. Standard library only."""

import os
import struct
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "imports")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
SEPARATOR = b"\x00sst\x00"
SELECTORS = [0x00, 0x03]  # a plain read; with a declared period and the fixed-column way


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def write(target, name, body):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    for s in SELECTORS:
        with open(os.path.join(CORPUS, target, f"{name}-{s:02x}"), "wb") as f:
            f.write(bytes([s]) + body)


def workbook_stream(ole):
    """The Workbook stream of a compound file with 512-byte sectors (no mini stream)."""
    sector = 1 << struct.unpack_from("<H", ole, 30)[0]
    nfat = struct.unpack_from("<I", ole, 44)[0]
    fat_ids = struct.unpack_from("<109I", ole, 76)[:nfat]
    fat = []
    for i in fat_ids:
        fat += struct.unpack_from(f"<{sector // 4}I", ole, (i + 1) * sector)

    def chain(start):
        out, at = b"", start
        while at < 0xFFFFFFFA:
            out += ole[(at + 1) * sector:(at + 2) * sector]
            at = fat[at]
        return out

    directory = chain(struct.unpack_from("<I", ole, 48)[0])
    for e in range(0, len(directory), 128):
        entry = directory[e:e + 128]
        n = struct.unpack_from("<H", entry, 64)[0]
        if entry[:max(n - 2, 0)].decode("utf-16-le") == "Workbook":
            start, size = struct.unpack_from("<II", entry, 116)
            return chain(start)[:size]
    raise ValueError("no Workbook stream")


def main():
    for name, sheet in [("sellout_fr.xlsx", "xl/worksheets/sheet2.xml"),
                        ("sellout_1904.xlsx", "xl/worksheets/sheet1.xml")]:
        z = zipfile.ZipFile(os.path.join(FIXTURES, name))
        strings = z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in z.namelist() else b""
        write("xlsx", name, z.read(sheet) + SEPARATOR + strings)
    ods = zipfile.ZipFile(os.path.join(FIXTURES, "sellout_fr.ods"))
    write("ods", "sellout_fr.ods", ods.read("content.xml"))
    xls = fixture("sellout_fr.xls")
    write("xls", "sellout_fr.xls.stream", workbook_stream(xls))
    write("xls", "sellout_fr.xls", xls)
    # The shapes of the files, with honest counts: namespaced shared strings after a
    # comment, and an ods whose comment holds a quote before repeated rows and cells.
    main_ns = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    write("xlsx", "namespaced", b'<?xml version="1.0"?><worksheet xmlns="' + main_ns
          + b'"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
          + b'<c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2"><v>46235</v></c>'
          + b'<c r="B2" t="inlineStr"><is><t>TD-450</t></is></c><c r="C2"><v>2</v></c></row>'
          + b'</sheetData></worksheet>' + SEPARATOR + b'<?xml version="1.0"?><!-- <sst> -->'
          + b'<x:sst xmlns:x="' + main_ns + b'" count="3" uniqueCount="3"><x:si><x:t>Date</x:t>'
          + b'</x:si><x:si><x:t>R\xc3\xa9f</x:t></x:si><x:si><x:t>Qt\xc3\xa9</x:t></x:si></x:sst>')
    write("ods", "comment", b'<?xml version="1.0" encoding="UTF-8"?><office:document-content'
          b' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
          b' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
          b' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
          b'<office:spreadsheet><!-- l\'export --><table:table table:name="Ventes">'
          b'<table:table-row><table:table-cell office:value-type="string"><text:p>Date</text:p>'
          b'</table:table-cell><table:table-cell office:value-type="string"><text:p>Qt\xc3\xa9'
          b'</text:p></table:table-cell></table:table-row><table:table-row'
          b' table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="2"'
          b' office:value-type="float" office:value="1"/></table:table-row></table:table>'
          b'</office:spreadsheet></office:body></office:document-content>')
    for name in ["sellout_fr_utf8bom_semicolon.csv", "sellout_fr_cp1252.csv",
                 "sellout_en_utf16le_tab.csv"]:
        write("csv", name, fixture(name))


if __name__ == "__main__":
    main()
