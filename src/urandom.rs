//! Cryptographic randomness for the interpreter core (PEP 466 names `os.urandom`): the body of
//! the exported `pep466_urandom`, over the `getrandom` crate (getrandom(2), BCryptGenRandom,
//! getentropy... whatever the platform's best source is).

/// Fills `buf` with random bytes from the operating system.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), getrandom::Error> {
    getrandom::getrandom(buf)
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
}
