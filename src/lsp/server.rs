//! The `LanguageServer` implementation: thin handlers over [`Documents`] and
//! the pure functions in `features`.
//!
//! Ordering rule: notifications that change documents mutate before their
//! first `.await`; requests capture the current revision before theirs, so a
//! request answers from the text as it was when the request arrived.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::capabilities::{server_capabilities, ClientSupport};
use super::convert::View;
use super::documents::{panic_message, AnalysisError, ChangeError, Documents, Revision};
use super::features::known::{self, KnownEntity};
use super::features::navigation::{mention_locations, same_entity};
use super::features::{self, actions, completion, navigation, outline, workspace_symbols};
use super::position::{position_to_offset, Encoding};
use super::project::{compute, LoadedRegistry, ProjectInput, ProjectSnapshot, ProjectState};
use super::settings::{Settings, UNKNOWN_SETTING};
use super::workspace::{index_file, root_path, walk, WorkspaceIndex};
use crate::analysis::FileId;
use crate::EntityKind;

/// Work-done progress is reported after every this many indexed files.
const PROGRESS_EVERY: usize = 50;

/// How long `initialized` waits for the client's settings before going on
/// with the defaults (a client may never answer).
const CONFIGURATION_TIMEOUT: Duration = Duration::from_secs(2);

/// Quiet time after the last edit before diagnostics are recomputed.
const DIAGNOSTICS_DEBOUNCE: Duration = Duration::from_millis(200);

/// Quiet time before the project cast is recomputed after a change.
const PROJECT_DEBOUNCE: Duration = Duration::from_millis(100);

/// How often the registry file is checked when the client cannot watch it.
const REGISTRY_POLL: Duration = Duration::from_secs(2);

pub struct Backend {
    shared: Arc<Shared>,
}

struct Shared {
    client: Client,
    documents: Documents,
    index: WorkspaceIndex,
    project: ProjectState,
    session: Mutex<Session>,
    shutdown_requested: Arc<AtomicBool>,
}

#[derive(Default)]
struct Session {
    encoding: Encoding,
    settings: Settings,
    client: ClientSupport,
    init_options_given: bool,
    /// Local directories of the workspace folders (or of rootUri).
    roots: Vec<PathBuf>,
    /// Set once `initialized` has settled the settings: from then on a
    /// change of `workspaceIndex` restarts (or stops) the index.
    index_ready: bool,
}

impl Backend {
    pub fn new(client: Client, shutdown_requested: Arc<AtomicBool>) -> Self {
        Backend {
            shared: Arc::new(Shared {
                client,
                documents: Documents::default(),
                index: WorkspaceIndex::default(),
                project: ProjectState::default(),
                session: Mutex::new(Session::default()),
                shutdown_requested,
            }),
        }
    }

    fn session(&self) -> MutexGuard<'_, Session> {
        self.shared.session()
    }

    /// Runs `feature` on the analysis of the document's current revision.
    /// A panic inside becomes an error response; the server keeps serving.
    async fn with_view<R>(
        &self,
        uri: &Uri,
        feature: impl FnOnce(&View<'_>) -> Option<R>,
    ) -> Result<Option<R>> {
        let Some(revision) = self.shared.documents.get(uri) else {
            return Ok(None);
        };
        let encoding = self.session().encoding;
        if let Some((snapshot, file)) = self.shared.current_snapshot(&revision) {
            if let Some(view) = View::in_project(&revision.uri, &snapshot, file, encoding) {
                return catch_unwind(AssertUnwindSafe(|| feature(&view)))
                    .map_err(|payload| internal_error(panic_message(payload.as_ref())));
            }
        }
        let analyzed = revision.analysis().await.map_err(analysis_error)?;
        let view = View::new(&revision, &analyzed, encoding);
        catch_unwind(AssertUnwindSafe(|| feature(&view)))
            .map_err(|payload| internal_error(panic_message(payload.as_ref())))
    }

    /// A hover answered from the last completed analysis while the current
    /// one is still running, so that moving the cursor does not wait for the
    /// analysis of the latest keystroke. Only where that is exact: the
    /// position is read against the text that was analysed, and both it and
    /// the mention (and the entity's first mention, which the card cites by
    /// line) lie before the first changed byte, so every position in the
    /// answer is also right in the current text. The card's counts may lag
    /// one edit behind. Every other request waits for the current analysis.
    fn stale_hover(&self, uri: &Uri, position: Position) -> Option<Hover> {
        let revision = self.shared.documents.get(uri)?;
        let (previous, shared) = revision.stale()?;
        let encoding = self.session().encoding;
        let view = View {
            uri: &revision.uri,
            rope: &previous.rope,
            text: &previous.analyzed.text,
            analysis: &previous.analyzed.analysis,
            encoding,
            project: None,
        };
        let offset = view.offset(position).to_usize();
        if offset >= shared || position_to_offset(&revision.rope, position, encoding) != offset {
            return None;
        }
        catch_unwind(AssertUnwindSafe(|| {
            let (mention, entity) = view.mention_at(position)?;
            let first_end = entity
                .mentions
                .first()
                .and_then(|m| view.analysis.mention(*m))
                .map_or(0, |m| m.span.end.to_usize());
            if mention.span.end.to_usize() >= shared || first_end >= shared {
                return None;
            }
            navigation::hover(&view, position)
        }))
        .ok()
        .flatten()
    }

    /// Mentions of the same entity (same kind, same folded canonical name) in
    /// the other open documents.
    async fn references_elsewhere(
        &self,
        uri: &Uri,
        name: &str,
        kind: EntityKind,
        include_declaration: bool,
    ) -> Vec<Location> {
        let encoding = self.session().encoding;
        let mut locations = Vec::new();
        for revision in self.shared.documents.all() {
            if &revision.uri == uri {
                continue;
            }
            let Ok(analyzed) = revision.analysis().await else {
                continue;
            };
            let view = View::new(&revision, &analyzed, encoding);
            let found = catch_unwind(AssertUnwindSafe(|| {
                same_entity(&view, name, kind)
                    .map(|entity| mention_locations(&view, entity, include_declaration))
                    .unwrap_or_default()
            }));
            locations.extend(found.unwrap_or_default());
        }
        locations
    }

    /// The names known to the server, the one source of workspace symbols
    /// and completion: the open documents (the one at `typing`, if given,
    /// first and without the word being typed), then the workspace index.
    async fn known_entities(&self, typing: Option<(&Uri, Position)>) -> Vec<KnownEntity> {
        let (encoding, indexed) = {
            let session = self.session();
            (session.encoding, session.settings.workspace_index)
        };
        let mut revisions = self.shared.documents.all();
        revisions.sort_by_key(|r| (Some(&r.uri) != typing.map(|t| t.0), r.uri.to_string()));
        let mut entities = Vec::new();
        let snapshot = self
            .shared
            .project_root()
            .and_then(|_| self.shared.project.latest())
            .filter(|snapshot| self.shared.snapshot_is_complete(snapshot));
        if let Some(snapshot) = snapshot {
            // The project's cast, after the document being typed in (whose
            // own analysis knows which word is being typed).
            if let Some(revision) = typing.and_then(|t| self.shared.documents.get(t.0)) {
                if let Ok(analyzed) = revision.analysis().await {
                    let view = View::new(&revision, &analyzed, encoding);
                    let at = typing.map(|t| t.1);
                    let found = catch_unwind(AssertUnwindSafe(|| known::entities_of(&view, at)));
                    entities.extend(found.unwrap_or_default());
                }
            }
            let cast = catch_unwind(AssertUnwindSafe(|| {
                known::entities_of_project(&snapshot, encoding)
            }));
            entities.extend(cast.unwrap_or_default());
            return entities;
        }
        for revision in &revisions {
            let Ok(analyzed) = revision.analysis().await else {
                continue;
            };
            let view = View::new(revision, &analyzed, encoding);
            let at = typing.filter(|t| *t.0 == revision.uri).map(|t| t.1);
            let found = catch_unwind(AssertUnwindSafe(|| known::entities_of(&view, at)));
            entities.extend(found.unwrap_or_default());
        }
        if indexed {
            let open: HashSet<PathBuf> =
                revisions.iter().filter_map(|r| root_path(&r.uri)).collect();
            entities.extend(self.shared.index.known_entities(|path| open.contains(path)));
        }
        entities
    }

    /// Installs new settings; `refresh` asks the client to re-query what
    /// changed (not allowed before the initialize response).
    async fn apply_settings(&self, value: &Value, refresh: bool) {
        let (settings, problems) = Settings::from_json(value);
        // Install first, report after: a request that follows this
        // notification must already see the new settings.
        let (old, support, index_ready) = {
            let mut session = self.session();
            let old = std::mem::replace(&mut session.settings, settings.clone());
            (old, session.client, session.index_ready)
        };
        if index_ready && old.workspace_index != settings.workspace_index {
            self.shared.clone().start_indexing();
        }
        if old.config != settings.config {
            self.shared.clone().schedule_project();
            for revision in self.shared.documents.set_config(settings.config.clone()) {
                self.shared
                    .clone()
                    .schedule_diagnostics(revision, Duration::ZERO);
            }
        }
        for problem in problems {
            let message = format!("dramatis: {problem}");
            if problem.starts_with(UNKNOWN_SETTING) {
                self.log(MessageType::INFO, message).await;
            } else {
                self.shared
                    .client
                    .show_message(MessageType::WARNING, message)
                    .await;
            }
        }
        if !refresh {
            return;
        }
        let client = self.shared.client.clone();
        let refresh_hints = support.inlay_hint_refresh && old.inlay_hints != settings.inlay_hints;
        let refresh_lenses = support.code_lens_refresh
            && (old.code_lens, old.code_lens_single_mentions)
                != (settings.code_lens, settings.code_lens_single_mentions);
        // Refreshes are requests to the client; awaiting them here would hold
        // a handler slot while the client answers.
        tokio::spawn(async move {
            if refresh_hints {
                let _ = client.inlay_hint_refresh().await;
            }
            if refresh_lenses {
                let _ = client.code_lens_refresh().await;
            }
        });
    }

    async fn pull_configuration(&self) {
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("dramatis".to_string()),
        };
        let pulled = tokio::time::timeout(
            CONFIGURATION_TIMEOUT,
            self.shared.client.configuration(vec![item]),
        )
        .await;
        let Ok(pulled) = pulled else {
            let message = format!(
                "dramatis: no answer to workspace/configuration in {} s; using the defaults",
                CONFIGURATION_TIMEOUT.as_secs()
            );
            self.log(MessageType::WARNING, message).await;
            return;
        };
        match pulled {
            Ok(values) => {
                if let Some(value) = values.into_iter().next() {
                    self.apply_settings(&value, true).await;
                }
            }
            Err(err) => {
                self.log(MessageType::WARNING, format!("configuration: {err}"))
                    .await
            }
        }
    }

    /// Asks the client to tell us when prose files or the registry change.
    async fn watch_files(&self) {
        let watchers: Vec<FileSystemWatcher> = ["**/dramatis.toml", "**/*.{txt,text,md,markdown}"]
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "dramatis-watch".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let client = self.shared.client.clone();
        let shared = self.shared.clone();
        // A request to the client: not awaited in the handler.
        tokio::spawn(async move {
            if client
                .register_capability(vec![registration])
                .await
                .is_err()
            {
                shared.poll_registry();
            }
        });
    }

    async fn log(&self, level: MessageType, message: String) {
        self.shared.client.log_message(level, message).await;
    }
}

impl Shared {
    fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The workspace is one project when it has folders and the index is on.
    fn project_root(&self) -> Option<PathBuf> {
        let session = self.session();
        if !session.settings.workspace_index {
            return None;
        }
        session.roots.first().cloned()
    }

    fn in_project(&self, uri: &Uri) -> bool {
        let roots = self.session().roots.clone();
        root_path(uri).is_some_and(|p| roots.iter().any(|r| p.starts_with(r)))
    }

    /// The latest project snapshot, if it was computed from this very
    /// revision of the document.
    fn current_snapshot(&self, revision: &Revision) -> Option<(Arc<ProjectSnapshot>, FileId)> {
        let snapshot = self.project.latest()?;
        let file = snapshot.file_of(&revision.uri)?;
        (snapshot.file(file)?.revision == Some(revision.number)).then_some((snapshot, file))
    }

    /// Whether the snapshot has every open document of the project at its
    /// current revision and every indexed file: then it can answer for the
    /// whole workspace.
    fn snapshot_is_complete(&self, snapshot: &ProjectSnapshot) -> bool {
        let open_current = self.documents.all().iter().all(|revision| {
            !self.in_project(&revision.uri)
                || snapshot
                    .file_of(&revision.uri)
                    .and_then(|f| snapshot.file(f))
                    .is_some_and(|f| f.revision == Some(revision.number))
        });
        open_current && snapshot.files.len() >= self.index.files().len()
    }

    /// Recomputes the project cast soon; changes arriving meanwhile are
    /// coalesced into one more computation.
    fn schedule_project(self: Arc<Self>) {
        let Some(root) = self.project_root() else {
            return;
        };
        if !self.project.begin() {
            return;
        }
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROJECT_DEBOUNCE).await;
                self.recompute_project(&root).await;
                if !self.project.finish() {
                    break;
                }
            }
        });
    }

    async fn recompute_project(self: &Arc<Self>, root: &Path) {
        let mut inputs = Vec::new();
        let mut open_paths: HashSet<PathBuf> = HashSet::new();
        for revision in self.documents.all() {
            if !self.in_project(&revision.uri) {
                continue;
            }
            let Ok(analyzed) = revision.analysis().await else {
                continue;
            };
            open_paths.extend(root_path(&revision.uri));
            inputs.push(ProjectInput {
                uri: revision.uri.clone(),
                text: Arc::new(analyzed.text.clone()),
                rope: revision.rope.clone(),
                format: revision.format,
                candidates: analyzed.candidates.clone(),
                revision: Some(revision.number),
            });
        }
        for (path, file) in self.index.files() {
            if open_paths.contains(&path) {
                continue;
            }
            inputs.push(ProjectInput {
                uri: file.uri().clone(),
                text: file.text.clone(),
                rope: file.rope.clone(),
                format: file.format,
                candidates: file.candidates.clone(),
                revision: None,
            });
        }
        let registry = self.project.registry();
        let config = self.session().settings.config.clone();
        let root = root.to_path_buf();
        let started = Instant::now();
        let file_count = inputs.len();
        let computed = tokio::task::spawn_blocking(move || {
            catch_unwind(AssertUnwindSafe(|| {
                compute(inputs, &registry.registry, Some(&root), &config)
            }))
        })
        .await;
        let snapshot = match computed {
            Ok(Ok(snapshot)) => Arc::new(snapshot),
            Ok(Err(payload)) => {
                let message = format!(
                    "dramatis: project analysis panicked: {}",
                    panic_message(payload.as_ref())
                );
                self.client.log_message(MessageType::ERROR, message).await;
                return;
            }
            Err(err) => {
                let message = format!("dramatis: project analysis failed: {err}");
                self.client.log_message(MessageType::ERROR, message).await;
                return;
            }
        };
        self.project.set_latest(snapshot.clone());
        let message = format!(
            "dramatis: project of {file_count} files analysed in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        self.client.log_message(MessageType::LOG, message).await;
        self.publish_project_diagnostics(&snapshot).await;
    }

    /// Diagnostics of every open document the snapshot is current for.
    async fn publish_project_diagnostics(&self, snapshot: &ProjectSnapshot) {
        let encoding = self.session().encoding;
        for revision in self.documents.all() {
            let Some(file) = snapshot.file_of(&revision.uri) else {
                continue;
            };
            if snapshot.file(file).and_then(|f| f.revision) != Some(revision.number) {
                continue;
            }
            let diagnostics = catch_unwind(AssertUnwindSafe(|| {
                View::in_project(&revision.uri, snapshot, file, encoding)
                    .map(|view| actions::diagnostics(&view))
            }));
            let Ok(Some(diagnostics)) = diagnostics else {
                continue;
            };
            if self.documents.is_current(&revision) {
                self.client
                    .publish_diagnostics(revision.uri.clone(), diagnostics, Some(revision.version))
                    .await;
            }
        }
    }

    /// Reads the registry at the project root again; publishes its problems
    /// on the file and recomputes the cast.
    async fn reload_registry(self: &Arc<Self>) {
        let Some(root) = self.project_root() else {
            return;
        };
        let (loaded, user_problems) =
            tokio::task::spawn_blocking(move || LoadedRegistry::read(&root))
                .await
                .unwrap_or_default();
        for problem in user_problems {
            let message = format!("dramatis: user registry: {problem}");
            self.client.log_message(MessageType::WARNING, message).await;
        }
        if let Some(uri) = loaded.uri() {
            let rope = ropey::Rope::from_str(&loaded.text);
            let encoding = self.session().encoding;
            let diagnostics = loaded
                .problems
                .iter()
                .map(|problem| {
                    super::features::actions::registry_diagnostic(&rope, problem, encoding)
                })
                .collect();
            self.client
                .publish_diagnostics(uri, diagnostics, None)
                .await;
        }
        self.project.set_registry(loaded);
        self.clone().schedule_project();
    }

    /// Without file watching from the client, checks the registry's
    /// modification time now and then.
    fn poll_registry(self: Arc<Self>) {
        tokio::spawn(async move {
            let mut seen: Option<std::time::SystemTime> = None;
            loop {
                tokio::time::sleep(REGISTRY_POLL).await;
                if self.shutdown_requested.load(Ordering::SeqCst) {
                    break;
                }
                let Some(path) = self.project.registry().path.clone() else {
                    continue;
                };
                let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                if modified != seen {
                    let first = seen.is_none() && modified.is_some();
                    seen = modified;
                    if !first {
                        self.reload_registry().await;
                    }
                }
            }
        });
    }

    /// Empties the index and, if it is on and there is a workspace, fills it
    /// again in the background.
    fn start_indexing(self: Arc<Self>) {
        let generation = self.index.restart();
        let (enabled, roots, progress) = {
            let session = self.session();
            (
                session.settings.workspace_index,
                session.roots.clone(),
                session.client.work_done_progress,
            )
        };
        if enabled && !roots.is_empty() {
            tokio::spawn(self.index_workspace(generation, roots, progress));
        }
    }

    async fn index_workspace(
        self: Arc<Self>,
        generation: u64,
        roots: Vec<PathBuf>,
        progress: bool,
    ) {
        let started = Instant::now();
        let (encoding, config) = {
            let session = self.session();
            (session.encoding, Arc::new(session.settings.config.clone()))
        };
        let mut ongoing = None;
        if progress {
            let token = NumberOrString::String(format!("dramatis-index-{generation}"));
            match self.client.create_work_done_progress(token.clone()).await {
                Ok(()) => {
                    let begun = self
                        .client
                        .progress(token, "dramatis: indexing")
                        .with_percentage(0)
                        .begin()
                        .await;
                    ongoing = Some(begun);
                }
                Err(err) => {
                    let message = format!("dramatis: no indexing progress: {err}");
                    self.client.log_message(MessageType::INFO, message).await;
                }
            }
        }
        let walked = tokio::task::spawn_blocking(move || walk(&roots))
            .await
            .unwrap_or_default();
        for error in walked.errors {
            let message = format!("dramatis: index: {error}");
            self.client.log_message(MessageType::INFO, message).await;
        }
        let (files, truncated) = (walked.files, walked.truncated);
        if truncated {
            let message = format!(
                "dramatis: indexing only the first {} prose files of the workspace",
                files.len()
            );
            self.client.log_message(MessageType::INFO, message).await;
        }
        let total = files.len();
        let mut indexed = 0;
        for (done, path) in files.into_iter().enumerate() {
            if self.index.generation() != generation {
                break;
            }
            let config = config.clone();
            let file = path.clone();
            let result =
                tokio::task::spawn_blocking(move || index_file(&file, encoding, &config)).await;
            match result {
                Ok(Ok(file)) => {
                    if self.index.insert(generation, path, file) {
                        indexed += 1;
                    }
                }
                Ok(Err(message)) => {
                    let message = format!("dramatis: index: {message}");
                    self.client.log_message(MessageType::INFO, message).await;
                }
                Err(err) => {
                    let message = format!("dramatis: index: {}: {err}", path.display());
                    self.client.log_message(MessageType::WARNING, message).await;
                }
            }
            let done = done + 1;
            if let Some(ongoing) = &ongoing {
                if done % PROGRESS_EVERY == 0 && done < total {
                    let percentage = u32::try_from(done * 100 / total).unwrap_or(100);
                    ongoing
                        .report_with_message(format!("{done}/{total} files"), percentage)
                        .await;
                }
            }
        }
        let summary = format!(
            "{indexed} of {total} files in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if let Some(ongoing) = ongoing {
            ongoing.finish_with_message(summary.clone()).await;
        }
        self.client
            .log_message(MessageType::INFO, format!("dramatis: indexed {summary}"))
            .await;
        self.schedule_project();
    }

    /// Re-reads one file the index already holds (so .gitignore'd files
    /// stay out); a file that became unreadable leaves the index.
    fn reindex_file(self: Arc<Self>, path: PathBuf) {
        if !self.index.contains(&path) {
            return;
        }
        let generation = self.index.generation();
        let (encoding, config) = {
            let session = self.session();
            (session.encoding, session.settings.config.clone())
        };
        tokio::spawn(async move {
            let file = path.clone();
            let result =
                tokio::task::spawn_blocking(move || index_file(&file, encoding, &config)).await;
            match result {
                Ok(Ok(file)) => {
                    self.index.insert(generation, path, file);
                }
                Ok(Err(message)) => {
                    self.index.remove(&path);
                    let message = format!("dramatis: index: {message}");
                    self.client.log_message(MessageType::INFO, message).await;
                }
                Err(_) => self.index.remove(&path),
            }
            self.schedule_project();
        });
    }

    /// Publishes the diagnostics of `revision` after `delay`, unless a newer
    /// revision has replaced it by then (its own task will publish).
    fn schedule_diagnostics(self: Arc<Self>, revision: Arc<Revision>, delay: Duration) {
        if self.project_root().is_some() && self.in_project(&revision.uri) {
            // The project publishes, with what the other files say.
            let shared = self.clone();
            tokio::spawn(async move {
                // Analyse this revision now, so the project has it at hand.
                let _ = revision.analysis().await;
                shared.schedule_project();
            });
            return;
        }
        tokio::spawn(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            if !self.documents.is_current(&revision) {
                return;
            }
            let encoding = self.session().encoding;
            let analyzed = match revision.analysis().await {
                Ok(analyzed) => analyzed,
                Err(AnalysisError::Superseded) => return,
                Err(err) => {
                    let message = format!("dramatis: {}: {err}", revision.uri.as_str());
                    self.client.log_message(MessageType::ERROR, message).await;
                    return;
                }
            };
            let view = View::new(&revision, &analyzed, encoding);
            let Ok(diagnostics) = catch_unwind(AssertUnwindSafe(|| actions::diagnostics(&view)))
            else {
                return;
            };
            if self.documents.is_current(&revision) {
                self.client
                    .publish_diagnostics(revision.uri.clone(), diagnostics, Some(revision.version))
                    .await;
            }
        });
    }
}

fn analysis_error(error: AnalysisError) -> Error {
    match error {
        AnalysisError::Superseded => Error {
            code: ErrorCode::ContentModified,
            message: error.to_string().into(),
            data: None,
        },
        AnalysisError::Failed(message) => internal_error(message),
    }
}

fn internal_error(message: impl Into<String>) -> Error {
    let message = message.into();
    eprintln!("dramatis lsp: {message}");
    Error {
        code: ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let general = params.capabilities.general.as_ref();
        let encoding = Encoding::negotiate(general.and_then(|g| g.position_encodings.as_deref()));
        {
            let mut session = self.session();
            session.encoding = encoding;
            session.client = ClientSupport::from_capabilities(&params.capabilities);
            session.roots = workspace_roots(&params);
        }
        if let Some(options) = &params.initialization_options {
            self.session().init_options_given = true;
            self.apply_settings(options, false).await;
        }
        Ok(InitializeResult {
            capabilities: server_capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "dramatis".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Load the built-in knowledge and model now rather than on the first
        // keystroke.
        tokio::task::spawn_blocking(|| {
            crate::Knowledge::builtin();
            crate::configured_recognizer();
        });
        let pull = {
            let session = self.session();
            session.client.pull_configuration && !session.init_options_given
        };
        if pull {
            self.pull_configuration().await;
        }
        self.session().index_ready = true;
        self.shared.clone().start_indexing();
        if self.shared.project_root().is_some() {
            self.shared.reload_registry().await;
            let dynamic = self.session().client.watched_files_dynamic;
            if dynamic {
                self.watch_files().await;
            } else {
                self.shared.clone().poll_registry();
            }
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let revision = self.shared.documents.open(doc.uri, doc.version, &doc.text);
        self.shared
            .clone()
            .schedule_diagnostics(revision, Duration::ZERO);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let encoding = self.session().encoding;
        let doc = params.text_document;
        match self
            .shared
            .documents
            .change(&doc.uri, doc.version, &params.content_changes, encoding)
        {
            Ok(revision) => self
                .shared
                .clone()
                .schedule_diagnostics(revision, DIAGNOSTICS_DEBOUNCE),
            Err(ChangeError::NotOpen) => {
                let message = format!("didChange for a document not open: {}", doc.uri.as_str());
                self.log(MessageType::WARNING, message).await;
            }
            Err(ChangeError::StaleVersion { current, received }) => {
                let message = format!(
                    "ignored didChange for {} with version {received} (current {current})",
                    doc.uri.as_str()
                );
                self.log(MessageType::WARNING, message).await;
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        if let Some(path) = root_path(&uri) {
            // Unsaved edits are gone; the index should see the file as saved.
            self.shared.clone().reindex_file(path);
        }
        if self.shared.documents.close(&uri).is_some() {
            self.shared
                .client
                .publish_diagnostics(uri, Vec::new(), None)
                .await;
        }
        self.shared.clone().schedule_project();
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let registry_path = self.shared.project.registry().path.clone();
        for change in params.changes {
            let Some(path) = root_path(&change.uri) else {
                continue;
            };
            if Some(&path) == registry_path.as_ref() {
                self.shared.reload_registry().await;
                continue;
            }
            if change.typ == FileChangeType::CREATED && crate::walk::is_prose(&path) {
                let generation = self.shared.index.generation();
                let shared = self.shared.clone();
                tokio::spawn(async move {
                    let (encoding, config) = {
                        let session = shared.session();
                        (session.encoding, session.settings.config.clone())
                    };
                    let file = path.clone();
                    let indexed =
                        tokio::task::spawn_blocking(move || index_file(&file, encoding, &config))
                            .await;
                    if let Ok(Ok(indexed)) = indexed {
                        shared.index.insert(generation, path, indexed);
                        shared.schedule_project();
                    }
                });
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                self.shared.index.remove(&path);
                self.shared.clone().schedule_project();
            } else {
                self.shared.clone().reindex_file(path);
            }
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let empty =
            params.settings.is_null() || params.settings.as_object().is_some_and(|o| o.is_empty());
        if empty && self.session().client.pull_configuration {
            self.pull_configuration().await;
        } else {
            self.apply_settings(&params.settings, true).await;
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        if !self.session().settings.hover {
            return Ok(None);
        }
        let at = params.text_document_position_params;
        if let Some(hover) = self.stale_hover(&at.text_document.uri, at.position) {
            return Ok(Some(hover));
        }
        self.with_view(&at.text_document.uri, |view| {
            navigation::hover(view, at.position)
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        self.with_view(&at.text_document.uri, |view| {
            navigation::definition(view, at.position).map(GotoDefinitionResponse::Scalar)
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let include_declaration = params.context.include_declaration;
        let in_project = self
            .with_view(&at.text_document.uri, |view| {
                navigation::project_references(view, at.position, include_declaration)
            })
            .await?;
        if in_project.is_some() {
            return Ok(in_project);
        }
        let found = self
            .with_view(&at.text_document.uri, |view| {
                let (_, entity) = view.mention_at(at.position)?;
                let here = mention_locations(view, entity, include_declaration);
                Some((here, entity.name.clone(), entity.kind))
            })
            .await?;
        let Some((mut locations, name, kind)) = found else {
            return Ok(None);
        };
        let elsewhere = self
            .references_elsewhere(&at.text_document.uri, &name, kind, include_declaration)
            .await;
        locations.extend(elsewhere);
        if self.session().settings.workspace_index {
            // Open documents (the one asked about included) speak for
            // themselves, whatever the index holds for them.
            let mut open: HashSet<PathBuf> = self
                .shared
                .documents
                .all()
                .iter()
                .filter_map(|r| root_path(&r.uri))
                .collect();
            open.extend(root_path(&at.text_document.uri));
            locations.extend(self.shared.index.references(
                &name,
                kind,
                include_declaration,
                |path| open.contains(path),
            ));
        }
        Ok(Some(locations))
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        self.with_view(&at.text_document.uri, |view| {
            navigation::highlights(view, at.position)
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.with_view(&params.text_document.uri, |view| {
            Some(DocumentSymbolResponse::Nested(outline::document_symbols(
                view,
            )))
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let prepared = self
            .with_view(&params.text_document.uri, |view| {
                navigation::prepare_rename(view, params.position)
            })
            .await?;
        match prepared {
            None => Ok(None),
            Some(Ok(response)) => Ok(Some(response)),
            Some(Err(refused)) => Err(Error::invalid_params(refused)),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let new_name = crate::project::card::check_new_name(&params.new_name)
            .map_err(|refused| Error::invalid_params(refused.0))?
            .to_string();
        let planned = self
            .with_view(
                &at.text_document.uri,
                |view| match navigation::project_rename(view, at.position, &new_name) {
                    Some(result) => Some(result),
                    None => navigation::rename(view, at.position, &new_name).map(Ok),
                },
            )
            .await?;
        match planned {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(refused)) => Err(Error::invalid_params(refused)),
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let registry = self
            .shared
            .project_root()
            .map(|_| self.shared.project.registry());
        self.with_view(&params.text_document.uri, |view| {
            let mut found = actions::code_actions(view, params.range);
            if let Some(registry) = &registry {
                found.extend(features::registry::registry_actions(
                    view,
                    params.range,
                    registry,
                ));
            }
            Some(found)
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.with_view(&params.text_document.uri, |view| {
            Some(SemanticTokensResult::Tokens(outline::semantic_tokens(view)))
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let (enabled, single_mentions) = {
            let settings = &self.session().settings;
            (settings.code_lens, settings.code_lens_single_mentions)
        };
        if !enabled {
            return Ok(None);
        }
        self.with_view(&params.text_document.uri, |view| {
            Some(outline::code_lenses(view, single_mentions))
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let entities = self.known_entities(None).await;
        catch_unwind(AssertUnwindSafe(|| {
            let symbols = workspace_symbols::workspace_symbols(&params.query, &entities);
            Some(WorkspaceSymbolResponse::Flat(symbols))
        }))
        .map_err(|payload| internal_error(panic_message(payload.as_ref())))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let entities = self
            .known_entities(Some((&at.text_document.uri, at.position)))
            .await;
        self.with_view(&at.text_document.uri, |view| {
            completion::completion(view, at.position, &entities)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        if !self.session().settings.inlay_hints {
            return Ok(None);
        }
        self.with_view(&params.text_document.uri, |view| {
            Some(outline::inlay_hints(view, params.range))
        })
        .await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != outline::SHOW_REFERENCES {
            return Err(Error::invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let mut arguments = params.arguments.into_iter();
        let uri: Option<Uri> = arguments
            .next()
            .and_then(|v| serde_json::from_value(v).ok());
        let position: Option<Position> = arguments
            .next()
            .and_then(|v| serde_json::from_value(v).ok());
        let (Some(uri), Some(position)) = (uri, position) else {
            return Err(Error::invalid_params(
                "dramatis.showReferences takes [uri, position]",
            ));
        };
        let found = self
            .with_view(&uri, |view| outline::show_references(view, position))
            .await?;
        let Some((locations, summary)) = found else {
            return Ok(None);
        };
        // Generic clients have no references panel; a message is the one UI
        // every client has. The locations are the result for those that can
        // do better.
        self.shared
            .client
            .show_message(MessageType::INFO, summary)
            .await;
        Ok(serde_json::to_value(locations).ok())
    }
}

/// The local directories of the workspace: its folders, else rootUri.
fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|folder| root_path(&folder.uri))
        .collect();
    if roots.is_empty() {
        #[allow(deprecated)] // still what many clients send
        roots.extend(params.root_uri.as_ref().and_then(root_path));
    }
    // A folder inside another would be walked twice.
    roots.sort();
    roots.dedup();
    let nested: Vec<PathBuf> = roots
        .iter()
        .filter(|r| roots.iter().any(|o| o != *r && r.starts_with(o)))
        .cloned()
        .collect();
    roots.retain(|r| !nested.contains(r));
    roots
}
