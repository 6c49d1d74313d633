//! laminate-passes-pdf: PDF for print, knowing nothing of passes. The file
//! writer (objects, cross-reference table, trailer) and content-stream
//! operators, reading and merging PDFs that laminate wrote, pages of other
//! PDFs as Form XObjects (`page`), device colours
//! and their conversion through ICC profiles, and PDF/X-4 settings.

pub mod cms;
pub mod colour;
pub mod merge;
pub mod ops;
pub mod out;
pub mod page;
pub mod pdfx;
pub mod read;
