//! Project analysis: one cast of entities across the files of a book, a
//! dossier or a thesis, read in order.
//!
//! Per file, recognition runs once (the slow part; the edges cache its
//! candidates by text). Then, over the whole project:
//! 1. the registry's names are recognised everywhere with the registry's
//!    kind, and its ignored names nowhere (`known`);
//! 2. each file is resolved alone, and the files' entities are linked in
//!    reading order: same name, a surname or given name of one person
//!    introduced earlier, an acronym and its expansion (`link`);
//! 3. names the project now knows are recognised in the files that missed
//!    them, those files are resolved again, and the links are made again;
//! 4. each file's diagnostics are read against the project: an acronym
//!    spelled out in another file is defined, a full name given in an
//!    earlier file was given, a short name may fit people of other files
//!    (`diagnose`).
//!
//! A single file without a registry is analysed exactly as by
//! [`crate::analyze`].

pub mod card;
mod diagnose;
mod known;
mod link;
pub mod registry;

use crate::analysis::{Analysis, EntityId, EntityKind, FileId, MentionId};
use crate::config::Config;
use crate::knowledge::Knowledge;
use crate::recognize::{Candidate, Recognizer};
use crate::text::{tokenize, Document, TextFormat};
use rayon::prelude::*;
use registry::Registry;

/// One file of a project, with its recognised candidates.
pub struct ProjectSource<'a> {
    /// How the file is named in messages (a path relative to the project).
    pub name: &'a str,
    pub text: &'a str,
    pub format: TextFormat,
    /// From [`recognize`] on this very text (the server caches them); None
    /// to recognise here.
    pub candidates: Option<&'a [Candidate]>,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectEntityId(pub u32);

/// A mention of the project: a file and a mention of that file's analysis.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MentionRef {
    pub file: FileId,
    pub mention: MentionId,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProjectEntity {
    pub id: ProjectEntityId,
    /// The registry's name, else the fullest name the project uses.
    pub name: String,
    pub kind: EntityKind,
    /// Surface forms in reading order.
    pub aliases: Vec<String>,
    pub roles: Vec<String>,
    /// An acronym's spelled-out form.
    pub expansion: Option<String>,
    /// The user's description, from the registry.
    pub note: Option<String>,
    /// What the built-in knowledge says.
    pub description: Option<String>,
    /// Every mention, in reading order.
    pub mentions: Vec<MentionRef>,
    /// The mention that introduces the entity: the first with its full name
    /// (or an acronym's expansion), in whichever file.
    pub definition: MentionRef,
    /// Declared in the registry.
    pub registered: bool,
}

/// The analysis of a whole project.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    /// File names, in reading order (`FileId` indexes these).
    pub names: Vec<String>,
    /// Each file's analysis, with kinds and names as the project decided
    /// and diagnostics read against the project.
    pub files: Vec<Analysis>,
    /// `entity_of[file][local entity]`: the project entity.
    pub entity_of: Vec<Vec<ProjectEntityId>>,
    pub entities: Vec<ProjectEntity>,
    /// Short forms that fit several entities, per file.
    pub ambiguous: Vec<Vec<MentionId>>,
}

impl Project {
    pub fn entity(&self, id: ProjectEntityId) -> Option<&ProjectEntity> {
        self.entities.get(id.0 as usize)
    }

    pub fn analysis(&self, file: FileId) -> Option<&Analysis> {
        self.files.get(file.0 as usize)
    }

    /// The project entity of a file's local entity.
    pub fn entity_of(&self, file: FileId, local: EntityId) -> Option<&ProjectEntity> {
        let id = *self.entity_of.get(file.0 as usize)?.get(local.0 as usize)?;
        self.entity(id)
    }

    /// The project entity of a mention.
    pub fn entity_at(&self, at: MentionRef) -> Option<&ProjectEntity> {
        let mention = self.analysis(at.file)?.mention(at.mention)?;
        self.entity_of(at.file, mention.entity)
    }

    pub fn name_of(&self, file: FileId) -> &str {
        self.names.get(file.0 as usize).map_or("", String::as_str)
    }

    pub fn is_ambiguous(&self, at: MentionRef) -> bool {
        self.ambiguous
            .get(at.file.0 as usize)
            .is_some_and(|list| list.contains(&at.mention))
    }

    /// A project of one analysed file, entity for entity.
    fn single(name: &str, analysis: Analysis, ambiguous: Vec<MentionId>) -> Project {
        let file = FileId(0);
        let entities = analysis
            .entities
            .iter()
            .map(|e| ProjectEntity {
                id: ProjectEntityId(e.id.0),
                name: e.name.clone(),
                kind: e.kind,
                aliases: e.aliases.clone(),
                roles: e.roles.clone(),
                expansion: e.expansion.clone(),
                note: None,
                description: e.description.clone(),
                mentions: e
                    .mentions
                    .iter()
                    .map(|&mention| MentionRef { file, mention })
                    .collect(),
                definition: MentionRef {
                    file,
                    mention: e.definition,
                },
                registered: false,
            })
            .collect();
        Project {
            names: vec![name.to_string()],
            entity_of: vec![(0..analysis.entities.len() as u32)
                .map(ProjectEntityId)
                .collect()],
            files: vec![analysis],
            entities,
            ambiguous: vec![ambiguous],
        }
    }
}

/// Compares paths as people number chapters: `ch2` before `ch10`.
/// Component by component, runs of digits as numbers and the rest as text
/// regardless of case; ties fall back to plain order, so distinct paths
/// never compare equal.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let mut left = a.split(['/', '\\']);
    let mut right = b.split(['/', '\\']);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = natural_component_cmp(x, y);
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

fn natural_component_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a_rest, mut b_rest) = (a, b);
    while !a_rest.is_empty() && !b_rest.is_empty() {
        let (a_run, a_next) = split_run(a_rest);
        let (b_run, b_next) = split_run(b_rest);
        let both_numbers = a_run.starts_with(|c: char| c.is_ascii_digit())
            && b_run.starts_with(|c: char| c.is_ascii_digit());
        let order = if both_numbers {
            let (a_digits, b_digits) =
                (a_run.trim_start_matches('0'), b_run.trim_start_matches('0'));
            a_digits
                .len()
                .cmp(&b_digits.len())
                .then_with(|| a_digits.cmp(b_digits))
        } else {
            a_run.to_lowercase().cmp(&b_run.to_lowercase())
        };
        if order != Ordering::Equal {
            return order;
        }
        (a_rest, b_rest) = (a_next, b_next);
    }
    a_rest.len().cmp(&b_rest.len())
}

/// The leading run of ASCII digits, or of anything else, and the rest.
fn split_run(text: &str) -> (&str, &str) {
    let digits = text.starts_with(|c: char| c.is_ascii_digit());
    let end = text
        .find(|c: char| c.is_ascii_digit() != digits)
        .unwrap_or(text.len());
    text.split_at(end)
}

/// Reading order of files named by paths relative to the project root: the
/// registry's `order` first, the rest in natural order. Returns indices.
pub fn reading_order(relative_paths: &[&str], order: &[String]) -> Vec<usize> {
    let normalize = |p: &str| p.trim_start_matches("./").replace('\\', "/");
    let rank = |path: &str| {
        let path = normalize(path);
        order
            .iter()
            .position(|o| normalize(o) == path)
            .unwrap_or(usize::MAX)
    };
    let mut indices: Vec<usize> = (0..relative_paths.len()).collect();
    indices.sort_by(|&a, &b| {
        rank(relative_paths[a])
            .cmp(&rank(relative_paths[b]))
            .then_with(|| natural_cmp(relative_paths[a], relative_paths[b]))
    });
    indices
}

/// Recognition for one file: the candidates a project analysis starts from.
pub fn recognize(
    text: &str,
    format: TextFormat,
    knowledge: &Knowledge,
    recognizer: &dyn Recognizer,
) -> Vec<Candidate> {
    let doc = tokenize(text, format);
    recognize_document(&doc, knowledge, recognizer)
}

pub(crate) fn recognize_document(
    doc: &Document<'_>,
    knowledge: &Knowledge,
    recognizer: &dyn Recognizer,
) -> Vec<Candidate> {
    let mut candidates = recognizer.recognize(doc, knowledge);
    crate::recognize::add_lexicon_groups(doc, knowledge, &mut candidates);
    candidates
}

/// Analyses the files of a project together. Never fails.
pub fn analyze_project(
    sources: &[ProjectSource<'_>],
    registry: &Registry,
    config: &Config,
    knowledge: &Knowledge,
    recognizer: &dyn Recognizer,
) -> Project {
    // Files are independent until they are linked: each per-file step runs
    // on every core (rayon), in file order.
    let config = registry.apply_severities(config);
    let taught = known::Taught::from_registry(registry);
    let (docs, recognized): (Vec<Document<'_>>, Vec<Vec<Candidate>>) = sources
        .par_iter()
        .map(|s| {
            let doc = tokenize(s.text, s.format);
            let candidates = match s.candidates {
                Some(candidates) => candidates.to_vec(),
                None => recognize_document(&doc, knowledge, recognizer),
            };
            (doc, candidates)
        })
        .unzip();
    if sources.len() == 1 && registry.is_empty() {
        let doc = &docs[0];
        let candidates = recognized.into_iter().next().unwrap_or_default();
        let resolved = crate::resolve::resolve(doc, candidates, knowledge);
        let diagnostics = crate::diagnostics::diagnose(doc, &resolved, knowledge, &config);
        let mut analysis = resolved.analysis;
        analysis.diagnostics = diagnostics;
        let ambiguous = resolved
            .ambiguous
            .iter()
            .flat_map(|a| a.mentions.iter().copied())
            .collect();
        return Project::single(sources[0].name, analysis, ambiguous);
    }
    // Pass 1: the registry's names, each file alone.
    let (mut candidates, mut resolved): (Vec<Vec<Candidate>>, Vec<crate::resolve::Resolved>) = docs
        .par_iter()
        .zip(recognized)
        .map(|(doc, mut candidates)| {
            taught.apply(doc, &mut candidates, knowledge);
            let resolved = taught.resolve(doc, candidates.clone(), knowledge);
            (candidates, resolved)
        })
        .unzip();
    let mut links = link::link(&resolved, registry, knowledge);
    // Pass 2: what the project knows, recognised where a file missed it.
    let project_names = links.known_names(&resolved, knowledge);
    let changed: Vec<bool> = docs
        .par_iter()
        .zip(candidates.par_iter_mut())
        .zip(resolved.par_iter_mut())
        .map(|((doc, candidates), resolved)| {
            let changed = project_names.apply(doc, candidates, knowledge);
            if changed {
                *resolved = taught.resolve(doc, candidates.clone(), knowledge);
            }
            changed
        })
        .collect();
    if changed.contains(&true) {
        links = link::link(&resolved, registry, knowledge);
    }
    let names: Vec<String> = sources.iter().map(|s| s.name.to_string()).collect();
    let files: Vec<Analysis> = docs
        .par_iter()
        .zip(resolved.par_iter())
        .map(|(doc, r)| {
            let mut analysis = r.analysis.clone();
            analysis.diagnostics = crate::diagnostics::diagnose(doc, r, knowledge, &config);
            analysis
        })
        .collect();
    let (mut project, cross) = links.into_project(names, files, &resolved);
    diagnose::adjust(&mut project, &docs, &cross, &config);
    project
}

#[cfg(test)]
mod tests;
