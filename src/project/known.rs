//! Names recognised because the project knows them, not because the model
//! proposed them: the registry's names everywhere (winning over the model),
//! and names introduced in one file wherever another file writes them.

use rustc_hash::{FxHashMap, FxHashSet};

use super::registry::{name_key, Registry};
use crate::analysis::{EntityId, EntityKind, MentionId};
use crate::knowledge::{Knowledge, LexFlags};
use crate::recognize::Candidate;
use crate::resolve::{Ambiguous, Resolved};
use crate::text::{fold_key, Document, TokenShape};

/// A name to find as a sequence of tokens.
#[derive(Clone, Debug)]
struct Form {
    /// `fold_key` of each word.
    words: Vec<String>,
    kind: EntityKind,
    /// Found even at a sentence start when it is also an ordinary word: a
    /// surname of someone the project knows by full name ("Brisk said").
    at_sentence_start: bool,
}

/// Names to find in every file, by their first word's key.
#[derive(Default)]
pub struct KnownNames {
    forms: FxHashMap<String, Vec<Form>>,
    /// Registry names replace what the model proposed over them.
    authoritative: bool,
}

impl KnownNames {
    fn add(&mut self, name: &str, kind: EntityKind, at_sentence_start: bool) {
        let words: Vec<String> = name_words(name);
        let Some(first) = words.first().cloned() else {
            return;
        };
        let forms = self.forms.entry(first).or_default();
        if !forms.iter().any(|f| f.words == words) {
            forms.push(Form {
                words,
                kind,
                at_sentence_start,
            });
            // Longest first, so "Hester Vell" wins over "Hester".
            forms.sort_by_key(|f| std::cmp::Reverse(f.words.len()));
        }
    }

    /// Adds the known names `doc` writes to `candidates`; returns whether
    /// anything changed. A registry name replaces overlapping candidates; a
    /// project name only fills gaps.
    pub fn apply(
        &self,
        doc: &Document<'_>,
        candidates: &mut Vec<Candidate>,
        knowledge: &Knowledge,
    ) -> bool {
        if self.forms.is_empty() {
            return false;
        }
        let mut found: Vec<Candidate> = Vec::new();
        let mut index = 0;
        while index < doc.tokens.len() {
            let token = &doc.tokens[index];
            if token.shape != TokenShape::Capitalized {
                index += 1;
                continue;
            }
            let key = fold_key(doc.token_text(index));
            let matched = self.forms.get(&key).and_then(|forms| {
                forms.iter().find(|form| {
                    let end = index + form.words.len();
                    end <= doc.tokens.len()
                        && form.words[1..]
                            .iter()
                            .zip(index + 1..end)
                            .all(|(w, t)| fold_key(doc.token_text(t)) == *w)
                        && doc.tokens[index..end]
                            .iter()
                            .all(|t| t.sentence == token.sentence)
                })
            });
            let Some(form) = matched else {
                index += 1;
                continue;
            };
            let end = index + form.words.len();
            // A one-word name at the start of a sentence that is also an
            // ordinary word ("Will", "May") is the word.
            let sentence_start = doc
                .sentences
                .get(token.sentence as usize)
                .is_some_and(|s| s.tokens.start == index);
            let ordinary = form.words.len() == 1
                && sentence_start
                && knowledge
                    .word_flags(doc.token_text(index))
                    .contains(LexFlags::COMMON_WORD);
            if !ordinary || self.authoritative || form.at_sentence_start {
                found.push(Candidate {
                    tokens: index..end,
                    span: doc.tokens_span(index, end),
                    kind: form.kind,
                });
            }
            index = end;
        }
        if found.is_empty() {
            return false;
        }
        let before = candidates.len();
        if self.authoritative {
            candidates.retain(|c| {
                !found
                    .iter()
                    .any(|f| f.tokens.start < c.tokens.end && c.tokens.start < f.tokens.end)
            });
            let removed = before != candidates.len();
            let mut changed = removed;
            for f in found {
                if !candidates.contains(&f) {
                    candidates.push(f);
                    changed = true;
                }
            }
            candidates.sort_by_key(|c| c.tokens.start);
            return changed;
        }
        for f in found {
            let overlaps = candidates
                .iter()
                .any(|c| f.tokens.start < c.tokens.end && c.tokens.start < f.tokens.end);
            if !overlaps {
                candidates.push(f);
            }
        }
        candidates.sort_by_key(|c| c.tokens.start);
        candidates.len() != before
    }
}

fn name_words(name: &str) -> Vec<String> {
    let key_source = name.trim();
    let without_article = ["the ", "The ", "THE "]
        .iter()
        .find_map(|a| key_source.strip_prefix(a))
        .unwrap_or(key_source);
    crate::text::tokenize(without_article, crate::text::TextFormat::Plain)
        .tokens
        .iter()
        .map(|t| fold_key(t.span.text(without_article)))
        .filter(|w| !w.is_empty())
        .collect()
}

/// What the registry teaches: names to recognise, names to ignore.
pub struct Taught {
    names: KnownNames,
    ignored: FxHashSet<String>,
}

impl Taught {
    pub fn from_registry(registry: &Registry) -> Taught {
        let mut names = KnownNames {
            authoritative: true,
            ..KnownNames::default()
        };
        for entity in &registry.entities {
            for name in entity.names() {
                names.add(name, entity.kind, true);
            }
        }
        Taught {
            names,
            ignored: registry.ignore.iter().map(|n| name_key(n)).collect(),
        }
    }

    /// Registry names in, ignored names out.
    pub fn apply(
        &self,
        doc: &Document<'_>,
        candidates: &mut Vec<Candidate>,
        knowledge: &Knowledge,
    ) {
        self.names.apply(doc, candidates, knowledge);
        if !self.ignored.is_empty() {
            candidates.retain(|c| !self.is_ignored(c.span.text(doc.text)));
        }
    }

    fn is_ignored(&self, name: &str) -> bool {
        !self.ignored.is_empty() && self.ignored.contains(&name_key(name))
    }

    /// Resolves one file and drops whatever resolution made of an ignored
    /// name (resolution may build names the recognizer did not propose).
    pub fn resolve(
        &self,
        doc: &Document<'_>,
        candidates: Vec<Candidate>,
        knowledge: &Knowledge,
    ) -> Resolved {
        let mut resolved = crate::resolve::resolve(doc, candidates, knowledge);
        if self.ignored.is_empty() {
            return resolved;
        }
        let analysis = &mut resolved.analysis;
        if !analysis
            .mentions
            .iter()
            .any(|m| self.is_ignored(m.span.text(doc.text)))
        {
            return resolved;
        }
        let (mentions, entities) =
            analysis.retain_mentions(|m| !self.is_ignored(m.span.text(doc.text)));
        let new_mention = |m: MentionId| mentions.get(m.0 as usize).copied().flatten();
        let new_entity = |e: EntityId| entities.get(e.0 as usize).copied().flatten();
        resolved.ambiguous = std::mem::take(&mut resolved.ambiguous)
            .into_iter()
            .map(|a| Ambiguous {
                mentions: a.mentions.into_iter().filter_map(new_mention).collect(),
                fits: a.fits.into_iter().filter_map(new_entity).collect(),
            })
            .filter(|a| !a.mentions.is_empty())
            .collect();
        resolved
    }
}

/// Builds the names the project knows from its linked entities.
pub struct NameCollector {
    pub names: KnownNames,
}

impl NameCollector {
    pub fn new() -> NameCollector {
        NameCollector {
            names: KnownNames::default(),
        }
    }

    pub fn add(&mut self, name: &str, kind: EntityKind) {
        self.names.add(name, kind, false);
    }

    pub fn add_surname(&mut self, name: &str) {
        self.names.add(name, EntityKind::Person, true);
    }
}
