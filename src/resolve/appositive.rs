//! The appositive after a name: "Ansar Dine, the fundamentalist Islamist
//! group, ...", "Gao, a city on the Niger", "Dioncounda Traoré, who had been
//! president of ...".
//!
//! One scanner, read two ways. Normalization keeps the whole phrase as a
//! role, so it reads up to the clause's punctuation; the kind vote wants
//! only the head noun, so it stops at the first preposition or relative
//! pronoun and takes no coordination ("members of Congress, the president
//! and vice president" is a list, not an appositive).

use std::ops::Range;

use crate::analysis::EntityKind;
use crate::text::Document;

use super::words::ResolverWords;

/// What a reader wants from an appositive; the two stop at different places.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The phrase as a role: up to the clause's punctuation, under 16
    /// tokens. "former"/"one" open one too, and "who" after a person.
    Role { after_person: bool },
    /// The head noun: the last plain word before a preposition, a relative
    /// pronoun, punctuation or the tenth token. Only determiners and
    /// possessives open one: "X, who ..." is said of teams in British English.
    Head,
}

/// How the word after the comma opens an appositive.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Opener {
    /// "the", "a", "its", "their" …
    Determiner,
    /// "former", "one": a role, too loose for a head noun.
    Loose,
    Who,
}

fn opener(word: &str) -> Option<Opener> {
    match word {
        "the" | "a" | "an" | "its" | "his" | "her" | "their" => Some(Opener::Determiner),
        "former" | "one" => Some(Opener::Loose),
        "who" => Some(Opener::Who),
        _ => None,
    }
}

/// The appositive after the name ending before token `end`, read as asked:
/// for `Role`, the tokens of the role (without "who"); for `Head`, the
/// tokens after the opener up to and including the head noun.
pub fn scan(doc: &Document<'_>, end: usize, reading: Reading) -> Option<Range<usize>> {
    if doc.token_text(end) != "," {
        return None;
    }
    let sentence = doc.tokens.get(end)?.sentence;
    let first = end + 1;
    let opener = opener(doc.token_text(first).to_lowercase().as_str())?;
    match reading {
        Reading::Role { after_person } => {
            if opener == Opener::Who && !after_person {
                return None;
            }
            let sentence_end = doc.sentences.get(sentence as usize)?.tokens.end;
            let mut last = first;
            while last < sentence_end && last - first < 16 {
                let word = doc.token_text(last);
                if matches!(word, "," | "." | ";" | ":" | ")" | "—" | "–" | "!" | "?") {
                    break;
                }
                last += 1;
            }
            if last - first < 2 || last - first >= 16 {
                return None;
            }
            let from = if opener == Opener::Who {
                first + 1
            } else {
                first
            };
            Some(from..last)
        }
        Reading::Head => {
            if opener != Opener::Determiner {
                return None;
            }
            let prepositions = &ResolverWords::get().prepositions;
            let mut head_end = None;
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
                    return None;
                }
                if prepositions.contains(&lower)
                    || matches!(lower.as_str(), "that" | "which" | "who")
                {
                    break;
                }
                head_end = Some(i + 1);
            }
            head_end.map(|head_end| first + 1..head_end)
        }
    }
}

/// The role an appositive gives the name ending before token `end`.
pub fn role_after(doc: &Document<'_>, end: usize, kind: EntityKind) -> Option<String> {
    let after_person = kind == EntityKind::Person;
    let tokens = scan(doc, end, Reading::Role { after_person })?;
    Some(
        doc.tokens_span(tokens.start, tokens.end)
            .text(doc.text)
            .to_string(),
    )
}

/// The kind an appositive's head noun gives the name ending before token
/// `end`: "the British developer of ..." (organization), "a town in ..."
/// (place), "the party's leader" (person).
pub fn kind_after(doc: &Document<'_>, end: usize) -> Option<EntityKind> {
    let tokens = scan(doc, end, Reading::Head)?;
    let head = doc.token_text(tokens.end - 1).to_lowercase();
    ResolverWords::get()
        .appositive_heads
        .get(head.as_str())
        .copied()
}

#[cfg(test)]
mod tests {
    use crate::resolve::fixture::check;
    use expect_test::expect;

    #[test]
    fn the_role_is_the_whole_phrase_and_the_head_noun_votes() {
        // Read as a person twice, but the appositive calls it a maker.
        check(
            "{{Corvane|p}}, the Danish maker of wind turbines, grew. {{Corvane|p}} hired.",
            expect![[r#"
                [Corvane]1, the Danish maker of wind turbines, grew. [Corvane]1 hired.
                ---
                1 organization "Corvane" def="Corvane" aliases=["Corvane"] roles=["the Danish maker of wind turbines"]
            "#]],
        );
    }

    #[test]
    fn who_opens_a_role_only_after_a_person() {
        check(
            "{{Tallis Brand|p}}, who ran the mill, left. {{Corvane Mills|o}}, who paid him, stayed. {{Brenna|l}}, a former fishing village, slept.",
            expect![[r#"
                [Tallis Brand]1, who ran the mill, left. [Corvane Mills]2, who paid him, stayed. [Brenna]3, a former fishing village, slept.
                ---
                1 person "Tallis Brand" def="Tallis Brand" aliases=["Tallis Brand"] roles=["ran the mill"]
                2 organization "Corvane Mills" def="Corvane Mills" aliases=["Corvane Mills"]
                3 place "Brenna" def="Brenna" aliases=["Brenna"] roles=["a former fishing village"]
            "#]],
        );
    }

    #[test]
    fn a_coordination_is_a_list_not_a_head() {
        check(
            "We met {{Orla Quint|o}}, the founder and president, at noon.",
            expect![[r#"
                We met [Orla Quint]1, the founder and president, at noon.
                ---
                1 organization "Orla Quint" def="Orla Quint" aliases=["Orla Quint"] roles=["the founder and president"]
            "#]],
        );
    }
}
