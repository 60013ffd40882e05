//! One worker process: started with its ceilings (setrlimit in the child, before it runs any of
//! our code), spoken to through non-blocking pipes whose waits count against a wall-clock
//! budget, killed and reaped when dropped.

use std::io::{self, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::worker;

/// What a worker may use.
#[derive(Debug, Clone, Copy)]
pub struct Ceilings {
    /// RLIMIT_DATA: heap and private anonymous mappings, where every allocation lands. (An
    /// address-space limit would also count the executable's mappings and thread stacks
    /// reserved but never touched.)
    pub memory_bytes: u64,
    /// RLIMIT_CPU: SIGXCPU at this many seconds, SIGKILL one second later.
    pub cpu_seconds: u64,
    /// Time the server may spend waiting on the worker's pipes, in total.
    pub wall: Duration,
}

/// The wall-clock budget of one worker, shared by its two pipes.
struct Budget {
    limit: Duration,
    spent_ns: AtomicU64,
}

impl Budget {
    /// Waits until `fd` is ready for `events`, charging the wait to the budget.
    fn wait(&self, fd: i32, events: i16) -> io::Result<()> {
        let spent = Duration::from_nanos(self.spent_ns.load(Ordering::Relaxed));
        let left = self.limit.saturating_sub(spent);
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        let started = Instant::now();
        let ms = i32::try_from(left.as_millis().max(1)).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd, for the duration of the call.
        let ready = unsafe { libc::poll(&mut pfd, 1, ms) };
        self.spent_ns.fetch_add(
            u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        match ready {
            0 => Err(io::ErrorKind::TimedOut.into()),
            n if n < 0 => {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    Ok(())
                } else {
                    Err(e)
                }
            }
            _ => Ok(()),
        }
    }
}

/// One end of a pipe to the worker, non-blocking, waiting through the budget.
pub struct Pipe<T> {
    end: T,
    budget: Arc<Budget>,
}

impl<T: AsRawFd> Pipe<T> {
    fn new(end: T, budget: Arc<Budget>) -> io::Result<Self> {
        let fd = end.as_raw_fd();
        // SAFETY: fcntl on a descriptor this process owns; only O_NONBLOCK is added.
        let ok = unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) >= 0
        };
        if ok {
            Ok(Pipe { end, budget })
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

impl<T: Read + AsRawFd> Read for Pipe<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.end.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.budget.wait(self.end.as_raw_fd(), libc::POLLIN)?
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                done => return done,
            }
        }
    }
}

impl<T: Write + AsRawFd> Write for Pipe<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match self.end.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.budget.wait(self.end.as_raw_fd(), libc::POLLOUT)?
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                done => return done,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.end.flush()
    }
}

pub struct Process {
    child: Child,
    /// None once closed: the worker then finishes its last reply and exits.
    pub input: Option<Pipe<ChildStdin>>,
    pub output: BufReader<Pipe<ChildStdout>>,
    stderr: Option<ChildStderr>,
    ceilings: Ceilings,
    reaped: bool,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
type Resource = libc::c_int;

fn set_limit(resource: Resource, soft: u64, hard: u64) -> io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: soft as libc::rlim_t,
        rlim_max: hard as libc::rlim_t,
    };
    // SAFETY: setrlimit with a valid struct; async-signal-safe, so allowed after fork.
    if unsafe { libc::setrlimit(resource, &limit) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

impl Process {
    pub fn start(exe: &Path, ceilings: Ceilings) -> io::Result<Process> {
        let mut cmd = Command::new(exe);
        cmd.args(worker::ARGS)
            .env_clear()
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let Ceilings {
            memory_bytes,
            cpu_seconds,
            ..
        } = ceilings;
        // SAFETY: the closure only calls setrlimit, which is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                set_limit(libc::RLIMIT_DATA, memory_bytes, memory_bytes)?;
                set_limit(libc::RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)?;
                // No core dumps of hostile content, and no files written at all.
                set_limit(libc::RLIMIT_CORE, 0, 0)?;
                set_limit(libc::RLIMIT_FSIZE, 0, 0)
            });
        }
        let mut child = cmd.spawn()?;
        let budget = Arc::new(Budget {
            limit: ceilings.wall,
            spent_ns: AtomicU64::new(0),
        });
        let ends = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), stderr) = ends else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("the worker's pipes are missing"));
        };
        Ok(Process {
            input: Some(Pipe::new(stdin, budget.clone())?),
            output: BufReader::with_capacity(1 << 18, Pipe::new(stdout, budget)?),
            stderr,
            child,
            ceilings,
            reaped: false,
        })
    }

    /// Stops the worker and says why it stopped, for the log: its exit, and the start of what
    /// it wrote on its standard error (a panic message, an allocation failure).
    pub fn stop(&mut self, cause: &io::Error) -> String {
        self.input = None;
        let _ = self.child.kill();
        let status = self.child.wait();
        self.reaped = true;
        let mut said = Vec::new();
        if let Some(err) = self.stderr.take() {
            let _ = err.take(2048).read_to_end(&mut said);
        }
        let how = match status {
            Ok(s) => match (s.signal(), s.code()) {
                (Some(libc::SIGXCPU), _) => {
                    format!("CPU time ceiling ({} s)", self.ceilings.cpu_seconds)
                }
                (Some(libc::SIGKILL), _) if cause.kind() == io::ErrorKind::TimedOut => {
                    format!("wall-clock ceiling ({:?})", self.ceilings.wall)
                }
                (Some(libc::SIGABRT), _) => format!(
                    "aborted (memory ceiling {} MB, or an allocation failure)",
                    self.ceilings.memory_bytes >> 20
                ),
                (Some(sig), _) => format!("killed by signal {sig}"),
                (None, Some(101)) => "panicked".into(),
                (None, code) => format!("exited with {code:?}"),
            },
            Err(e) => format!("lost ({e})"),
        };
        let said = String::from_utf8_lossy(&said);
        format!("{how}; {cause}; stderr: {:?}", said.trim())
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if !self.reaped {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
