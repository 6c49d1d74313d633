//! Output files of a run: turns an output path into a temporary file with a
//! streaming PDF writer on it, and names the files of a run split by pass
//! type (`out.pdf` -> `out-crew.pdf`).
//!
//! The writer runs on a thread of its own: pages are handed to it in order
//! (their content streams already made) and written while the next passes
//! are laid out, so writing does not hold up the worker threads.

use std::collections::VecDeque;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::atomic;
use crate::emit::content::Content;
use crate::emit::draw::Inks;
use crate::emit::writer::{DocInfo, PdfWriter};
use crate::fonts::FontBook;
use crate::impose::Sheet;
use crate::layout::ArtBook;
use crate::outcome::Failure;

/// Pages ready to be written: each sheet (its boxes) with its content.
pub type Pages = Vec<(Sheet, Content)>;

type Writer = PdfWriter<Box<dyn Write + Send>>;

/// The thread that writes one file's pages, in the order they are sent.
pub struct Emitter {
    pages: Option<mpsc::SyncSender<Pages>>,
    thread: Option<JoinHandle<io::Result<Writer>>>,
}

impl Emitter {
    fn start(mut writer: Writer, arts: Arc<ArtBook>) -> Emitter {
        // Two batches in flight at most: memory stays flat if the disk is slow.
        let (tx, rx) = mpsc::sync_channel::<Pages>(2);
        let thread = std::thread::spawn(move || {
            for batch in rx {
                for (sheet, content) in batch {
                    writer.write_sheet(&sheet, content, &arts)?;
                }
            }
            Ok(writer)
        });
        Emitter { pages: Some(tx), thread: Some(thread) }
    }

    /// Hands pages to the writer. Fails with the writer's error once it has
    /// stopped on one.
    pub fn send(&mut self, pages: Pages) -> io::Result<()> {
        let sent = self.pages.as_ref().map(|tx| tx.send(pages));
        match sent {
            Some(Ok(())) => Ok(()),
            _ => Err(self.stop().err().unwrap_or_else(|| io::Error::other("the writer stopped"))),
        }
    }

    /// Waits for every page sent to be written; the writer back.
    fn stop(&mut self) -> io::Result<Writer> {
        drop(self.pages.take());
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Err(io::Error::other("the writer stopped")),
        }
    }
}

impl Drop for Emitter {
    /// A run that stops early (an error in the input, a failed write) still
    /// waits for its writer, so no thread outlives the run.
    fn drop(&mut self) {
        if self.thread.is_some() {
            let _ = self.stop();
        }
    }
}

/// One PDF being written: its final path, the temporary file it goes to
/// until the run succeeds, and what its slug lines count.
pub struct OutFile {
    /// Where the finished file goes (empty when nothing is written).
    pub path: PathBuf,
    temp: Option<tempfile::NamedTempFile>,
    /// The PDF writer's thread, streaming into the temporary file.
    pub writer: Emitter,
    /// Front sheets written so far.
    pub sheet_number: usize,
    /// Front sheets this file will have.
    pub total_sheets: usize,
    /// Pass types of the cards placed but not yet written, in order.
    pub types: VecDeque<String>,
}

/// A PDF kept in memory instead of a file (`RenderOptions::memory`): the
/// writer thread appends to it, the caller takes it after the run.
#[derive(Clone, Debug, Default)]
pub struct Memory(Arc<std::sync::Mutex<Vec<u8>>>);

impl Memory {
    /// The bytes written so far, taken out (the buffer is left empty).
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Write for Memory {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A finished file waiting for the run to succeed.
pub struct Finished {
    temp: Option<tempfile::NamedTempFile>,
    path: PathBuf,
    /// Bytes written.
    pub bytes: usize,
    /// Pages written.
    pub pages: usize,
}

impl OutFile {
    /// Starts a file: a temporary file beside `path`, or the `memory`
    /// buffer, or with `None` (validate, or a run that already failed) a
    /// writer that keeps nothing.
    pub fn open(
        path: Option<&Path>,
        memory: Option<&Memory>,
        book: &'static FontBook,
        info: DocInfo,
        inks: Inks,
        total_sheets: usize,
        arts: Arc<ArtBook>,
    ) -> Result<OutFile, Failure> {
        let fail = |source: io::Error| Failure::Io {
            action: "cannot write",
            path: path.map(Path::to_path_buf).unwrap_or_default(),
            source,
        };
        let (temp, sink): (Option<tempfile::NamedTempFile>, Box<dyn Write + Send>) = match path {
            Some(_) if memory.is_some() => (None, Box::new(memory.cloned().unwrap_or_default())),
            Some(path) => {
                let temp = atomic::temp_beside(path, ".pdf.part").map_err(fail)?;
                let handle = temp.reopen().map_err(fail)?;
                (Some(temp), Box::new(BufWriter::with_capacity(1 << 16, handle)))
            }
            None => (None, Box::new(io::sink())),
        };
        let writer = Emitter::start(PdfWriter::new(sink, book, info, inks).map_err(fail)?, arts);
        Ok(OutFile {
            path: path.map(Path::to_path_buf).unwrap_or_default(),
            temp,
            writer,
            sheet_number: 0,
            total_sheets,
            types: VecDeque::new(),
        })
    }

    /// The error for a failed write to this file.
    pub fn fail(&self, source: io::Error) -> Failure {
        Failure::Io { action: "cannot write", path: self.path.clone(), source }
    }

    /// Writes the end of the PDF and flushes it to the temporary file.
    pub fn finish(self) -> Result<Finished, Failure> {
        let path = self.path;
        let fail =
            |source: io::Error| Failure::Io { action: "cannot write", path: path.clone(), source };
        let mut emitter = self.writer;
        let (mut sink, bytes, pages) = emitter.stop().and_then(|w| w.finish()).map_err(fail)?;
        sink.flush().map_err(fail)?;
        drop(sink);
        Ok(Finished { temp: self.temp, path, bytes, pages })
    }
}

impl Finished {
    /// Moves the finished file into place (nothing for a validate run).
    pub fn persist(self) -> Result<Option<PathBuf>, Failure> {
        match self.temp {
            Some(temp) => {
                atomic::persist(temp, &self.path).map_err(|source| Failure::Io {
                    action: "cannot write",
                    path: self.path.clone(),
                    source,
                })?;
                Ok(Some(self.path))
            }
            None => Ok(None),
        }
    }
}

/// The file of one pass type when a run is split by pass: the pass type's
/// name joined to the file's stem with `-`, before the extension
/// (`out.pdf` -> `out-crew.pdf`, `out` -> `out-crew`).
pub fn split_path(output: &Path, pass: &str) -> PathBuf {
    let stem = output.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match output.extension() {
        Some(ext) => format!("{stem}-{pass}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{pass}"),
    };
    output.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_names_keep_folder_and_extension() {
        assert_eq!(split_path(Path::new("out.pdf"), "crew"), Path::new("out-crew.pdf"));
        assert_eq!(split_path(Path::new("a/b.c.pdf"), "vip"), Path::new("a/b.c-vip.pdf"));
        assert_eq!(split_path(Path::new("out"), "day"), Path::new("out-day"));
    }
}
