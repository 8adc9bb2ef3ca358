//! Brown word clusters (`data/clusters/brown.tsv`, from spaCy's
//! `spacy-lookups-data`, MIT): words that occur in similar contexts share a
//! bit-path prefix, so "Paris" and "Toronto", or "Gloria" and "Kim", look
//! alike to the recognizer even when training never saw one of them.
//! Case-sensitive, 190,000 words. The recognizer keys them by its own word
//! hash (`recognize::model::features`), so no string-keyed map is built here.

/// The cluster file compiled into the binary.
pub const BUILTIN: &str = include_str!("../../data/clusters/brown.tsv");

/// The `word<TAB>path` lines of a cluster file, as (word, Brown bit path)
/// with the path stored lowest bit first: the prefix of length `k` is
/// `path & ((1 << k) - 1)`. `# ` lines are comments (a bare `#` is a word);
/// malformed lines and the "no cluster" path 0 are skipped: the data is
/// ours and generated.
pub fn entries(text: &str) -> impl Iterator<Item = (&str, u32)> {
    text.lines()
        .filter(|l| !l.starts_with("# "))
        .filter_map(|l| {
            let (word, path) = l.split_once('\t')?;
            Some((word, path.trim().parse::<u32>().ok()?))
        })
        .filter(|&(_, path)| path != 0)
}

/// The first `bits` steps of a path (see `entries`).
pub fn prefix(path: u32, bits: u32) -> u32 {
    if bits >= 32 {
        path
    } else {
        path & ((1u32 << bits) - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap;

    fn map(text: &str) -> FxHashMap<&str, u32> {
        entries(text).collect()
    }

    #[test]
    fn parses_words_including_a_bare_hash() {
        let c = map("# comment line\n#\t18\nParis\t678\nparis\t0\nx\tnot-a-number\n");
        assert_eq!(c.get("#"), Some(&18));
        assert_eq!(c.get("Paris"), Some(&678));
        assert_eq!(c.get("paris"), None, "0 is no cluster");
        assert_eq!(c.get("x"), None);
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn builtin_clusters_group_capital_cities_apart_from_their_lower_case_forms() {
        let c = map(BUILTIN);
        assert!(c.len() > 150_000);
        let path = |w: &str| c.get(w).copied().unwrap_or(0);
        assert_eq!(prefix(path("Paris"), 8), prefix(path("London"), 8));
        assert_ne!(path("Paris"), 0);
        assert_ne!(prefix(path("Paris"), 8), prefix(path("said"), 8));
    }
}
