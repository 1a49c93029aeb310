//! Standard output, written so that a reader that stops reading never
//! makes retort panic.
//!
//! `retort history DIR | head -3`: once `head` has its lines it closes the
//! pipe, and the next write fails with `EPIPE` (Rust ignores `SIGPIPE`, so
//! the write returns the error instead of ending the process). retort then
//! stops quietly with exit 141, the status a shell reports for a process
//! ended by `SIGPIPE` (`yes | head` gives 141 in `PIPESTATUS`). Any other
//! write error (a full disk) is said on stderr, with exit 2.

use std::fmt;
use std::io::{self, Write};

/// The exit status of a command whose reader closed standard output.
pub const CLOSED: i32 = 141;

/// Standard output, locked, whose writes never fail: an error ends the
/// process as the module says.
pub struct Stdout(io::StdoutLock<'static>);

pub fn stdout() -> Stdout {
    Stdout(io::stdout().lock())
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(ended(self.0.write(buf)))
    }

    fn flush(&mut self) -> io::Result<()> {
        ended(self.0.flush());
        Ok(())
    }
}

/// The value, or the end of the process when standard output failed.
fn ended<T>(result: io::Result<T>) -> T {
    match result {
        Ok(value) => value,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => std::process::exit(CLOSED),
        Err(error) => {
            eprintln!("retort: cannot write to standard output: {error}");
            std::process::exit(2)
        }
    }
}

/// What `print!` prints, through [`Stdout`].
pub fn print(args: fmt::Arguments<'_>) {
    let mut out = stdout();
    ended(out.write_fmt(args));
    ended(out.flush());
}

/// `print!` that ends quietly on a closed pipe.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::print(format_args!($($arg)*))
    };
}

/// `println!` that ends quietly on a closed pipe.
macro_rules! outln {
    () => {
        $crate::out::print(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};
