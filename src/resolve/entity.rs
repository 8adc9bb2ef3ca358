//! Entity building: clusters become entities, drafts become mentions.
//!
//! Mentions are numbered in document order and entities in order of first
//! mention. An entity's kind is its mentions' majority; its name is an
//! acronym's long form, else its fullest name, spelled the way the document
//! mostly spells it; the gazetteer adds a description and an expansion.

use unicode_normalization::UnicodeNormalization;

use crate::analysis::{Analysis, Entity, EntityId, EntityKind, Mention, MentionForm, MentionId};
use crate::knowledge::Knowledge;
use crate::text::{fold_key, is_acronym, Document, Span};

use super::cluster::{Cluster, Clusters};
use super::mention::MentionDraft;
use super::Ambiguous;
use super::{most_common, Resolved};

pub fn build(
    doc: &Document<'_>,
    drafts: &[MentionDraft],
    clusters: &Clusters,
    knowledge: &Knowledge,
) -> Resolved {
    let spans: Vec<Span> = drafts.iter().map(|d| d.span(doc)).collect();
    // Mentions in document order; entities in order of first mention.
    let mut order: Vec<usize> = (0..drafts.len())
        .filter(|&i| drafts[i].cluster.is_some())
        .collect();
    order.sort_by_key(|&i| (spans[i].start, spans[i].end));
    let mut mention_of_draft = vec![MentionId(u32::MAX); drafts.len()];
    for (m, &i) in order.iter().enumerate() {
        mention_of_draft[i] = MentionId(m as u32);
    }
    let mut entity_of_cluster: Vec<Option<EntityId>> = vec![None; clusters.list.len()];
    let mut analysis = Analysis::default();
    for &i in &order {
        let Some(c) = drafts[i].cluster else {
            continue;
        };
        if entity_of_cluster[c.0].is_some() {
            continue;
        }
        let id = EntityId(analysis.entities.len() as u32);
        entity_of_cluster[c.0] = Some(id);
        analysis.entities.push(make_entity(
            doc,
            id,
            drafts,
            &spans,
            clusters.get(c),
            &mention_of_draft,
            knowledge,
        ));
    }
    for &i in &order {
        let draft = &drafts[i];
        let Some(entity) = draft.cluster.and_then(|c| entity_of_cluster[c.0]) else {
            continue;
        };
        analysis.mentions.push(Mention {
            id: mention_of_draft[i],
            span: spans[i],
            kind: analysis.entities[entity.0 as usize].kind,
            entity,
            form: draft.form,
        });
    }
    let ambiguous = clusters
        .ambiguities
        .iter()
        .map(|a| {
            let fits: Vec<EntityId> = a
                .fits
                .iter()
                .filter_map(|&c| entity_of_cluster[c.0])
                .collect();
            Ambiguous {
                mentions: a.drafts.iter().map(|&d| mention_of_draft[d]).collect(),
                fits,
            }
        })
        .collect();
    Resolved {
        analysis,
        ambiguous,
    }
}

fn make_entity(
    doc: &Document<'_>,
    id: EntityId,
    drafts: &[MentionDraft],
    spans: &[Span],
    cluster: &Cluster,
    mention_of_draft: &[MentionId],
    knowledge: &Knowledge,
) -> Entity {
    let mut members: Vec<usize> = cluster.drafts.clone();
    members.sort_by_key(|&i| spans[i].start);
    let text = |i: usize| spans[i].text(doc.text);
    let kind =
        most_common(members.iter().map(|&i| drafts[i].kind)).unwrap_or(EntityKind::Organization);
    // Canonical name: the long form of an acronym, else the fullest name,
    // spelled the way the document mostly spells it.
    let longest = members
        .iter()
        .map(|&i| drafts[i].words.len())
        .max()
        .unwrap_or(0);
    let full: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| match &cluster.expansion {
            Some(_) => drafts[i].form == MentionForm::Expansion,
            None => drafts[i].words.len() == longest,
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
        .find(|&i| drafts[i].key == name_key)
        .or_else(|| members.first().copied())
        .map_or(MentionId(0), |i| mention_of_draft[i]);
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
        for role in &drafts[i].roles {
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
        mentions: members.iter().map(|&i| mention_of_draft[i]).collect(),
        definition,
        roles,
        expansion,
        description,
    }
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn the_name_is_the_fullest_form_spelled_as_mostly_written() {
        check(
            "{{Ingrid Solvik|p}} came. {{Ingrid Sölvik|p}} spoke, {{Ingrid Sölvik|p}} left; {{Sölvik|p}} stayed.",
            expect![[r#"
                [Ingrid Solvik]1 came. [Ingrid Sölvik]1 spoke, [Ingrid Sölvik]1 left; [Sölvik]1 stayed.
                ---
                1 person "Ingrid Sölvik" def="Ingrid Solvik" aliases=["Ingrid Solvik", "Ingrid Sölvik", "Sölvik"]
                warning[name-variant] "Ingrid Solvik": `Ingrid Solvik` is spelled `Ingrid Sölvik` elsewhere in this document (2×) (fix: "Ingrid Sölvik")
            "#]],
        );
    }

    #[test]
    fn roles_gather_once_whatever_their_case() {
        check(
            "{{Captain Ivo Brandt|p}} and {{captain Brandt|p}} and {{Mayor Brandt|p}} sailed to {{Mali|l}}.",
            expect![[r#"
                Captain [Ivo Brandt]1 and captain [Brandt]1 and Mayor [Brandt]1 sailed to [Mali]2.
                ---
                1 person "Ivo Brandt" def="Ivo Brandt" aliases=["Ivo Brandt", "Brandt"] roles=["Captain", "Mayor"]
                2 place "Mali" def="Mali" aliases=["Mali"]
            "#]],
        );
    }
}
