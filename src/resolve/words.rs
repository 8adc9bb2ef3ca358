//! The resolver's word lists, from `data/resolve/` (compiled in with
//! `include_str!`, parsed once).
//!
//! They are the resolver's own, apart from `data/gazetteer/`: the gazetteer
//! feeds the model's features (and its fingerprint), these only steer the
//! resolver's heuristics, so changing one of them needs no retraining.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::EntityKind;

/// One word list; whether words are compared as written or lower-cased is
/// said at each list's use (and in its data file).
#[derive(Debug, Default)]
pub struct WordList(FxHashSet<&'static str>);

impl WordList {
    fn parse(text: &'static str) -> WordList {
        WordList(lines(text).collect())
    }

    pub fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }
}

#[derive(Debug, Default)]
pub struct ResolverWords {
    /// "of" and its Romance equivalents after a place word ("Gulf of Mexico").
    pub place_connectors: WordList,
    /// Lower-cased.
    pub prepositions: WordList,
    /// As written ("he", "She").
    pub personal_pronouns: WordList,
    /// "I" … "XX", as written.
    pub regnal_numerals: WordList,
    /// Lower-cased.
    pub determiners: WordList,
    /// Lower-cased.
    pub saints: WordList,
    /// Lower-cased.
    pub generational: WordList,
    /// Lower-cased.
    pub role_modifiers: WordList,
    /// As written.
    pub after_group_noun: WordList,
    /// As written.
    pub trailing_function_words: WordList,
    /// Lower-cased.
    pub acronym_particles: WordList,
    /// An appositive's head noun → the kind it gives the name; lower-cased.
    pub appositive_heads: FxHashMap<&'static str, EntityKind>,
}

/// Data lines: skip blanks and `#` comments.
fn lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn parse_kind(name: &str) -> Option<EntityKind> {
    match name {
        "person" => Some(EntityKind::Person),
        "organization" => Some(EntityKind::Organization),
        "group" => Some(EntityKind::Group),
        "place" => Some(EntityKind::Place),
        _ => None,
    }
}

impl ResolverWords {
    /// The lists compiled into the binary, parsed on first use.
    pub fn get() -> &'static ResolverWords {
        static WORDS: OnceLock<ResolverWords> = OnceLock::new();
        WORDS.get_or_init(|| ResolverWords {
            place_connectors: WordList::parse(include_str!(
                "../../data/resolve/place_connectors.txt"
            )),
            prepositions: WordList::parse(include_str!("../../data/resolve/prepositions.txt")),
            personal_pronouns: WordList::parse(include_str!(
                "../../data/resolve/personal_pronouns.txt"
            )),
            regnal_numerals: WordList::parse(include_str!(
                "../../data/resolve/regnal_numerals.txt"
            )),
            determiners: WordList::parse(include_str!("../../data/resolve/determiners.txt")),
            saints: WordList::parse(include_str!("../../data/resolve/saints.txt")),
            generational: WordList::parse(include_str!("../../data/resolve/generational.txt")),
            role_modifiers: WordList::parse(include_str!("../../data/resolve/role_modifiers.txt")),
            after_group_noun: WordList::parse(include_str!(
                "../../data/resolve/after_group_noun.txt"
            )),
            trailing_function_words: WordList::parse(include_str!(
                "../../data/resolve/trailing_function_words.txt"
            )),
            acronym_particles: WordList::parse(include_str!(
                "../../data/resolve/acronym_particles.txt"
            )),
            appositive_heads: lines(include_str!("../../data/resolve/appositive_heads.tsv"))
                .filter_map(|line| {
                    let (word, kind) = line.split_once('\t')?;
                    Some((word.trim(), parse_kind(kind.trim())?))
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_is_read() {
        let words = ResolverWords::get();
        assert!(words.place_connectors.contains("of"));
        assert!(words.prepositions.contains("towards"));
        assert!(words.personal_pronouns.contains("She"));
        assert!(words.regnal_numerals.contains("VIII"));
        assert!(words.determiners.contains("the"));
        assert!(words.saints.contains("st."));
        assert!(words.generational.contains("jr."));
        assert!(words.role_modifiers.contains("junta"));
        assert!(words.after_group_noun.contains("who"));
        assert!(words.trailing_function_words.contains("etc."));
        assert!(words.acronym_particles.contains("&"));
        assert_eq!(
            words.appositive_heads.get("developer"),
            Some(&EntityKind::Organization)
        );
        assert_eq!(words.appositive_heads.get("town"), Some(&EntityKind::Place));
        assert_eq!(
            words.appositive_heads.get("general"),
            Some(&EntityKind::Person)
        );
        assert_eq!(words.appositive_heads.len(), 127);
    }
}
