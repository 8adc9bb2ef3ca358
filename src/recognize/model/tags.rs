//! The BILOU tag scheme over four types (PER, ORG, LOC, MISC).
//!
//! Tag 0 is `O`; tag `1 + 4 * type + position` with position B=0, I=1, L=2,
//! U=3. BILOU beats BIO for perceptron taggers (Ratinov & Roth 2009) because
//! the last token of a name gets features of its own.

use std::ops::Range;

/// Entity types the tagger knows. MISC only exists so that CoNLL's
/// miscellaneous names do not get learned as people or places.
pub(crate) const NUM_TYPES: usize = 4;
pub(crate) const NUM_TAGS: usize = 1 + 4 * NUM_TYPES;

pub(crate) const TYPE_PERSON: u8 = 0;
pub(crate) const TYPE_ORGANIZATION: u8 = 1;
pub(crate) const TYPE_PLACE: u8 = 2;
pub(crate) const TYPE_MISC: u8 = 3;

const B: u8 = 0;
const I: u8 = 1;
const L: u8 = 2;
const U: u8 = 3;

fn tag(entity_type: u8, position: u8) -> u8 {
    1 + 4 * entity_type + position
}

/// `None` for `O`, else `(type, position)`.
fn parts(tag: u8) -> Option<(u8, u8)> {
    (tag != 0).then(|| ((tag - 1) / 4, (tag - 1) % 4))
}

/// 0 for `O`, else `1 + type`: the coarse label used by document features.
pub(crate) fn coarse(tag: u8) -> u8 {
    parts(tag).map_or(0, |(t, _)| t + 1)
}

/// Whether `next` may follow `prev` (`None` = sentence start).
pub(crate) fn allowed(prev: Option<u8>, next: u8) -> bool {
    let open = prev.and_then(parts).filter(|&(_, p)| p == B || p == I);
    match (open, parts(next)) {
        (None, None) => true,
        (None, Some((_, p))) => p == B || p == U,
        (Some(_), None) => false,
        (Some((t, _)), Some((t2, p))) => t == t2 && (p == I || p == L),
    }
}

/// Whether a sentence may end on `tag`.
pub(crate) fn can_end(tag: u8) -> bool {
    parts(tag).is_none_or(|(_, p)| p == L || p == U)
}

/// Tags for `n` tokens with the given `(tokens, type)` spans.
pub(crate) fn encode(n: usize, spans: &[(Range<usize>, u8)]) -> Vec<u8> {
    let mut tags = vec![0u8; n];
    for (range, t) in spans {
        if range.is_empty() || range.end > n {
            continue;
        }
        if range.len() == 1 {
            tags[range.start] = tag(*t, U);
        } else {
            tags[range.start] = tag(*t, B);
            for x in &mut tags[range.start + 1..range.end - 1] {
                *x = tag(*t, I);
            }
            tags[range.end - 1] = tag(*t, L);
        }
    }
    tags
}

/// Spans `(tokens, type)` from a tag sequence. Tolerant of invalid
/// sequences (a stray I or L starts a span) so a broken model still yields
/// well-formed output.
pub(crate) fn decode(tags: &[u8]) -> Vec<(Range<usize>, u8)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, u8)> = None;
    for (i, &t) in tags.iter().enumerate() {
        match parts(t) {
            None => {
                if let Some((s, ty)) = open.take() {
                    out.push((s..i, ty));
                }
            }
            Some((ty, p)) => {
                if let Some((s, oty)) = open {
                    if oty != ty || p == B || p == U {
                        out.push((s..i, oty));
                        open = None;
                    }
                }
                let start = open.map_or(i, |(s, _)| s);
                if p == L || p == U {
                    out.push((start..i + 1, ty));
                    open = None;
                } else {
                    open = Some((start, ty));
                }
            }
        }
    }
    if let Some((s, ty)) = open {
        out.push((s..tags.len(), ty));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let spans = vec![(0..1, TYPE_PERSON), (2..5, TYPE_PLACE), (5..7, TYPE_MISC)];
        let tags = encode(8, &spans);
        assert_eq!(decode(&tags), spans);
        for pair in tags.windows(2) {
            assert!(allowed(Some(pair[0]), pair[1]));
        }
        assert!(allowed(None, tags[0]));
        assert!(can_end(tags[7]));
    }

    #[test]
    fn decode_tolerates_broken_sequences() {
        // I-PER alone, then B-ORG without an end.
        let tags = [tag(0, I), 0, tag(1, B), tag(1, I)];
        assert_eq!(decode(&tags), vec![(0..1, 0), (2..4, 1)]);
        assert!(!allowed(None, tag(0, I)));
        assert!(!allowed(Some(tag(0, B)), 0));
        assert!(!allowed(Some(tag(0, B)), tag(1, L)));
    }
}
