//! Acronym definitions become mentions: "National Movement for the
//! Liberation of Azawad (MNLA)" is a long form and a short form, whatever
//! the recognizer made of the words, and later bare "MNLA"s are mentions too.
//! A definition whose long form nothing took for a name is a term
//! ("Geographic Information Systems (GIS)"): its short form is dropped.

use rustc_hash::FxHashMap;

use crate::analysis::EntityKind;
use crate::knowledge::Knowledge;
use crate::text::{fold_key, is_acronym, Document, TokenShape};

use crate::resolve::acronym::AcronymDefinition;
use crate::resolve::mention::MentionDraft;

/// Makes every acronym definition a pair of candidates: the long form
/// replaces whatever overlapped it, the short form is added if missing, and
/// later bare uses of the short form become candidates too.
pub fn apply_acronym_definitions(
    doc: &Document<'_>,
    definitions: &[AcronymDefinition],
    drafts: &mut Vec<MentionDraft>,
    knowledge: &Knowledge,
) {
    if definitions.is_empty() {
        return;
    }
    // `drafts` is sorted and disjoint, so the candidates a definition
    // overlaps are found by binary search.
    let mut removed = vec![false; drafts.len()];
    let mut added: Vec<MentionDraft> = Vec::with_capacity(definitions.len() * 2);
    let mut acronyms: FxHashMap<String, EntityKind> = FxHashMap::default();
    let mut terms: Vec<String> = Vec::new();
    for def in definitions {
        let low = def.long.start.min(def.short.start);
        let high = def.long.end.max(def.short.end);
        let first = drafts.partition_point(|n| n.tokens.end <= low);
        // The recognizer's kind counts only if it saw the whole long form:
        // pieces ("West Africa" inside "Movement for Oneness and Jihad in
        // West Africa") say nothing about it. Spelled-out acronyms are
        // mostly organizations.
        let mut exact = None;
        let mut long_seen = false;
        for (index, n) in drafts.iter().enumerate().skip(first) {
            if n.tokens.start >= high {
                break;
            }
            if n.tokens == def.long {
                exact = Some(n.kind);
            }
            long_seen |= n.tokens.start < def.long.end && def.long.start < n.tokens.end;
            removed[index] = true;
        }
        let long_text = doc.tokens_span(def.long.start, def.long.end).text(doc.text);
        let known = knowledge.lookup(long_text).map(|e| e.kind);
        if known.is_none() && !long_seen {
            // Nothing in the long form looked like a name to the recognizer
            // or the knowledge base: a spelled-out term ("Geographic
            // Information Systems (GIS)", "interquartile range (IQR)"), and
            // so is its short form wherever it appears.
            terms.push(fold_key(doc.token_text(def.short.start)));
            continue;
        }
        let kind = known.or(exact).unwrap_or(EntityKind::Organization);
        for tokens in [def.long.clone(), def.short.clone()] {
            added.push(MentionDraft::new(tokens, kind, Vec::new()));
        }
        acronyms.insert(fold_key(doc.token_text(def.short.start)), kind);
    }
    let mut keep = removed.iter().map(|r| !r);
    drafts.retain(|_| keep.next().unwrap_or(true));
    terms.retain(|t| !acronyms.contains_key(t));
    if !terms.is_empty() {
        drafts.retain(|n| {
            n.tokens.len() != 1
                || n.tokens.start >= doc.tokens.len()
                || !terms.contains(&fold_key(doc.token_text(n.tokens.start)))
        });
    }
    drafts.extend(added);
    // Bare uses of a defined acronym that the recognizer missed.
    let mut covered = vec![false; doc.tokens.len()];
    for n in drafts.iter() {
        for c in
            &mut covered[n.tokens.start.min(doc.tokens.len())..n.tokens.end.min(doc.tokens.len())]
        {
            *c = true;
        }
    }
    for (index, token) in doc.tokens.iter().enumerate() {
        if covered[index] || token.shape != TokenShape::Capitalized {
            continue;
        }
        let word = doc.token_text(index);
        if !is_acronym(word) {
            continue;
        }
        if let Some(&kind) = acronyms.get(&fold_key(word)) {
            drafts.push(MentionDraft::new(index..index + 1, kind, Vec::new()));
        }
    }
    drafts.sort_by_key(|n| (n.tokens.start, n.tokens.end));
    drafts.dedup_by(|b, a| b.tokens.start < a.tokens.end);
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn a_definition_makes_both_forms_mentions() {
        // The recognizer saw only part of the long form and missed the
        // later bare acronym.
        check(
            "The Coastal {{Rescue Alliance|o}} (CRA) sent boats. Later CRA crews returned.",
            expect![[r#"
                The [Coastal Rescue Alliance]1 ([CRA]1) sent boats. Later [CRA]1 crews returned.
                ---
                1 organization "Coastal Rescue Alliance" def="Coastal Rescue Alliance" aliases=["Coastal Rescue Alliance", "CRA"] expansion="Coastal Rescue Alliance"
            "#]],
        );
    }

    #[test]
    fn a_spelled_out_term_is_no_name() {
        check(
            "Surveyors used Ground Penetrating Radar (GPR) near {{Lisbon|l}}. {{GPR|o}} found little.",
            expect![[r#"
                Surveyors used Ground Penetrating Radar (GPR) near [Lisbon]1. GPR found little.
                ---
                1 place "Lisbon" def="Lisbon" aliases=["Lisbon"]
            "#]],
        );
    }
}
