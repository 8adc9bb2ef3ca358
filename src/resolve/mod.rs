//! Entity resolution: candidate mentions → entities, as a pipeline of
//! passes over one list of `MentionDraft`s (sorted by position, disjoint),
//! each pass in its own file, in the order `resolve` runs them:
//!
//! 1. `acronym`: acronym definitions in the text ("... Azawad (MNLA)");
//! 2. `normalize`: each candidate trimmed to the name alone, its roles read
//!    (titles before, `appositive` after);
//! 3. `repair`: spans corrected from the text (acronym forms, truncated and
//!    coordinated names, institutions, regnal numbers, events);
//! 4. `mention::take_keys`: each name's variant keys, once spans are final;
//! 5. `kinds`: one kind per name, by weighted vote and corrections;
//! 6. `cluster`: acronyms with long forms, people by full and short names,
//!    the rest by variant key; ambiguous short forms recorded;
//! 7. `entity`: entities and mentions numbered in document order.
//!
//! Word lists the passes use are data (`data/resolve/`, via `words`).

mod acronym;
mod appositive;
mod cluster;
mod entity;
#[doc(hidden)]
pub mod fixture;
mod kinds;
mod mention;
mod normalize;
mod repair;
mod words;

use crate::analysis::{Analysis, EntityId, MentionId};
use crate::knowledge::Knowledge;
use crate::recognize::Candidate;
use crate::text::Document;

/// The analysis plus the facts diagnostics need that the analysis does not
/// keep.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub analysis: Analysis,
    /// Short forms that fit several entities, one per form.
    pub ambiguous: Vec<Ambiguous>,
}

/// A short form that fits several entities: its mentions, in document
/// order, and every entity it fits.
#[derive(Clone, Debug, Default)]
pub struct Ambiguous {
    pub mentions: Vec<MentionId>,
    pub fits: Vec<EntityId>,
}

pub fn resolve(doc: &Document<'_>, candidates: Vec<Candidate>, knowledge: &Knowledge) -> Resolved {
    let definitions = acronym::find_definitions(doc);
    let mut drafts = normalize::normalize(doc, candidates, knowledge);
    repair::apply_acronym_definitions(doc, &definitions, &mut drafts, knowledge);
    repair::complete_truncated_names(doc, &mut drafts);
    repair::join_coordinated_place_names(doc, &mut drafts, knowledge);
    repair::split_coordinated_places(doc, &mut drafts, knowledge);
    repair::add_institutions_by_title(doc, &mut drafts, knowledge);
    repair::take_in_regnal_numbers(doc, &mut drafts);
    repair::drop_event_names(doc, &mut drafts, knowledge);
    mention::take_keys(doc, &mut drafts);
    kinds::vote_kinds(doc, &mut drafts, knowledge);
    let clusters = cluster::cluster(doc, &definitions, &mut drafts, knowledge);
    entity::build(doc, &drafts, &clusters, knowledge)
}

/// The most frequent item; ties go to the one seen first. Used for kinds
/// and for spellings.
pub(crate) fn most_common<T: PartialEq + Copy>(items: impl Iterator<Item = T>) -> Option<T> {
    heaviest(items.map(|item| (item, 1)))
}

/// The item with the greatest total weight; ties go to the one seen first
/// (`max_by_key` would pick the last), so the first reading of a name wins
/// an even vote.
pub(crate) fn heaviest<T: PartialEq + Copy>(items: impl Iterator<Item = (T, u32)>) -> Option<T> {
    let mut totals: Vec<(T, u32)> = Vec::new();
    for (item, weight) in items {
        match totals.iter_mut().find(|(seen, _)| *seen == item) {
            Some((_, total)) => *total += weight,
            None => totals.push((item, weight)),
        }
    }
    let best = totals.iter().map(|&(_, total)| total).max()?;
    totals
        .into_iter()
        .find(|&(_, total)| total == best)
        .map(|(item, _)| item)
}
