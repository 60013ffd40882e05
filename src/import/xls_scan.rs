//! Pre-scan of a legacy `.xls` (BIFF8 inside an OLE2 compound file) before calamine reads it.
//!
//! calamine's xls reader loads every sheet at open: for each BoundSheet8 record of the
//! workbook's globals it reads the records from the offset that record gives, reserves `rows ×
//! cols` cells from the sheet's DIMENSIONS record and builds a dense grid spanning the lowest to
//! the highest cell (`Range::from_sparse`), and keeps every sheet. Two cells at A1 and IV65536
//! make a 16.7 M-cell grid; a forged DIMENSIONS record asks for terabytes and aborts the
//! process; a thousand BoundSheet8 records may name the same sheet. This module reads the
//! compound file's directory and the Workbook stream itself (everything bounded by the file's
//! size), walks the sheets as calamine will, and checks what they add up to before calamine
//! allocates anything.

use super::error::ReadError;
use super::read::Limits;

const FREE: u32 = 0xFFFF_FFFF;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

fn corrupt(what: &str) -> ReadError {
    ReadError::Corrupt(format!("xls: {what}"))
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, ReadError> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(|| corrupt("short record"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, ReadError> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| corrupt("short record"))
}

struct Compound<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    fat: Vec<u32>,
}

impl<'a> Compound<'a> {
    fn open(bytes: &'a [u8]) -> Result<Self, ReadError> {
        if bytes.len() < 512 {
            return Err(corrupt("truncated header"));
        }
        let shift = u16_at(bytes, 30)?;
        if shift != 9 && shift != 12 {
            return Err(corrupt("bad sector size"));
        }
        let sector_size = 1usize << shift;
        let mut c = Compound {
            bytes,
            sector_size,
            fat: Vec::new(),
        };
        // FAT sector ids: 109 in the header, then a chain of DIFAT sectors.
        let num_fat = u32_at(bytes, 44)? as usize;
        let max_sectors = bytes.len() / sector_size + 1;
        if num_fat > max_sectors {
            return Err(corrupt("FAT larger than the file"));
        }
        let mut fat_ids: Vec<u32> = (0..num_fat.min(109))
            .map(|i| u32_at(bytes, 76 + 4 * i))
            .collect::<Result<_, _>>()?;
        let mut difat = u32_at(bytes, 68)?;
        let per = sector_size / 4 - 1;
        let mut hops = 0;
        while fat_ids.len() < num_fat && difat != END_OF_CHAIN && difat != FREE {
            hops += 1;
            if hops > max_sectors {
                return Err(corrupt("DIFAT loop"));
            }
            let s = c.sector(difat)?;
            for i in 0..per {
                fat_ids.push(u32_at(s, 4 * i)?);
            }
            difat = u32_at(s, 4 * per)?;
        }
        fat_ids.truncate(num_fat);
        let mut fat = Vec::with_capacity(num_fat * sector_size / 4);
        for id in fat_ids {
            let s = c.sector(id)?;
            fat.extend(
                s.chunks_exact(4)
                    .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])),
            );
        }
        c.fat = fat;
        Ok(c)
    }

    fn sector(&self, id: u32) -> Result<&'a [u8], ReadError> {
        let start = (id as usize + 1)
            .checked_mul(self.sector_size)
            .ok_or_else(|| corrupt("sector id"))?;
        self.bytes
            .get(start..start + self.sector_size)
            .ok_or_else(|| corrupt("sector beyond the end"))
    }

    /// Follows a chain in `table`, refusing loops; at most `limit` links.
    fn chain(table: &[u32], start: u32, limit: usize) -> Result<Vec<u32>, ReadError> {
        let mut out = Vec::new();
        let mut id = start;
        while id != END_OF_CHAIN && id != FREE {
            if out.len() >= limit {
                return Err(corrupt("sector chain loops"));
            }
            out.push(id);
            id = *table
                .get(id as usize)
                .ok_or_else(|| corrupt("chain beyond FAT"))?;
        }
        Ok(out)
    }

    fn read_chain(&self, start: u32) -> Result<Vec<u8>, ReadError> {
        let ids = Self::chain(&self.fat, start, self.bytes.len() / self.sector_size + 1)?;
        let mut out = Vec::with_capacity(ids.len() * self.sector_size);
        for id in ids {
            out.extend_from_slice(self.sector(id)?);
        }
        Ok(out)
    }

    /// The Workbook stream (or the BIFF5 "Book"), from the FAT or the mini stream.
    fn workbook_stream(&self) -> Result<Vec<u8>, ReadError> {
        let dir = self.read_chain(u32_at(self.bytes, 48)?)?;
        let mut root = None;
        let mut book = None;
        for entry in dir.chunks_exact(128) {
            let name_len = (u16_at(entry, 64)? as usize).min(64);
            let name: Vec<u16> = entry[..name_len.saturating_sub(2)]
                .chunks_exact(2)
                .map(|w| u16::from_le_bytes([w[0], w[1]]))
                .collect();
            let name = String::from_utf16_lossy(&name);
            let (kind, start, size) =
                (entry[66], u32_at(entry, 116)?, u32_at(entry, 120)? as usize);
            match (kind, name.as_str()) {
                (5, _) => root = Some((start, size)),
                (2, "EncryptedPackage") => return Err(ReadError::Encrypted),
                (2, "Workbook") | (2, "Book") if book.is_none() => book = Some((start, size)),
                _ => {}
            }
        }
        let (start, size) = book.ok_or_else(|| {
            ReadError::UnsupportedFormat("an OLE file that is not an Excel workbook".into())
        })?;
        if size > self.bytes.len() {
            return Err(corrupt("stream larger than the file"));
        }
        let cutoff = u32_at(self.bytes, 56)? as usize;
        let mut data = if size < cutoff {
            let (root_start, _) = root.ok_or_else(|| corrupt("no root entry"))?;
            let mini_stream = self.read_chain(root_start)?;
            let minifat_bytes = self.read_chain(u32_at(self.bytes, 60)?)?;
            let minifat: Vec<u32> = minifat_bytes
                .chunks_exact(4)
                .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
                .collect();
            let mut out = Vec::with_capacity(size);
            for id in Self::chain(&minifat, start, mini_stream.len() / 64 + 1)? {
                let at = id as usize * 64;
                out.extend_from_slice(
                    mini_stream
                        .get(at..at + 64)
                        .ok_or_else(|| corrupt("mini sector"))?,
                );
            }
            out
        } else {
            self.read_chain(start)?
        };
        if data.len() < size {
            return Err(corrupt("truncated stream"));
        }
        data.truncate(size);
        Ok(data)
    }
}

/// Bounding box of one sheet's cells.
#[derive(Default)]
struct Box2 {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Box2 {
    fn add(&mut self, row: u32, col_first: u32, col_last: u32) {
        self.rows = Some(
            self.rows
                .map_or((row, row), |(a, b)| (a.min(row), b.max(row))),
        );
        self.cols = Some(self.cols.map_or((col_first, col_last), |(a, b)| {
            (a.min(col_first), b.max(col_last))
        }));
    }

    fn area(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1),
            _ => 0,
        }
    }
}

/// BIFF records from `pos`: `(type, data)`, as calamine's iterator splits them; a record
/// running past the end ends the walk.
fn records(stream: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let typ = u16::from_le_bytes([*stream.get(pos)?, *stream.get(pos + 1)?]);
        let len = u16::from_le_bytes([*stream.get(pos + 2)?, *stream.get(pos + 3)?]) as usize;
        let data = stream.get(pos + 4..pos + 4 + len)?;
        pos += 4 + len;
        Some((typ, data))
    })
}

/// The offsets of the globals' BoundSheet8 records (every sheet type: calamine reads them all).
fn sheet_offsets(stream: &[u8]) -> Result<Vec<usize>, ReadError> {
    let mut offsets = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            0x000A => break,
            0x0085 if data.len() < 6 => return Err(corrupt("BoundSheet8 record")),
            0x0085 => offsets.push(u32_at(data, 0)? as usize),
            _ => {}
        }
    }
    Ok(offsets)
}

/// Checks every sheet calamine will load: rows within `max_rows`, data within `max_cols`, and
/// the cells the sheets reserve or span, added over the workbook, within `max_dense_cells`.
pub fn check_xls(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let stream = Compound::open(bytes)?.workbook_stream()?;
    let mut cells_by_offset: std::collections::HashMap<usize, u64> = Default::default();
    // Sheets that overlap would make the walks quadratic: legitimate ones are disjoint.
    let (mut walked, walk_budget) = (0usize, stream.len().saturating_mul(2) + 4096);
    let mut total: u64 = 0;
    for offset in sheet_offsets(&stream)? {
        let cells = match cells_by_offset.get(&offset) {
            Some(c) => *c,
            None => {
                let sheet = stream
                    .get(offset..)
                    .ok_or_else(|| corrupt("a sheet starts beyond the workbook stream"))?;
                let (cells, length) = check_sheet(sheet, limits)?;
                walked += length;
                if walked > walk_budget {
                    return Err(corrupt("the sheets overlap"));
                }
                cells_by_offset.insert(offset, cells);
                cells
            }
        };
        total = total.saturating_add(cells);
        if total > limits.max_dense_cells {
            return Err(ReadError::TooLarge(format!(
                "the xls sheets span more than {} cells",
                limits.max_dense_cells
            )));
        }
    }
    Ok(())
}

/// One sheet from its offset, as calamine walks it: records up to its EOF, nested substreams
/// (embedded charts) skipped. Returns the cells it reserves or spans, whichever is more, and
/// the bytes walked.
fn check_sheet(sheet: &[u8], limits: &Limits) -> Result<(u64, usize), ReadError> {
    let mut cells = Box2::default();
    let mut reserved: u64 = 0;
    let mut length = 0usize;
    let (mut seen_bof, mut depth) = (false, 0usize);
    for (typ, data) in records(sheet) {
        length += 4 + data.len();
        if depth > 0 {
            match typ {
                0x0809 => depth += 1,
                0x000A => depth -= 1,
                _ => {}
            }
            continue;
        }
        let (row, first, last) = match typ {
            0x0809 if seen_bof => {
                depth += 1;
                continue;
            }
            0x0809 => {
                seen_bof = true;
                continue;
            }
            0x000A => break,
            0x0200 => {
                reserved = reserved.max(dimensions_area(data)?);
                continue;
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                let (row, col) = (u16_at(data, 0)? as u32, u16_at(data, 2)? as u32);
                (row, col, col)
            }
            // MulRk: one row, a run of columns; the last column closes the record.
            0x00BD => {
                let (row, first) = (u16_at(data, 0)? as u32, u16_at(data, 2)? as u32);
                let last = u16_at(data, data.len().saturating_sub(2))? as u32;
                (row, first, last.max(first))
            }
            _ => continue,
        };
        cells.add(row, first, last);
        if row >= limits.max_rows {
            return Err(ReadError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        if last >= limits.max_cols {
            return Err(ReadError::TooManyColumns {
                row: row + 1,
                limit: limits.max_cols,
            });
        }
    }
    Ok((reserved.max(cells.area()), length))
}

/// The cells a DIMENSIONS record makes calamine reserve, refusing the records calamine would
/// miscompute.
fn dimensions_area(data: &[u8]) -> Result<u64, ReadError> {
    let (rf, rl, cf, cl) = match data.len() {
        10 => (
            u16_at(data, 0)? as u64,
            u16_at(data, 2)? as u64,
            u16_at(data, 4)? as u64,
            u16_at(data, 6)? as u64,
        ),
        14 | 16 => (
            u32_at(data, 0)? as u64,
            u32_at(data, 4)? as u64,
            u16_at(data, 8)? as u64,
            u16_at(data, 10)? as u64,
        ),
        _ => return Err(corrupt("DIMENSIONS record")),
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    // calamine computes (last - first + 1) in u32: a first row past the last would underflow,
    // so such a record is refused here.
    if rl >= 1 && rf > rl - 1 {
        return Err(corrupt("DIMENSIONS record"));
    }
    Ok(rl.saturating_sub(rf).saturating_mul(cl.saturating_sub(cf)))
}
