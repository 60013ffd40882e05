//! The worker side: `relais internal read-worker`, started by the server with resource ceilings
//! already set (see `super::process`). It reads one file from standard input, opens it with the
//! import core's reader (guards included) and answers row requests on standard output until
//! its input closes. It touches nothing else: no configuration, no database, no files, no
//! logging; a panic or an allocation failure ends this process only.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;

use super::protocol::{self as wire, get_limits, get_str, get_u64, get_u8};
use crate::import::read::open;
use crate::import::sheets::Sheets;

/// The arguments that start a worker instead of the command line.
pub const ARGS: [&str; 2] = ["internal", "read-worker"];

/// Whether this process was started as a worker (checked before anything else starts).
pub fn requested() -> bool {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).take(3).collect();
    args.len() == 2 && args.iter().zip(ARGS).all(|(a, b)| a == b)
}

pub fn main() -> ExitCode {
    let input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    let output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match serve(input, output) {
        Ok(()) => ExitCode::SUCCESS,
        // The server went away or spoke another protocol: nothing to tell anyone.
        Err(_) => ExitCode::from(3),
    }
}

fn serve(mut input: impl Read, mut out: impl Write) -> io::Result<()> {
    let mut magic = [0u8; 8];
    input.read_exact(&mut magic)?;
    if magic != wire::MAGIC {
        return Err(wire::invalid("not a read request"));
    }
    let limits = get_limits(&mut input)?;
    let filename = get_str(&mut input)?;
    let len = get_u64(&mut input)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).map_err(|_| wire::invalid("size"))?);
    (&mut input).take(len).read_to_end(&mut bytes)?;
    let mut book = match open(&bytes, &filename, &limits) {
        Ok(book) => book,
        Err(e) => {
            wire::put_failed(&mut out, &e)?;
            return out.flush();
        }
    };
    wire::put_opened(&mut out, book.format, &book.sheets)?;
    out.flush()?;
    loop {
        let kind = match get_u8(&mut input) {
            Ok(k) => k,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        };
        if kind != wire::ROWS {
            return Err(wire::invalid("unknown request"));
        }
        let sheet = get_str(&mut input)?;
        let limit = get_u64(&mut input)?;
        let limit = (limit > 0).then_some(usize::try_from(limit).unwrap_or(usize::MAX));
        let mut written = Ok(());
        let read = book.rows(&sheet, limit, &mut |row, cells| {
            written = wire::put_row(&mut out, row, cells);
            if written.is_ok() {
                ControlFlow::Continue(())
            } else {
                ControlFlow::Break(())
            }
        });
        written?;
        match read {
            Ok(()) => wire::put_done(&mut out, Sheets::declared_rows(&book))?,
            Err(e) => wire::put_failed(&mut out, &e)?,
        }
        out.flush()?;
    }
}
