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
