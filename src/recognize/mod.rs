//! Mention detection: finds the spans that name people, organizations,
//! groups and places. Any recognizer (rules, a trained model) implements
//! [`Recognizer`]; the rest of the pipeline never knows which one ran.

pub mod model;
pub mod rules;

use std::ops::Range;

use crate::analysis::EntityKind;
use crate::knowledge::Knowledge;
use crate::text::{Document, Span};

/// A detected name, before resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Token indices `[first, end)` into `Document::tokens`.
    pub tokens: Range<usize>,
    pub span: Span,
    pub kind: EntityKind,
}

/// Finds candidate mentions in a tokenized document. Implementations are
/// pure and must not panic on any input; they return candidates sorted by
/// start and non-overlapping.
pub trait Recognizer: Send + Sync {
    fn recognize(&self, doc: &Document<'_>, knowledge: &Knowledge) -> Vec<Candidate>;
}

/// Adds the group names the lexicon knows ("Malians", "the Tuareg",
/// lower-case "jihadists") that the recognizer left out: training corpora
/// do not tag collectives, so the model rarely proposes them. Adjectival
/// uses ("Malian troops") are dropped later, in resolution.
pub fn add_lexicon_groups(
    doc: &Document<'_>,
    knowledge: &Knowledge,
    candidates: &mut Vec<Candidate>,
) {
    use crate::knowledge::LexFlags;
    use crate::text::TokenShape;
    let mut covered = vec![false; doc.tokens.len()];
    for c in candidates.iter() {
        for flag in
            &mut covered[c.tokens.start.min(doc.tokens.len())..c.tokens.end.min(doc.tokens.len())]
        {
            *flag = true;
        }
    }
    let before = candidates.len();
    for (index, token) in doc.tokens.iter().enumerate() {
        if covered[index] {
            continue;
        }
        let word = doc.token_text(index);
        // Shape first: most tokens are ruled out without a lexicon lookup.
        let is_group = match token.shape {
            TokenShape::Capitalized => knowledge
                .word_flags(word)
                .intersects(LexFlags::DEMONYM | LexFlags::GROUP),
            // Lower case only for collectives written that way, in the plural.
            TokenShape::Lower => {
                word.ends_with('s') && knowledge.word_flags(word).contains(LexFlags::GROUP)
            }
            _ => false,
        };
        if is_group {
            candidates.push(Candidate {
                tokens: index..index + 1,
                span: token.span,
                kind: EntityKind::Group,
            });
        }
    }
    if candidates.len() > before {
        candidates.sort_by_key(|c| (c.tokens.start, c.tokens.end));
    }
}
