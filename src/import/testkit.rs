//! Builders of small spreadsheet files from their inner parts, for tests and fuzz targets: an
//! xlsx from its worksheet and shared-strings XML, an ods from its `content.xml`, an xls from
//! its BIFF8 Workbook stream. The fuzz targets mutate the inner parts and wrap them here, so
//! that the mutations reach the XML and BIFF parsers instead of dying at the zip's checksums or
//! the compound file's sector tables. Compiled for tests and with the `testkit` feature only.

use std::io::{Cursor, Write};

/// A zip of `(name, bytes)` entries, deflated, in the given order.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(entries.iter().any(|(_, d)| d.len() > u32::MAX as usize / 2));
    for (name, data) in entries {
        z.start_file(*name, opts).expect("zip entry");
        z.write_all(data).expect("zip write");
    }
    z.finish().expect("zip finish").into_inner()
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ventes" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// An xlsx with one sheet named "Ventes" and, when given, a shared-strings part.
pub fn xlsx(sheet_xml: &[u8], shared_strings: Option<&[u8]>) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ];
    if let Some(ss) = shared_strings {
        entries.push(("xl/sharedStrings.xml", ss));
    }
    zip_of(&entries)
}

const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
const ODS_MANIFEST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// The opening of an ods `content.xml` up to its spreadsheet body; close with `ODS_TAIL`.
pub const ODS_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#;
pub const ODS_TAIL: &str = "</office:spreadsheet></office:body></office:document-content>";

/// An ods from its `content.xml`.
pub fn ods(content_xml: &[u8]) -> Vec<u8> {
    zip_of(&[
        ("mimetype", ODS_MIMETYPE),
        ("META-INF/manifest.xml", ODS_MANIFEST),
        ("content.xml", content_xml),
    ])
}

/// One BIFF record: type, length, data.
pub fn biff_record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = Vec::with_capacity(4 + data.len());
    r.extend_from_slice(&typ.to_le_bytes());
    r.extend_from_slice(&(data.len() as u16).to_le_bytes());
    r.extend_from_slice(data);
    r
}

/// A BIFF8 worksheet substream: BOF, DIMENSIONS spanning the cells, NUMBER records, EOF.
pub fn biff_sheet(cells: &[(u16, u16, f64)]) -> Vec<u8> {
    let mut s = biff_record(
        0x0809,
        &[0x00, 0x06, 0x10, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let rows = cells.iter().map(|c| u32::from(c.0));
    let cols = cells.iter().map(|c| c.1);
    let (r0, r1) = (
        rows.clone().min().unwrap_or(0),
        rows.max().map_or(0, |r| r + 1),
    );
    let (c0, c1) = (
        cols.clone().min().unwrap_or(0),
        cols.max().map_or(0, |c| c + 1),
    );
    let mut dims = Vec::new();
    dims.extend_from_slice(&r0.to_le_bytes());
    dims.extend_from_slice(&r1.to_le_bytes());
    dims.extend_from_slice(&c0.to_le_bytes());
    dims.extend_from_slice(&c1.to_le_bytes());
    dims.extend_from_slice(&[0, 0]);
    s.extend(biff_record(0x0200, &dims));
    for (row, col, value) in cells {
        let mut d = Vec::with_capacity(14);
        d.extend_from_slice(&row.to_le_bytes());
        d.extend_from_slice(&col.to_le_bytes());
        d.extend_from_slice(&[0, 0]);
        d.extend_from_slice(&value.to_le_bytes());
        s.extend(biff_record(0x0203, &d));
    }
    s.extend(biff_record(0x000A, &[]));
    s
}

/// A BIFF8 Workbook stream: the globals (BOF, one BoundSheet8 per `(name, sheet index)`, EOF)
/// then the distinct sheet substreams. Several names may point at one substream, as a
/// hostile file may do.
pub fn biff_workbook(names: &[(&str, usize)], sheets: &[Vec<u8>]) -> Vec<u8> {
    let bound_len = |name: &str| 4 + 8 + name.len();
    let globals_len = 4 + 16 + names.iter().map(|(n, _)| bound_len(n)).sum::<usize>() + 4;
    let mut offsets = Vec::with_capacity(sheets.len());
    let mut at = globals_len;
    for s in sheets {
        offsets.push(at as u32);
        at += s.len();
    }
    let mut out = biff_record(
        0x0809,
        &[0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    for (name, sheet) in names {
        let mut d = Vec::new();
        d.extend_from_slice(&offsets[*sheet].to_le_bytes());
        d.extend_from_slice(&[0, 0, name.len() as u8, 0]);
        d.extend_from_slice(name.as_bytes());
        out.extend(biff_record(0x0085, &d));
    }
    out.extend(biff_record(0x000A, &[]));
    for s in sheets {
        out.extend_from_slice(s);
    }
    out
}

const FREE: u32 = 0xFFFF_FFFF;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;

/// An OLE2 compound file (512-byte sectors) holding `stream` as "Workbook". Streams under
/// 4 KiB are padded with zeros (empty BIFF records) so that they live in regular sectors.
pub fn xls(stream: &[u8]) -> Vec<u8> {
    let mut data = stream.to_vec();
    if data.len() < 4096 {
        data.resize(4096, 0);
    }
    let data_sectors = data.len().div_ceil(512);
    let dir_sector = data_sectors;
    // Each FAT sector maps 128 sectors, its own included.
    let mut fat_sectors = 1;
    while fat_sectors * 128 < data_sectors + 1 + fat_sectors {
        fat_sectors += 1;
    }
    assert!(fat_sectors <= 109, "the test stream is too large");
    let mut fat = vec![FREE; fat_sectors * 128];
    for (i, slot) in fat.iter_mut().enumerate().take(data_sectors) {
        *slot = if i + 1 == data_sectors {
            END_OF_CHAIN
        } else {
            i as u32 + 1
        };
    }
    fat[dir_sector] = END_OF_CHAIN;
    for s in 0..fat_sectors {
        fat[dir_sector + 1 + s] = FAT_SECTOR;
    }

    let mut header = Vec::with_capacity(512);
    header.extend_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header.extend_from_slice(&[0; 16]);
    header.extend_from_slice(&0x003Eu16.to_le_bytes());
    header.extend_from_slice(&3u16.to_le_bytes());
    header.extend_from_slice(&0xFFFEu16.to_le_bytes());
    header.extend_from_slice(&9u16.to_le_bytes());
    header.extend_from_slice(&6u16.to_le_bytes());
    header.extend_from_slice(&[0; 6]);
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&(fat_sectors as u32).to_le_bytes());
    header.extend_from_slice(&(dir_sector as u32).to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&4096u32.to_le_bytes());
    header.extend_from_slice(&END_OF_CHAIN.to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&END_OF_CHAIN.to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    for i in 0..109 {
        let id = if i < fat_sectors {
            (dir_sector + 1 + i) as u32
        } else {
            FREE
        };
        header.extend_from_slice(&id.to_le_bytes());
    }
    debug_assert_eq!(header.len(), 512);

    let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let utf16: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(|u| u.to_le_bytes())
            .collect();
        e[..utf16.len()].copy_from_slice(&utf16);
        e[64..66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
        e[66] = kind;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut dir = entry("Root Entry", 5, 1, END_OF_CHAIN, 0);
    dir.extend(entry("Workbook", 2, FREE, 0, data.len() as u32));
    dir.resize(512, 0);

    let mut out = header;
    data.resize(data_sectors * 512, 0);
    out.extend_from_slice(&data);
    out.extend_from_slice(&dir);
    out.extend(fat.iter().flat_map(|w| w.to_le_bytes()));
    out
}
