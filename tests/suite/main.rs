//! The test suite: end-to-end tests on temporary copies of the example project, in one
//! crate so that Typst is linked into the tests once.

mod archive;
mod brochure;
mod build;
mod bundle;
mod cli;
mod colour;
#[allow(dead_code)]
mod common;
mod editions;
mod errors;
mod exchange;
mod figures;
mod glyphs;
mod hostile;
mod materials;
mod partners;
mod print;
mod profiles;
mod proof;
mod serve;
mod tibetan;
mod visual;
