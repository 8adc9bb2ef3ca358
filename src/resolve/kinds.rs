//! One kind per name, by weighted vote over all its mentions, then
//! corrected by what the knowledge and the text say.
//!
//! Votes: each mention's recognized kind, the gazetteer's kind for a
//! multi-word name it knows, an appositive's head noun ("X, the British
//! developer of ..."), and a list's clear majority ("Kidal, Gao and
//! Timbuktu"). Ties go to the kind voted first. Corrections after the vote:
//! a name headed by a place word is a place, a well-known place is nobody's
//! name, a given name that "she"/"his" keeps following is a person; a
//! dateline keeps the kind it was read with.

use rustc_hash::FxHashMap;

use crate::analysis::EntityKind;
use crate::knowledge::{Knowledge, LexFlags};
use crate::text::{Document, TokenShape};

use super::appositive;
use super::mention::MentionDraft;
use super::words::ResolverWords;
use super::{heaviest, most_common};

/// Each mention's own reading.
const MENTION_VOTE: u32 = 1;
/// A multi-word name the gazetteer knows ("Burkina Faso"): outweighs one
/// stray prediction. A known single word ("Harrow", a town and a school)
/// gets no vote and only breaks ties through the corrections.
const KNOWN_NAME_VOTE: u32 = 2;
/// What an appositive calls a name ("Gao, a city on the Niger"), per
/// mention it follows: outweighs one stray reading.
const APPOSITIVE_VOTE: u32 = 3;
/// A list's clear majority, for a member read against it.
const LIST_MAJORITY_VOTE: u32 = 2;

/// The votes for one name, weighted, in the order they were cast.
#[derive(Default)]
struct KindVotes(Vec<(EntityKind, u32)>);

impl KindVotes {
    fn add(&mut self, kind: EntityKind, weight: u32) {
        self.0.push((kind, weight));
    }

    /// The kind with the most votes; a tie goes to the one voted for first.
    fn winner(&self) -> Option<EntityKind> {
        heaviest(self.0.iter().copied())
    }
}

/// Sets every draft's kind to its name's. Needs `take_keys`.
pub fn vote_kinds(doc: &Document<'_>, drafts: &mut [MentionDraft], knowledge: &Knowledge) {
    let mut votes: FxHashMap<&str, KindVotes> = FxHashMap::default();
    for d in drafts.iter() {
        let tally = votes.entry(d.key.as_str()).or_insert_with(|| {
            let mut tally = KindVotes::default();
            if d.tokens.len() > 1 {
                if let Some(entry) = knowledge.lookup(d.span(doc).text(doc.text)) {
                    tally.add(entry.kind, KNOWN_NAME_VOTE);
                }
            }
            tally
        });
        tally.add(d.kind, MENTION_VOTE);
    }
    for d in drafts.iter() {
        if d.kind == EntityKind::Group {
            continue;
        }
        if let Some(kind) = appositive::kind_after(doc, d.tokens.end) {
            if let Some(tally) = votes.get_mut(d.key.as_str()) {
                tally.add(kind, APPOSITIVE_VOTE);
            }
        }
    }
    for (index, kind) in list_majorities(doc, drafts) {
        if kind == EntityKind::Group || drafts[index].kind == EntityKind::Group {
            continue;
        }
        if let Some(tally) = votes.get_mut(drafts[index].key.as_str()) {
            tally.add(kind, LIST_MAJORITY_VOTE);
        }
    }
    let mut winners: FxHashMap<&str, EntityKind> = votes
        .into_iter()
        .filter_map(|(key, tally)| Some((key, tally.winner()?)))
        .collect();
    // A well-known place that is nobody's given name or surname is not a person,
    // however the model read its first mention ("Athens (Greek: Αθήνα)").
    // Organizations stay: a country's team or government is one.
    for d in drafts.iter() {
        let key = d.key.as_str();
        if d.tokens.len() > 1 {
            if let Some(kind) = winners.get_mut(key) {
                let head = place_head(doc, d.tokens.clone(), knowledge);
                // An organization needs the stronger pattern: "Crystal
                // Palace" and "Port Vale" are football clubs.
                if (*kind == EntityKind::Person && head.is_some())
                    || (*kind == EntityKind::Organization && head == Some(PlaceHead::BeforeOf))
                {
                    *kind = EntityKind::Place;
                }
            }
            continue;
        }
        if winners.get(key) != Some(&EntityKind::Person) {
            continue;
        }
        let word = doc.token_text(d.tokens.start);
        let place = knowledge
            .lookup(word)
            .is_some_and(|e| e.kind == EntityKind::Place && e.prominent);
        let personal = knowledge
            .word_flags(word)
            .intersects(LexFlags::GIVEN_NAME | LexFlags::SURNAME);
        if place && !personal {
            winners.insert(key, EntityKind::Place);
        }
    }
    // A given name that "she" or "his" keeps following is a person, whatever
    // the model made of it ("Gloria developed severe eczema ... her skin").
    let prepositions = &ResolverWords::get().prepositions;
    let mut pronouns: FxHashMap<&str, (usize, usize)> = FxHashMap::default();
    for (index, d) in drafts.iter().enumerate() {
        let key = d.key.as_str();
        if d.tokens.len() != 1 || winners.get(key) == Some(&EntityKind::Person) {
            continue;
        }
        // Unknown words need more: "At Wellbrook she studied" follows a
        // place with "she", so a name after a preposition does not count.
        let word = doc.token_text(d.tokens.start);
        let given = knowledge.word_flags(word).contains(LexFlags::GIVEN_NAME);
        if !given && knowledge.lookup(word).is_some() {
            continue;
        }
        let after_preposition = d.tokens.start > 0
            && prepositions.contains(&doc.token_text(d.tokens.start - 1).to_lowercase());
        let next_name = drafts
            .get(index + 1)
            .map_or(doc.tokens.len(), |m| m.tokens.start);
        let entry = pronouns.entry(key).or_default();
        entry.0 += 1;
        entry.1 += usize::from(
            (given || !after_preposition)
                && followed_by_personal_pronoun(doc, d.tokens.end, next_name),
        );
    }
    for (key, (mentions, with_pronoun)) in pronouns {
        if with_pronoun >= 2 && with_pronoun * 2 >= mentions {
            winners.insert(key, EntityKind::Person);
        }
    }
    let decided: Vec<Option<EntityKind>> = drafts
        .iter()
        .map(|d| {
            winners
                .get(d.key.as_str())
                .copied()
                .filter(|_| !in_dateline(doc, d.tokens.start))
        })
        .collect();
    for (d, kind) in drafts.iter_mut().zip(decided) {
        if let Some(kind) = kind {
            d.kind = kind;
        }
    }
}

/// Members of a list ("Kidal, Gao and Timbuktu") that the recognizer typed
/// against the list's clear majority: index of the member and the kind.
fn list_majorities(doc: &Document<'_>, drafts: &[MentionDraft]) -> Vec<(usize, EntityKind)> {
    let joins = |a: &MentionDraft, b: &MentionDraft| {
        let gap: Vec<&str> = (a.tokens.end..b.tokens.start.min(doc.tokens.len()))
            .map(|i| doc.token_text(i))
            .collect();
        matches!(
            gap.as_slice(),
            [","] | ["and"] | ["or"] | ["&"] | [",", "and"] | [",", "or"]
        )
    };
    let mut out = Vec::new();
    let mut start = 0;
    while start < drafts.len() {
        let mut end = start + 1;
        while end < drafts.len() && joins(&drafts[end - 1], &drafts[end]) {
            end += 1;
        }
        if end - start >= 3 {
            let members = &drafts[start..end];
            let majority = most_common(members.iter().map(|m| m.kind));
            if let Some(kind) = majority {
                let agreeing = members.iter().filter(|m| m.kind == kind).count();
                if agreeing >= 2 && agreeing * 2 > members.len() {
                    out.extend(
                        (start..end)
                            .filter(|&i| {
                                drafts[i].kind != kind && drafts[i].kind != EntityKind::Group
                            })
                            .map(|i| (i, kind)),
                    );
                }
            }
        }
        start = end;
    }
    out
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum PlaceHead {
    /// "Kelsey Harbour", "Praça Gil Eanes".
    Edge,
    /// "Serra de Monchique", "Gulf of Mexico": a place word, then "of" or
    /// its Romance equivalents.
    BeforeOf,
}

/// Whether a name is headed by a word naming a sort of place: the last word
/// in English, the first in the Romance languages. Not when another word
/// makes it an organization ("Harbour Bank") or the word is also a given
/// name or a frequent surname ("Kevin Park").
fn place_head(
    doc: &Document<'_>,
    tokens: std::ops::Range<usize>,
    knowledge: &Knowledge,
) -> Option<PlaceHead> {
    let flags = |i: usize| knowledge.word_flags(doc.token_text(i));
    let place_word = |i: usize| {
        doc.tokens[i].shape == TokenShape::Capitalized
            && flags(i).contains(LexFlags::PLACE_WORD)
            && !flags(i).intersects(LexFlags::GIVEN_NAME | LexFlags::TITLE)
    };
    // "Kevin Park", "Anna Hill": a frequent surname ends a person's name.
    let edge_head =
        |i: usize| place_word(i) && !knowledge.is_common_surname(doc.token_text(i), 3000);
    if tokens.len() < 2
        || tokens
            .clone()
            .any(|i| flags(i).contains(LexFlags::ORG_SUFFIX))
    {
        return None;
    }
    let (first, last) = (tokens.start, tokens.end - 1);
    if place_word(first)
        && ResolverWords::get()
            .place_connectors
            .contains(doc.token_text(first + 1))
    {
        Some(PlaceHead::BeforeOf)
    } else if edge_head(first) || edge_head(last) {
        Some(PlaceHead::Edge)
    } else {
        None
    }
}

/// Whether a gendered pronoun comes soon after token `end` (within ten
/// tokens, before the next name at `limit`).
fn followed_by_personal_pronoun(doc: &Document<'_>, end: usize, limit: usize) -> bool {
    let personal = &ResolverWords::get().personal_pronouns;
    (end..limit.min(end + 10).min(doc.tokens.len())).any(|i| personal.contains(doc.token_text(i)))
}

/// Datelines and headlines ("TORONTO 1996-08-30", "BAMAKO, Mali"): short
/// lines where a city is a place even if a club of that name plays below.
/// A short sentence that ends like prose ("Solaris Grid said little.") is
/// not one, unless its casing says nothing (a wire headline in capitals).
fn in_dateline(doc: &Document<'_>, token: usize) -> bool {
    let Some(sentence) = doc
        .tokens
        .get(token)
        .and_then(|t| doc.sentences.get(t.sentence as usize))
    else {
        return false;
    };
    let tokens = sentence.tokens.clone();
    if tokens.len() > 6 || tokens.end > doc.tokens.len() {
        return false;
    }
    let ends_like_prose = tokens
        .clone()
        .last()
        .is_some_and(|i| matches!(doc.token_text(i), "." | "!" | "?"));
    // All capitals (a wire headline) or no capitals at all: the casing
    // cannot tell a headline from prose, so the length decides.
    let words = || tokens.clone().map(|i| doc.token_text(i));
    let one_case = words().all(|w| !w.chars().any(char::is_lowercase))
        || words().all(|w| !w.chars().any(char::is_uppercase));
    !ends_like_prose || one_case
}

#[cfg(test)]
mod tests {
    use super::KindVotes;
    use crate::analysis::EntityKind;
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn weighted_votes_tie_to_the_kind_voted_first() {
        let mut votes = KindVotes::default();
        votes.add(EntityKind::Person, 1);
        votes.add(EntityKind::Place, 2);
        votes.add(EntityKind::Person, 1);
        assert_eq!(votes.winner(), Some(EntityKind::Person));
        votes.add(EntityKind::Place, 1);
        assert_eq!(votes.winner(), Some(EntityKind::Place));
        assert_eq!(KindVotes::default().winner(), None);
    }

    #[test]
    fn the_majority_of_mentions_decides() {
        check(
            "{{Wenlow|l}} flooded. {{Wenlow|l}} dried. {{Wenlow|p}} rebuilt.",
            expect![[r#"
                [Wenlow]1 flooded. [Wenlow]1 dried. [Wenlow]1 rebuilt.
                ---
                1 place "Wenlow" def="Wenlow" aliases=["Wenlow"]
            "#]],
        );
    }

    #[test]
    fn a_list_majority_outweighs_a_stray_reading() {
        check(
            "Patrols reached {{Kidal|l}}, {{Tessit|p}}, {{Gao|l}} and {{Menaka|l}}.",
            expect![[r#"
                Patrols reached [Kidal]1, [Tessit]2, [Gao]3 and [Menaka]4.
                ---
                1 place "Kidal" def="Kidal" aliases=["Kidal"]
                2 place "Tessit" def="Tessit" aliases=["Tessit"]
                3 place "Gao" def="Gao" aliases=["Gao"]
                4 place "Menaka" def="Menaka" aliases=["Menaka"]
            "#]],
        );
    }

    #[test]
    fn place_heads_and_well_known_places_are_places() {
        check(
            "{{Kelsey Harbour|p}} froze. {{Gulf of Brennan|o}} too. {{Athens|p}} was warm.",
            expect![[r#"
                [Kelsey Harbour]1 froze. [Gulf of Brennan]2 too. [Athens]3 was warm.
                ---
                1 place "Kelsey Harbour" def="Kelsey Harbour" aliases=["Kelsey Harbour"]
                2 place "Gulf of Brennan" def="Gulf of Brennan" aliases=["Gulf of Brennan"]
                3 place "Athens" def="Athens" aliases=["Athens"]
            "#]],
        );
    }

    #[test]
    fn a_name_that_she_keeps_following_is_a_person() {
        check(
            "{{Wrenna|o}} woke early and she ran. {{Wrenna|o}} said her knee hurt.",
            expect![[r#"
                [Wrenna]1 woke early and she ran. [Wrenna]1 said her knee hurt.
                ---
                1 person "Wrenna" def="Wrenna" aliases=["Wrenna"]
            "#]],
        );
    }
}
