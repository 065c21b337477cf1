//! getrandom(2) as a safe call: the one system call of `pep466_urandom` (src/urandom.rs).
#![warn(clippy::undocumented_unsafe_blocks)]

/// Flags of getrandom(2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wait {
    /// `0`: wait until the kernel's pool is initialised (once, at boot).
    Block,
    /// `GRND_NONBLOCK`: `EAGAIN` instead of waiting.
    NonBlock,
}

/// One getrandom(2) call into `buf`: the number of bytes written (possibly fewer than asked,
/// for large requests or on a signal), or the `errno`. Called through `syscall(2)` so that the
/// library does not depend on the C library's version (glibc has the wrapper only from 2.25).
pub(crate) fn getrandom(buf: &mut [u8], wait: Wait) -> Result<usize, i32> {
    let flags = match wait {
        Wait::Block => 0,
        Wait::NonBlock => libc::GRND_NONBLOCK,
    };
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which is valid and
    // exclusively borrowed for the call.
    let n = unsafe { libc::syscall(libc::SYS_getrandom, buf.as_mut_ptr(), buf.len(), flags) };
    if n < 0 {
        Err(std::io::Error::last_os_error()
            .raw_os_error()
            .unwrap_or(libc::EIO))
    } else {
        Ok(n as usize)
    }
}
