//! Clustering: which drafts name the same entity.
//!
//! Three passes, each over the drafts still without a cluster:
//! 1. acronyms join their long forms (`acronym` found the definitions);
//! 2. people: full names cluster by their words (one inside the other with
//!    the same surname is one person); a single word then joins the one full
//!    name it fits as surname, else given name, else middle name. A word that
//!    fits several joins the one mentioned most recently (what a reader would
//!    guess), and the ambiguity is recorded for the diagnostics;
//! 3. everything else by variant key and kind, so names differing only by
//!    diacritics, case, hyphens or spacing are one entity.

use rustc_hash::FxHashMap;

use crate::analysis::{EntityKind, MentionForm};
use crate::knowledge::Knowledge;
use crate::text::{fold_key, is_acronym, Document};

use super::acronym::AcronymDefinition;
use super::mention::MentionDraft;

/// Index of a cluster in `Clusters::list`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClusterId(pub usize);

#[derive(Debug, Default)]
pub struct Cluster {
    /// Variant keys of the words of the fullest name seen (people only).
    pub words: Vec<String>,
    /// Indexes of its drafts: in document order, except that for people the
    /// full names (a sorted prefix, `full_names` long) come first.
    pub drafts: Vec<usize>,
    /// Acronym clusters: the long form's text.
    pub expansion: Option<String>,
    /// People: how many of `drafts` are full names.
    pub full_names: usize,
}

/// A short form that fits several people: its drafts (each attached to the
/// most recent of them), and every cluster it fits. One per word, so a
/// thousand mentions of a shared surname do not copy the list a thousand
/// times.
#[derive(Debug)]
pub struct Ambiguity {
    pub drafts: Vec<usize>,
    pub fits: Vec<ClusterId>,
}

#[derive(Debug, Default)]
pub struct Clusters {
    pub list: Vec<Cluster>,
    /// In document order.
    pub ambiguities: Vec<Ambiguity>,
}

impl Clusters {
    fn add(&mut self, cluster: Cluster) -> ClusterId {
        self.list.push(cluster);
        ClusterId(self.list.len() - 1)
    }

    fn next_id(&self) -> ClusterId {
        ClusterId(self.list.len())
    }

    pub fn get(&self, id: ClusterId) -> &Cluster {
        &self.list[id.0]
    }

    fn get_mut(&mut self, id: ClusterId) -> &mut Cluster {
        &mut self.list[id.0]
    }

    fn join(&mut self, draft: &mut MentionDraft, index: usize, id: ClusterId, form: MentionForm) {
        draft.cluster = Some(id);
        draft.form = form;
        self.get_mut(id).drafts.push(index);
    }
}

/// Sets every draft's cluster and form. Needs `take_keys` and the kinds.
pub fn cluster(
    doc: &Document<'_>,
    definitions: &[AcronymDefinition],
    drafts: &mut [MentionDraft],
    knowledge: &Knowledge,
) -> Clusters {
    let mut clusters = Clusters::default();
    cluster_acronyms(doc, definitions, drafts, &mut clusters);
    cluster_people(doc, drafts, &mut clusters, knowledge);
    cluster_by_key(drafts, &mut clusters);
    clusters
}

/// The cluster's last draft before `index`, in O(log n): both the full-name
/// prefix and the short-form tail of `drafts` are sorted, and short forms are
/// added in document order.
fn latest_before(cluster: &Cluster, index: usize) -> Option<usize> {
    let (full, short) = cluster
        .drafts
        .split_at(cluster.full_names.min(cluster.drafts.len()));
    let full = full[..full.partition_point(|&i| i < index)].last();
    let short = short.last().filter(|&&i| i < index);
    full.max(short).copied()
}

/// Pairs acronyms with their long forms: both join one cluster.
fn cluster_acronyms(
    doc: &Document<'_>,
    definitions: &[AcronymDefinition],
    drafts: &mut [MentionDraft],
    clusters: &mut Clusters,
) {
    let mut by_key: FxHashMap<String, ClusterId> = FxHashMap::default();
    for def in definitions {
        let short_key = fold_key(doc.token_text(def.short.start));
        let long_text = doc.tokens_span(def.long.start, def.long.end).text(doc.text);
        let long_key = fold_key(long_text);
        let cluster = match by_key.get(&short_key).or_else(|| by_key.get(&long_key)) {
            Some(&cluster) => cluster,
            None => clusters.add(Cluster {
                expansion: Some(long_text.to_string()),
                ..Cluster::default()
            }),
        };
        by_key.insert(short_key, cluster);
        by_key.insert(long_key, cluster);
    }
    if by_key.is_empty() {
        return;
    }
    for (index, draft) in drafts.iter_mut().enumerate() {
        if let Some(&cluster) = by_key.get(&draft.key) {
            let text = draft.span(doc).text(doc.text);
            let form = if draft.tokens.len() == 1 && is_acronym(text) {
                MentionForm::Acronym
            } else {
                MentionForm::Expansion
            };
            clusters.join(draft, index, cluster, form);
        }
    }
}

/// People: full names first, then short forms against all full names.
fn cluster_people(
    doc: &Document<'_>,
    drafts: &mut [MentionDraft],
    clusters: &mut Clusters,
    knowledge: &Knowledge,
) {
    let first_person_cluster = clusters.next_id().0;
    // Full-name clusters by surname, the one word all their names share, so
    // that matching costs the clusters of one surname, not all of them.
    let mut by_surname: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    // Full names (two words or more).
    for (index, draft) in drafts.iter_mut().enumerate() {
        if draft.cluster.is_some() || draft.kind != EntityKind::Person {
            continue;
        }
        let words = draft.words.clone();
        let Some(surname) = words.last().filter(|_| words.len() >= 2) else {
            continue;
        };
        // Same words, or one name's words inside the other's with the same
        // surname ("Amadou Touré" ⊂ "Amadou Toumani Touré").
        let same_surname = by_surname.entry(surname.clone()).or_default();
        let found = same_surname.iter().copied().find(|&c| {
            let other = &clusters.list[c].words;
            other == &words || is_subsequence(&words, other) || is_subsequence(other, &words)
        });
        let cluster = match found {
            Some(c) => ClusterId(c),
            None => {
                let cluster = clusters.add(Cluster::default());
                same_surname.push(cluster.0);
                cluster
            }
        };
        if words.len() > clusters.get(cluster).words.len() {
            clusters.get_mut(cluster).words = words;
        }
        clusters.join(draft, index, cluster, MentionForm::Full);
    }
    let full_clusters = first_person_cluster..clusters.list.len();
    for cluster in &mut clusters.list[full_clusters.clone()] {
        cluster.full_names = cluster.drafts.len();
    }
    // Single words: a person's short form, or a person's surname mis-typed
    // as another kind by the recognizer.
    let mut single_clusters: FxHashMap<String, ClusterId> = FxHashMap::default();
    let mut ambiguity_of_word: FxHashMap<String, usize> = FxHashMap::default();
    // The full names holding each word: a short form is tested against
    // these only, not against every person.
    let mut containing: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for c in full_clusters.clone() {
        for word in &clusters.list[c].words {
            let list = containing.entry(word.clone()).or_default();
            if list.last() != Some(&c) {
                list.push(c);
            }
        }
    }
    for (index, draft) in drafts.iter_mut().enumerate() {
        if draft.cluster.is_some() || draft.words.len() != 1 {
            continue;
        }
        let word = draft.words[0].clone();
        // "Washington" the city stays a place even beside George Washington;
        // only names the gazetteer does not know switch kind.
        if draft.kind != EntityKind::Person
            && knowledge.lookup(draft.span(doc).text(doc.text)).is_some()
        {
            continue;
        }
        let words_of = |c: usize| &clusters.list[c].words;
        let holding = containing.get(&word).map(Vec::as_slice).unwrap_or_default();
        let is_surname = |c: usize| words_of(c).last() == Some(&word);
        let is_given = |c: usize| words_of(c).first() == Some(&word) && !is_surname(c);
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
            if draft.kind != EntityKind::Person {
                continue;
            }
            let cluster = match single_clusters.get(&word) {
                Some(&cluster) => cluster,
                None => {
                    let cluster = clusters.add(Cluster {
                        words: vec![word.clone()],
                        ..Cluster::default()
                    });
                    single_clusters.insert(word, cluster);
                    cluster
                }
            };
            clusters.join(draft, index, cluster, MentionForm::Full);
            continue;
        }
        draft.kind = EntityKind::Person;
        if fits.len() == 1 {
            clusters.join(draft, index, ClusterId(fits[0]), MentionForm::Short);
        } else {
            // Attach to the entity mentioned most recently before it (what a
            // reader would guess), and remember the ambiguity.
            let recent = fits
                .iter()
                .copied()
                .max_by_key(|&c| latest_before(&clusters.list[c], index).map_or(0, |i| i + 1))
                .unwrap_or(fits[0]);
            clusters.join(draft, index, ClusterId(recent), MentionForm::Short);
            match ambiguity_of_word.get(&word) {
                Some(&at) => clusters.ambiguities[at].drafts.push(index),
                None => {
                    ambiguity_of_word.insert(word, clusters.ambiguities.len());
                    clusters.ambiguities.push(Ambiguity {
                        drafts: vec![index],
                        fits: fits.into_iter().map(ClusterId).collect(),
                    });
                }
            }
        }
    }
}

fn is_subsequence(short: &[String], long: &[String]) -> bool {
    let mut rest = long.iter();
    short.iter().all(|w| rest.any(|l| l == w))
}

/// Everything not yet clustered: by variant key.
fn cluster_by_key(drafts: &mut [MentionDraft], clusters: &mut Clusters) {
    let mut by_key: FxHashMap<(String, EntityKind), ClusterId> = FxHashMap::default();
    for (index, draft) in drafts.iter_mut().enumerate() {
        if draft.cluster.is_some() {
            continue;
        }
        let key = (draft.key.clone(), draft.kind);
        let cluster = match by_key.get(&key) {
            Some(&cluster) => cluster,
            None => {
                let cluster = clusters.add(Cluster::default());
                by_key.insert(key, cluster);
                cluster
            }
        };
        clusters.join(draft, index, cluster, MentionForm::Full);
    }
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn short_forms_join_the_full_name_they_fit() {
        check(
            "{{Ada Lind Okafor|p}} met {{Ada Okafor|p}}'s brother {{Kwame Osei|p}}. {{Okafor|p}} and {{Osei|p}} and {{Lind|p}} talked; {{Kwame|p}} left.",
            expect![[r#"
                [Ada Lind Okafor]1 met [Ada Okafor]1's brother [Kwame Osei]2. [Okafor]1 and [Osei]2 and [Lind]1 talked; [Kwame]2 left.
                ---
                1 person "Ada Lind Okafor" def="Ada Lind Okafor" aliases=["Ada Lind Okafor", "Ada Okafor", "Okafor", "Lind"]
                2 person "Kwame Osei" def="Kwame Osei" aliases=["Kwame Osei", "Osei", "Kwame"] roles=["brother"]
            "#]],
        );
    }

    #[test]
    fn a_short_form_fitting_two_people_is_ambiguous_and_joins_the_latest() {
        check(
            "{{Rosa Hale|p}} and {{Tom Hale|p}} farmed. {{Hale|p}} sold the farm.",
            expect![[r#"
                [Rosa Hale]1 and [Tom Hale]2 farmed. [Hale]2 sold the farm.
                ---
                1 person "Rosa Hale" def="Rosa Hale" aliases=["Rosa Hale"]
                2 person "Tom Hale" def="Tom Hale" aliases=["Tom Hale", "Hale"]
                warning[ambiguous-mention] "Hale": `Hale` could mean Rosa Hale or Tom Hale
            "#]],
        );
    }

    #[test]
    fn a_known_place_stays_beside_a_person_of_that_name() {
        check(
            "{{George Washington|p}} visited {{Washington|l}} in May.",
            expect![[r#"
                [George Washington]1 visited [Washington]2 in May.
                ---
                1 person "George Washington" def="George Washington" aliases=["George Washington"]
                2 place "Washington" def="Washington" aliases=["Washington"]
            "#]],
        );
    }

    #[test]
    fn other_names_cluster_by_key_and_kind() {
        check(
            "{{HALDEN|l}} 1996-08-30\n\n{{Halden|o}} beat {{Moss|o}} 2-1. {{Halden|o}} scored first.",
            expect![[r#"
                [HALDEN]1 1996-08-30

                [Halden]2 beat [Moss]3 2-1. [Halden]2 scored first.
                ---
                1 place "HALDEN" def="HALDEN" aliases=["HALDEN"]
                2 organization "Halden" def="Halden" aliases=["Halden"]
                3 organization "Moss" def="Moss" aliases=["Moss"]
            "#]],
        );
    }
}
