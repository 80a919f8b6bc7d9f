//! Document PDFs rendered in-process with typst.
//!
//! The template (`templates/document.typ`) is compiled into the binary; fonts
//! come from `typst-assets` (no system fonts, no package downloads). Data goes
//! in as a virtual JSON file, never as typst source, so whatever a description
//! contains is printed literally. A [`Renderer`] loads fonts and the standard
//! library once (per cold start) and renders any number of documents.

mod data;
mod world;

pub use data::{PdfData, PdfInput, logo_bytes, pdf_data};
pub use world::Renderer;

/// Bumped whenever the template or the data it is given changes shape, so
/// stored PDFs made by an older template are not served again.
pub const TEMPLATE_VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the document template failed: {0}")]
    Template(String),
    #[error("PDF export failed: {0}")]
    Export(String),
}
