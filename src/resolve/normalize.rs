//! Trims candidates to the name alone and reads the roles around it.
//!
//! Whatever recognizer ran, a mention span is the name only: no leading
//! determiner ("the National Assembly" → "National Assembly"), no possessive
//! 's, no title ("President Touré" → "Touré", with "President" kept as a role).

use std::ops::Range;

use crate::analysis::EntityKind;
use crate::knowledge::{Knowledge, LexFlags};
use crate::recognize::Candidate;
use crate::text::{Document, TokenShape};

/// A candidate after trimming, with the roles read around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    pub tokens: Range<usize>,
    pub kind: EntityKind,
    pub roles: Vec<String>,
}

const DETERMINERS: &[&str] = &["the", "a", "an", "this", "that", "these", "those"];

/// "St. Jerome", "Saint Teresa": part of the name as it is known, not a
/// title to move into the role.
const SAINTS: &[&str] = &["saint", "st.", "st", "ste.", "sainte", "san", "santa"];

/// "Richard Bissen Jr.", "John Smith Sr.": the end of the name, although
/// "Sr." also abbreviates Sister.
const GENERATIONAL: &[&str] = &["jr.", "jr", "sr.", "sr"];

/// Lower-case words that may stand inside a title phrase ("former interim
/// President", "Defence Minister", "junta leader").
const ROLE_MODIFIERS: &[&str] = &[
    "former",
    "interim",
    "acting",
    "deputy",
    "vice",
    "prime",
    "foreign",
    "defence",
    "defense",
    "late",
    "then",
    "current",
    "outgoing",
    "incoming",
    "transitional",
    "army",
    "rebel",
    "junta",
    "coup",
    "opposition",
    "party",
    "chief",
    "senior",
    "top",
    "finance",
    "interior",
    "justice",
    "state",
    "national",
    "assembly",
    "military",
    "leader",
    "spokesman",
    "spokeswoman",
    "minister",
    "secretary",
    "general",
    "commander",
    "head",
];

fn is_possessive(word: &str) -> bool {
    matches!(word, "'s" | "’s" | "'" | "’" | "'S" | "’S")
}

/// Words that may follow a group name used as a noun ("the French and …",
/// "Malians who …"); any other lower-case word makes it an adjective
/// ("French helicopters", "Tuareg rebels"), which names no one.
const AFTER_GROUP_NOUN: &[&str] = &[
    "and",
    "or",
    "who",
    "whom",
    "were",
    "are",
    "have",
    "had",
    "did",
    "do",
    "will",
    "would",
    "could",
    "can",
    "may",
    "might",
    "must",
    "should",
    "said",
    "say",
    "says",
    "of",
    "in",
    "to",
    "at",
    "on",
    "from",
    "for",
    "with",
    "as",
    "than",
    "themselves",
    "alike",
    "too",
    "also",
];

fn is_adjective_use(doc: &Document<'_>, end: usize) -> bool {
    let next = doc.token_text(end);
    doc.tokens
        .get(end)
        .is_some_and(|t| t.shape == TokenShape::Lower)
        && !AFTER_GROUP_NOUN.contains(&next)
}

/// Words that end a span only by mistake ("University Library of", "BBC
/// etc."). A closed list, not "any lower-case word": in all-lower-case text
/// every name is lower case.
const TRAILING_FUNCTION_WORDS: &[&str] = &[
    "of", "for", "the", "and", "or", "in", "on", "at", "to", "by", "with", "from", "etc.", "etc",
];

/// The span's last token is a ")" whose "(" is inside the span ("Mladost (L)").
fn closes_bracket(doc: &Document<'_>, start: usize, end: usize) -> bool {
    doc.token_text(end - 1) == ")" && (start..end - 1).any(|i| doc.token_text(i) == "(")
}

fn is_name_word(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric)
}

pub fn normalize(
    doc: &Document<'_>,
    candidates: Vec<Candidate>,
    knowledge: &Knowledge,
) -> Vec<Named> {
    let mut out: Vec<Named> = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let Range { mut start, mut end } = candidate.tokens;
        end = end.min(doc.tokens.len());
        if start >= end {
            continue;
        }
        // Trailing possessives, punctuation and lower-case words: a name
        // does not end in "of" or "etc." (abbreviations that belong to a
        // name, like "Jr.", are capitalized and kept).
        while end > start + 1
            && (is_possessive(doc.token_text(end - 1))
                || (!is_name_word(doc.token_text(end - 1)) && !closes_bracket(doc, start, end))
                || TRAILING_FUNCTION_WORDS.contains(&doc.token_text(end - 1)))
        {
            end -= 1;
        }
        if !is_name_word(doc.token_text(end - 1)) {
            continue;
        }
        // A person's name does not end in a title ("Robert Pangborn Vice
        // President").
        if candidate.kind == EntityKind::Person {
            while end > start + 1 {
                let word = doc.token_text(end - 1);
                let flags = knowledge.word_flags(word);
                if GENERATIONAL.contains(&word.to_lowercase().as_str()) {
                    break;
                }
                if flags.contains(LexFlags::TITLE)
                    || ROLE_MODIFIERS.contains(&word.to_lowercase().as_str())
                {
                    end -= 1;
                } else {
                    break;
                }
            }
        }
        // Leading punctuation and determiners.
        while end - start > 1 {
            let word = doc.token_text(start);
            if !is_name_word(word) || DETERMINERS.contains(&word.to_lowercase().as_str()) {
                start += 1;
            } else {
                break;
            }
        }
        if start >= end || !is_name_word(doc.token_text(start)) {
            continue;
        }
        // "Senators, ...", "the Ministers": a title in the plural names a
        // body of people, not a person.
        if candidate.kind == EntityKind::Person && end - start == 1 {
            if let Some(singular) = doc.token_text(start).strip_suffix('s') {
                let flags = knowledge.word_flags(singular);
                if flags.contains(LexFlags::TITLE)
                    && !flags.intersects(LexFlags::GIVEN_NAME | LexFlags::SURNAME)
                {
                    continue;
                }
            }
        }
        if candidate.kind == EntityKind::Group && end - start == 1 && is_adjective_use(doc, end) {
            continue;
        }
        let mut roles = Vec::new();
        if candidate.kind == EntityKind::Person {
            // "Malian President Amadou Toumani Touré": the title words move
            // into the role; at least one real title must be among them.
            let mut cut = start;
            let mut saw_title = false;
            while end - cut > 1 {
                let flags = knowledge.word_flags(doc.token_text(cut));
                if SAINTS.contains(&doc.token_text(cut).to_lowercase().as_str()) {
                    break;
                }
                if flags.contains(LexFlags::TITLE) {
                    saw_title = true;
                } else if !flags.contains(LexFlags::DEMONYM)
                    && !ROLE_MODIFIERS.contains(&doc.token_text(cut).to_lowercase().as_str())
                {
                    break;
                }
                cut += 1;
            }
            if saw_title && doc.tokens[cut].shape == TokenShape::Capitalized {
                start = cut;
            }
            // The model learned from news, which names few saints: take in
            // a "St." it left out.
            if start > 0
                && doc.tokens[start - 1].shape == TokenShape::Capitalized
                && SAINTS.contains(&doc.token_text(start - 1).to_lowercase().as_str())
                && out.last().is_none_or(|prev| prev.tokens.end < start)
            {
                start -= 1;
            }
        }
        if let Some(role) = title_before(doc, start, knowledge) {
            roles.push(role);
        }
        if let Some(role) = appositive_after(doc, end, candidate.kind) {
            roles.push(role);
        }
        if out.last().is_some_and(|prev| prev.tokens.end > start) {
            continue;
        }
        out.push(Named {
            tokens: start..end,
            kind: candidate.kind,
            roles,
        });
    }
    out
}

/// The title phrase right before a name ("Malian President", "former junta
/// leader Capt."), if it holds at least one known title.
fn title_before(doc: &Document<'_>, start: usize, knowledge: &Knowledge) -> Option<String> {
    let sentence_start = doc
        .sentences
        .get(doc.tokens.get(start)?.sentence as usize)?
        .tokens
        .start;
    let mut first = start;
    let mut saw_title = false;
    while first > sentence_start && start - first < 6 {
        let word = doc.token_text(first - 1);
        let flags = knowledge.word_flags(word);
        let lower = word.to_lowercase();
        if flags.contains(LexFlags::TITLE) {
            saw_title = true;
        } else if !(flags.contains(LexFlags::DEMONYM) || ROLE_MODIFIERS.contains(&lower.as_str())) {
            break;
        }
        first -= 1;
    }
    // Drop leading modifiers that do not belong to the title ("the").
    saw_title.then(|| doc.tokens_span(first, start).text(doc.text).to_string())
}

/// An appositive right after a name: "Ansar Dine, the fundamentalist
/// Islamist group," or "Dioncounda Traoré, who had been president of …".
fn appositive_after(doc: &Document<'_>, end: usize, kind: EntityKind) -> Option<String> {
    if doc.token_text(end) != "," {
        return None;
    }
    let sentence_end = doc
        .sentences
        .get(doc.tokens.get(end)?.sentence as usize)?
        .tokens
        .end;
    let first = end + 1;
    let opener = doc.token_text(first).to_lowercase();
    let opens = matches!(
        opener.as_str(),
        "the" | "a" | "an" | "its" | "his" | "her" | "their" | "former" | "one"
    ) || (opener == "who" && kind == EntityKind::Person);
    if !opens {
        return None;
    }
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
    let from = if opener == "who" { first + 1 } else { first };
    Some(doc.tokens_span(from, last).text(doc.text).to_string())
}
