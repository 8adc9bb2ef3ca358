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

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn a_monarch_keeps_his_number_but_not_a_pronoun() {
        check(
            "{{Edmund|p}} IV ruled the isles. Then {{Tamsin|p}} I think left. {{Osric|p}} I, the last king, died.",
            expect![[r#"
                [Edmund IV]1 ruled the isles. Then [Tamsin]2 I think left. [Osric I]3, the last king, died.
                ---
                1 person "Edmund IV" def="Edmund IV" aliases=["Edmund IV"]
                2 person "Tamsin" def="Tamsin" aliases=["Tamsin"]
                3 person "Osric I" def="Osric I" aliases=["Osric I"]
            "#]],
        );
    }
}
