//! What a build leaves on disk: files written atomically ([`write`]), the manifest of
//! inputs and outputs with their digests ([`manifest`], [`digest`]), page previews
//! ([`preview`]), the print plates ([`separations`]) and the source bundle for stock Typst
//! ([`bundle`]).

pub mod bundle;
pub mod digest;
pub mod manifest;
pub mod preview;
pub mod separations;
pub mod write;
