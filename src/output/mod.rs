//! Writing what a build leaves on disk: files written atomically ([`write`]) and the
//! digests of inputs and outputs ([`digest`]).

pub mod digest;
pub mod write;
