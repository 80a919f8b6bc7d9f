//! The typst world: one template, one JSON data file, an optional logo, and
//! the embedded fonts.

use crate::{PdfData, PdfError};
use std::sync::Arc;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("../templates/document.typ");
pub(crate) const DATA_PATH: &str = "/data.json";
pub(crate) const LOGO_PATH: &str = "/logo";

fn file_id(path: &str) -> FileId {
    // The paths are constants, so they are always valid virtual paths.
    let vpath = VirtualPath::new(path).expect("valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// Fonts, library and template, loaded once and shared by every render.
pub struct Renderer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Arc<Vec<Font>>,
    main: Source,
    main_id: FileId,
    data_id: FileId,
    logo_id: FileId,
}

impl Default for Renderer {
    fn default() -> Self {
        Renderer::new()
    }
}

impl Renderer {
    /// Parses the embedded fonts and the template (a few milliseconds; do it
    /// once per process).
    pub fn new() -> Renderer {
        let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
        let book = FontBook::from_fonts(&fonts);
        let main_id = file_id("/document.typ");
        Renderer {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts: Arc::new(fonts),
            main: Source::new(main_id, TEMPLATE.to_string()),
            main_id,
            data_id: file_id(DATA_PATH),
            logo_id: file_id(LOGO_PATH),
        }
    }

    /// Renders one document to PDF bytes.
    pub fn render(&self, data: &PdfData, logo: Option<&[u8]>) -> Result<Vec<u8>, PdfError> {
        let json = serde_json::to_vec(data).map_err(|e| PdfError::Template(e.to_string()))?;
        let world =
            DocumentWorld { renderer: self, data: Bytes::new(json), logo: logo.map(|l| Bytes::new(l.to_vec())) };
        let compiled = typst::compile::<PagedDocument>(&world).output;
        // Bound the memoization cache: a long-lived process renders many documents.
        comemo::evict(10);
        let document = compiled.map_err(|errors| PdfError::Template(describe(&errors)))?;
        typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
            .map_err(|errors| PdfError::Export(describe(&errors)))
    }
}

fn describe(errors: &[SourceDiagnostic]) -> String {
    errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")
}

struct DocumentWorld<'a> {
    renderer: &'a Renderer,
    data: Bytes,
    logo: Option<Bytes>,
}

impl World for DocumentWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.renderer.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.renderer.book
    }

    fn main(&self) -> FileId {
        self.renderer.main_id
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.renderer.main_id { Ok(self.renderer.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.renderer.data_id {
            Ok(self.data.clone())
        } else if id == self.renderer.logo_id {
            self.logo.clone().ok_or(FileError::AccessDenied)
        } else if id == self.renderer.main_id {
            Ok(Bytes::from_string(self.renderer.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.renderer.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // Documents carry their own dates; the template never asks for today.
        None
    }
}
