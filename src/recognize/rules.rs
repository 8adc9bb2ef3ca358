//! A rule-and-lexicon recognizer: runs of capitalized words, typed by the
//! gazetteer and by the words around them. It is the fallback when no model
//! is embedded, and a baseline the model must beat.

use super::{Candidate, Recognizer};
use crate::analysis::EntityKind;
use crate::knowledge::{Knowledge, LexFlags};
use crate::text::is_acronym;
use crate::text::{Document, TokenShape};

pub struct RuleRecognizer;

/// Lower-case words that may join capitalized words inside one name
/// ("Bank of England", "al Qaeda", "Leonardo da Vinci").
const CONNECTORS: &[&str] = &[
    "of", "for", "de", "da", "del", "della", "di", "du", "des", "la", "le", "al", "el", "bin",
    "ibn", "van", "von", "der", "den", "y", "and", "the",
];

/// Capitalized words that are never names on their own.
const NOT_NAMES: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "i",
    "i'm",
    "mr",
    "mrs",
    "ms",
    "dr",
    "ok",
];

/// Words before a name that suggest a place.
const PLACE_CUES: &[&str] = &[
    "in", "at", "from", "near", "to", "across", "into", "outside", "inside", "toward", "towards",
];

fn skippable(word: &str, flags: LexFlags, sentence_initial: bool) -> bool {
    let lower = word.to_lowercase();
    NOT_NAMES.contains(&lower.as_str())
        || flags.contains(LexFlags::TITLE)
        || (sentence_initial
            && flags.contains(LexFlags::COMMON_WORD)
            && !flags.intersects(
                LexFlags::COUNTRY | LexFlags::CITY | LexFlags::DEMONYM | LexFlags::GIVEN_NAME,
            ))
}

impl Recognizer for RuleRecognizer {
    fn recognize(&self, doc: &Document<'_>, knowledge: &Knowledge) -> Vec<Candidate> {
        let mut out = Vec::new();
        for sentence in &doc.sentences {
            let range = sentence.tokens.clone();
            let mut i = range.start;
            while i < range.end {
                if doc.tokens[i].shape != TokenShape::Capitalized {
                    i += 1;
                    continue;
                }
                let flags = knowledge.word_flags(doc.token_text(i));
                if skippable(doc.token_text(i), flags, i == range.start) {
                    i += 1;
                    continue;
                }
                let first = i;
                let mut end = i + 1;
                loop {
                    if end < range.end
                        && doc.tokens[end].shape == TokenShape::Capitalized
                        && !is_title_break(doc, end, knowledge)
                    {
                        end += 1;
                        continue;
                    }
                    // A connector joins two capitalized runs.
                    let mut j = end;
                    while j < range.end && j - end < 2 && CONNECTORS.contains(&doc.token_text(j)) {
                        j += 1;
                    }
                    if j > end
                        && j < range.end
                        && doc.tokens[j].shape == TokenShape::Capitalized
                        && doc.token_text(end) != "and"
                    {
                        end = j + 1;
                        continue;
                    }
                    break;
                }
                let kind = classify(doc, first, end, knowledge);
                out.push(Candidate {
                    tokens: first..end,
                    span: doc.tokens_span(first, end),
                    kind,
                });
                i = end;
            }
        }
        out
    }
}

/// A title word in the middle of a capitalized run starts a new name
/// ("Malian President Amadou Touré" → "Malian" | "Amadou Touré").
fn is_title_break(doc: &Document<'_>, index: usize, knowledge: &Knowledge) -> bool {
    knowledge
        .word_flags(doc.token_text(index))
        .contains(LexFlags::TITLE)
}

fn classify(doc: &Document<'_>, first: usize, end: usize, knowledge: &Knowledge) -> EntityKind {
    let text = doc.tokens_span(first, end).text(doc.text);
    if let Some(entry) = knowledge.lookup(text) {
        return entry.kind;
    }
    let words: Vec<&str> = (first..end).map(|i| doc.token_text(i)).collect();
    let flags: Vec<LexFlags> = words.iter().map(|w| knowledge.word_flags(w)).collect();
    let last = flags.last().copied().unwrap_or_default();
    if words.len() == 1 && flags[0].intersects(LexFlags::DEMONYM | LexFlags::GROUP) {
        return EntityKind::Group;
    }
    if flags.iter().any(|f| f.contains(LexFlags::ORG_SUFFIX))
        || (words.len() == 1 && is_acronym(words[0]))
    {
        return EntityKind::Organization;
    }
    let previous = first
        .checked_sub(1)
        .map(|p| doc.token_text(p).to_lowercase());
    let after_title = first.checked_sub(1).is_some_and(|p| {
        knowledge
            .word_flags(doc.token_text(p))
            .contains(LexFlags::TITLE)
    });
    if after_title || flags[0].contains(LexFlags::GIVEN_NAME) {
        return EntityKind::Person;
    }
    if last.intersects(LexFlags::COUNTRY | LexFlags::CITY | LexFlags::REGION | LexFlags::FEATURE) {
        return EntityKind::Place;
    }
    if previous.as_deref().is_some_and(|p| PLACE_CUES.contains(&p)) {
        return EntityKind::Place;
    }
    if last.contains(LexFlags::SURNAME) || words.len() <= 3 {
        return EntityKind::Person;
    }
    EntityKind::Organization
}
