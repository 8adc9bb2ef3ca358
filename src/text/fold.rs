//! Folded views of names. Comparisons happen on these keys; spans always stay
//! on the original text, so nothing here needs an offset map.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC + lower case: two spellings with the same `fold` are the same name
/// typed differently (precomposed vs decomposed é, "MALI" vs "Mali").
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfc().flat_map(char::to_lowercase).collect()
}

/// The variant key: names equal under it differ only by diacritics, case,
/// hyphenation, apostrophes or spacing ("Touré" ~ "toure", "Al-Qaeda" ~ "al Qaeda").
pub fn fold_key(s: &str) -> String {
    if s.is_ascii() {
        // Most names: skip normalization entirely.
        return s
            .bytes()
            .filter(|b| !is_joiner(*b as char))
            .map(|b| b.to_ascii_lowercase() as char)
            .collect();
    }
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .filter(|c| !is_joiner(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Lower case without diacritics, spacing and punctuation kept: for matching
/// what a user types against names word by word ("toure" finds "Touré").
pub fn fold_marks(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_joiner(c: char) -> bool {
    c.is_whitespace()
        || super::is_invisible_format(c)
        || matches!(
            c,
            '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\'' | '\u{2019}' | '.'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precomposed_and_decomposed_fold_alike() {
        assert_eq!(fold("Touré"), fold("Toure\u{301}"));
        assert_ne!(fold("Touré"), fold("Toure"));
        assert_eq!(fold_key("Touré"), fold_key("TOURE"));
        assert_eq!(fold_key("Al-Qaeda"), fold_key("al Qaeda"));
        assert_eq!(fold_key("Gonçalves Müller"), "goncalvesmuller");
        // "İ" lower-cases to two code points: i + combining dot above.
        assert_eq!(fold("İstanbul").chars().count(), 9);
    }
}
