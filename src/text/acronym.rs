//! The shape of an acronym, read by the recognizer's rules, the resolver
//! and the diagnostics alike.

/// Is this token shaped like an acronym ("MNLA", "G5", "U.N.", "AQIM")?
pub fn is_acronym(word: &str) -> bool {
    let (mut len, mut letters, mut uppers, mut digits) = (0, 0, 0, 0);
    for c in word.chars() {
        len += 1;
        if c.is_alphabetic() {
            letters += 1;
            uppers += usize::from(c.is_uppercase());
        } else if c.is_ascii_digit() {
            digits += 1;
        } else if !c.is_alphanumeric() && !matches!(c, '.' | '&' | '-') {
            return false;
        }
    }
    (2..=12).contains(&len)
        && (uppers >= 2 || (uppers == 1 && digits > 0))
        // Allow one lower-case letter ("MoD"), not more ("Mali").
        && letters - uppers <= 1
        && word.chars().next().is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::is_acronym;

    #[test]
    fn acronym_shapes() {
        assert!(is_acronym("MNLA"));
        assert!(is_acronym("U.N."));
        assert!(is_acronym("G5"));
        assert!(!is_acronym("Mali"));
        assert!(!is_acronym("I"));
    }
}
