//! Scaffolding, to be replaced: certificate decoding.
