//! Names cut short: where the recognizer took "Toumani Touré" but the words
//! before it complete "Amadou Toumani Touré", written elsewhere in the
//! document, the mention takes them in.

use rustc_hash::FxHashMap;

use crate::text::Document;

use crate::resolve::mention::MentionDraft;

/// "..., Amadou Toumani Touré returned": where the recognizer took only
/// "Toumani Touré" but the words before it complete a longer name written
/// elsewhere in the document, the mention takes in those words.
pub fn complete_truncated_names(doc: &Document<'_>, drafts: &mut [MentionDraft]) {
    let words = |r: &std::ops::Range<usize>| -> Vec<&str> {
        r.clone().map(|i| doc.token_text(i)).collect()
    };
    // Keyed by last word: a name can only complete into one ending like it.
    let mut long_names: FxHashMap<&str, Vec<Vec<&str>>> = FxHashMap::default();
    for n in drafts
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
    for index in 0..drafts.len() {
        let n = &drafts[index];
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
            drafts[index - 1].tokens.end
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
        drafts[index].tokens.start = best;
    }
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn a_name_cut_short_takes_in_its_full_form() {
        check(
            "{{Maria Elena Vos|p}} arrived. Later, Maria {{Elena Vos|p}} left.",
            expect![[r#"
                [Maria Elena Vos]1 arrived. Later, [Maria Elena Vos]1 left.
                ---
                1 person "Maria Elena Vos" def="Maria Elena Vos" aliases=["Maria Elena Vos"]
            "#]],
        );
    }

    #[test]
    fn words_across_a_sentence_break_stay_out() {
        check(
            "{{Maria Elena Vos|p}} arrived. It was Maria. {{Elena Vos|p}} left.",
            expect![[r#"
                [Maria Elena Vos]1 arrived. It was Maria. [Elena Vos]1 left.
                ---
                1 person "Maria Elena Vos" def="Maria Elena Vos" aliases=["Maria Elena Vos", "Elena Vos"]
            "#]],
        );
    }
}
