//! The workspace index: what `textDocument/references` needs from the prose
//! files of the workspace that are not open.
//!
//! Per file only the entities' folded names, kinds and mention ranges are
//! kept (no text, no rope): ranges are computed once, in the encoding
//! negotiated at initialize, which never changes afterwards. Walking and
//! analysing are blocking work and run on the blocking pool.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use ropey::Rope;
use tower_lsp_server::ls_types::{Location, Range, Uri};

use super::features::known::KnownEntity;
use super::position::{offset_to_position, Encoding};
use crate::text::fold_key;
use crate::{Config, EntityKind, TextFormat};

/// Beyond this many files the walk stops: a huge tree is more likely a
/// checkout of something else than the user's manuscript.
pub const MAX_FILES: usize = 2_000;
/// Larger files are skipped: they are data dumps, not prose anyone edits.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// One entity of one indexed file.
struct IndexedEntity {
    key: String,
    kind: EntityKind,
    /// Names and definition, for workspace symbols and completion.
    known: Option<KnownEntity>,
    /// Mention ranges in document order, the definition's flagged.
    mentions: Box<[(Range, bool)]>,
}

pub struct IndexedFile {
    uri: Uri,
    entities: Box<[IndexedEntity]>,
    /// The text as read, with what recognition found in it: the project
    /// analysis resolves closed files from these without recognising again.
    pub text: Arc<String>,
    /// Its line index, built once for the mention ranges and reused by every
    /// project snapshot.
    pub rope: Rope,
    pub format: TextFormat,
    pub candidates: Arc<Vec<crate::recognize::Candidate>>,
}

impl IndexedFile {
    pub fn uri(&self) -> &Uri {
        &self.uri
    }
}

/// Indexed files by path (paths, not URIs, so that differently escaped URIs
/// of one file still meet). The generation changes on every restart, so a
/// file analysed for an older run (or before the index was switched off) is
/// not inserted.
#[derive(Default)]
pub struct WorkspaceIndex {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    generation: u64,
    files: HashMap<PathBuf, Arc<IndexedFile>>,
}

impl WorkspaceIndex {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Empties the index and starts a new generation, which it returns.
    pub fn restart(&self) -> u64 {
        let mut state = self.lock();
        state.generation += 1;
        state.files.clear();
        state.generation
    }

    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Inserts unless the index was restarted since `generation` began.
    pub fn insert(&self, generation: u64, path: PathBuf, file: IndexedFile) -> bool {
        let mut state = self.lock();
        if state.generation != generation {
            return false;
        }
        state.files.insert(path, Arc::new(file));
        true
    }

    pub fn remove(&self, path: &Path) {
        self.lock().files.remove(path);
    }

    pub fn contains(&self, path: &Path) -> bool {
        self.lock().files.contains_key(path)
    }

    /// Every indexed file, by path.
    pub fn files(&self) -> Vec<(PathBuf, Arc<IndexedFile>)> {
        self.lock()
            .files
            .iter()
            .map(|(path, file)| (path.clone(), file.clone()))
            .collect()
    }

    /// Mentions of the entity named `name` (folded) of `kind` in every
    /// indexed file for which `skip` is false.
    pub fn references(
        &self,
        name: &str,
        kind: EntityKind,
        include_declaration: bool,
        skip: impl Fn(&Path) -> bool,
    ) -> Vec<Location> {
        let key = fold_key(name);
        let files: Vec<(PathBuf, Arc<IndexedFile>)> = self
            .lock()
            .files
            .iter()
            .map(|(path, file)| (path.clone(), file.clone()))
            .collect();
        let mut locations = Vec::new();
        for (path, file) in files {
            if skip(&path) {
                continue;
            }
            let Some(entity) = file
                .entities
                .iter()
                .find(|e| e.kind == kind && e.key == key)
            else {
                continue;
            };
            locations.extend(
                entity
                    .mentions
                    .iter()
                    .filter(|(_, definition)| include_declaration || !definition)
                    .map(|(range, _)| Location::new(file.uri.clone(), *range)),
            );
        }
        locations.sort_by(|a, b| a.uri.as_str().cmp(b.uri.as_str()));
        locations
    }

    /// The entities of every indexed file for which `skip` is false, files
    /// in path order.
    pub fn known_entities(&self, skip: impl Fn(&Path) -> bool) -> Vec<KnownEntity> {
        let mut files: Vec<(PathBuf, Arc<IndexedFile>)> = self
            .lock()
            .files
            .iter()
            .map(|(path, file)| (path.clone(), file.clone()))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
            .iter()
            .filter(|(path, _)| !skip(path))
            .flat_map(|(_, file)| file.entities.iter().filter_map(|e| e.known.clone()))
            .collect()
    }
}

/// The local directory of a workspace folder URI; None for non-file URIs.
pub fn root_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.as_str().starts_with("file:") {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The prose files under `roots` by the rules of [`crate::walk`], at most
/// [`MAX_FILES`]. Blocking.
pub fn walk(roots: &[PathBuf]) -> crate::walk::Walk {
    crate::walk::prose_files(roots, Some(MAX_FILES))
}

/// Reads and analyses one file. Blocking. Errors are for a log line.
pub fn index_file(path: &Path, encoding: Encoding, config: &Config) -> Result<IndexedFile, String> {
    let shown = path.display();
    let text = crate::walk::read_text(path, MAX_FILE_BYTES).map_err(|e| format!("{shown}: {e}"))?;
    let uri = Uri::from_file_path(path).ok_or_else(|| format!("{shown}: no file URI"))?;
    let format = TextFormat::from_path(uri.as_str());
    let (analysis, candidates) = super::documents::analyze_catching_panics(&text, format, config)
        .map_err(|e| format!("{shown}: {e}"))?;
    let rope = Rope::from_str(&text);
    let range = |span: crate::Span| {
        Range::new(
            offset_to_position(&rope, span.start.to_usize(), encoding),
            offset_to_position(&rope, span.end.to_usize(), encoding),
        )
    };
    let entities = analysis
        .entities
        .iter()
        .map(|entity| IndexedEntity {
            key: fold_key(&entity.name),
            kind: entity.kind,
            known: analysis.mention(entity.definition).map(|definition| {
                let definition = Location::new(uri.clone(), range(definition.span));
                KnownEntity::new(entity, entity.aliases.iter().cloned(), definition)
            }),
            mentions: analysis
                .mentions_of(entity.id)
                .map(|m| (range(m.span), m.id == entity.definition))
                .collect(),
        })
        .collect();
    Ok(IndexedFile {
        uri,
        entities,
        text: Arc::new(text),
        rope,
        format,
        candidates: Arc::new(candidates),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_extensions_only() {
        assert!(crate::walk::is_prose(Path::new("/a/b.MD")));
        assert!(crate::walk::is_prose(Path::new("notes.markdown")));
        assert!(!crate::walk::is_prose(Path::new("main.rs")));
        assert!(!crate::walk::is_prose(Path::new("README")));
    }

    #[test]
    fn only_file_uris_are_roots() {
        let http: Uri = "https://example.com/x".parse().expect("uri");
        assert_eq!(root_path(&http), None);
        let file: Uri = "file:///tmp/w".parse().expect("uri");
        assert_eq!(root_path(&file), Some(PathBuf::from("/tmp/w")));
    }
}
