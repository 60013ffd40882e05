//! The wire between the server and a read worker: little-endian numbers, length-prefixed
//! strings, one kind byte before each message.
//!
//! Server to worker: `MAGIC`, the limits, the file name, the file; then any number of `ROWS`
//! requests (sheet, row limit or 0); closing the pipe ends the worker. Worker to server:
//! `OPENED` (format, sheets) or `FAILED` (a `ReadError`); for each request, `ROW`s then `DONE`
//! (declared rows) or `FAILED`. The server decodes what a worker sends as untrusted: every
//! count is checked before anything is allocated for it, and strings grow with the bytes that
//! actually arrive.

use std::io::{self, Read, Write};

use crate::import::cell::Cell;
use crate::import::error::ReadError;
use crate::import::read::{Format, Limits, SheetInfo};

/// The protocol's name and version: a worker from another build refuses to talk.
pub const MAGIC: [u8; 8] = *b"RLSREAD1";

pub const ROWS: u8 = b'R';
pub const OPENED: u8 = b'O';
pub const ROW: u8 = b'r';
pub const DONE: u8 = b'D';
pub const FAILED: u8 = b'E';

/// The longest string a worker may send: the largest a reader can produce from a file within
/// the limits. A longer one is a broken worker.
const MAX_STRING: u64 = 1 << 30;
const MAX_SHEETS: u32 = 65_536;

pub fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

pub fn put_u32(w: &mut impl Write, v: u32) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

pub fn put_u64(w: &mut impl Write, v: u64) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

pub fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    put_u64(w, s.len() as u64)?;
    w.write_all(s.as_bytes())
}

pub fn get_u8(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

pub fn get_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

pub fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// Reads a string into `buf` (cleared first), so row after row reuses its capacity.
pub fn get_str_into(r: &mut impl Read, buf: &mut String) -> io::Result<()> {
    let len = get_u64(r)?;
    if len > MAX_STRING {
        return Err(invalid("string too long"));
    }
    buf.clear();
    let mut bytes = std::mem::take(buf).into_bytes();
    r.take(len).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    *buf = String::from_utf8(bytes).map_err(|_| invalid("string not UTF-8"))?;
    Ok(())
}

pub fn get_str(r: &mut impl Read) -> io::Result<String> {
    let mut s = String::new();
    get_str_into(r, &mut s)?;
    Ok(s)
}

pub fn put_limits(w: &mut impl Write, l: &Limits) -> io::Result<()> {
    put_u64(w, l.max_uncompressed)?;
    put_u64(w, l.max_ratio)?;
    put_u64(w, l.max_zip_entries as u64)?;
    put_u32(w, l.max_rows)?;
    put_u32(w, l.max_cols)?;
    put_u64(w, l.max_dense_cells)
}

pub fn get_limits(r: &mut impl Read) -> io::Result<Limits> {
    Ok(Limits {
        max_uncompressed: get_u64(r)?,
        max_ratio: get_u64(r)?,
        max_zip_entries: usize::try_from(get_u64(r)?).map_err(|_| invalid("limits"))?,
        max_rows: get_u32(r)?,
        max_cols: get_u32(r)?,
        max_dense_cells: get_u64(r)?,
    })
}

const FORMATS: [Format; 6] = [
    Format::Xlsx,
    Format::Xlsm,
    Format::Xlsb,
    Format::Xls,
    Format::Ods,
    Format::Csv,
];

pub fn put_opened(w: &mut impl Write, format: Format, sheets: &[SheetInfo]) -> io::Result<()> {
    let f = FORMATS.iter().position(|x| *x == format).unwrap_or(0);
    w.write_all(&[OPENED, f as u8])?;
    put_u32(w, sheets.len() as u32)?;
    for s in sheets {
        put_str(w, &s.name)?;
        w.write_all(&[u8::from(s.visible)])?;
    }
    Ok(())
}

/// The rest of an `OPENED` message.
pub fn get_opened(r: &mut impl Read) -> io::Result<(Format, Vec<SheetInfo>)> {
    let format = *FORMATS
        .get(usize::from(get_u8(r)?))
        .ok_or_else(|| invalid("format"))?;
    let n = get_u32(r)?;
    if n > MAX_SHEETS {
        return Err(invalid("too many sheets"));
    }
    let mut sheets = Vec::new();
    for _ in 0..n {
        let name = get_str(r)?;
        let visible = get_u8(r)? != 0;
        sheets.push(SheetInfo { name, visible });
    }
    Ok((format, sheets))
}

pub fn put_row(w: &mut impl Write, row: u32, cells: &[Cell]) -> io::Result<()> {
    w.write_all(&[ROW])?;
    put_u32(w, row)?;
    put_u32(w, cells.len() as u32)?;
    for cell in cells {
        match cell {
            Cell::Empty => w.write_all(&[0])?,
            Cell::Text(s) => {
                w.write_all(&[1])?;
                put_str(w, s)?;
            }
            Cell::Int(i) => {
                w.write_all(&[2])?;
                w.write_all(&i.to_le_bytes())?;
            }
            Cell::Float(f) => {
                w.write_all(&[3])?;
                w.write_all(&f.to_le_bytes())?;
            }
            Cell::Bool(b) => w.write_all(&[4, u8::from(*b)])?,
            Cell::Date { serial, is_1904 } => {
                w.write_all(&[5])?;
                w.write_all(&serial.to_le_bytes())?;
                w.write_all(&[u8::from(*is_1904)])?;
            }
            Cell::Error(s) => {
                w.write_all(&[6])?;
                put_str(w, s)?;
            }
        }
    }
    Ok(())
}

/// Decodes the rest of a `ROW` message into `cells`, reusing the text buffers of the row
/// before (`spare`). At most `max_cols` cells: the worker enforces the same cap.
pub fn get_row(
    r: &mut impl Read,
    cells: &mut Vec<Cell>,
    spare: &mut Vec<String>,
    max_cols: u32,
) -> io::Result<u32> {
    let row = get_u32(r)?;
    let n = get_u32(r)?;
    if n > max_cols {
        return Err(invalid("row wider than the column cap"));
    }
    for cell in cells.drain(..) {
        if let Cell::Text(s) | Cell::Error(s) = cell {
            spare.push(s);
        }
    }
    for _ in 0..n {
        let cell = match get_u8(r)? {
            0 => Cell::Empty,
            kind @ (1 | 6) => {
                let mut s = spare.pop().unwrap_or_default();
                get_str_into(r, &mut s)?;
                if kind == 1 {
                    Cell::Text(s)
                } else {
                    Cell::Error(s)
                }
            }
            2 => Cell::Int(get_u64(r)? as i64),
            3 => Cell::Float(f64::from_bits(get_u64(r)?)),
            4 => Cell::Bool(get_u8(r)? != 0),
            5 => Cell::Date {
                serial: f64::from_bits(get_u64(r)?),
                is_1904: get_u8(r)? != 0,
            },
            _ => return Err(invalid("cell kind")),
        };
        cells.push(cell);
    }
    Ok(row)
}

pub fn put_done(w: &mut impl Write, declared_rows: Option<u64>) -> io::Result<()> {
    w.write_all(&[DONE, u8::from(declared_rows.is_some())])?;
    put_u64(w, declared_rows.unwrap_or(0))
}

/// The rest of a `DONE` message.
pub fn get_done(r: &mut impl Read) -> io::Result<Option<u64>> {
    let some = get_u8(r)? != 0;
    let n = get_u64(r)?;
    Ok(some.then_some(n))
}

pub fn put_failed(w: &mut impl Write, e: &ReadError) -> io::Result<()> {
    w.write_all(&[FAILED])?;
    match e {
        ReadError::UnsupportedFormat(s) => {
            w.write_all(&[0])?;
            put_str(w, s)
        }
        ReadError::Corrupt(s) => {
            w.write_all(&[1])?;
            put_str(w, s)
        }
        ReadError::Encrypted => w.write_all(&[2]),
        ReadError::TooLarge(s) => {
            w.write_all(&[3])?;
            put_str(w, s)
        }
        ReadError::TooManyRows { limit } => {
            w.write_all(&[4])?;
            put_u32(w, *limit)
        }
        ReadError::TooManyColumns { row, limit } => {
            w.write_all(&[5])?;
            put_u32(w, *row)?;
            put_u32(w, *limit)
        }
        ReadError::SheetNotFound(s) => {
            w.write_all(&[6])?;
            put_str(w, s)
        }
        ReadError::NoTable => w.write_all(&[7]),
        ReadError::MissingColumns(s) => {
            w.write_all(&[8])?;
            put_str(w, s)
        }
        // Said by the server about a worker, never by a worker.
        ReadError::Unsafe | ReadError::Busy => w.write_all(&[9]),
    }
}

/// The rest of a `FAILED` message.
pub fn get_failed(r: &mut impl Read) -> io::Result<ReadError> {
    Ok(match get_u8(r)? {
        0 => ReadError::UnsupportedFormat(get_str(r)?),
        1 => ReadError::Corrupt(get_str(r)?),
        2 => ReadError::Encrypted,
        3 => ReadError::TooLarge(get_str(r)?),
        4 => ReadError::TooManyRows { limit: get_u32(r)? },
        5 => ReadError::TooManyColumns {
            row: get_u32(r)?,
            limit: get_u32(r)?,
        },
        6 => ReadError::SheetNotFound(get_str(r)?),
        7 => ReadError::NoTable,
        8 => ReadError::MissingColumns(get_str(r)?),
        _ => return Err(invalid("error kind")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_and_reuse_their_buffers() {
        let cells = vec![
            Cell::Empty,
            Cell::Text("Réf".into()),
            Cell::Int(-42),
            Cell::Float(1.25),
            Cell::Bool(true),
            Cell::Date {
                serial: 46000.5,
                is_1904: true,
            },
            Cell::Error("#N/A".into()),
        ];
        let mut wire = Vec::new();
        put_row(&mut wire, 7, &cells).unwrap();
        put_row(&mut wire, 8, &cells[..2]).unwrap();
        let mut r = &wire[..];
        let (mut got, mut spare) = (Vec::new(), Vec::new());
        assert_eq!(get_u8(&mut r).unwrap(), ROW);
        assert_eq!(get_row(&mut r, &mut got, &mut spare, 256).unwrap(), 7);
        assert_eq!(got, cells);
        assert_eq!(get_u8(&mut r).unwrap(), ROW);
        assert_eq!(get_row(&mut r, &mut got, &mut spare, 256).unwrap(), 8);
        assert_eq!(got, cells[..2]);
        assert_eq!(
            spare.len(),
            1,
            "the second row took one of the two text buffers"
        );
    }

    #[test]
    fn errors_round_trip() {
        for e in [
            ReadError::UnsupportedFormat("a PNG".into()),
            ReadError::Corrupt("zip".into()),
            ReadError::Encrypted,
            ReadError::TooLarge("x".into()),
            ReadError::TooManyRows { limit: 10 },
            ReadError::TooManyColumns { row: 3, limit: 256 },
            ReadError::SheetNotFound("S".into()),
            ReadError::NoTable,
            ReadError::MissingColumns("quantity".into()),
        ] {
            let mut wire = Vec::new();
            put_failed(&mut wire, &e).unwrap();
            let mut r = &wire[1..];
            assert_eq!(
                format!("{:?}", get_failed(&mut r).unwrap()),
                format!("{e:?}")
            );
        }
    }

    #[test]
    fn hostile_lengths_are_refused_before_allocating() {
        // A row claiming four billion cells, and a string claiming an exabyte.
        let mut wire = Vec::new();
        put_u32(&mut wire, 1).unwrap();
        put_u32(&mut wire, u32::MAX).unwrap();
        let (mut cells, mut spare) = (Vec::new(), Vec::new());
        assert!(get_row(&mut &wire[..], &mut cells, &mut spare, 256).is_err());
        let mut wire = Vec::new();
        put_u64(&mut wire, u64::MAX).unwrap();
        assert!(get_str(&mut &wire[..]).is_err());
        // A length larger than what arrives is an end of stream, not a huge buffer.
        let mut wire = Vec::new();
        put_u64(&mut wire, 1 << 29).unwrap();
        wire.extend_from_slice(b"short");
        let err = get_str(&mut &wire[..]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
