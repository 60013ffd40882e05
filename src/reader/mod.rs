//! Untrusted files are read in worker processes, where they cannot hurt the server.
//!
//! A spreadsheet reader fed a hostile file can allocate terabytes (an allocation failure aborts
//! the process, it is not a panic), spin for minutes or crash; in the server's own process that
//! would cut off every user of every tenant. So every uploaded or imported file — web, API and
//! CLI alike — is opened by a worker: this very binary, started as `relais internal
//! read-worker` with a memory and a CPU-time ceiling, which runs the import core's reader and
//! streams typed rows back (`protocol`). The server waits on it under a wall-clock budget. A
//! worker that dies or passes a ceiling costs one refused file (`ReadError::Unsafe`, "could
//! not be read safely") and a log line; nothing else notices.
//!
//! `RemoteBook` implements `import::sheets::Sheets`, so table detection, mapping, line parsing,
//! fixed-column records and the annotated copy run unchanged in the server, on typed cells.
//! At most `workers` run at once; a further file waits up to `queue_seconds` for one, then is
//! refused as busy (`ReadError::Busy`), so a burst of uploads never piles up processes.
//! Every call here blocks: call it from a blocking thread.

mod process;
pub mod protocol;
pub mod worker;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::config::ReaderSettings;
use crate::import::cell::Cell;
use crate::import::error::ReadError;
use crate::import::read::{Format, Limits, SheetInfo};
use crate::import::sheets::{RowFn, Sheets};
use process::{Ceilings, Process};
use protocol as wire;

/// Starts workers; cheap to clone (one pool of slots per server).
#[derive(Clone)]
pub struct Reader {
    pool: Arc<Pool>,
}

struct Pool {
    exe: PathBuf,
    ceilings: Ceilings,
    workers: usize,
    queue: Duration,
    busy: Mutex<usize>,
    freed: Condvar,
}

/// A worker slot, given back when dropped.
struct Slot(Arc<Pool>);

impl Drop for Slot {
    fn drop(&mut self) {
        *self.0.busy.lock().unwrap_or_else(|p| p.into_inner()) -= 1;
        self.0.freed.notify_one();
    }
}

impl Reader {
    pub fn new(settings: &ReaderSettings) -> Reader {
        let exe = if settings.worker_exe.is_empty() {
            std::env::current_exe().unwrap_or_else(|_| PathBuf::from("relais"))
        } else {
            PathBuf::from(&settings.worker_exe)
        };
        Reader {
            pool: Arc::new(Pool {
                exe,
                ceilings: Ceilings {
                    memory_bytes: settings.memory_mb.saturating_mul(1 << 20),
                    cpu_seconds: settings.cpu_seconds.max(1),
                    wall: Duration::from_secs(settings.wall_seconds.max(1)),
                },
                workers: settings.workers.max(1),
                queue: Duration::from_secs(settings.queue_seconds),
                busy: Mutex::new(0),
                freed: Condvar::new(),
            }),
        }
    }

    fn slot(&self) -> Result<Slot, ReadError> {
        let pool = &self.pool;
        let until = Instant::now() + pool.queue;
        let mut busy = pool.busy.lock().unwrap_or_else(|p| p.into_inner());
        while *busy >= pool.workers {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                tracing::warn!(workers = pool.workers, "every file reader is busy");
                return Err(ReadError::Busy);
            }
            busy = pool
                .freed
                .wait_timeout(busy, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        *busy += 1;
        Ok(Slot(pool.clone()))
    }

    /// Opens a file in a worker: its format and sheets are known when this returns.
    pub fn open(
        &self,
        bytes: &[u8],
        filename: &str,
        limits: &Limits,
    ) -> Result<RemoteBook, ReadError> {
        let slot = self.slot()?;
        let mut process = Process::start(&self.pool.exe, self.pool.ceilings).map_err(|e| {
            tracing::error!(exe = %self.pool.exe.display(), "cannot start a file reader: {e}");
            ReadError::Unsafe
        })?;
        let opened = send_file(&mut process, bytes, filename, limits).and_then(|()| {
            match wire::get_u8(&mut process.output)? {
                wire::OPENED => wire::get_opened(&mut process.output).map(Ok),
                wire::FAILED => wire::get_failed(&mut process.output).map(Err),
                _ => Err(wire::invalid("unexpected reply")),
            }
        });
        let (format, sheets) = match opened {
            Ok(Ok(opened)) => opened,
            Ok(Err(refused)) => return Err(refused),
            Err(e) => return Err(stopped(&mut process, &e, bytes.len())),
        };
        Ok(RemoteBook {
            process: Some(process),
            format,
            sheets,
            declared_rows: None,
            max_cols: limits.max_cols,
            pending: false,
            cells: Vec::new(),
            spare: Vec::new(),
            size: bytes.len(),
            _slot: slot,
        })
    }
}

fn send_file(
    process: &mut Process,
    bytes: &[u8],
    filename: &str,
    limits: &Limits,
) -> io::Result<()> {
    let input = process
        .input
        .as_mut()
        .ok_or_else(|| wire::invalid("closed"))?;
    let mut w = io::BufWriter::with_capacity(1 << 16, input);
    w.write_all(&wire::MAGIC)?;
    wire::put_limits(&mut w, limits)?;
    wire::put_str(&mut w, filename)?;
    wire::put_u64(&mut w, bytes.len() as u64)?;
    w.write_all(bytes)?;
    w.flush()
}

/// Stops a worker that failed, logs why, and gives the user's answer.
fn stopped(process: &mut Process, cause: &io::Error, size: usize) -> ReadError {
    let why = process.stop(cause);
    tracing::warn!(
        size,
        "a file could not be read safely: its reader stopped: {why}"
    );
    ReadError::Unsafe
}

/// A file opened in a worker. Dropping it stops the worker.
pub struct RemoteBook {
    /// None once the worker failed: every later call is refused.
    process: Option<Process>,
    format: Format,
    sheets: Vec<SheetInfo>,
    declared_rows: Option<u64>,
    max_cols: u32,
    /// A reply is still being streamed (the last caller stopped early).
    pending: bool,
    cells: Vec<Cell>,
    spare: Vec<String>,
    size: usize,
    _slot: Slot,
}

enum Reply {
    Row(u32),
    Done,
    Failed(ReadError),
}

impl RemoteBook {
    fn next(&mut self) -> io::Result<Reply> {
        let process = self
            .process
            .as_mut()
            .ok_or_else(|| wire::invalid("closed"))?;
        let out = &mut process.output;
        match wire::get_u8(out)? {
            wire::ROW => {
                wire::get_row(out, &mut self.cells, &mut self.spare, self.max_cols).map(Reply::Row)
            }
            wire::DONE => {
                self.declared_rows = wire::get_done(out)?;
                self.pending = false;
                Ok(Reply::Done)
            }
            wire::FAILED => {
                self.pending = false;
                wire::get_failed(out).map(Reply::Failed)
            }
            _ => Err(wire::invalid("unexpected reply")),
        }
    }

    /// Reads a request through: until its end, handing rows to `f` until it stops.
    fn stream(
        &mut self,
        sheet: &str,
        limit: Option<usize>,
        f: &mut RowFn<'_>,
    ) -> io::Result<Result<(), ReadError>> {
        while self.pending {
            self.next()?;
        }
        let process = self
            .process
            .as_mut()
            .ok_or_else(|| wire::invalid("closed"))?;
        let input = process
            .input
            .as_mut()
            .ok_or_else(|| wire::invalid("closed"))?;
        let mut request = vec![wire::ROWS];
        wire::put_str(&mut request, sheet)?;
        wire::put_u64(&mut request, limit.map_or(0, |n| n as u64))?;
        input.write_all(&request)?;
        self.pending = true;
        loop {
            match self.next()? {
                Reply::Row(row) => {
                    if f(row, &self.cells).is_break() {
                        // The rest of the reply is read (and dropped) by the next request.
                        return Ok(Ok(()));
                    }
                }
                Reply::Done => return Ok(Ok(())),
                Reply::Failed(e) => return Ok(Err(e)),
            }
        }
    }
}

impl Sheets for RemoteBook {
    fn format(&self) -> Format {
        self.format
    }

    fn sheets(&self) -> &[SheetInfo] {
        &self.sheets
    }

    fn declared_rows(&self) -> Option<u64> {
        self.declared_rows
    }

    fn rows(
        &mut self,
        sheet: &str,
        limit: Option<usize>,
        f: &mut RowFn<'_>,
    ) -> Result<(), ReadError> {
        if limit == Some(0) {
            return Ok(());
        }
        match self.stream(sheet, limit, f) {
            Ok(read) => read,
            Err(e) => {
                let size = self.size;
                match self.process.take() {
                    Some(mut process) => Err(stopped(&mut process, &e, size)),
                    None => Err(ReadError::Unsafe),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// The import core's in-process entry points (`read::open`, `analyse::analyse`) take a
    /// file's bytes; outside the core and this module, files reach the core only through a
    /// worker (`Reader::open`), so production code never names them.
    #[test]
    fn untrusted_bytes_reach_the_import_core_only_through_a_worker() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src.clone()];
        let mut offenders = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if path != src.join("import") && path != src.join("reader") {
                        stack.push(path);
                    }
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let calls_analyse = text.match_indices("analyse(").any(|(at, _)| {
                    !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                });
                if calls_analyse || text.contains("read::open") {
                    offenders.push(path.display().to_string());
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "files opened in process: {offenders:?}"
        );
    }
}
