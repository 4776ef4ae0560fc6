//! What the proof room knows and tells its readers: every document's laid-out pages (each
//! with the hash of its frame, rendered to PNG when asked), its findings placed on the
//! pages, the last failure, and the readers listening for events.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;
use typst_layout::{Page, PagedDocument};

use crate::error::Error;
use crate::finding::Finding;
use crate::profile::Profile;
use crate::watch::Sink;

/// How many readers may listen for events at once.
pub const MAX_LISTENERS: usize = 16;
/// How many rendered pages are kept.
const MAX_IMAGES: usize = 256;
/// The resolution pages are rendered at (twice a screen's 96 ppi, for sharp type).
pub const PAGE_PPI: f32 = 144.0;

/// One document in one profile as the room shows it.
pub struct Shown {
    /// How many times it was laid out.
    pub version: u64,
    /// Its pages with their hashes.
    pub pages: Vec<(String, Page)>,
    /// What preflight found, with places on the pages where known.
    pub findings: Vec<Finding>,
}

/// The room's state, shared by the watch thread and the HTTP threads.
pub struct Room {
    /// The documents by (profile, name).
    pub shown: RwLock<BTreeMap<(Profile, String), Shown>>,
    /// The last failure, until a round settles.
    pub failure: RwLock<Option<Failure>>,
    /// Counts the rounds.
    pub generation: AtomicU64,
    /// The readers listening for events.
    listeners: Mutex<Vec<Sender<String>>>,
    /// Rendered pages by hash.
    images: Mutex<HashMap<String, Arc<Vec<u8>>>>,
}

/// A failure as the room shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The file it is in, when known.
    pub file: Option<String>,
    /// Its line, when known.
    pub line: Option<usize>,
    /// What went wrong.
    pub message: String,
}

impl Default for Room {
    fn default() -> Self {
        Self {
            shown: RwLock::default(),
            failure: RwLock::default(),
            generation: AtomicU64::new(0),
            listeners: Mutex::default(),
            images: Mutex::default(),
        }
    }
}

impl Room {
    /// Sends event `kind` with JSON `data` to every listener, forgetting those gone.
    pub fn tell(&self, kind: &str, data: &serde_json::Value) {
        let message = format!("event: {kind}\ndata: {data}\n\n");
        let mut listeners = self.listeners.lock().unwrap_or_else(|p| p.into_inner());
        listeners.retain(|l| l.send(message.clone()).is_ok());
    }

    /// A new listener's events, or `None` when [`MAX_LISTENERS`] are listening.
    pub fn listen(&self) -> Option<Receiver<String>> {
        let mut listeners = self.listeners.lock().unwrap_or_else(|p| p.into_inner());
        listeners.retain(|l| l.send(": ping\n\n".into()).is_ok());
        if listeners.len() >= MAX_LISTENERS {
            return None;
        }
        let (tx, rx) = channel();
        listeners.push(tx);
        Some(rx)
    }

    /// Page `n` (1-based) of document `name` in `profile` as PNG, if its hash is `hash`
    /// (or any hash when `hash` is empty).
    pub fn image(&self, profile: Profile, name: &str, n: usize, hash: &str) -> Option<Arc<Vec<u8>>> {
        let page = {
            let shown = self.shown.read().unwrap_or_else(|p| p.into_inner());
            let (h, page) = shown.get(&(profile, name.to_string()))?.pages.get(n.checked_sub(1)?)?.clone();
            if !hash.is_empty() && h != hash {
                return None;
            }
            (h, page)
        };
        if let Some(png) = self.images.lock().unwrap_or_else(|p| p.into_inner()).get(&page.0) {
            return Some(png.clone());
        }
        let png = Arc::new(crate::raster::png(&crate::raster::render(&page.1, PAGE_PPI)).ok()?);
        let mut images = self.images.lock().unwrap_or_else(|p| p.into_inner());
        if images.len() >= MAX_IMAGES {
            images.clear();
        }
        images.insert(page.0, png.clone());
        Some(png)
    }
}

/// The hash of a page's frame, as hex.
fn page_hash(page: &Page) -> String {
    format!("{:032x}", typst::utils::hash128(&page.frame))
}

/// `findings` with the places the page map knows for the fields they are about.
fn placed(findings: &[Finding], document: &PagedDocument) -> Vec<Finding> {
    let map = crate::pipeline::proof::page_map(document);
    findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if f.area.is_none()
                && let Some(places) = f.field.as_ref().and_then(|field| map.get(field))
                && let Some(place) = places.first()
            {
                let width = document.pages().get(place.page - 1).map_or(0.0, |p| p.frame.width().to_mm());
                f.page = Some(place.page);
                f.area = Some([place.x, place.top, (width - 10.0).max(place.x + 10.0), place.bottom + 4.0]);
            }
            f
        })
        .collect()
}

impl Sink for Room {
    fn pixels(&self) -> bool {
        true
    }

    fn laid_out(&self, name: &str, profile: Profile, document: &PagedDocument, findings: &[Finding]) {
        let pages: Vec<(String, Page)> = document.pages().iter().map(|p| (page_hash(p), p.clone())).collect();
        let findings = placed(findings, document);
        let (version, changed) = {
            let mut shown = self.shown.write().unwrap_or_else(|p| p.into_inner());
            let key = (profile, name.to_string());
            let old = shown.get(&key);
            let changed: Vec<usize> = (0..pages.len())
                .filter(|&i| old.and_then(|o| o.pages.get(i)).is_none_or(|(h, _)| *h != pages[i].0))
                .map(|i| i + 1)
                .collect();
            let version = old.map_or(1, |o| o.version + 1);
            shown.insert(key, Shown { version, pages, findings });
            (version, changed)
        };
        let data = serde_json::json!({ "profile": profile.name(), "document": name, "version": version, "pages": changed });
        self.tell("update", &data);
    }

    fn failed(&self, error: &Error) {
        let failure = match error {
            Error::Input { file, position, .. } => Failure {
                file: Some(file.display().to_string()),
                line: position.map(|(line, _)| line as usize),
                message: error.to_string(),
            },
            other => Failure { file: None, line: None, message: other.to_string() },
        };
        let data = serde_json::to_value(&failure).unwrap_or_default();
        *self.failure.write().unwrap_or_else(|p| p.into_inner()) = Some(failure);
        self.tell("failed", &data);
    }

    fn settled(&self) {
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        if self.failure.write().unwrap_or_else(|p| p.into_inner()).take().is_some() {
            self.tell("ok", &serde_json::json!({}));
        }
        self.tell("generation", &serde_json::json!({ "generation": generation }));
    }
}
