//! Names around "and": the recognizer splits "Trinidad and Tobago" and
//! glues "Gao and Timbuktu"; the gazetteer's places say which is right.

use crate::analysis::EntityKind;
use crate::knowledge::Knowledge;
use crate::text::Document;

use crate::resolve::mention::MentionDraft;

/// "Newfoundland and Labrador Court of Appeal", "Trinidad and Tobago": the
/// recognizer often splits a name at "and"; where the words across the
/// "and" make a known place, the two pieces are one name (the kind of the
/// second piece, which holds the head).
pub fn join_coordinated_place_names(
    doc: &Document<'_>,
    drafts: &mut Vec<MentionDraft>,
    knowledge: &Knowledge,
) {
    let mut index = 0;
    while index + 1 < drafts.len() {
        let (left, right) = (&drafts[index], &drafts[index + 1]);
        let joined = left.tokens.end + 1 == right.tokens.start
            && right.tokens.end <= doc.tokens.len()
            && is_and(doc.token_text(left.tokens.end))
            && (right.tokens.start + 1..=right.tokens.end).any(|end| {
                let text = doc.tokens_span(left.tokens.start, end).text(doc.text);
                knowledge
                    .lookup(text)
                    .is_some_and(|e| e.kind == EntityKind::Place)
            });
        if joined {
            let right = drafts.remove(index + 1);
            let left = &mut drafts[index];
            left.tokens.end = right.tokens.end;
            left.kind = right.kind;
            left.roles.extend(right.roles);
        } else {
            index += 1;
        }
    }
}

/// "Kidal, Gao and Timbuktu": where the recognizer took "Gao and Timbuktu"
/// as one name but each side is a known place and the whole is not
/// ("Bosnia and Herzegovina" is), the two are two places.
pub fn split_coordinated_places(
    doc: &Document<'_>,
    drafts: &mut Vec<MentionDraft>,
    knowledge: &Knowledge,
) {
    let is_place = |tokens: std::ops::Range<usize>| {
        let text = doc.tokens_span(tokens.start, tokens.end).text(doc.text);
        knowledge.lookup(text).map(|e| e.kind == EntityKind::Place)
    };
    let mut index = 0;
    while index < drafts.len() {
        let n = &drafts[index];
        let tokens = n.tokens.clone();
        let split = (tokens.len() >= 3 && tokens.end <= doc.tokens.len())
            .then(|| {
                (tokens.start + 1..tokens.end - 1).find(|&k| {
                    is_and(doc.token_text(k))
                        && is_place(tokens.start..k) == Some(true)
                        && is_place(k + 1..tokens.end) == Some(true)
                })
            })
            .flatten()
            .filter(|_| is_place(tokens.clone()).is_none());
        if let Some(k) = split {
            let roles = std::mem::take(&mut drafts[index].roles);
            drafts[index] = MentionDraft::new(tokens.start..k, EntityKind::Place, roles);
            drafts.insert(
                index + 1,
                MentionDraft::new(k + 1..tokens.end, EntityKind::Place, Vec::new()),
            );
        }
        index += 1;
    }
}

fn is_and(word: &str) -> bool {
    matches!(word, "and" | "&")
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn a_known_place_split_at_and_is_joined() {
        check(
            "She flew to {{Trinidad|l}} and {{Tobago|l}} in June.",
            expect![[r#"
                She flew to [Trinidad and Tobago]1 in June.
                ---
                1 place "Trinidad and Tobago" def="Trinidad and Tobago" aliases=["Trinidad and Tobago"]
            "#]],
        );
    }

    #[test]
    fn two_known_places_glued_at_and_are_split() {
        check(
            "Patrols left {{Kidal|l}}, {{Gao and Timbuktu|l}} at dawn.",
            expect![[r#"
                Patrols left [Kidal]1, [Gao]2 and [Timbuktu]3 at dawn.
                ---
                1 place "Kidal" def="Kidal" aliases=["Kidal"]
                2 place "Gao" def="Gao" aliases=["Gao"]
                3 place "Timbuktu" def="Timbuktu" aliases=["Timbuktu"]
            "#]],
        );
    }
}
