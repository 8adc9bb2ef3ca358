//! Open documents as immutable, versioned revisions.
//!
//! Handlers run concurrently, so every edit is applied under a std mutex with
//! no `.await` in between: the first poll of a didChange handler mutates, and
//! tower-lsp-server polls handlers first in arrival order. Each edit makes a
//! new [`Revision`] (a rope clone is O(1)); requests and the diagnostics task
//! hold the revision they started from and analyse exactly that text, so a
//! result can never be applied to a text it was not computed for.

use std::collections::HashMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard};

use ropey::Rope;
use tokio::sync::{OnceCell, Semaphore};
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{position_to_char, Encoding};
use crate::recognize::Candidate;
use crate::{Analysis, Config, Knowledge, TextFormat};

/// One version of one document, with its analysis computed at most once.
pub struct Revision {
    pub uri: Uri,
    /// Server-side counter: changes on every edit and every settings change.
    pub number: u64,
    /// The client's version.
    pub version: i32,
    pub rope: Rope,
    pub format: TextFormat,
    config: Arc<Config>,
    analysis: OnceCell<Arc<Analyzed>>,
    /// Set when a newer revision (or a close) replaces this one.
    superseded: AtomicBool,
    /// The last completed analysis of an earlier revision, for answers that
    /// need not wait for this one's (see [`Revision::stale`]).
    previous: Option<Previous>,
}

/// An earlier revision's text and analysis.
#[derive(Clone)]
pub struct Previous {
    /// The text the analysis was computed for: positions into the analysis
    /// are converted against this, never against a newer text.
    pub rope: Rope,
    pub analyzed: Arc<Analyzed>,
}

/// The analysis of one revision, with the exact text its spans point into.
pub struct Analyzed {
    pub text: String,
    pub analysis: Analysis,
    /// What recognition found: the project analysis starts from these.
    pub candidates: Arc<Vec<Candidate>>,
}

/// Why a revision has no analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnalysisError {
    /// A newer revision replaced this one before its analysis could start:
    /// nobody needs the answer any more (LSP's ContentModified).
    Superseded,
    /// The core panicked, or its task died.
    Failed(String),
}

impl fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnalysisError::Superseded => f.write_str("the document changed before its analysis"),
            AnalysisError::Failed(message) => f.write_str(message),
        }
    }
}

/// At most this many analyses run at once, whatever the typing speed: on a
/// small machine a pile of analyses of stale revisions would starve the
/// current one. Waiting revisions that get superseded never start.
static ANALYSIS_SLOTS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores.clamp(1, 4)))
});

impl Revision {
    /// While this revision's analysis is not ready: the last completed
    /// analysis of an earlier revision, and how many leading bytes its text
    /// shares with this one (what it can still answer about exactly).
    pub fn stale(&self) -> Option<(&Previous, usize)> {
        if self.analysis.initialized() {
            return None;
        }
        let previous = self.previous.as_ref()?;
        Some((previous, shared_prefix(&previous.analyzed.text, &self.rope)))
    }

    /// This revision's analysis if done, else the one it would hand on.
    fn latest_analysis(&self) -> Option<Previous> {
        match self.analysis.get() {
            Some(analyzed) => Some(Previous {
                rope: self.rope.clone(),
                analyzed: analyzed.clone(),
            }),
            None => self.previous.clone(),
        }
    }

    /// The analysis of this revision, computed on the blocking pool on first
    /// use; concurrent callers share one computation. A panic in the core
    /// becomes an error (and the next caller tries again).
    pub async fn analysis(&self) -> Result<Arc<Analyzed>, AnalysisError> {
        self.analysis
            .get_or_try_init(|| async {
                let permit = ANALYSIS_SLOTS
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|e| AnalysisError::Failed(e.to_string()))?;
                if self.superseded.load(Ordering::Acquire) {
                    return Err(AnalysisError::Superseded);
                }
                let rope = self.rope.clone();
                let format = self.format;
                let config = self.config.clone();
                tokio::task::spawn_blocking(move || {
                    // Held until the work is done, even if every waiter left.
                    let _permit = permit;
                    analyze_guarded(&rope, format, &config)
                })
                .await
                .map_err(|e| AnalysisError::Failed(format!("analysis task failed: {e}")))?
                .map_err(AnalysisError::Failed)
            })
            .await
            .cloned()
    }
}

/// Set `DRAMATIS_LSP_PANIC_TRIGGER=<marker>` to make the analysis of any text
/// containing the marker panic: the end-to-end tests use it to check that a
/// panic costs one error response, not the server.
const PANIC_TRIGGER_VAR: &str = "DRAMATIS_LSP_PANIC_TRIGGER";

fn analyze_guarded(
    rope: &Rope,
    format: TextFormat,
    config: &Config,
) -> Result<Arc<Analyzed>, String> {
    let text = rope.to_string();
    let (analysis, candidates) = analyze_catching_panics(&text, format, config)?;
    Ok(Arc::new(Analyzed {
        text,
        analysis,
        candidates: Arc::new(candidates),
    }))
}

/// `analyze` with a panic turned into an error message: one bad document
/// costs one error, never the server. Returns the recognizer's candidates
/// too, for the project analysis.
pub fn analyze_catching_panics(
    text: &str,
    format: TextFormat,
    config: &Config,
) -> Result<(Analysis, Vec<Candidate>), String> {
    catch_unwind(AssertUnwindSafe(|| {
        if let Some(marker) = std::env::var_os(PANIC_TRIGGER_VAR) {
            let marker = marker.to_string_lossy();
            if !marker.is_empty() && text.contains(marker.as_ref()) {
                panic!("panic trigger found in the document");
            }
        }
        crate::analyze_keeping_candidates(
            text,
            format,
            config,
            Knowledge::builtin(),
            crate::configured_recognizer(),
        )
    }))
    .map_err(|payload| format!("analysis panicked: {}", panic_message(payload.as_ref())))
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum ChangeError {
    NotOpen,
    /// The client's version did not increase: a duplicate or reordered change.
    StaleVersion {
        current: i32,
        received: i32,
    },
}

#[derive(Default)]
pub struct Documents {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    docs: HashMap<Uri, Arc<Revision>>,
    next_number: u64,
    config: Arc<Config>,
}

impl Inner {
    fn revision(
        &mut self,
        uri: Uri,
        version: i32,
        rope: Rope,
        format: TextFormat,
    ) -> Arc<Revision> {
        self.next_number += 1;
        let previous = self.docs.get(&uri).and_then(|old| old.latest_analysis());
        let revision = Arc::new(Revision {
            uri: uri.clone(),
            number: self.next_number,
            version,
            rope,
            format,
            config: self.config.clone(),
            analysis: OnceCell::new(),
            superseded: AtomicBool::new(false),
            previous,
        });
        if let Some(old) = self.docs.insert(uri, revision.clone()) {
            old.superseded.store(true, Ordering::Release);
        }
        revision
    }
}

impl Documents {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned lock only means a panic elsewhere; the map is still whole
        // because every mutation builds the new revision before inserting it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn open(&self, uri: Uri, version: i32, text: &str) -> Arc<Revision> {
        let format = TextFormat::from_path(uri.as_str());
        self.lock()
            .revision(uri, version, Rope::from_str(text), format)
    }

    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: Encoding,
    ) -> Result<Arc<Revision>, ChangeError> {
        let mut inner = self.lock();
        let current = inner.docs.get(uri).ok_or(ChangeError::NotOpen)?;
        if version <= current.version {
            return Err(ChangeError::StaleVersion {
                current: current.version,
                received: version,
            });
        }
        let mut rope = current.rope.clone();
        let format = current.format;
        for change in changes {
            apply_change(&mut rope, change, encoding);
        }
        Ok(inner.revision(uri.clone(), version, rope, format))
    }

    pub fn close(&self, uri: &Uri) -> Option<Arc<Revision>> {
        let closed = self.lock().docs.remove(uri);
        if let Some(revision) = &closed {
            revision.superseded.store(true, Ordering::Release);
        }
        closed
    }

    pub fn get(&self, uri: &Uri) -> Option<Arc<Revision>> {
        self.lock().docs.get(uri).cloned()
    }

    pub fn is_current(&self, revision: &Revision) -> bool {
        self.lock()
            .docs
            .get(&revision.uri)
            .is_some_and(|r| r.number == revision.number)
    }

    pub fn all(&self) -> Vec<Arc<Revision>> {
        self.lock().docs.values().cloned().collect()
    }

    /// Installs a new configuration; every document gets a fresh revision
    /// (same text) so analyses are redone under it. Returns those revisions.
    pub fn set_config(&self, config: Config) -> Vec<Arc<Revision>> {
        let mut inner = self.lock();
        inner.config = Arc::new(config);
        let old: Vec<Arc<Revision>> = inner.docs.values().cloned().collect();
        old.into_iter()
            .map(|r| inner.revision(r.uri.clone(), r.version, r.rope.clone(), r.format))
            .collect()
    }
}

/// Length in bytes of the longest common prefix of `text` and `rope`.
fn shared_prefix(text: &str, rope: &Rope) -> usize {
    let text = text.as_bytes();
    let mut shared = 0;
    for chunk in rope.chunks() {
        let rest = &text[shared.min(text.len())..];
        let same = chunk.bytes().zip(rest).take_while(|(a, b)| a == *b).count();
        shared += same;
        if same < chunk.len() {
            break;
        }
    }
    shared
}

/// Applies one content change; a change without a range replaces everything.
fn apply_change(rope: &mut Rope, change: &TextDocumentContentChangeEvent, encoding: Encoding) {
    match change.range {
        None => *rope = Rope::from_str(&change.text),
        Some(range) => {
            let a = position_to_char(rope, range.start, encoding);
            let b = position_to_char(rope, range.end, encoding);
            let (start, end) = (a.min(b), a.max(b));
            rope.remove(start..end);
            rope.insert(start, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn edit(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(sl, sc), Position::new(el, ec))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_edits_in_both_encodings() {
        let uri: Uri = "file:///t.txt".parse().expect("uri");
        let docs = Documents::default();
        docs.open(uri.clone(), 1, "Touré 𝔄\r\nMali");
        // After "𝔄" (UTF-16 col 8), insert "!".
        let r = docs
            .change(&uri, 2, &[edit(0, 8, 0, 8, "!")], Encoding::Utf16)
            .expect("change");
        assert_eq!(r.rope.to_string(), "Touré 𝔄!\r\nMali");
        // UTF-8: replace "é" (bytes 4..6) with "e\u{301}".
        let r = docs
            .change(&uri, 3, &[edit(0, 4, 0, 6, "e\u{301}")], Encoding::Utf8)
            .expect("change");
        assert_eq!(r.rope.to_string(), "Toure\u{301} 𝔄!\r\nMali");
        // Joining lines across CRLF, with an out-of-range end.
        let r = docs
            .change(&uri, 4, &[edit(0, 99, 1, 0, " ")], Encoding::Utf16)
            .expect("change");
        assert_eq!(r.rope.to_string(), "Toure\u{301} 𝔄! Mali");
        // A change without a range replaces the text; later changes in the
        // same notification see the result of earlier ones.
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "Kidal\rGao".to_string(),
        };
        let r = docs
            .change(&uri, 5, &[full, edit(1, 0, 1, 3, "Mopti")], Encoding::Utf16)
            .expect("change");
        assert_eq!(r.rope.to_string(), "Kidal\rMopti");
        assert_eq!(
            docs.change(&uri, 4, &[], Encoding::Utf16).err(),
            Some(ChangeError::StaleVersion {
                current: 5,
                received: 4
            })
        );
    }
}
