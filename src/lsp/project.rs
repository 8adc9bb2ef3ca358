//! The project cast in the server: the workspace's files (open documents
//! as the editor has them, closed ones as the index read them) analysed
//! together by `crate::project`, as immutable snapshots.
//!
//! A snapshot records which revision of each open document it was computed
//! from; a request on a document uses the snapshot only when that revision
//! is still current, and its own single-file analysis otherwise, so a
//! position is never converted against a text it was not computed for.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use ropey::Rope;
use tower_lsp_server::ls_types::{Location, Range, Uri};

use super::position::{offset_to_position, Encoding};
use crate::analysis::FileId;
use crate::project::registry::{Registry, RegistryProblem, REGISTRY_FILE};
use crate::project::{analyze_project, reading_order, MentionRef, Project, ProjectSource};
use crate::recognize::Candidate;
use crate::{Config, Knowledge, Span, TextFormat};

/// One file as the project analysis saw it.
pub struct ProjectFile {
    pub uri: Uri,
    pub rope: Rope,
    pub text: Arc<String>,
    /// For an open document, the revision this text is.
    pub revision: Option<u64>,
}

pub struct ProjectSnapshot {
    pub project: Project,
    pub files: Vec<ProjectFile>,
    by_key: HashMap<String, FileId>,
}

/// The key a file is found by: its path for file URIs (differently escaped
/// URIs of one file meet), else the URI itself.
fn file_key(uri: &Uri) -> String {
    match super::workspace::root_path(uri) {
        Some(path) => path.display().to_string(),
        None => uri.as_str().to_string(),
    }
}

impl ProjectSnapshot {
    pub fn file_of(&self, uri: &Uri) -> Option<FileId> {
        self.by_key.get(&file_key(uri)).copied()
    }

    pub fn file(&self, file: FileId) -> Option<&ProjectFile> {
        self.files.get(file.0 as usize)
    }

    pub fn texts(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.text.as_str()).collect()
    }

    pub fn range(&self, file: FileId, span: Span, encoding: Encoding) -> Option<Range> {
        let rope = &self.file(file)?.rope;
        Some(Range::new(
            offset_to_position(rope, span.start.to_usize(), encoding),
            offset_to_position(rope, span.end.to_usize(), encoding),
        ))
    }

    pub fn span_location(&self, file: FileId, span: Span, encoding: Encoding) -> Option<Location> {
        Some(Location::new(
            self.file(file)?.uri.clone(),
            self.range(file, span, encoding)?,
        ))
    }

    pub fn location(&self, at: MentionRef, encoding: Encoding) -> Option<Location> {
        let span = self.project.analysis(at.file)?.mention(at.mention)?.span;
        self.span_location(at.file, span, encoding)
    }
}

/// One input of a project analysis.
pub struct ProjectInput {
    pub uri: Uri,
    pub text: Arc<String>,
    /// The text's line index (a clone of a rope is O(1)).
    pub rope: Rope,
    pub format: TextFormat,
    pub candidates: Arc<Vec<Candidate>>,
    pub revision: Option<u64>,
}

/// The registry as last read.
#[derive(Default)]
pub struct LoadedRegistry {
    pub registry: Registry,
    pub problems: Vec<RegistryProblem>,
    pub path: Option<PathBuf>,
    pub text: String,
}

impl LoadedRegistry {
    /// Reads `dramatis.toml` at `root` (a missing file is an empty
    /// registry) over the user's own registry; the user registry's
    /// problems are returned for a log line.
    pub fn read(root: &Path) -> (LoadedRegistry, Vec<String>) {
        let path = root.join(REGISTRY_FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let (registry, problems) = Registry::parse(&text);
        let (user, user_problems) = crate::walk::read_user_registry();
        let loaded = LoadedRegistry {
            registry: registry.under(user),
            problems,
            path: Some(path),
            text,
        };
        (loaded, user_problems)
    }

    pub fn uri(&self) -> Option<Uri> {
        Uri::from_file_path(self.path.as_ref()?)
    }
}

/// Analyses the inputs as one project, in reading order.
pub fn compute(
    inputs: Vec<ProjectInput>,
    registry: &Registry,
    root: Option<&Path>,
    config: &Config,
) -> ProjectSnapshot {
    let relative: Vec<String> = inputs
        .iter()
        .map(|input| {
            let key = file_key(&input.uri);
            root.and_then(|r| Path::new(&key).strip_prefix(r).ok())
                .map_or(key.clone(), |p| p.display().to_string())
        })
        .collect();
    let names: Vec<&str> = relative.iter().map(String::as_str).collect();
    let order = reading_order(&names, &registry.order);
    let mut slots: Vec<Option<ProjectInput>> = inputs.into_iter().map(Some).collect();
    let ordered: Vec<(String, ProjectInput)> = order
        .iter()
        .filter_map(|&i| Some((relative[i].clone(), slots[i].take()?)))
        .collect();
    let sources: Vec<ProjectSource<'_>> = ordered
        .iter()
        .map(|(name, input)| ProjectSource {
            name,
            text: &input.text,
            format: input.format,
            candidates: Some(&input.candidates),
        })
        .collect();
    let project = analyze_project(
        &sources,
        registry,
        config,
        Knowledge::builtin(),
        crate::configured_recognizer(),
    );
    let mut by_key = HashMap::new();
    let files = ordered
        .into_iter()
        .enumerate()
        .map(|(index, (_, input))| {
            by_key.insert(file_key(&input.uri), FileId(index as u32));
            ProjectFile {
                rope: input.rope,
                uri: input.uri,
                text: input.text,
                revision: input.revision,
            }
        })
        .collect();
    ProjectSnapshot {
        project,
        files,
        by_key,
    }
}

/// The latest snapshot and the bookkeeping that keeps one computation at a
/// time: changes during a computation mark it dirty, and it runs again.
#[derive(Default)]
pub struct ProjectState {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    latest: Option<Arc<ProjectSnapshot>>,
    registry: Arc<LoadedRegistry>,
    running: bool,
    dirty: bool,
}

impl ProjectState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn latest(&self) -> Option<Arc<ProjectSnapshot>> {
        self.lock().latest.clone()
    }

    pub fn set_latest(&self, snapshot: Arc<ProjectSnapshot>) {
        self.lock().latest = Some(snapshot);
    }

    pub fn registry(&self) -> Arc<LoadedRegistry> {
        self.lock().registry.clone()
    }

    pub fn set_registry(&self, registry: LoadedRegistry) {
        self.lock().registry = Arc::new(registry);
    }

    /// True when the caller should start a computation; false when one is
    /// running (it will run again).
    pub fn begin(&self) -> bool {
        let mut inner = self.lock();
        if inner.running {
            inner.dirty = true;
            return false;
        }
        inner.running = true;
        inner.dirty = false;
        true
    }

    /// True when the inputs changed during the computation: run again.
    pub fn finish(&self) -> bool {
        let mut inner = self.lock();
        if inner.dirty {
            inner.dirty = false;
            return true;
        }
        inner.running = false;
        false
    }
}
