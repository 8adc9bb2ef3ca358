//! Built-in knowledge: places, demonyms, groups, organizations, titles and
//! name lists, shipped inside the binary (`data/gazetteer/`, see its README
//! for sources and licences).
//!
//! Everything is keyed on `text::fold` (NFC + lower case) so lookups ignore
//! case and Unicode normalization; callers keep original spans.

pub mod clusters;

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::analysis::EntityKind;
use crate::text::fold;

/// Lexicon membership of a single word, as bit flags (cheap to copy into
/// model features for every token).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LexFlags(pub u16);

impl LexFlags {
    pub const COUNTRY: LexFlags = LexFlags(1 << 0);
    pub const CITY: LexFlags = LexFlags(1 << 1);
    pub const REGION: LexFlags = LexFlags(1 << 2);
    pub const FEATURE: LexFlags = LexFlags(1 << 3);
    pub const DEMONYM: LexFlags = LexFlags(1 << 4);
    pub const GROUP: LexFlags = LexFlags(1 << 5);
    pub const ORGANIZATION: LexFlags = LexFlags(1 << 6);
    pub const ORG_SUFFIX: LexFlags = LexFlags(1 << 7);
    pub const TITLE: LexFlags = LexFlags(1 << 8);
    pub const GIVEN_NAME: LexFlags = LexFlags(1 << 9);
    pub const SURNAME: LexFlags = LexFlags(1 << 10);
    pub const COMMON_WORD: LexFlags = LexFlags(1 << 11);
    /// Part of a multi-word gazetteer phrase (set by `phrase_flags`).
    pub const IN_PHRASE: LexFlags = LexFlags(1 << 12);
    pub const PHRASE_START: LexFlags = LexFlags(1 << 13);
    /// A word naming a sort of place ("Harbour", "Praia", "Serra").
    pub const PLACE_WORD: LexFlags = LexFlags(1 << 14);

    pub const NAMES: [(LexFlags, &'static str); 15] = [
        (LexFlags::COUNTRY, "country"),
        (LexFlags::CITY, "city"),
        (LexFlags::REGION, "region"),
        (LexFlags::FEATURE, "feature"),
        (LexFlags::DEMONYM, "demonym"),
        (LexFlags::GROUP, "group"),
        (LexFlags::ORGANIZATION, "org"),
        (LexFlags::ORG_SUFFIX, "orgsuf"),
        (LexFlags::TITLE, "title"),
        (LexFlags::GIVEN_NAME, "given"),
        (LexFlags::SURNAME, "surname"),
        (LexFlags::COMMON_WORD, "common"),
        (LexFlags::IN_PHRASE, "inphrase"),
        (LexFlags::PHRASE_START, "phrasestart"),
        (LexFlags::PLACE_WORD, "placeword"),
    ];

    pub fn contains(self, other: LexFlags) -> bool {
        self.0 & other.0 == other.0
    }
    pub fn intersects(self, other: LexFlags) -> bool {
        self.0 & other.0 != 0
    }
    pub fn insert(&mut self, other: LexFlags) {
        self.0 |= other.0;
    }
}

impl std::ops::BitOr for LexFlags {
    type Output = LexFlags;
    fn bitor(self, rhs: LexFlags) -> LexFlags {
        LexFlags(self.0 | rhs.0)
    }
}

/// Where an event word stands in an event's name.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum EventHead {
    /// "Cyclone Phailin", "Battle of Hastings".
    Leads,
    /// "Summer Olympic Games", "Bengali New Year".
    Ends,
}

/// What the gazetteer knows about a (possibly multi-word) name.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub kind: EntityKind,
    /// The name as the gazetteer spells it.
    pub name: String,
    /// A short description for hover cards ("country", "city in Mali").
    pub description: String,
    /// For acronyms of known organizations, the spelled-out name.
    pub expansion: Option<String>,
    /// Which flags a single word of this entry gets.
    pub flags: LexFlags,
    /// Whether a reader would know the name without context: a country,
    /// region or continent, a city of 100,000 or more, or a place from the
    /// hand-written list (picked because news names it).
    pub prominent: bool,
}

/// How a one-word name must be written to count as that name. Names that
/// are also lower-case English words ("Turkey", "Chad") or short acronyms
/// that spell one ("WHO", "US", "IS") only match when written as names, so
/// "who" and "us" never become an organization and a country.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Casing {
    Any,
    /// First letter upper case: "Turkey", "TURKEY", not "turkey".
    Capitalized,
    /// No lower-case letter at all: "WHO", not "Who" or "who".
    Upper,
}

impl Casing {
    fn of_name(name: &str, key: &str, flags: LexFlags, common: &FxHashSet<String>) -> Casing {
        let capitalized = name.chars().next().is_some_and(char::is_uppercase);
        if key.contains(' ') {
            // "Little Rock", "Spring Valley", "White House": every word is an
            // ordinary word, so only a capital makes it a name. Country names
            // ("united states") are never ordinary phrases and stay free.
            let ordinary = key.split(' ').all(|w| common.contains(w));
            return if ordinary && capitalized && !flags.contains(LexFlags::COUNTRY) {
                Casing::Capitalized
            } else {
                Casing::Any
            };
        }
        let letters = name.chars().filter(|c| c.is_alphabetic()).count();
        let shouted = letters > 0 && !name.chars().any(char::is_lowercase);
        if shouted && (letters <= 2 || common.contains(key)) {
            Casing::Upper
        } else if common.contains(key) && capitalized {
            Casing::Capitalized
        } else {
            Casing::Any
        }
    }

    fn admits(self, surface: &str) -> bool {
        match self {
            Casing::Any => true,
            Casing::Capitalized => surface
                .chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_uppercase),
            Casing::Upper => {
                surface.chars().any(char::is_alphabetic) && !surface.chars().any(char::is_lowercase)
            }
        }
    }
}

#[derive(Default)]
pub struct Knowledge {
    words: FxHashMap<String, LexFlags>,
    /// Flags a word gets only when capitalized / fully upper case (see `Casing`).
    capitalized_words: FxHashMap<String, LexFlags>,
    upper_words: FxHashMap<String, LexFlags>,
    entries: FxHashMap<String, Entry>,
    /// Entries whose surface must be written a certain way; absent means any.
    entry_casing: FxHashMap<String, Casing>,
    /// Lower-case dictionary words, kept only while loading.
    common: FxHashSet<String>,
    /// Longest entry, in words, to bound phrase matching.
    max_phrase_words: usize,
    /// Words heading the name of an event ("Cyclone", "Games"), with where
    /// in the name they stand.
    event_words: FxHashMap<String, EventHead>,
    /// Position of each surname in the list, most frequent first.
    surname_ranks: FxHashMap<String, u32>,
    /// Every proper word-prefix of a multi-word key ("new", "new york"):
    /// phrase matching stops as soon as no longer entry can follow.
    phrase_prefixes: FxHashSet<String>,
}

/// The raw text of each built-in list; the same format a user registry could use.
pub struct Sources<'a> {
    pub places: &'a str,
    pub demonyms: &'a str,
    pub groups: &'a str,
    pub organizations: &'a str,
    pub titles: &'a str,
    pub given_names: &'a str,
    pub surnames: &'a str,
    pub org_suffixes: &'a str,
    pub place_words: &'a str,
    pub event_words: &'a str,
    pub common_words: &'a str,
}

impl Sources<'static> {
    pub fn builtin() -> Self {
        Sources {
            places: include_str!("../../data/gazetteer/places.tsv"),
            demonyms: include_str!("../../data/gazetteer/demonyms.tsv"),
            groups: include_str!("../../data/gazetteer/groups.tsv"),
            organizations: include_str!("../../data/gazetteer/organizations.tsv"),
            titles: include_str!("../../data/gazetteer/titles.txt"),
            given_names: include_str!("../../data/gazetteer/given_names.txt"),
            surnames: include_str!("../../data/gazetteer/surnames.txt"),
            org_suffixes: include_str!("../../data/gazetteer/org_suffixes.txt"),
            place_words: include_str!("../../data/gazetteer/place_words.txt"),
            event_words: include_str!("../../data/gazetteer/event_words.txt"),
            common_words: include_str!("../../data/gazetteer/common_words.txt"),
        }
    }
}

/// `fold` with a fast path for ASCII, which is nearly every gazetteer line
/// and most words of the text: loading stays well under the cost of NFC.
fn fold_fast(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        fold(s)
    }
}

/// Data lines: skip blanks and `#` comments, split on tabs.
fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

impl Knowledge {
    /// The knowledge compiled into the binary, parsed once on first use.
    pub fn builtin() -> &'static Knowledge {
        static BUILTIN: OnceLock<Knowledge> = OnceLock::new();
        BUILTIN.get_or_init(|| Knowledge::from_sources(&Sources::builtin()))
    }

    pub fn from_sources(sources: &Sources<'_>) -> Knowledge {
        let mut k = Knowledge {
            common: rows(sources.common_words)
                .map(|r| fold_fast(r[0]))
                .collect(),
            ..Knowledge::default()
        };
        // Places: name, type, country, population.
        for row in rows(sources.places) {
            let (name, kind) = (row[0], row.get(1).copied().unwrap_or("place"));
            let country = row.get(2).copied().unwrap_or("");
            let flag = match kind {
                "country" => LexFlags::COUNTRY,
                "city" => LexFlags::CITY,
                "region" | "continent" => LexFlags::REGION,
                _ => LexFlags::FEATURE,
            };
            let description = match (kind, country) {
                (_, "") => kind.to_string(),
                ("country", _) => "country".to_string(),
                (_, c) => format!("{kind} in {c}"),
            };
            let population: u64 = row.get(3).and_then(|p| p.parse().ok()).unwrap_or(0);
            let prominent = flag != LexFlags::CITY || population == 0 || population >= 100_000;
            k.add_entry(name, EntityKind::Place, description, None, flag);
            if prominent {
                if let Some(entry) = k.entries.get_mut(&fold_fast(name)) {
                    entry.prominent |= entry.kind == EntityKind::Place;
                }
            }
        }
        for row in rows(sources.demonyms) {
            let country = row.get(1).copied().unwrap_or("");
            let description = if country.is_empty() {
                "nationality".to_string()
            } else {
                format!("people of {country}")
            };
            k.add_entry(
                row[0],
                EntityKind::Group,
                description,
                None,
                LexFlags::DEMONYM,
            );
        }
        for row in rows(sources.groups) {
            let description = row.get(1).copied().unwrap_or("group").to_string();
            k.add_entry(
                row[0],
                EntityKind::Group,
                description,
                None,
                LexFlags::GROUP,
            );
        }
        // Organizations: name, acronym, description.
        for row in rows(sources.organizations) {
            let name = row[0];
            let acronym = row.get(1).copied().filter(|a| !a.is_empty());
            let description = row.get(2).copied().unwrap_or("organization").to_string();
            k.add_entry(
                name,
                EntityKind::Organization,
                description.clone(),
                None,
                LexFlags::ORGANIZATION,
            );
            if let Some(acronym) = acronym {
                k.add_entry(
                    acronym,
                    EntityKind::Organization,
                    description,
                    Some(name.to_string()),
                    LexFlags::ORGANIZATION,
                );
            }
        }
        for (list, flag) in [
            (sources.titles, LexFlags::TITLE),
            (sources.given_names, LexFlags::GIVEN_NAME),
            (sources.surnames, LexFlags::SURNAME),
            (sources.org_suffixes, LexFlags::ORG_SUFFIX),
            (sources.place_words, LexFlags::PLACE_WORD),
            (sources.common_words, LexFlags::COMMON_WORD),
        ] {
            for row in rows(list) {
                k.words.entry(fold_fast(row[0])).or_default().insert(flag);
            }
        }
        // Not a word flag: the model does not read them (so they can change
        // without retraining); only the resolver does.
        k.event_words = rows(sources.event_words)
            .map(|r| {
                let head = match r.get(1).copied() {
                    Some("leads") => EventHead::Leads,
                    _ => EventHead::Ends,
                };
                (fold_fast(r[0]), head)
            })
            .collect();
        for (rank, row) in rows(sources.surnames).enumerate() {
            let rank = u32::try_from(rank).unwrap_or(u32::MAX);
            k.surname_ranks.entry(fold_fast(row[0])).or_insert(rank);
        }
        k.common = FxHashSet::default();
        k
    }

    fn add_entry(
        &mut self,
        name: &str,
        kind: EntityKind,
        description: String,
        expansion: Option<String>,
        flags: LexFlags,
    ) {
        let key = fold_fast(name);
        let words = key.split(' ').count();
        self.max_phrase_words = self.max_phrase_words.max(words);
        let casing = Casing::of_name(name, &key, flags, &self.common);
        if words > 1 {
            let mut prefix_end = 0;
            for word in key.split(' ').take(words - 1) {
                prefix_end += word.len() + usize::from(prefix_end > 0);
                self.phrase_prefixes.insert(key[..prefix_end].to_string());
            }
        }
        if words == 1 {
            let word_map = match casing {
                Casing::Any => &mut self.words,
                Casing::Capitalized => &mut self.capitalized_words,
                Casing::Upper => &mut self.upper_words,
            };
            word_map.entry(key.clone()).or_default().insert(flags);
        }
        if self.entries.contains_key(&key) {
            return;
        }
        if casing != Casing::Any {
            self.entry_casing.insert(key.clone(), casing);
        }
        // First entry wins: the lists are ordered most-salient first
        // (countries before cities, big cities before small).
        self.entries.entry(key).or_insert(Entry {
            kind,
            name: name.to_string(),
            description,
            expansion,
            flags,
            prominent: false,
        });
    }

    /// Whether `word` heads the name of an event, and from which end
    /// ("Cyclone Phailin", "Summer Olympic Games"), case-insensitively.
    pub fn event_head(&self, word: &str) -> Option<EventHead> {
        self.event_words.get(&fold_fast(word)).copied()
    }

    /// Whether `word` is among the `top` most frequent surnames ("Park" is,
    /// "Harbour" is not among the first few thousand).
    pub fn is_common_surname(&self, word: &str, top: u32) -> bool {
        self.surname_ranks
            .get(&fold_fast(word))
            .is_some_and(|&rank| rank < top)
    }

    /// Flags of one word, case-insensitively.
    pub fn word_flags(&self, word: &str) -> LexFlags {
        if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return self.words.get(word).copied().unwrap_or_default();
        }
        self.flags_for(word, &fold_fast(word))
    }

    /// `word_flags` with the folded key already at hand.
    fn flags_for(&self, word: &str, key: &str) -> LexFlags {
        let mut flags = self.words.get(key).copied().unwrap_or_default();
        if !word.chars().any(char::is_uppercase) {
            return flags;
        }
        for (casing, map) in [
            (Casing::Capitalized, &self.capitalized_words),
            (Casing::Upper, &self.upper_words),
        ] {
            if let Some(extra) = map.get(key) {
                if casing.admits(word) {
                    flags.insert(*extra);
                }
            }
        }
        flags
    }

    /// The entry under `key` if `surface` is written the way that entry requires.
    fn entry_for(&self, key: &str, surface: &str) -> Option<&Entry> {
        let entry = self.entries.get(key)?;
        let casing = self.entry_casing.get(key).copied().unwrap_or(Casing::Any);
        casing.admits(surface).then_some(entry)
    }

    /// The entry for a whole name ("Burkina Faso", "ECOWAS"), case-insensitively.
    pub fn lookup(&self, name: &str) -> Option<&Entry> {
        let key = fold_fast(name);
        self.entry_for(&key, name).or_else(|| {
            // Names are keyed with single spaces; normalise any other spacing.
            let joined = key.split_whitespace().collect::<Vec<_>>().join(" ");
            (joined != key)
                .then(|| self.entry_for(&joined, name))
                .flatten()
        })
    }

    pub fn max_phrase_words(&self) -> usize {
        self.max_phrase_words.max(1)
    }

    /// Longest gazetteer matches over a token sequence: `(first, end, entry)`
    /// with token indices `[first, end)`, left to right, non-overlapping.
    pub fn match_phrases<'k>(&'k self, words: &[&str]) -> Vec<(usize, usize, &'k Entry)> {
        let folded: Vec<String> = words.iter().map(|w| fold_fast(w)).collect();
        self.match_folded(words, &folded)
    }

    /// `match_phrases` with each word's folded key already at hand.
    fn match_folded<'k>(
        &'k self,
        words: &[&str],
        folded: &[String],
    ) -> Vec<(usize, usize, &'k Entry)> {
        let mut out = Vec::new();
        let max = self.max_phrase_words();
        let mut i = 0;
        let mut key = String::new();
        while i < words.len() {
            let mut best = None;
            key.clear();
            for n in 1..=max.min(words.len() - i) {
                if n > 1 {
                    key.push(' ');
                }
                key.push_str(&folded[i + n - 1]);
                if let Some(entry) = self.entry_for(&key, words[i]) {
                    best = Some((n, entry));
                }
                if !self.phrase_prefixes.contains(key.as_str()) {
                    break;
                }
            }
            match best {
                Some((n, entry)) => {
                    out.push((i, i + n, entry));
                    i += n;
                }
                None => i += 1,
            }
        }
        out
    }

    /// Per-word flags including phrase membership, for model features.
    pub fn token_flags(&self, words: &[&str]) -> Vec<LexFlags> {
        let folded: Vec<String> = words.iter().map(|w| fold_fast(w)).collect();
        let mut flags: Vec<LexFlags> = words
            .iter()
            .zip(&folded)
            .map(|(word, key)| self.flags_for(word, key))
            .collect();
        for (first, end, entry) in self.match_folded(words, &folded) {
            if end - first > 1 {
                for (offset, f) in flags[first..end].iter_mut().enumerate() {
                    f.insert(entry.flags | LexFlags::IN_PHRASE);
                    if offset == 0 {
                        f.insert(LexFlags::PHRASE_START);
                    }
                }
            }
        }
        flags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Knowledge {
        Knowledge::from_sources(&Sources {
            places:
                "Mali\tcountry\t\t20000000\nBurkina Faso\tcountry\t\t1\nBamako\tcity\tMali\t1\n",
            demonyms: "Malian\tMali\nMalians\tMali\n",
            groups: "Tuareg\tethnic group\n",
            organizations: "Economic Community of West African States\tECOWAS\tregional bloc\n",
            titles: "President\nGen.\n",
            given_names: "Amadou\n",
            surnames: "Traore\n",
            org_suffixes: "Council\n",
            place_words: "River\n",
            event_words: "Cyclone\tleads\n",
            common_words: "the\nmet\n",
        })
    }

    #[test]
    fn lookups_ignore_case_and_find_phrases() {
        let k = small();
        assert_eq!(
            k.lookup("BURKINA faso").map(|e| e.kind),
            Some(EntityKind::Place)
        );
        assert_eq!(
            k.lookup("ecowas").and_then(|e| e.expansion.as_deref()),
            Some("Economic Community of West African States")
        );
        assert!(k.word_flags("Malian").contains(LexFlags::DEMONYM));
        assert!(k.word_flags("gen.").contains(LexFlags::TITLE));
        let words = ["Amadou", "met", "Burkina", "Faso", "in", "Bamako"];
        let found: Vec<_> = k
            .match_phrases(&words)
            .into_iter()
            .map(|(a, b, e)| (a, b, e.name.as_str()))
            .collect();
        assert_eq!(found, vec![(2, 4, "Burkina Faso"), (5, 6, "Bamako")]);
        let flags = k.token_flags(&words);
        assert!(flags[3].contains(LexFlags::IN_PHRASE | LexFlags::COUNTRY));
        assert!(flags[0].contains(LexFlags::GIVEN_NAME));
    }

    #[test]
    fn builtin_gazetteer_knows_the_sahel() {
        let k = Knowledge::builtin();
        let mali = k.lookup("Mali").expect("Mali");
        assert_eq!(
            (mali.kind, mali.description.as_str()),
            (EntityKind::Place, "country")
        );
        assert!(k.word_flags("Mali").contains(LexFlags::COUNTRY));
        assert!(k.word_flags("Bamako").contains(LexFlags::CITY));
        assert_eq!(
            k.lookup("Bamako").map(|e| e.description.as_str()),
            Some("city in Mali")
        );
        assert_eq!(
            k.lookup("ECOWAS").and_then(|e| e.expansion.as_deref()),
            Some("Economic Community of West African States")
        );
        assert!(k.word_flags("Malians").contains(LexFlags::DEMONYM));
        assert!(k.word_flags("Tuareg").contains(LexFlags::GROUP));
        assert!(k.word_flags("Gen.").contains(LexFlags::TITLE));
        assert!(k.word_flags("Ministry").contains(LexFlags::ORG_SUFFIX));
        assert!(k.word_flags("Amadou").contains(LexFlags::GIVEN_NAME));
        assert!(k.word_flags("Touré").contains(LexFlags::SURNAME));
        assert!(k.word_flags("the").contains(LexFlags::COMMON_WORD));
        let words = ["Côte", "d'Ivoire", "and", "Burkina", "Faso"];
        let found: Vec<_> = k
            .match_phrases(&words)
            .into_iter()
            .map(|(a, b, e)| (a, b, e.kind))
            .collect();
        assert_eq!(
            found,
            vec![(0, 2, EntityKind::Place), (3, 5, EntityKind::Place)]
        );
    }

    #[test]
    fn common_words_are_not_places_or_acronyms() {
        let k = Knowledge::builtin();
        let place = LexFlags::COUNTRY | LexFlags::CITY | LexFlags::REGION | LexFlags::FEATURE;
        for word in ["March", "Reading", "Mobile", "Of", "Police"] {
            assert!(!k.word_flags(word).intersects(place), "{word}");
            assert!(
                k.lookup(word).is_none_or(|e| e.kind != EntityKind::Place),
                "{word}"
            );
        }
        // Acronyms that spell a word only count in capitals.
        assert_eq!(
            k.lookup("WHO").map(|e| e.kind),
            Some(EntityKind::Organization)
        );
        assert!(k.lookup("who").is_none() && k.lookup("Who").is_none());
        assert!(!k.word_flags("who").intersects(LexFlags::ORGANIZATION));
        assert!(k.word_flags("WHO").contains(LexFlags::ORGANIZATION));
        assert!(k.lookup("US").is_some() && k.lookup("us").is_none());
        assert!(!k.word_flags("us").contains(LexFlags::COUNTRY));
        assert!(k.match_phrases(&["let", "us", "go"]).is_empty());
        // A mention is the name without its article; "The" stays only where
        // it belongs to the name.
        let words = [
            "the",
            "Netherlands",
            "and",
            "the",
            "gap",
            "near",
            "The",
            "Hague",
        ];
        let spans: Vec<_> = k
            .match_phrases(&words)
            .into_iter()
            .map(|(a, b, _)| (a, b))
            .collect();
        assert_eq!(spans, vec![(1, 2), (6, 8)]);
        // Phrases made of ordinary words are names only when capitalized.
        assert!(k.match_phrases(&["a", "little", "rock"]).is_empty());
        assert_eq!(k.match_phrases(&["Little", "Rock"]).len(), 1);
        assert_eq!(k.match_phrases(&["united", "states"]).len(), 1);
        // Names that are also words need their capital.
        assert!(k.word_flags("Turkey").contains(LexFlags::COUNTRY));
        assert!(!k.word_flags("turkey").contains(LexFlags::COUNTRY));
    }
}
