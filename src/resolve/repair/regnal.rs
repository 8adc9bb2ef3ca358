//! Monarchs keep their number: "Henry VIII", "Norton I, Emperor of ...".

use crate::analysis::EntityKind;
use crate::text::Document;

use crate::resolve::mention::MentionDraft;
use crate::resolve::words::ResolverWords;

/// "Norton I, Emperor of ...", "Henry VIII": a monarch's number belongs to
/// the name. A bare "I" only counts before punctuation, never before a verb
/// ("Then Norton I think...").
pub fn take_in_regnal_numbers(doc: &Document<'_>, drafts: &mut [MentionDraft]) {
    let numerals = &ResolverWords::get().regnal_numerals;
    for index in 0..drafts.len() {
        let n = &drafts[index];
        let next = n.tokens.end;
        if n.kind != EntityKind::Person
            || next >= doc.tokens.len()
            || drafts
                .get(index + 1)
                .is_some_and(|m| m.tokens.start <= next)
            || doc.tokens[next].sentence != doc.tokens[n.tokens.end - 1].sentence
        {
            continue;
        }
        let word = doc.token_text(next);
        if !numerals.contains(word) {
            continue;
        }
        let before_punctuation = doc
            .tokens
            .get(next + 1)
            .is_none_or(|t| !t.span.text(doc.text).chars().any(char::is_alphanumeric));
        if word != "I" || before_punctuation {
            drafts[index].tokens.end = next + 1;
        }
    }
}
