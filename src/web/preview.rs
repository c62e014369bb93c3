//! The live preview: a package's text compiled in-process, its pages rendered to PNG on
//! demand, and its PDFs for download.
//!
//! A preview is keyed by a hash of the package text it was built from, so the page images
//! and downloads a browser asks for always belong to the text it showed. The [`Engine`]
//! (fonts, templates) is loaded once for the server; Typst's own memoization makes a rebuild
//! after a small edit cheap. Only pages the browser shows are rasterized, each once. Each
//! browser (a session the page names) keeps its own few recent previews, so that one
//! browser's edits never push out the preview on another's screen; a download is built again
//! from the text sent when its preview is gone all the same (after a restart).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};
use typst_layout::PagedDocument;

use crate::diagnostic::Failure;
use crate::engine::{BuildOptions, Engine};
use crate::load::Loaded;

/// Previews kept for one browser: the one on its screen and the one before.
const KEPT: usize = 2;
/// Previews kept for the clients that name no session (the hub's, scripts'), shared.
const SHARED_KEPT: usize = 8;
/// Browsers whose previews are kept at once; the one heard from least recently is forgotten
/// first (its downloads are built again on demand). At most 8 × 2 + 8 previews in memory.
const SESSIONS: usize = 8;
/// The longest session name a page may give (it makes one of 32 hexadecimal digits).
const SESSION_CHARS: usize = 64;
/// Pixels per point of a page image: an A4 page becomes 1,190 × 1,684 pixels, sharp on a
/// high-density screen and about 200 kB as PNG.
const PIXELS_PER_PT: f64 = 2.0;

/// One build of one package text.
pub struct Preview {
    /// The package file stem, for download names.
    pub stem: String,
    /// The laid-out pages, rendered to PNG as they are asked for.
    pub document: PagedDocument,
    /// The PDF, as `build` writes it for the same text.
    pub pdf: Vec<u8>,
    /// The package as loaded, for the archival build made when it is asked for.
    loaded: Loaded,
    pages: Mutex<HashMap<usize, Arc<Vec<u8>>>>,
    archival: Mutex<Option<Arc<Vec<u8>>>>,
}

/// Recent previews by browser session, each session's by id; the most recent session last.
#[derive(Default)]
pub struct Previews {
    kept: Mutex<VecDeque<Session>>,
}

struct Session {
    name: String,
    previews: VecDeque<(String, Arc<Preview>)>,
}

/// The session a request names (the page's `X-ITA-Session` header), or the shared one of
/// clients that name none; a name that is too long or not plain letters, digits and `-`
/// counts as none.
pub fn session(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("x-ita-session")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= SESSION_CHARS)
        .filter(|v| v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .unwrap_or("")
        .to_owned()
}

/// The id of a preview of package `name` with text `text`.
pub fn id(name: &str, text: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(name.as_bytes());
    hash.update([0]);
    hash.update(text);
    hash.finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Previews {
    /// The preview `id`, if some browser still keeps it.
    pub fn get(&self, id: &str) -> Option<Arc<Preview>> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter()
            .flat_map(|s| s.previews.iter())
            .find(|(k, _)| k == id)
            .map(|(_, p)| p.clone())
    }

    /// Keeps `preview` for `session`: pushes out that session's oldest beyond `KEPT`, and
    /// the least recent session beyond `SESSIONS`, never another browser's preview alone.
    pub fn keep(&self, session: &str, id: &str, preview: Arc<Preview>) {
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let mut own = match kept.iter().position(|s| s.name == session) {
            Some(at) => kept.remove(at).unwrap_or_else(|| Session::new(session)),
            None => Session::new(session),
        };
        own.previews.retain(|(k, _)| k != id);
        own.previews.push_back((id.to_owned(), preview));
        let limit = if session.is_empty() {
            SHARED_KEPT
        } else {
            KEPT
        };
        while own.previews.len() > limit {
            own.previews.pop_front();
        }
        kept.push_back(own);
        while kept.len() > SESSIONS {
            kept.pop_front();
        }
    }

    /// Builds (or finds) the preview of a loaded package for `session`.
    pub fn build_for(
        &self,
        engine: &Engine,
        (session, id): (&str, &str),
        stem: &str,
        loaded: Loaded,
    ) -> Result<Arc<Preview>, Failure> {
        if let Some(found) = self.get(id) {
            self.keep(session, id, found.clone());
            return Ok(found);
        }
        let scratch = std::env::temp_dir().join("ita-report-serve");
        let built = engine.build(&loaded, stem, &scratch, &BuildOptions::default());
        crate::engine::evict_caches();
        let artifact = built?.artifacts.into_iter().next().ok_or_else(|| {
            Failure::from(crate::diagnostic::Diagnostic::error(
                "the package holds no data for any document",
            ))
        })?;
        let preview = Arc::new(Preview {
            stem: stem.to_owned(),
            document: artifact.document,
            pdf: artifact.pdf,
            loaded,
            pages: Mutex::default(),
            archival: Mutex::default(),
        });
        self.keep(session, id, preview.clone());
        Ok(preview)
    }
}

impl Session {
    fn new(name: &str) -> Self {
        Session {
            name: name.to_owned(),
            previews: VecDeque::new(),
        }
    }
}

impl Preview {
    /// The package as loaded (its text, what follows from it).
    pub fn loaded(&self) -> &Loaded {
        &self.loaded
    }

    /// The number of pages.
    pub fn page_count(&self) -> usize {
        self.document.pages().len()
    }

    /// The text of each page, without spaces (Thai is set without them between words, and
    /// lines break anywhere): the page finds the page a field prints on by its text.
    pub fn page_texts(&self) -> Vec<String> {
        fn collect(frame: &typst::layout::Frame, out: &mut String) {
            for (_, item) in frame.items() {
                match item {
                    typst::layout::FrameItem::Group(group) => collect(&group.frame, out),
                    typst::layout::FrameItem::Text(text) => out.extend(
                        text.text
                            .chars()
                            .filter(|c| !c.is_whitespace() && *c != '\u{ad}'),
                    ),
                    _ => {}
                }
            }
        }
        self.document
            .pages()
            .iter()
            .map(|page| {
                let mut out = String::new();
                collect(&page.frame, &mut out);
                out
            })
            .collect()
    }

    /// Page `index` (from 0) as PNG, rendered the first time it is asked for.
    pub fn page_png(&self, index: usize) -> Option<Arc<Vec<u8>>> {
        let page = self.document.pages().get(index)?;
        if let Some(done) = self
            .pages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&index)
        {
            return Some(done.clone());
        }
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(PIXELS_PER_PT),
            render_bleed: false,
        };
        let png = Arc::new(typst_render::render(page, &options).encode_png().ok()?);
        self.pages
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(index, png.clone());
        Some(png)
    }

    /// The archival PDF (PDF/A-3b with the package and its facts attached), built the first
    /// time it is asked for.
    pub fn archival_pdf(&self, engine: &Engine) -> Result<Arc<Vec<u8>>, Failure> {
        let mut slot = self.archival.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(done) = slot.as_ref() {
            return Ok(done.clone());
        }
        let scratch = std::env::temp_dir().join("ita-report-serve");
        let options = BuildOptions {
            archive: true,
            ..BuildOptions::default()
        };
        let built = engine.build(&self.loaded, &self.stem, &scratch, &options)?;
        crate::engine::evict_caches();
        let pdf = built
            .artifacts
            .into_iter()
            .next()
            .map(|a| Arc::new(a.pdf))
            .unwrap_or_default();
        *slot = Some(pdf.clone());
        Ok(pdf)
    }
}
