//! `workspace/symbol`: a fuzzy search over the names and aliases of the
//! entities the server knows.

use std::collections::HashSet;

use tower_lsp_server::ls_types::SymbolInformation;

use super::known::KnownEntity;
use super::outline::symbol_kind;
use crate::text::{fold_key, fold_marks};

/// Clients show a list, not a report: past this many the query should narrow.
pub const MAX_SYMBOLS: usize = 200;

/// How well a query matches a name, best first.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchRank {
    /// The whole name ("mnla" for "MNLA").
    Exact,
    /// The start of the name ("hest" for "Hester Vell").
    Prefix,
    /// The start of a later word ("vell" for "Hester Vell"), or the first
    /// letters of successive words ("hv").
    WordStart,
    /// The query's letters in order anywhere ("hsvl").
    Subsequence,
}

/// Matches `query` against `name`, ignoring case, diacritics and the query's
/// spaces; None when the letters are not all there in order. An empty query
/// is a prefix of everything.
pub fn rank_match(query: &str, name: &str) -> Option<MatchRank> {
    let query = fold_marks(query.trim());
    let name = fold_marks(name);
    if query == name {
        return Some(MatchRank::Exact);
    }
    if name.starts_with(&query) {
        return Some(MatchRank::Prefix);
    }
    let words: Vec<&str> = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    let compact: Vec<char> = query.chars().filter(|c| !c.is_whitespace()).collect();
    if words.iter().any(|w| w.starts_with(&query)) || is_initials(&compact, &words) {
        return Some(MatchRank::WordStart);
    }
    let mut letters = name.chars();
    compact
        .iter()
        .all(|q| letters.any(|c| c == *q))
        .then_some(MatchRank::Subsequence)
}

/// True when the query is the initials of successive words of the name,
/// starting at any word ("hv" in "Hester Vell", "vrc" in "Velland Rope Company").
fn is_initials(query: &[char], words: &[&str]) -> bool {
    query.len() >= 2
        && words
            .windows(query.len())
            .any(|run| run.iter().zip(query).all(|(word, q)| word.starts_with(*q)))
}

/// The symbols matching `query`, best first: by rank, then shorter names,
/// then alphabetically. An entity known from several places (same kind and
/// name) is listed once, at the first place in `entities`.
#[allow(deprecated)] // `deprecated` is a required field of the struct
pub fn workspace_symbols(query: &str, entities: &[KnownEntity]) -> Vec<SymbolInformation> {
    let mut seen = HashSet::new();
    let mut ranked: Vec<(MatchRank, &KnownEntity, Option<&str>)> = Vec::new();
    for entity in entities {
        if !seen.insert((entity.kind, fold_key(&entity.name))) {
            continue;
        }
        // The best of the name and its aliases; the alias is reported when
        // it was what matched, so "MNLA" explains its spelled-out result.
        let best = entity
            .names
            .iter()
            .filter_map(|name| rank_match(query, name).map(|rank| (rank, name)))
            .min_by_key(|(rank, name)| (*rank, name.len()));
        if let Some((rank, matched)) = best {
            let alias = (*matched != entity.name).then_some(matched.as_str());
            ranked.push((rank, entity, alias));
        }
    }
    ranked.sort_by(|(ra, a, _), (rb, b, _)| {
        (ra, a.name.chars().count(), &a.name).cmp(&(rb, b.name.chars().count(), &b.name))
    });
    ranked
        .into_iter()
        .take(MAX_SYMBOLS)
        .map(|(_, entity, alias)| SymbolInformation {
            name: entity.name.clone(),
            kind: symbol_kind(entity.kind),
            tags: None,
            deprecated: None,
            location: entity.definition.clone(),
            container_name: Some(match alias {
                Some(alias) => format!("{} · {alias}", entity.kind.as_str()),
                None => entity.kind.as_str().to_string(),
            }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::features::known::known;
    use crate::EntityKind;

    #[test]
    fn ranks_exact_prefix_word_start_subsequence() {
        use MatchRank::*;
        assert_eq!(rank_match("hester vell", "Hester Vell"), Some(Exact));
        assert_eq!(rank_match("HEST", "Hester Vell"), Some(Prefix));
        assert_eq!(rank_match("vel", "Hester Vell"), Some(WordStart));
        assert_eq!(rank_match("hv", "Hester Vell"), Some(WordStart));
        assert_eq!(rank_match("hsvl", "Hester Vell"), Some(Subsequence));
        assert_eq!(rank_match("hes vel", "Hester Vell"), Some(Subsequence));
        assert_eq!(rank_match("toure", "Amadou Toumani Touré"), Some(WordStart));
        assert_eq!(rank_match("xv", "Hester Vell"), None);
        assert_eq!(rank_match("llev", "Hester Vell"), None);
        assert_eq!(rank_match("", "Hester Vell"), Some(Prefix));
        assert!(Exact < Prefix && Prefix < WordStart && WordStart < Subsequence);
    }

    #[test]
    fn symbols_are_ranked_deduplicated_and_name_the_matching_alias() {
        let entities = [
            known("Port Vellan", EntityKind::Place, &[]),
            known("Hester Vell", EntityKind::Person, &["Vell"]),
            known("Vell", EntityKind::Organization, &[]),
            known("Hester Vell", EntityKind::Person, &[]),
            known("Velland Rope Company", EntityKind::Organization, &["VRC"]),
            known("Oliver Quell", EntityKind::Person, &[]),
        ];
        let found = workspace_symbols("vell", &entities);
        let names: Vec<&str> = found.iter().map(|s| s.name.as_str()).collect();
        // Exact (the organization "Vell", then Hester by her alias), prefix,
        // word start, subsequence ("oliver quell" has v-e-l-l in order).
        assert_eq!(
            names,
            [
                "Vell",
                "Hester Vell",
                "Velland Rope Company",
                "Port Vellan",
                "Oliver Quell"
            ]
        );
        assert_eq!(found[1].container_name.as_deref(), Some("person · Vell"));
        assert_eq!(found[0].container_name.as_deref(), Some("organization"));
        let by_acronym = workspace_symbols("vrc", &entities);
        assert_eq!(by_acronym.len(), 1);
        assert_eq!(by_acronym[0].name, "Velland Rope Company");
        assert_eq!(workspace_symbols("", &entities).len(), 5);
    }
}
