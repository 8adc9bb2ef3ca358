//! Institutions named by their capitalized head alone ("the University",
//! "the Court" mid-sentence), which the recognizer, trained on news that
//! writes "the government", passes by.

use crate::analysis::EntityKind;
use crate::knowledge::{Knowledge, LexFlags};
use crate::text::{Document, TokenShape};

use crate::resolve::mention::MentionDraft;

/// "the University", "the Court", "the Commission": an institution drafts by
/// its capitalized head alone, mid-sentence, is a name of that
/// organization (the text's own shorthand), though the recognizer, trained
/// mostly on news that writes "the government", passes it by.
pub fn add_institutions_by_title(
    doc: &Document<'_>,
    drafts: &mut Vec<MentionDraft>,
    knowledge: &Knowledge,
) {
    let mut added = Vec::new();
    let mut next = 0;
    for i in 1..doc.tokens.len() {
        while next < drafts.len() && drafts[next].tokens.end <= i {
            next += 1;
        }
        if drafts.get(next).is_some_and(|n| n.tokens.start <= i) {
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
            added.push(MentionDraft::new(
                i..i + 1,
                EntityKind::Organization,
                Vec::new(),
            ));
        }
    }
    if !added.is_empty() {
        drafts.extend(added);
        drafts.sort_by_key(|n| (n.tokens.start, n.tokens.end));
    }
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn a_capitalized_head_alone_mid_sentence_is_an_organization() {
        check(
            "She taught at the {{University of Tromsø|o}} until the University closed her lab. The Court of Appeal sat.",
            expect![[r#"
                She taught at the [University of Tromsø]1 until the [University]2 closed her lab. The Court of Appeal sat.
                ---
                1 organization "University of Tromsø" def="University of Tromsø" aliases=["University of Tromsø"]
                2 organization "University" def="University" aliases=["University"]
            "#]],
        );
    }
}
