//! The draw itself where the `getrandom` crate is the source (Windows, macOS, the BSDs): no
//! Python in it, so `tests/windows.rs` compiles this file alone and runs it under Wine.

use std::io;

/// Fills `buf` from the platform's source; an operating-system error keeps its code, so the
/// caller's fallback reports what 2.7 would.
pub(crate) fn draw(buf: &mut [u8]) -> io::Result<()> {
    getrandom::getrandom(buf).map_err(|e| {
        e.raw_os_error().map_or_else(
            || io::Error::other(e.to_string()),
            io::Error::from_raw_os_error,
        )
    })
}
