//! Events are none of our kinds (CoNLL calls them MISC): "Cyclone Phailin",
//! "Operation Serval" and the bare "Phailin" after them are dropped.

use crate::analysis::EntityKind;
use crate::knowledge::{EventHead, Knowledge, LexFlags};
use crate::text::{fold_key, Document, TokenShape};

use crate::resolve::mention::MentionDraft;

/// The name of an event is none of our kinds (CoNLL calls it MISC): drop
/// "Cyclone Phailin", "Summer Olympic Games", "Operation Serval", and the
/// bare "Phailin" that later stands for the storm.
pub fn drop_event_names(doc: &Document<'_>, drafts: &mut Vec<MentionDraft>, knowledge: &Knowledge) {
    let event_head = |i: usize| {
        (i < doc.tokens.len() && doc.tokens[i].shape == TokenShape::Capitalized)
            .then(|| knowledge.event_head(doc.token_text(i)))
            .flatten()
    };
    let mut tails: Vec<String> = Vec::new();
    drafts.retain(|n| {
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
        drafts.retain(|n| {
            n.tokens.len() != 1
                || n.tokens.start >= doc.tokens.len()
                || !tails.contains(&fold_key(doc.token_text(n.tokens.start)))
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn events_and_their_bare_names_are_dropped() {
        check(
            "{{Cyclone Marlow|l}} hit {{Odisha|l}}. {{Marlow|l}} weakened before {{Operation Driftwood|o}} began.",
            expect![[r#"
                Cyclone Marlow hit [Odisha]1. Marlow weakened before Operation Driftwood began.
                ---
                1 place "Odisha" def="Odisha" aliases=["Odisha"]
            "#]],
        );
    }
}
