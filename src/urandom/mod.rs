//! Cryptographic randomness for the interpreter core (PEP 466 names `os.urandom`): the body of
//! the exported `pep466_urandom`, with Python 3.6's semantics (PEP 524).
//!
//! On Linux (and Android) that is getrandom(2) without flags: it never returns bytes before the
//! kernel's pool is initialised, so a call made early at boot may wait, once, and that wait
//! happens with the GIL released when the caller holds it. Small requests first try
//! `GRND_NONBLOCK` with the GIL kept (no GIL round trip once the pool is ready, which is always
//! after boot); large ones release the GIL for the whole draw. When the system call does not
//! exist (kernel < 3.17: `ENOSYS`) or a sandbox forbids it (`EPERM`), `/dev/urandom` is opened,
//! read and closed on each call, as 3.6 falls back: no descriptor is kept, so none can go stale
//! when a daemon closes every descriptor and the number is reused (bpo-21207). Any other error
//! is returned, so that the caller (2.7's `_PyOS_URandom` with `random.c.patch`) runs its own
//! code, which raises the precise exception.
//!
//! Elsewhere the `getrandom` crate calls the platform's source that needs no descriptor
//! (`ProcessPrng`/`BCryptGenRandom` on Windows, `getentropy` on macOS and OpenBSD, getrandom(2)
//! on FreeBSD, NetBSD and illumos), with the GIL released for large requests.

use std::io;

/// Requests up to this size try the non-blocking call with the GIL kept.
const SMALL: usize = 256;

/// Fills `buf` with random bytes from the operating system.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn fill(buf: &mut [u8]) -> io::Result<()> {
    linux::SOURCE.fill(buf)
}

/// Fills `buf` with random bytes from the operating system.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn fill(buf: &mut [u8]) -> io::Result<()> {
    if buf.len() <= SMALL {
        portable::draw(buf)
    } else {
        crate::py::gil::release_if_held(|| portable::draw(buf))
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod portable;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use super::SMALL;
    use crate::ffi::sysrandom::{self, Wait};
    use crate::py::gil;
    use std::io::{self, Read};
    use std::sync::atomic::{AtomicBool, Ordering};

    /// What the operating system offers; a trait so the tests can play the kernel.
    pub(super) trait Os: Sync {
        /// One getrandom(2) call: bytes written, or the errno.
        fn getrandom(&self, buf: &mut [u8], wait: Wait) -> Result<usize, i32>;
        /// Opens `/dev/urandom`, fills `buf` from it and closes it.
        fn read_device(&self, buf: &mut [u8]) -> io::Result<()>;
    }

    pub(super) struct RealOs;

    impl Os for RealOs {
        fn getrandom(&self, buf: &mut [u8], wait: Wait) -> Result<usize, i32> {
            sysrandom::getrandom(buf, wait)
        }
        fn read_device(&self, buf: &mut [u8]) -> io::Result<()> {
            // std opens with O_CLOEXEC, and read_exact retries EINTR; the file is closed on
            // return, so no descriptor outlives the call.
            std::fs::File::open("/dev/urandom")?.read_exact(buf)
        }
    }

    /// The process's source: whether getrandom(2) turned out to be missing is all it remembers.
    pub(super) struct Source<O> {
        pub(super) os: O,
        pub(super) syscall_missing: AtomicBool,
    }

    pub(super) static SOURCE: Source<RealOs> = Source {
        os: RealOs,
        syscall_missing: AtomicBool::new(false),
    };

    /// Why the blocking draw stopped.
    enum Stop {
        Missing,
        Failed(i32),
    }

    fn missing(errno: i32) -> bool {
        errno == libc::ENOSYS || errno == libc::EPERM
    }

    impl<O: Os> Source<O> {
        pub(super) fn fill(&self, buf: &mut [u8]) -> io::Result<()> {
            if buf.is_empty() {
                return Ok(());
            }
            if !self.syscall_missing.load(Ordering::Relaxed) {
                match self.fill_syscall(buf) {
                    Ok(()) => return Ok(()),
                    Err(Stop::Failed(errno)) => return Err(io::Error::from_raw_os_error(errno)),
                    Err(Stop::Missing) => self.syscall_missing.store(true, Ordering::Relaxed),
                }
            }
            if buf.len() <= SMALL {
                self.os.read_device(buf)
            } else {
                gil::release_if_held(|| self.os.read_device(buf))
            }
        }

        fn fill_syscall(&self, buf: &mut [u8]) -> Result<(), Stop> {
            let mut done = 0;
            if buf.len() <= SMALL {
                match self.os.getrandom(buf, Wait::NonBlock) {
                    Ok(n) => done = n.min(buf.len()),
                    // The pool is not initialised yet (or a signal came): wait below.
                    Err(e) if e == libc::EAGAIN || e == libc::EINTR => {}
                    Err(e) if missing(e) => return Err(Stop::Missing),
                    Err(e) => return Err(Stop::Failed(e)),
                }
                if done == buf.len() {
                    return Ok(());
                }
            }
            let rest = &mut buf[done..];
            gil::release_if_held(|| self.blocking(rest))
        }

        /// getrandom(2) without flags until `buf` is full: waits for the pool if it must.
        fn blocking(&self, buf: &mut [u8]) -> Result<(), Stop> {
            let mut done = 0;
            while done < buf.len() {
                match self.os.getrandom(&mut buf[done..], Wait::Block) {
                    Ok(n) => done += n.min(buf.len() - done),
                    Err(e) if e == libc::EINTR => {}
                    Err(e) if missing(e) && done == 0 => return Err(Stop::Missing),
                    Err(e) => return Err(Stop::Failed(e)),
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fills_every_size_and_never_repeats() {
        for len in [0usize, 1, 16, 255, 256, 257, 4096, 1 << 20] {
            let mut a = vec![0u8; len];
            let mut b = vec![0u8; len];
            fill(&mut a).unwrap();
            fill(&mut b).unwrap();
            if len >= 16 {
                assert_ne!(a, b, "two {len}-byte draws were equal");
                assert!(a.iter().any(|&x| x != 0));
            }
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    mod linux {
        use super::super::linux::{Os, RealOs, Source};
        use super::super::SMALL;
        use crate::ffi::sysrandom::Wait;
        use crate::py::gil;
        use std::io;
        use std::sync::atomic::AtomicBool;
        use std::sync::Mutex;
        use std::time::Duration;

        /// A scripted kernel: each getrandom call takes the next answer (`Ok(max bytes)` or an
        /// errno; the last repeats) and records its flags; the device fills with 0xAA.
        struct Fake {
            answers: Mutex<Vec<Result<usize, i32>>>,
            calls: Mutex<Vec<Wait>>,
            device_reads: Mutex<usize>,
            on_block: fn(),
            on_nonblock: fn(),
        }

        impl Fake {
            fn new(answers: &[Result<usize, i32>]) -> Source<Fake> {
                Source {
                    os: Fake {
                        answers: Mutex::new(answers.iter().rev().copied().collect()),
                        calls: Mutex::new(Vec::new()),
                        device_reads: Mutex::new(0),
                        on_block: || {},
                        on_nonblock: || {},
                    },
                    syscall_missing: AtomicBool::new(false),
                }
            }
        }

        impl Os for Fake {
            fn getrandom(&self, buf: &mut [u8], wait: Wait) -> Result<usize, i32> {
                self.calls.lock().unwrap().push(wait);
                match wait {
                    Wait::Block => (self.on_block)(),
                    Wait::NonBlock => (self.on_nonblock)(),
                }
                let mut answers = self.answers.lock().unwrap();
                let answer = if answers.len() > 1 {
                    answers.pop().unwrap()
                } else {
                    answers[0]
                };
                let n = answer?.min(buf.len());
                buf[..n].fill(0x55);
                Ok(n)
            }
            fn read_device(&self, buf: &mut [u8]) -> io::Result<()> {
                *self.device_reads.lock().unwrap() += 1;
                buf.fill(0xAA);
                Ok(())
            }
        }

        fn calls(s: &Source<Fake>) -> Vec<Wait> {
            s.os.calls.lock().unwrap().clone()
        }

        #[test]
        fn small_requests_take_one_nonblocking_call() {
            let s = Fake::new(&[Ok(usize::MAX)]);
            let mut buf = [0u8; 32];
            s.fill(&mut buf).unwrap();
            assert_eq!(buf, [0x55; 32]);
            assert_eq!(calls(&s), [Wait::NonBlock]);
        }

        #[test]
        fn waits_for_the_pool_when_it_is_not_ready() {
            let s = Fake::new(&[Err(libc::EAGAIN), Ok(usize::MAX)]);
            let mut buf = [0u8; 32];
            s.fill(&mut buf).unwrap();
            assert_eq!(buf, [0x55; 32]);
            assert_eq!(calls(&s), [Wait::NonBlock, Wait::Block]);
            assert_eq!(*s.os.device_reads.lock().unwrap(), 0);
        }

        #[test]
        fn large_requests_block_and_short_reads_and_signals_continue() {
            let s = Fake::new(&[Ok(1000), Err(libc::EINTR), Ok(1000)]);
            let mut buf = vec![0u8; 2500];
            s.fill(&mut buf).unwrap();
            assert!(buf.iter().all(|&b| b == 0x55));
            assert_eq!(calls(&s), [Wait::Block; 4]);
        }

        #[test]
        fn missing_or_forbidden_syscall_reads_the_device_each_time() {
            for errno in [libc::ENOSYS, libc::EPERM] {
                let s = Fake::new(&[Err(errno)]);
                for len in [16, SMALL + 1, 16] {
                    let mut buf = vec![0u8; len];
                    s.fill(&mut buf).unwrap();
                    assert!(buf.iter().all(|&b| b == 0xAA));
                }
                // The syscall is tried once, the device read on every call.
                assert_eq!(calls(&s).len(), 1, "errno {errno}");
                assert_eq!(*s.os.device_reads.lock().unwrap(), 3);
            }
        }

        #[test]
        fn other_errors_are_reported_not_papered_over() {
            let s = Fake::new(&[Err(libc::EFAULT)]);
            let err = s.fill(&mut [0u8; 16]).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EFAULT));
            let err = s.fill(&mut vec![0u8; 4096]).unwrap_err();
            assert_eq!(err.raw_os_error(), Some(libc::EFAULT));
            assert_eq!(*s.os.device_reads.lock().unwrap(), 0);
        }

        fn urandom_descriptors() -> usize {
            std::fs::read_dir("/proc/self/fd")
                .unwrap()
                .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter(|target| target.as_os_str() == "/dev/urandom")
                .count()
        }

        #[test]
        fn the_device_fallback_keeps_no_descriptor() {
            let s = Source {
                os: RealOs,
                syscall_missing: AtomicBool::new(true),
            };
            let before = urandom_descriptors();
            let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
            s.fill(&mut a).unwrap();
            s.fill(&mut b).unwrap();
            assert_ne!(a, b);
            assert_eq!(urandom_descriptors(), before);
        }

        /// Takes the GIL on a new thread: proves the caller released it.
        fn another_thread_takes_the_gil() {
            assert!(!gil::held_here(), "waiting with the GIL held");
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || gil::with_gil(|_| tx.send(()).unwrap()));
            rx.recv_timeout(Duration::from_secs(20))
                .expect("another thread could not take the GIL while getrandom waited");
        }

        #[test]
        fn waits_with_the_gil_released_and_keeps_it_otherwise() {
            crate::py::embed::with_python(|_py| {
                assert!(gil::held_here());
                // Pool not ready: the non-blocking try keeps the GIL, the wait releases it.
                let mut s = Fake::new(&[Err(libc::EAGAIN), Ok(usize::MAX)]);
                s.os.on_nonblock = || assert!(gil::held_here(), "GIL released for a quick call");
                s.os.on_block = another_thread_takes_the_gil;
                s.fill(&mut [0u8; 32]).unwrap();
                assert_eq!(calls(&s), [Wait::NonBlock, Wait::Block]);
                // A large draw releases it too.
                let mut s = Fake::new(&[Ok(usize::MAX)]);
                s.os.on_block = another_thread_takes_the_gil;
                s.fill(&mut vec![0u8; SMALL + 1]).unwrap();
                assert!(gil::held_here(), "GIL not taken back");
            });
        }

        #[test]
        fn threads_python_does_not_know_hold_no_gil() {
            crate::py::embed::with_python(|_py| {
                let other = std::thread::spawn(gil::held_here).join().unwrap();
                assert!(!other);
                let mut buf = [0u8; 1024];
                std::thread::spawn(move || super::fill(&mut buf).map(|()| buf))
                    .join()
                    .unwrap()
                    .unwrap();
            });
        }
    }
}
