//! The `_ssl.c` line numbers our `SSLError` messages show (`[SSL: ...] ... (_ssl.c:2815)`), one
//! per call site, so a message reads like the one the CPython that has the call gives: stock
//! 2.7.18's line where 2.7 has it, Python 3's for what only Python 3 has. Tests never compare
//! them. One table, so the correspondence with the two `_ssl.c` files is read in one place.

// 2.7.18's `Modules/_ssl.c`.
/// `_wrap_socket` set-up failures (`wrap.rs`).
pub(crate) const WRAP: u32 = 511;
/// `_SSLSocket.getpeercert()` (`connection.rs`).
pub(crate) const PEER_CERT: u32 = 1380;
/// `_SSLSocket.shutdown()` on a socket that is gone (`connection.rs`).
pub(crate) const SHUTDOWN_GONE: u32 = 2012;
/// `_SSLContext()` (`context/mod.rs`).
pub(crate) const CONTEXT_NEW: u32 = 2092;
/// `verify_flags` (`context/mod.rs`).
pub(crate) const VERIFY_FLAGS: u32 = 2366;
/// `load_cert_chain`: the certificate, the key, their match (`context/load.rs`).
pub(crate) const CERT_CHAIN_FILE: u32 = 2815;
pub(crate) const PRIVATE_KEY: u32 = 2834;
pub(crate) const CHECK_PRIVATE_KEY: u32 = 2845;
/// `load_verify_locations`: `cadata`, then the files (`context/load.rs`).
pub(crate) const CADATA: u32 = 2938;
pub(crate) const VERIFY_LOCATIONS: u32 = 3063;
/// `load_dh_params` (`context/load.rs`).
pub(crate) const DH_PARAMS: u32 = 3122;
/// `set_default_verify_paths` (`context/load.rs`).
pub(crate) const DEFAULT_VERIFY_PATHS: u32 = 3212;
/// `set_ecdh_curve` (`context/mod.rs`).
pub(crate) const ECDH_CURVE: u32 = 3236;
/// `get_ca_certs` (`context/mod.rs`).
pub(crate) const CA_CERTS: u32 = 3399;

// Python 3's `Modules/_ssl.c` (3.13), for its additions.
/// Set-up failures of the one-sided protocols (`wrap.rs`).
pub(crate) const WRAP_ROLE: u32 = 812;
/// `_SSLSocket.session = ...` (`connection.rs`).
pub(crate) const SET_SESSION: u32 = 2105;
/// A certificate of a chain that cannot be encoded (`conn_info.rs`).
pub(crate) const CERT_CHAIN: u32 = 2188;
/// `_SSLContext.get_ciphers()` (`context/python3.rs`).
pub(crate) const GET_CIPHERS: u32 = 2704;
/// `_SSLSocket.verify_client_post_handshake()` (`connection.rs`).
pub(crate) const POST_HANDSHAKE_AUTH: u32 = 2918;
/// `MemoryBIO()`, `read()`, `write()` (`memory_bio.rs`).
pub(crate) const MEMORY_BIO_NEW: u32 = 4440;
pub(crate) const MEMORY_BIO_READ: u32 = 4520;
pub(crate) const MEMORY_BIO_WRITE: u32 = 4560;
/// The PSK callbacks' protocol errors, client and server (`context/hooks.rs`).
pub(crate) const PSK_CLIENT: u32 = 4799;
pub(crate) const PSK_SERVER: u32 = 4909;
