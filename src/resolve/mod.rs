//! Entity resolution: clusters candidate mentions into entities.
//!
//! - Acronym definitions tie a short form to its long form (`acronym`).
//! - People: full names cluster by their variant key; a short form (surname,
//!   given name) joins the one full name it fits anywhere in the document, or
//!   is flagged ambiguous when it fits several.
//! - Everything else clusters by variant key (`text::fold_key`), so names
//!   differing only by diacritics, case, hyphens or spacing are one entity.
//! - A name's kind is decided by majority over all its mentions.

pub mod acronym;
mod normalize;

use rustc_hash::FxHashMap;
use unicode_normalization::UnicodeNormalization;

use crate::analysis::{Analysis, Entity, EntityId, EntityKind, Mention, MentionForm, MentionId};
use crate::knowledge::{EventHead, Knowledge, LexFlags};
use crate::recognize::Candidate;
use crate::text::{fold_key, Document, Span, TokenShape};
use acronym::{find_definitions, is_acronym, AcronymDefinition};
use normalize::{normalize, Named};

/// The analysis plus the facts diagnostics need that the analysis does not
/// keep.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub analysis: Analysis,
    /// Short forms that fit several entities: the first mention of each such
    /// form and every entity it fits.
    pub ambiguous: Vec<(MentionId, Vec<EntityId>)>,
}

/// One mention being clustered.
struct Item {
    tokens: std::ops::Range<usize>,
    /// `fold_key` of the whole name.
    key: String,
    /// `fold_key` of each word of the name.
    words: Vec<String>,
    span: Span,
    kind: EntityKind,
    roles: Vec<String>,
    form: MentionForm,
    cluster: usize,
}

#[derive(Default)]
struct Cluster {
    /// Variant keys of the words of the fullest name seen (people only).
    words: Vec<String>,
    /// Items in document order.
    items: Vec<usize>,
    /// Acronym clusters: the long form's text.
    expansion: Option<String>,
    /// Candidate entities when this cluster stands for an ambiguous short form.
    ambiguous_with: Vec<usize>,
    /// People: how many of `items` (a sorted prefix) are full names; short
    /// forms follow, also in document order.
    full_names: usize,
}

/// The cluster's last item before `index`, in O(log n): both the full-name
/// prefix and the short-form tail of `items` are sorted, and short forms are
/// added in document order.
fn latest_before(cluster: &Cluster, index: usize) -> Option<usize> {
    let (full, short) = cluster
        .items
        .split_at(cluster.full_names.min(cluster.items.len()));
    let full = full[..full.partition_point(|&i| i < index)].last();
    let short = short.last().filter(|&&i| i < index);
    full.max(short).copied()
}

pub fn resolve(doc: &Document<'_>, candidates: Vec<Candidate>, knowledge: &Knowledge) -> Resolved {
    let definitions = find_definitions(doc);
    let mut named = normalize(doc, candidates, knowledge);
    apply_acronym_definitions(doc, &definitions, &mut named, knowledge);
    complete_truncated_names(doc, &mut named);
    join_coordinated_place_names(doc, &mut named, knowledge);
    split_coordinated_places(doc, &mut named, knowledge);
    add_institutions_by_title(doc, &mut named, knowledge);
    take_in_regnal_numbers(doc, &mut named);
    drop_event_names(doc, &mut named, knowledge);
    // Each name's variant key and word keys, computed once.
    let keys: Vec<String> = named
        .iter()
        .map(|n| fold_key(doc.tokens_span(n.tokens.start, n.tokens.end).text(doc.text)))
        .collect();
    vote_kinds(doc, &mut named, &keys, knowledge);
    let mut items: Vec<Item> = named
        .into_iter()
        .zip(keys)
        .map(|(n, key)| Item {
            span: doc
                .tokens_span(n.tokens.start, n.tokens.end)
                .trim_invisible(doc.text),
            words: if n.tokens.len() == 1 {
                vec![key.clone()]
            } else {
                words_of(doc, &n.tokens)
                    .iter()
                    .map(|w| fold_key(w))
                    .collect()
            },
            key,
            tokens: n.tokens,
            kind: n.kind,
            roles: n.roles,
            form: MentionForm::Other,
            cluster: usize::MAX,
        })
        .collect();
    let mut clusters: Vec<Cluster> = Vec::new();
    cluster_acronyms(doc, &definitions, &mut items, &mut clusters);
    cluster_people(doc, &mut items, &mut clusters, knowledge);
    cluster_by_key(&mut items, &mut clusters);
    build(doc, items, clusters, knowledge)
}

fn words_of<'a>(doc: &Document<'a>, tokens: &std::ops::Range<usize>) -> Vec<&'a str> {
    tokens
        .clone()
        .map(|i| doc.token_text(i))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// Makes every acronym definition a pair of candidates: the long form
/// replaces whatever overlapped it, the short form is added if missing, and
/// later bare uses of the short form become candidates too.
fn apply_acronym_definitions(
    doc: &Document<'_>,
    definitions: &[AcronymDefinition],
    named: &mut Vec<Named>,
    knowledge: &Knowledge,
) {
    if definitions.is_empty() {
        return;
    }
    // `named` is sorted and disjoint, so the candidates a definition
    // overlaps are found by binary search.
    let mut removed = vec![false; named.len()];
    let mut added: Vec<Named> = Vec::with_capacity(definitions.len() * 2);
    let mut acronyms: FxHashMap<String, EntityKind> = FxHashMap::default();
    let mut terms: Vec<String> = Vec::new();
    for def in definitions {
        let low = def.long.start.min(def.short.start);
        let high = def.long.end.max(def.short.end);
        let first = named.partition_point(|n| n.tokens.end <= low);
        // The recognizer's kind counts only if it saw the whole long form:
        // pieces ("West Africa" inside "Movement for Oneness and Jihad in
        // West Africa") say nothing about it. Spelled-out acronyms are
        // mostly organizations.
        let mut exact = None;
        let mut long_seen = false;
        for (index, n) in named.iter().enumerate().skip(first) {
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
            added.push(Named {
                tokens,
                kind,
                roles: Vec::new(),
            });
        }
        acronyms.insert(fold_key(doc.token_text(def.short.start)), kind);
    }
    let mut keep = removed.iter().map(|r| !r);
    named.retain(|_| keep.next().unwrap_or(true));
    terms.retain(|t| !acronyms.contains_key(t));
    if !terms.is_empty() {
        named.retain(|n| {
            n.tokens.len() != 1
                || n.tokens.start >= doc.tokens.len()
                || !terms.contains(&fold_key(doc.token_text(n.tokens.start)))
        });
    }
    named.extend(added);
    // Bare uses of a defined acronym that the recognizer missed.
    let mut covered = vec![false; doc.tokens.len()];
    for n in named.iter() {
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
            named.push(Named {
                tokens: index..index + 1,
                kind,
                roles: Vec::new(),
            });
        }
    }
    named.sort_by_key(|n| (n.tokens.start, n.tokens.end));
    named.dedup_by(|b, a| b.tokens.start < a.tokens.end);
}

/// "..., Amadou Toumani Touré returned": where the recognizer took only
/// "Toumani Touré" but the words before it complete a longer name written
/// elsewhere in the document, the mention takes in those words.
fn complete_truncated_names(doc: &Document<'_>, named: &mut [Named]) {
    let words = |r: &std::ops::Range<usize>| -> Vec<&str> {
        r.clone().map(|i| doc.token_text(i)).collect()
    };
    // Keyed by last word: a name can only complete into one ending like it.
    let mut long_names: FxHashMap<&str, Vec<Vec<&str>>> = FxHashMap::default();
    for n in named
        .iter()
        .filter(|n| n.tokens.len() >= 2 && n.tokens.end <= doc.tokens.len())
    {
        let name = words(&n.tokens);
        let same_end = long_names
            .entry(doc.token_text(n.tokens.end - 1))
            .or_default();
        if !same_end.contains(&name) {
            same_end.push(name);
        }
    }
    if long_names.is_empty() {
        return;
    }
    for index in 0..named.len() {
        let n = &named[index];
        if n.tokens.is_empty() || n.tokens.end > doc.tokens.len() {
            continue;
        }
        let Some(candidates) = long_names.get(doc.token_text(n.tokens.end - 1)) else {
            continue;
        };
        let own = words(&n.tokens);
        let floor = if index == 0 {
            0
        } else {
            named[index - 1].tokens.end
        };
        let mut best = n.tokens.start;
        for long in candidates {
            let missing = long.len().saturating_sub(own.len());
            if missing == 0 || !long.ends_with(&own) || n.tokens.start < floor + missing {
                continue;
            }
            let before = n.tokens.start - missing;
            let same_sentence = doc.tokens[before].sentence == doc.tokens[n.tokens.start].sentence;
            if same_sentence
                && (before..n.tokens.start)
                    .zip(long.iter())
                    .all(|(i, w)| doc.token_text(i) == *w)
            {
                best = best.min(before);
            }
        }
        named[index].tokens.start = best;
    }
}

/// "Newfoundland and Labrador Court of Appeal", "Trinidad and Tobago": the
/// recognizer often splits a name at "and"; where the words across the
/// "and" make a known place, the two pieces are one name (the kind of the
/// second piece, which holds the head).
fn join_coordinated_place_names(doc: &Document<'_>, named: &mut Vec<Named>, knowledge: &Knowledge) {
    let mut index = 0;
    while index + 1 < named.len() {
        let (left, right) = (&named[index], &named[index + 1]);
        let joined = left.tokens.end + 1 == right.tokens.start
            && right.tokens.end <= doc.tokens.len()
            && matches!(doc.token_text(left.tokens.end), "and" | "&")
            && (right.tokens.start + 1..=right.tokens.end).any(|end| {
                let text = doc.tokens_span(left.tokens.start, end).text(doc.text);
                knowledge
                    .lookup(text)
                    .is_some_and(|e| e.kind == EntityKind::Place)
            });
        if joined {
            let right = named.remove(index + 1);
            let left = &mut named[index];
            left.tokens.end = right.tokens.end;
            left.kind = right.kind;
            left.roles.extend(right.roles);
        } else {
            index += 1;
        }
    }
}

/// "Norton I, Emperor of ...", "Henry VIII": a monarch's number belongs to
/// the name. A bare "I" only counts before punctuation, never before a verb
/// ("Then Norton I think...").
fn take_in_regnal_numbers(doc: &Document<'_>, named: &mut [Named]) {
    const NUMERALS: &[&str] = &[
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
    ];
    for index in 0..named.len() {
        let n = &named[index];
        let next = n.tokens.end;
        if n.kind != EntityKind::Person
            || next >= doc.tokens.len()
            || named.get(index + 1).is_some_and(|m| m.tokens.start <= next)
            || doc.tokens[next].sentence != doc.tokens[n.tokens.end - 1].sentence
        {
            continue;
        }
        let word = doc.token_text(next);
        if !NUMERALS.contains(&word) {
            continue;
        }
        let before_punctuation = doc
            .tokens
            .get(next + 1)
            .is_none_or(|t| !t.span.text(doc.text).chars().any(char::is_alphanumeric));
        if word != "I" || before_punctuation {
            named[index].tokens.end = next + 1;
        }
    }
}

/// "Kidal, Gao and Timbuktu": where the recognizer took "Gao and Timbuktu"
/// as one name but each side is a known place and the whole is not
/// ("Bosnia and Herzegovina" is), the two are two places.
fn split_coordinated_places(doc: &Document<'_>, named: &mut Vec<Named>, knowledge: &Knowledge) {
    let is_place = |tokens: std::ops::Range<usize>| {
        let text = doc.tokens_span(tokens.start, tokens.end).text(doc.text);
        knowledge.lookup(text).map(|e| e.kind == EntityKind::Place)
    };
    let mut index = 0;
    while index < named.len() {
        let n = &named[index];
        let tokens = n.tokens.clone();
        let split = (tokens.len() >= 3 && tokens.end <= doc.tokens.len())
            .then(|| {
                (tokens.start + 1..tokens.end - 1).find(|&k| {
                    matches!(doc.token_text(k), "and" | "&")
                        && is_place(tokens.start..k) == Some(true)
                        && is_place(k + 1..tokens.end) == Some(true)
                })
            })
            .flatten()
            .filter(|_| is_place(tokens.clone()).is_none());
        if let Some(k) = split {
            let roles = std::mem::take(&mut named[index].roles);
            named[index] = Named {
                tokens: tokens.start..k,
                kind: EntityKind::Place,
                roles,
            };
            named.insert(
                index + 1,
                Named {
                    tokens: k + 1..tokens.end,
                    kind: EntityKind::Place,
                    roles: Vec::new(),
                },
            );
        }
        index += 1;
    }
}

/// "the University", "the Court", "the Commission": an institution named by
/// its capitalized head alone, mid-sentence, is a name of that
/// organization (the text's own shorthand), though the recognizer, trained
/// mostly on news that writes "the government", passes it by.
fn add_institutions_by_title(doc: &Document<'_>, named: &mut Vec<Named>, knowledge: &Knowledge) {
    let mut added = Vec::new();
    let mut next = 0;
    for i in 1..doc.tokens.len() {
        while next < named.len() && named[next].tokens.end <= i {
            next += 1;
        }
        if named.get(next).is_some_and(|n| n.tokens.start <= i) {
            continue;
        }
        let token = &doc.tokens[i];
        if token.shape != TokenShape::Capitalized
            || doc.token_text(i - 1) != "the"
            || doc.tokens[i - 1].sentence != token.sentence
        {
            continue;
        }
        let word = doc.token_text(i);
        let flags = knowledge.word_flags(word);
        if !flags.contains(LexFlags::ORG_SUFFIX) || word.chars().all(|c| !c.is_lowercase()) {
            continue;
        }
        let followed_by_name = doc.tokens.get(i + 1).is_some_and(|t| {
            t.sentence == token.sentence
                && (t.shape == TokenShape::Capitalized || doc.token_text(i + 1) == "of")
        });
        if !followed_by_name {
            added.push(Named {
                tokens: i..i + 1,
                kind: EntityKind::Organization,
                roles: Vec::new(),
            });
        }
    }
    if !added.is_empty() {
        named.extend(added);
        named.sort_by_key(|n| (n.tokens.start, n.tokens.end));
    }
}

/// Members of a list ("Kidal, Gao and Timbuktu") that the recognizer typed
/// against the list's clear majority: index of the member and the kind.
fn list_majorities(doc: &Document<'_>, named: &[Named]) -> Vec<(usize, EntityKind)> {
    let joins = |a: &Named, b: &Named| {
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
    while start < named.len() {
        let mut end = start + 1;
        while end < named.len() && joins(&named[end - 1], &named[end]) {
            end += 1;
        }
        if end - start >= 3 {
            let members = &named[start..end];
            let majority = most_common(members.iter().map(|m| m.kind));
            if let Some(kind) = majority {
                let agreeing = members.iter().filter(|m| m.kind == kind).count();
                if agreeing >= 2 && agreeing * 2 > members.len() {
                    out.extend(
                        (start..end)
                            .filter(|&i| {
                                named[i].kind != kind && named[i].kind != EntityKind::Group
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

/// The kind an appositive right after a name gives it: "X, the British
/// developer of ..." (organization), "X, a town in ..." (place), "X, the
/// party's leader" (person). The head is the last word before a
/// preposition, a comma or the sentence's end. Not "X, who ...": British
/// English says it of teams.
fn appositive_kind(doc: &Document<'_>, end: usize) -> Option<EntityKind> {
    const ORGANIZATION: &[&str] = &[
        "company",
        "firm",
        "developer",
        "maker",
        "manufacturer",
        "producer",
        "bank",
        "lender",
        "insurer",
        "retailer",
        "party",
        "agency",
        "ministry",
        "organisation",
        "organization",
        "charity",
        "university",
        "college",
        "club",
        "newspaper",
        "broadcaster",
        "airline",
        "carrier",
        "subsidiary",
        "conglomerate",
        "startup",
        "publisher",
        "label",
        "band",
        "institute",
        "foundation",
        "association",
        "federation",
        "movement",
        "militia",
        "insurgency",
        "operator",
        "supplier",
        "utility",
        "group",
        "union",
        "alliance",
        "coalition",
    ];
    const PLACE: &[&str] = &[
        "city",
        "town",
        "village",
        "capital",
        "region",
        "province",
        "state",
        "country",
        "island",
        "river",
        "lake",
        "mountain",
        "district",
        "county",
        "port",
        "suburb",
        "neighbourhood",
        "neighborhood",
        "valley",
        "peninsula",
        "archipelago",
        "municipality",
        "settlement",
        "oasis",
        "hamlet",
        "borough",
        "headland",
        "bay",
        "beach",
    ];
    const PERSON: &[&str] = &[
        "president",
        "minister",
        "leader",
        "executive",
        "director",
        "founder",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "actor",
        "actress",
        "writer",
        "author",
        "singer",
        "player",
        "coach",
        "manager",
        "professor",
        "teacher",
        "doctor",
        "lawyer",
        "son",
        "daughter",
        "wife",
        "husband",
        "mother",
        "father",
        "brother",
        "sister",
        "man",
        "woman",
        "boy",
        "girl",
        "officer",
        "commander",
        "analyst",
        "economist",
        "historian",
        "scientist",
        "researcher",
        "journalist",
        "editor",
        "reporter",
        "poet",
        "artist",
        "painter",
        "king",
        "queen",
        "prince",
        "princess",
        "widow",
        "farmer",
        "fisherman",
        "priest",
        "general",
    ];
    if doc.tokens.get(end).map(|t| t.span.text(doc.text)) != Some(",") {
        return None;
    }
    let first = end + 1;
    let sentence = doc.tokens.get(end)?.sentence;
    let opener = doc.tokens.get(first)?.span.text(doc.text).to_lowercase();
    if !matches!(
        opener.as_str(),
        "the" | "a" | "an" | "its" | "his" | "her" | "their"
    ) {
        return None;
    }
    let mut head = None;
    for i in first + 1..(first + 10).min(doc.tokens.len()) {
        if doc.tokens[i].sentence != sentence {
            break;
        }
        let word = doc.token_text(i);
        if !word
            .chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
        {
            break;
        }
        let lower = word.to_lowercase();
        if matches!(lower.as_str(), "and" | "or") {
            // "members of Congress, the president and vice president": a
            // list, not an appositive.
            return None;
        }
        if PREPOSITIONS.contains(&lower.as_str())
            || matches!(lower.as_str(), "that" | "which" | "who")
        {
            break;
        }
        head = Some(lower);
    }
    let head = head?;
    let head = head.as_str();
    if ORGANIZATION.contains(&head) {
        Some(EntityKind::Organization)
    } else if PLACE.contains(&head) {
        Some(EntityKind::Place)
    } else if PERSON.contains(&head) {
        Some(EntityKind::Person)
    } else {
        None
    }
}

/// The name of an event is none of our kinds (CoNLL calls it MISC): drop
/// "Cyclone Phailin", "Summer Olympic Games", "Operation Serval", and the
/// bare "Phailin" that later stands for the storm.
fn drop_event_names(doc: &Document<'_>, named: &mut Vec<Named>, knowledge: &Knowledge) {
    let event_head = |i: usize| {
        (i < doc.tokens.len() && doc.tokens[i].shape == TokenShape::Capitalized)
            .then(|| knowledge.event_head(doc.token_text(i)))
            .flatten()
    };
    let mut tails: Vec<String> = Vec::new();
    named.retain(|n| {
        if n.kind == EntityKind::Group || n.tokens.len() < 2 || n.tokens.end > doc.tokens.len() {
            return true;
        }
        let (first, last) = (n.tokens.start, n.tokens.end - 1);
        let leading = event_head(first) == Some(EventHead::Leads) && n.kind != EntityKind::Person;
        let trailing = event_head(last) == Some(EventHead::Ends)
            && !n.tokens.clone().any(|i| {
                knowledge
                    .word_flags(doc.token_text(i))
                    .contains(LexFlags::ORG_SUFFIX)
            });
        if leading && n.tokens.len() == 2 {
            tails.push(fold_key(doc.token_text(last)));
        }
        !(leading || trailing)
    });
    if !tails.is_empty() {
        named.retain(|n| {
            n.tokens.len() != 1
                || n.tokens.start >= doc.tokens.len()
                || !tails.contains(&fold_key(doc.token_text(n.tokens.start)))
        });
    }
}

/// The most frequent item; ties go to the one seen first (`max_by_key`
/// would pick the last). Used for kinds and for spellings.
pub(crate) fn most_common<T: PartialEq + Copy>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: Vec<(T, usize)> = Vec::new();
    for item in items {
        match counts.iter_mut().find(|(seen, _)| *seen == item) {
            Some((_, n)) => *n += 1,
            None => counts.push((item, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(item, _)| item)
}

/// One kind per name: "Mali" tagged place eight times and person once is a place.
/// The gazetteer votes too: "Burkina Faso" is a place even where the model
/// hesitates. A multi-word entry outweighs one stray prediction, a single
/// word ("Harrow", a town and a school) only breaks ties.
fn vote_kinds(doc: &Document<'_>, named: &mut [Named], keys: &[String], knowledge: &Knowledge) {
    let mut votes: FxHashMap<&str, Vec<EntityKind>> = FxHashMap::default();
    for (n, key) in named.iter().zip(keys) {
        let kinds = votes.entry(key.as_str()).or_insert_with(|| {
            let text = doc.tokens_span(n.tokens.start, n.tokens.end).text(doc.text);
            match knowledge.lookup(text) {
                Some(entry) if n.tokens.len() > 1 => vec![entry.kind; 2],
                _ => Vec::new(),
            }
        });
        kinds.push(n.kind);
    }
    // "Solaris Grid, the British developer of ...", "Gao, a city on the
    // Niger": what an appositive calls a name outweighs one stray reading.
    for (n, key) in named.iter().zip(keys) {
        if n.kind == EntityKind::Group {
            continue;
        }
        if let Some(kind) = appositive_kind(doc, n.tokens.end) {
            if let Some(kinds) = votes.get_mut(key.as_str()) {
                kinds.extend([kind, kind, kind]);
            }
        }
    }
    // A list's majority outweighs one stray reading of a member.
    for (index, kind) in list_majorities(doc, named) {
        if kind == EntityKind::Group || named[index].kind == EntityKind::Group {
            continue;
        }
        if let Some(kinds) = votes.get_mut(keys[index].as_str()) {
            kinds.extend([kind, kind]);
        }
    }
    let mut winners: FxHashMap<&str, EntityKind> = votes
        .into_iter()
        .filter_map(|(key, kinds)| Some((key, most_common(kinds.into_iter())?)))
        .collect();
    // A well-known place that is nobody's given name or surname is not a person,
    // however the model read its first mention ("Athens (Greek: Αθήνα)").
    // Organizations stay: a country's team or government is one.
    for (n, key) in named.iter().zip(keys) {
        if n.tokens.len() > 1 {
            if let Some(kind) = winners.get_mut(key.as_str()) {
                let head = place_head(doc, n.tokens.clone(), knowledge);
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
        if winners.get(key.as_str()) != Some(&EntityKind::Person) {
            continue;
        }
        let word = doc.token_text(n.tokens.start);
        let place = knowledge
            .lookup(word)
            .is_some_and(|e| e.kind == EntityKind::Place && e.prominent);
        let personal = knowledge
            .word_flags(word)
            .intersects(LexFlags::GIVEN_NAME | LexFlags::SURNAME);
        if place && !personal {
            winners.insert(key.as_str(), EntityKind::Place);
        }
    }
    // A given name that "she" or "his" keeps following is a person, whatever
    // the model made of it ("Gloria developed severe eczema ... her skin").
    let mut pronouns: FxHashMap<&str, (usize, usize)> = FxHashMap::default();
    for (index, (n, key)) in named.iter().zip(keys).enumerate() {
        if n.tokens.len() != 1 || winners.get(key.as_str()) == Some(&EntityKind::Person) {
            continue;
        }
        // Unknown words need more: "At Wellbrook she studied" follows a
        // place with "she", so a name after a preposition does not count.
        let word = doc.token_text(n.tokens.start);
        let given = knowledge.word_flags(word).contains(LexFlags::GIVEN_NAME);
        if !given && knowledge.lookup(word).is_some() {
            continue;
        }
        let after_preposition = n.tokens.start > 0
            && PREPOSITIONS.contains(&doc.token_text(n.tokens.start - 1).to_lowercase().as_str());
        let next_name = named
            .get(index + 1)
            .map_or(doc.tokens.len(), |m| m.tokens.start);
        let entry = pronouns.entry(key.as_str()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(
            (given || !after_preposition)
                && followed_by_personal_pronoun(doc, n.tokens.end, next_name),
        );
    }
    for (key, (mentions, with_pronoun)) in pronouns {
        if with_pronoun >= 2 && with_pronoun * 2 >= mentions {
            winners.insert(key, EntityKind::Person);
        }
    }
    for (n, key) in named.iter_mut().zip(keys) {
        if let Some(&kind) = winners.get(key.as_str()) {
            if !in_dateline(doc, n.tokens.start) {
                n.kind = kind;
            }
        }
    }
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
    if place_word(first) && PLACE_CONNECTORS.contains(&doc.token_text(first + 1)) {
        Some(PlaceHead::BeforeOf)
    } else if edge_head(first) || edge_head(last) {
        Some(PlaceHead::Edge)
    } else {
        None
    }
}

/// "of" in the languages whose place names put the head first.
const PLACE_CONNECTORS: &[&str] = &[
    "of", "de", "do", "da", "dos", "das", "di", "del", "della", "dei", "du", "des", "la", "le",
    "el", "von", "van",
];

const PREPOSITIONS: &[&str] = &[
    "at", "in", "to", "from", "of", "for", "with", "into", "on", "by", "near", "across", "through",
    "toward", "towards", "via", "around", "outside", "inside", "within",
];

/// Whether a gendered pronoun comes soon after token `end` (within ten
/// tokens, before the next name at `limit`).
fn followed_by_personal_pronoun(doc: &Document<'_>, end: usize, limit: usize) -> bool {
    const PERSONAL: &[&str] = &[
        "he", "she", "him", "her", "his", "hers", "himself", "herself", "He", "She", "His", "Her",
    ];
    (end..limit.min(end + 10).min(doc.tokens.len())).any(|i| PERSONAL.contains(&doc.token_text(i)))
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

/// Pairs acronyms with their long forms: both join one cluster.
fn cluster_acronyms(
    doc: &Document<'_>,
    definitions: &[AcronymDefinition],
    items: &mut [Item],
    clusters: &mut Vec<Cluster>,
) {
    let mut by_key: FxHashMap<String, usize> = FxHashMap::default();
    for def in definitions {
        let short_key = fold_key(doc.token_text(def.short.start));
        let long_text = doc.tokens_span(def.long.start, def.long.end).text(doc.text);
        let long_key = fold_key(long_text);
        let cluster = *by_key
            .get(&short_key)
            .or_else(|| by_key.get(&long_key))
            .unwrap_or(&clusters.len());
        if cluster == clusters.len() {
            clusters.push(Cluster {
                expansion: Some(long_text.to_string()),
                ..Cluster::default()
            });
        }
        by_key.insert(short_key, cluster);
        by_key.insert(long_key, cluster);
    }
    if by_key.is_empty() {
        return;
    }
    for (index, item) in items.iter_mut().enumerate() {
        let text = item.span.text(doc.text);
        if let Some(&cluster) = by_key.get(&item.key) {
            item.cluster = cluster;
            item.form = if item.tokens.len() == 1 && is_acronym(text) {
                MentionForm::Acronym
            } else {
                MentionForm::Expansion
            };
            clusters[cluster].items.push(index);
        }
    }
}

/// People: full names first, then short forms against all full names.
fn cluster_people(
    doc: &Document<'_>,
    items: &mut [Item],
    clusters: &mut Vec<Cluster>,
    knowledge: &Knowledge,
) {
    let first_person_cluster = clusters.len();
    // Full-name clusters by surname, the one word all their names share, so
    // that matching costs the clusters of one surname, not all of them.
    let mut by_surname: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    // Full names (two words or more).
    for (index, item) in items.iter_mut().enumerate() {
        if item.cluster != usize::MAX || item.kind != EntityKind::Person {
            continue;
        }
        let words = item.words.clone();
        let Some(surname) = words.last().filter(|_| words.len() >= 2) else {
            continue;
        };
        // Same words, or one name's words inside the other's with the same
        // surname ("Amadou Touré" ⊂ "Amadou Toumani Touré").
        let same_surname = by_surname.entry(surname.clone()).or_default();
        let found = same_surname.iter().copied().find(|&c| {
            let other = &clusters[c].words;
            other == &words || is_subsequence(&words, other) || is_subsequence(other, &words)
        });
        let cluster = match found {
            Some(c) => c,
            None => {
                clusters.push(Cluster::default());
                same_surname.push(clusters.len() - 1);
                clusters.len() - 1
            }
        };
        if words.len() > clusters[cluster].words.len() {
            clusters[cluster].words = words;
        }
        item.cluster = cluster;
        item.form = MentionForm::Full;
        clusters[cluster].items.push(index);
    }
    let full_clusters = first_person_cluster..clusters.len();
    for cluster in &mut clusters[full_clusters.clone()] {
        cluster.full_names = cluster.items.len();
    }
    // Single words: a person's short form, or a person's surname mis-typed
    // as another kind by the recognizer.
    let mut single_clusters: FxHashMap<String, usize> = FxHashMap::default();
    let mut ambiguity_markers: FxHashMap<String, usize> = FxHashMap::default();
    let mut containing: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for c in full_clusters.clone() {
        for word in &clusters[c].words {
            let list = containing.entry(word.clone()).or_default();
            if list.last() != Some(&c) {
                list.push(c);
            }
        }
    }
    for (index, item) in items.iter_mut().enumerate() {
        if item.cluster != usize::MAX {
            continue;
        }
        let words = item.words.clone();
        if words.len() != 1 {
            continue;
        }
        let word = &words[0];
        // "Washington" the city stays a place even beside George Washington;
        // only names the gazetteer does not know switch kind.
        if item.kind != EntityKind::Person && knowledge.lookup(item.span.text(doc.text)).is_some() {
            continue;
        }
        // Only the full names holding the word, each tested by its words (not
        // by membership in the other lists, which would cost their product).
        let holding = containing.get(word).map(Vec::as_slice).unwrap_or_default();
        let is_surname = |c: usize| clusters[c].words.last() == Some(word);
        let is_given = |c: usize| clusters[c].words.first() == Some(word) && !is_surname(c);
        let pick = |test: &dyn Fn(usize) -> bool| -> Vec<usize> {
            holding.iter().copied().filter(|&c| test(c)).collect()
        };
        let surname = pick(&is_surname);
        let given = pick(&is_given);
        let middle = pick(&|c| !is_surname(c) && !is_given(c));
        let fits = if !surname.is_empty() {
            surname
        } else if !given.is_empty() {
            given
        } else {
            middle
        };
        if fits.is_empty() {
            if item.kind != EntityKind::Person {
                continue;
            }
            let cluster = *single_clusters.entry(word.clone()).or_insert_with(|| {
                clusters.push(Cluster {
                    words: vec![word.clone()],
                    ..Cluster::default()
                });
                clusters.len() - 1
            });
            item.cluster = cluster;
            item.form = MentionForm::Full;
            clusters[cluster].items.push(index);
            continue;
        }
        item.kind = EntityKind::Person;
        item.form = MentionForm::Short;
        if fits.len() == 1 {
            item.cluster = fits[0];
            clusters[fits[0]].items.push(index);
        } else {
            // Attach to the entity mentioned most recently before it (what a
            // reader would guess), and remember the ambiguity.
            let recent = fits
                .iter()
                .copied()
                .max_by_key(|&c| latest_before(&clusters[c], index).map_or(0, |i| i + 1))
                .unwrap_or(fits[0]);
            item.cluster = recent;
            clusters[recent].items.push(index);
            // One marker per word: every mention of it fits the same names.
            let marker = *ambiguity_markers.entry(word.clone()).or_insert_with(|| {
                clusters.push(Cluster {
                    ambiguous_with: fits,
                    ..Cluster::default()
                });
                clusters.len() - 1
            });
            clusters[marker].items.push(index);
        }
    }
}

fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut rest = long.iter();
    short.iter().all(|w| rest.any(|l| l == w))
}

/// Everything not yet clustered: by variant key.
fn cluster_by_key(items: &mut [Item], clusters: &mut Vec<Cluster>) {
    let mut by_key: FxHashMap<(String, EntityKind), usize> = FxHashMap::default();
    for (index, item) in items.iter_mut().enumerate() {
        if item.cluster != usize::MAX {
            continue;
        }
        let key = (item.key.clone(), item.kind);
        let cluster = *by_key.entry(key).or_insert_with(|| {
            clusters.push(Cluster::default());
            clusters.len() - 1
        });
        item.cluster = cluster;
        item.form = MentionForm::Full;
        clusters[cluster].items.push(index);
    }
}

fn build(
    doc: &Document<'_>,
    items: Vec<Item>,
    clusters: Vec<Cluster>,
    knowledge: &Knowledge,
) -> Resolved {
    // Mentions in document order; entities in order of first mention.
    let mut order: Vec<usize> = (0..items.len())
        .filter(|&i| items[i].cluster != usize::MAX)
        .collect();
    order.sort_by_key(|&i| (items[i].span.start, items[i].span.end));
    let mut mention_of_item = vec![MentionId(u32::MAX); items.len()];
    for (m, &i) in order.iter().enumerate() {
        mention_of_item[i] = MentionId(m as u32);
    }
    let mut entity_of_cluster: Vec<Option<EntityId>> = vec![None; clusters.len()];
    let mut analysis = Analysis::default();
    for &i in &order {
        let c = items[i].cluster;
        if entity_of_cluster[c].is_some() || !clusters[c].ambiguous_with.is_empty() {
            continue;
        }
        let id = EntityId(analysis.entities.len() as u32);
        entity_of_cluster[c] = Some(id);
        analysis.entities.push(make_entity(
            doc,
            id,
            &items,
            &clusters[c],
            &mention_of_item,
            knowledge,
        ));
    }
    for &i in &order {
        let item = &items[i];
        let Some(entity) = entity_of_cluster[item.cluster] else {
            continue;
        };
        analysis.mentions.push(Mention {
            id: mention_of_item[i],
            // Span repairs may have reached an invisible character again.
            span: item.span.trim_invisible(doc.text),
            kind: analysis.entities[entity.0 as usize].kind,
            entity,
            form: item.form,
        });
    }
    let mut ambiguous = Vec::new();
    for cluster in clusters.iter().filter(|c| !c.ambiguous_with.is_empty()) {
        let fits: Vec<EntityId> = cluster
            .ambiguous_with
            .iter()
            .filter_map(|&c| entity_of_cluster[c])
            .collect();
        // The first mention of the form stands for all (it is reported once).
        if let Some(&first) = cluster.items.first() {
            ambiguous.push((mention_of_item[first], fits));
        }
    }
    Resolved {
        analysis,
        ambiguous,
    }
}

fn make_entity(
    doc: &Document<'_>,
    id: EntityId,
    items: &[Item],
    cluster: &Cluster,
    mention_of_item: &[MentionId],
    knowledge: &Knowledge,
) -> Entity {
    let mut members: Vec<usize> = cluster.items.clone();
    members.sort_by_key(|&i| items[i].span.start);
    let text = |i: usize| items[i].span.text(doc.text);
    let kind =
        most_common(members.iter().map(|&i| items[i].kind)).unwrap_or(EntityKind::Organization);
    // Canonical name: the long form of an acronym, else the fullest name,
    // spelled the way the document mostly spells it.
    let longest = members
        .iter()
        .map(|&i| items[i].words.len())
        .max()
        .unwrap_or(0);
    let full: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| match &cluster.expansion {
            Some(_) => items[i].form == MentionForm::Expansion,
            None => items[i].words.len() == longest,
        })
        .collect();
    let full = if full.is_empty() {
        members.clone()
    } else {
        full
    };
    let name = most_common(full.iter().map(|&i| text(i)))
        .unwrap_or("")
        .to_string();
    let name_key = fold_key(&name);
    let definition = full
        .iter()
        .copied()
        .find(|&i| items[i].key == name_key)
        .or_else(|| members.first().copied())
        .map_or(MentionId(0), |i| mention_of_item[i]);
    let mut aliases: Vec<String> = Vec::new();
    for &i in &members {
        let t = text(i);
        // One alias per spelling: NFC makes decomposed and precomposed é one.
        let t: String = if t.is_ascii() {
            t.to_string()
        } else {
            t.nfc().collect()
        };
        if !aliases.contains(&t) {
            aliases.push(t);
        }
    }
    let mut roles: Vec<String> = Vec::new();
    for &i in &members {
        for role in &items[i].roles {
            if !roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
                roles.push(role.clone());
            }
        }
    }
    let acronym = members.iter().map(|&i| text(i)).find(|t| is_acronym(t));
    let known = knowledge
        .lookup(&name)
        .or_else(|| acronym.and_then(|a| knowledge.lookup(a)));
    let expansion = cluster
        .expansion
        .clone()
        .or_else(|| known.and_then(|k| k.expansion.clone()));
    let description = known
        .filter(|k| k.kind == kind)
        .map(|k| k.description.clone());
    Entity {
        id,
        name,
        kind,
        aliases,
        mentions: members.iter().map(|&i| mention_of_item[i]).collect(),
        definition,
        roles,
        expansion,
        description,
    }
}
