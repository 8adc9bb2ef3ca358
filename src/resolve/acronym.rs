//! Acronym definitions, found Schwartz & Hearst (2003) style: a short form in
//! parentheses matched right-to-left against the words before it, or a long
//! form in parentheses after the short form.

use crate::text::{is_acronym, Document, TokenShape};

use super::words::ResolverWords;

/// A short form and its spelled-out long form, as token ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcronymDefinition {
    pub short: std::ops::Range<usize>,
    pub long: std::ops::Range<usize>,
}

/// The letters and digits of a short form, lower-cased ("U.N." → "un").
fn short_letters(word: &str) -> Vec<char> {
    word.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Schwartz–Hearst match: can `short` be read off `long_words`, each letter
/// found right to left, the first letter starting a word? Returns the index
/// of the first long word used.
fn match_long_form(short: &[char], long_words: &[&str]) -> Option<usize> {
    if short.is_empty() || long_words.is_empty() {
        return None;
    }
    let long: Vec<(usize, Vec<char>)> = long_words
        .iter()
        .enumerate()
        .map(|(i, w)| (i, w.chars().flat_map(char::to_lowercase).collect()))
        .collect();
    let mut word = long.len() - 1;
    let mut pos = long[word].1.len();
    for (index, wanted) in short.iter().enumerate().rev() {
        let must_start_word = index == 0;
        loop {
            if pos == 0 {
                if word == 0 {
                    return None;
                }
                word -= 1;
                pos = long[word].1.len();
                continue;
            }
            pos -= 1;
            let chars = &long[word].1;
            let at_word_start = pos == 0 || !chars[pos - 1].is_alphanumeric();
            if chars[pos] == *wanted && (!must_start_word || at_word_start) {
                break;
            }
        }
    }
    Some(word)
}

/// Strict reading: every letter is the initial of a word, right to left;
/// only particles may be skipped. Returns the index of the first word.
fn match_initials(short: &[char], words: &[&str]) -> Option<usize> {
    if short.is_empty() {
        return Some(words.len());
    }
    let (last_word, rest_words) = words.split_last()?;
    let (last_letter, rest_letters) = short.split_last()?;
    let initial = last_word
        .chars()
        .next()
        .and_then(|c| c.to_lowercase().next());
    let matches = initial == Some(*last_letter);
    if is_particle(last_word) {
        // Prefer skipping a particle: "Organization of the Petroleum
        // Exporting Countries (OPEC)" must not start at "of".
        match_initials(short, rest_words).or_else(|| {
            matches
                .then(|| match_initials(rest_letters, rest_words))
                .flatten()
        })
    } else if matches {
        match_initials(rest_letters, rest_words)
    } else {
        None
    }
}

/// The run of capitalized words (and particles between them) ending at
/// `open`, if its initials cover enough of `letters`, order aside.
fn name_run_covering(
    doc: &Document<'_>,
    first: usize,
    open: usize,
    letters: &[char],
) -> Option<usize> {
    let mut start = open;
    let mut run_start = None;
    while start > first {
        let word = doc.token_text(start - 1);
        if is_particle(word) {
            // Particles join name words but never open the name.
        } else if word.chars().next().is_some_and(char::is_uppercase) {
            run_start = Some(start - 1);
        } else {
            break;
        }
        start -= 1;
    }
    let run_start = run_start?;
    let mut initials: Vec<char> = (run_start..open)
        .map(|i| doc.token_text(i))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .filter_map(|w| w.chars().next().and_then(|c| c.to_lowercase().next()))
        .collect();
    if initials.len() < 2 {
        return None;
    }
    let mut covered = 0;
    for letter in letters {
        if let Some(found) = initials.iter().position(|c| c == letter) {
            initials.swap_remove(found);
            covered += 1;
        }
    }
    // Most letters, or half of them when the first letter opens the name
    // ("Multidimensional Integrated Stabilization Mission in Mali (MINUSMA)").
    let opens_with_first = doc
        .token_text(run_start)
        .chars()
        .next()
        .and_then(|c| c.to_lowercase().next())
        == letters.first().copied();
    let enough =
        covered * 10 >= letters.len() * 7 || (opens_with_first && covered * 2 >= letters.len());
    enough.then_some(run_start)
}

/// Words allowed inside a long form without contributing a letter.
fn is_particle(word: &str) -> bool {
    ResolverWords::get()
        .acronym_particles
        .contains(&word.to_lowercase())
}

/// Finds "Long Form (SHORT)" and "SHORT (Long Form)" definitions.
pub fn find_definitions(doc: &Document<'_>) -> Vec<AcronymDefinition> {
    let mut out = Vec::new();
    for sentence in &doc.sentences {
        let range = sentence.tokens.clone();
        for open in range.clone() {
            if doc.token_text(open) != "(" {
                continue;
            }
            let Some(close) =
                (open + 1..range.end.min(open + 14)).find(|&i| doc.token_text(i) == ")")
            else {
                continue;
            };
            let inner = open + 1..close;
            if inner.len() == 1 && is_acronym(doc.token_text(inner.start)) {
                if let Some(def) = long_before(doc, range.start, open, inner.start) {
                    out.push(def);
                }
            } else if inner.len() >= 2 && open > range.start && is_acronym(doc.token_text(open - 1))
            {
                let short = open - 1;
                let letters = short_letters(doc.token_text(short));
                let words: Vec<&str> = inner.clone().map(|i| doc.token_text(i)).collect();
                // The whole parenthetical is the long form when the letters
                // can be read off it.
                if match_long_form(&letters, &words).is_some()
                    && doc.tokens[inner.start].shape == TokenShape::Capitalized
                {
                    out.push(AcronymDefinition {
                        short: short..short + 1,
                        long: inner,
                    });
                }
            }
        }
    }
    out
}

/// The long form ending right before `open` for the short form at `short`.
fn long_before(
    doc: &Document<'_>,
    sentence_start: usize,
    open: usize,
    short: usize,
) -> Option<AcronymDefinition> {
    let letters = short_letters(doc.token_text(short));
    let window = (letters.len() + 5).min(letters.len() * 2).max(2);
    // Schwartz–Hearst's window counts words; particles ("of the", "for
    // the") do not count here, since translated names are full of them.
    // Punctuation inside a long form is rare and stops the search.
    let mut first = open;
    let mut words = 0;
    while first > sentence_start && words < window && open - first < 3 * window {
        let text = doc.token_text(first - 1);
        if !text.chars().any(char::is_alphanumeric) && text != "&" {
            break;
        }
        first -= 1;
        if !is_particle(text) {
            words += 1;
        }
    }
    if first == open {
        return None;
    }
    let candidates: Vec<&str> = (first..open).map(|i| doc.token_text(i)).collect();
    let long_start = match match_initials(&letters, &candidates) {
        Some(used) => first + used,
        None => match match_long_form(&letters, &candidates) {
            // Letters found inside words: often a translated name whose
            // acronym keeps the original order ("National Movement for the
            // Liberation of Azawad (MNLA)", from the French). Extend over the
            // capitalized words just before, which belong to the same name.
            Some(used) => {
                let mut start = first + used;
                while start > first
                    && doc.tokens[start - 1].shape == TokenShape::Capitalized
                    && !is_particle(doc.token_text(start - 1))
                {
                    start -= 1;
                }
                start
            }
            // Reordered by translation ("National Committee for the
            // Restoration of Democracy and State (CNRDR)"): take the name
            // right before the parenthesis if its initials cover the letters.
            None => name_run_covering(doc, first, open, &letters)?,
        },
    };
    // A long form opens with a name word ("al-Qaeda" counts) or a name
    // particle ("al Qaeda …"), never with ordinary lower-case prose.
    let opener = doc.token_text(long_start);
    if !opener.chars().any(char::is_uppercase) && !is_particle(opener) {
        return None;
    }
    if !(long_start..open).any(|i| doc.tokens[i].shape == TokenShape::Capitalized) {
        return None;
    }
    Some(AcronymDefinition {
        short: short..short + 1,
        long: long_start..open,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{tokenize, TextFormat};

    fn defs(text: &str) -> Vec<(String, String)> {
        let doc = tokenize(text, TextFormat::Plain);
        find_definitions(&doc)
            .into_iter()
            .map(|d| {
                (
                    doc.tokens_span(d.short.start, d.short.end)
                        .text(text)
                        .to_string(),
                    doc.tokens_span(d.long.start, d.long.end)
                        .text(text)
                        .to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn finds_long_and_short_forms() {
        assert_eq!(
            defs("Rebels of the National Movement for the Liberation of Azawad (MNLA) advanced."),
            vec![(
                "MNLA".into(),
                "National Movement for the Liberation of Azawad".into()
            )]
        );
        assert_eq!(
            defs("fighters of al Qaeda in the Islamic Maghreb (AQIM) and the Economic Community of West African States (ECOWAS)."),
            vec![
                ("AQIM".into(), "al Qaeda in the Islamic Maghreb".into()),
                ("ECOWAS".into(), "Economic Community of West African States".into())
            ]
        );
        assert_eq!(
            defs("the MNLA (National Movement for the Liberation of Azawad) said"),
            vec![(
                "MNLA".into(),
                "National Movement for the Liberation of Azawad".into()
            )]
        );
        assert_eq!(
            defs("the Organization of the Petroleum Exporting Countries (OPEC) met"),
            vec![(
                "OPEC".into(),
                "Organization of the Petroleum Exporting Countries".into()
            )]
        );
        assert_eq!(
            defs("The junta named itself the National Committee for the Restoration of Democracy and State (CNRDR), then partners: al-Qaeda in the Islamic Maghreb (AQIM), and the Movement for Oneness and Jihad in West Africa (MUJAO)."),
            vec![
                ("CNRDR".into(), "National Committee for the Restoration of Democracy and State".into()),
                ("AQIM".into(), "al-Qaeda in the Islamic Maghreb".into()),
                ("MUJAO".into(), "Movement for Oneness and Jihad in West Africa".into()),
            ]
        );
        assert_eq!(
            defs("Sanogo named his junta the National Committee for the Recovery of Democracy and the Restoration of the State (CNRDRE), then the Multidimensional Integrated Stabilization Mission in Mali (MINUSMA) came."),
            vec![
                ("CNRDRE".into(), "National Committee for the Recovery of Democracy and the Restoration of the State".into()),
                ("MINUSMA".into(), "Multidimensional Integrated Stabilization Mission in Mali".into()),
            ]
        );
        assert_eq!(
            defs("The Paris office (AFP) and He was (MNLA) there and (in the city)."),
            vec![]
        );
    }
}
