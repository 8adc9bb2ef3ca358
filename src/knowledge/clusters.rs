//! Brown word clusters (`data/clusters/brown.tsv`, from spaCy's
//! `spacy-lookups-data`, MIT): words that occur in similar contexts share a
//! bit-path prefix, so "Paris" and "Toronto", or "Gloria" and "Kim", look
//! alike to the recognizer even when training never saw one of them.
//! Case-sensitive, 190,000 words.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

/// The cluster file compiled into the binary.
pub const BUILTIN: &str = include_str!("../../data/clusters/brown.tsv");

/// Word → Brown bit path, stored lowest bit first: the path prefix of
/// length `k` is `path & ((1 << k) - 1)`. 0 means "no cluster".
#[derive(Default)]
pub struct WordClusters<'a> {
    paths: FxHashMap<&'a str, u32>,
}

impl<'a> WordClusters<'a> {
    /// Parses `word<TAB>path` lines; `# ` lines are comments (a bare `#` is
    /// a word). Malformed lines are skipped: the data is ours and generated.
    pub fn parse(text: &'a str) -> WordClusters<'a> {
        let paths = text
            .lines()
            .filter(|l| !l.starts_with("# "))
            .filter_map(|l| {
                let (word, path) = l.split_once('\t')?;
                Some((word, path.trim().parse::<u32>().ok()?))
            })
            .filter(|&(_, path)| path != 0)
            .collect();
        WordClusters { paths }
    }

    /// The cluster of `word` exactly as written, or 0.
    pub fn get(&self, word: &str) -> u32 {
        self.paths.get(word).copied().unwrap_or(0)
    }

    /// Every word with its path, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, u32)> + '_ {
        self.paths.iter().map(|(&w, &p)| (w, p))
    }

    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

impl WordClusters<'static> {
    /// The built-in clusters, parsed once on first use.
    pub fn builtin() -> &'static WordClusters<'static> {
        static CLUSTERS: OnceLock<WordClusters<'static>> = OnceLock::new();
        CLUSTERS.get_or_init(|| WordClusters::parse(BUILTIN))
    }
}

/// The first `bits` steps of a path (see `WordClusters`).
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

    #[test]
    fn parses_words_including_a_bare_hash() {
        let c =
            WordClusters::parse("# comment line\n#\t18\nParis\t678\nparis\t0\nx\tnot-a-number\n");
        assert_eq!(c.get("#"), 18);
        assert_eq!(c.get("Paris"), 678);
        assert_eq!(c.get("paris"), 0, "0 is no cluster");
        assert_eq!(c.get("x"), 0);
        assert_eq!(c.len(), 2);
    }

    #[test]
    fn builtin_clusters_group_capital_cities_apart_from_their_lower_case_forms() {
        let c = WordClusters::builtin();
        assert!(c.len() > 150_000);
        assert_eq!(prefix(c.get("Paris"), 8), prefix(c.get("London"), 8));
        assert_ne!(c.get("Paris"), 0);
        assert_ne!(prefix(c.get("Paris"), 8), prefix(c.get("said"), 8));
    }
}
