//! Feature extraction: every token is summarised once into a few hashes
//! (word, lower-cased word, shape, affixes, lexicon flags), and feature
//! templates combine those hashes into bucket indices of the hashed weight
//! table. Nothing here builds a string per feature; the only per-document
//! allocations are the summary vectors.

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::tags::{coarse, decode, NUM_TYPES};
use crate::knowledge::clusters::{self, prefix};
use crate::knowledge::Knowledge;
use crate::text::Document;

/// Bumped whenever templates change, so an old model file is rejected
/// instead of silently scoring garbage.
pub(crate) const FEATURE_VERSION: u32 = 3;

const K: u64 = 0x517c_c1b7_2722_0a95;

#[inline]
fn step(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// Murmur3's finalizer: spreads the Fx state over the high bits we index by.
#[inline]
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

const START: u64 = 0x5354_4152_5400_0001;
const END: u64 = 0x454e_4400_0000_0002;

/// Coarse casing of a token; also feeds the sentence casing class.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Casing {
    Upper = 1,
    Title = 2,
    Lower = 3,
    Mixed = 4,
    Digit = 5,
    Other = 6,
}

/// What the templates need to know about one token.
#[derive(Clone, Debug)]
pub(crate) struct TokenInfo {
    pub word: u64,
    pub lower: u64,
    pub shape: u64,
    pub prefix: [u64; 4],
    pub suffix: [u64; 4],
    pub flags: u16,
    pub casing: Casing,
    /// Brown cluster of the word as written (an ALL-CAPS word falls back to
    /// its title-case form: headlines), 0 when unknown.
    pub cluster: u32,
    /// Brown cluster of the lower-cased word, for lower-case text.
    pub cluster_lower: u32,
}

/// Sentence casing: headlines in capitals or title case, and all-lower-case
/// text, need different evidence than ordinary prose.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum SentenceCasing {
    Mixed = 1,
    Upper = 2,
    Title = 3,
    Lower = 4,
}

/// A document reduced to token summaries, shared by training and tagging.
#[derive(Clone, Debug, Default)]
pub(crate) struct PreparedDoc {
    pub tokens: Vec<TokenInfo>,
    pub sentences: Vec<Range<usize>>,
    pub sentence_casing: Vec<SentenceCasing>,
    /// Per token: bit 0 = the word appears lower-case elsewhere in the
    /// document, bit 1 = it appears capitalised mid-sentence elsewhere.
    pub doc_case: Vec<u8>,
}

fn summarize(word: &str, flags: u16, chars: &mut Vec<char>) -> TokenInfo {
    chars.clear();
    let mut h_word = 0u64;
    let mut h_shape = 0u64;
    let mut last_class = '\0';
    let (mut upper, mut lower, mut letters) = (0usize, 0usize, 0usize);
    let mut first = '\0';
    for c in word.chars() {
        if first == '\0' {
            first = c;
        }
        h_word = step(h_word, c as u64);
        chars.extend(c.to_lowercase());
        let class = if c.is_uppercase() {
            upper += 1;
            letters += 1;
            'X'
        } else if c.is_lowercase() {
            lower += 1;
            letters += 1;
            'x'
        } else if c.is_alphabetic() {
            letters += 1;
            'L'
        } else if c.is_numeric() {
            'd'
        } else {
            c
        };
        if class != last_class {
            h_shape = step(h_shape, class as u64);
            last_class = class;
        }
    }
    let mut h_lower = 0u64;
    for &c in chars.iter() {
        h_lower = step(h_lower, c as u64);
    }
    let mut prefix = [0u64; 4];
    let mut suffix = [0u64; 4];
    let n = chars.len();
    let mut h = 0u64;
    for (k, &c) in chars.iter().take(4).enumerate() {
        h = step(h, c as u64);
        prefix[k] = h | 1;
    }
    let mut h = 0u64;
    for (k, &c) in chars.iter().rev().take(4).enumerate() {
        h = step(h, c as u64);
        suffix[k] = h | 1;
    }
    if n == 0 {
        prefix = [0; 4];
        suffix = [0; 4];
    }
    let casing = if letters == 0 {
        if first.is_numeric() {
            Casing::Digit
        } else {
            Casing::Other
        }
    } else if upper == letters {
        Casing::Upper
    } else if first.is_uppercase() || (!first.is_lowercase() && first.is_alphabetic()) {
        if upper > 1 && lower > 0 {
            Casing::Mixed
        } else {
            Casing::Title
        }
    } else if upper == 0 {
        Casing::Lower
    } else {
        Casing::Mixed
    };
    TokenInfo {
        word: h_word,
        lower: h_lower,
        shape: h_shape,
        prefix,
        suffix,
        flags,
        casing,
        cluster: 0,
        cluster_lower: 0,
    }
}

/// The hash `summarize` gives a word (`TokenInfo::word`).
fn word_hash(word: &str) -> u64 {
    word.chars().fold(0u64, |h, c| step(h, c as u64))
}

/// The built-in clusters keyed by `word_hash`: tokens already carry that
/// hash, so a lookup neither hashes nor compares strings again.
fn cluster_index() -> &'static FxHashMap<u64, u32> {
    static INDEX: OnceLock<FxHashMap<u64, u32>> = OnceLock::new();
    INDEX.get_or_init(|| {
        clusters::entries(clusters::BUILTIN)
            .map(|(word, path)| (word_hash(word), path))
            .collect()
    })
}

/// Both clusters of a token (see `TokenInfo`); `lower` is its lower-cased
/// form (needed only for an ALL-CAPS word), `buf` scratch space.
fn clusters_of(
    info: &TokenInfo,
    word: &str,
    lower: &str,
    buf: &mut String,
    index: &FxHashMap<u64, u32>,
) -> (u32, u32) {
    let get = |hash: u64| index.get(&hash).copied().unwrap_or(0);
    let mut exact = get(info.word);
    if exact == 0 && info.casing == Casing::Upper && word.len() > 1 {
        buf.clear();
        let mut chars = lower.chars();
        if let Some(first) = chars.next() {
            buf.extend(first.to_uppercase());
            buf.push_str(chars.as_str());
            exact = get(word_hash(buf));
        }
    }
    let lower_cluster = if info.lower == info.word {
        exact
    } else {
        get(info.lower)
    };
    (exact, lower_cluster)
}

fn sentence_casing(tokens: &[TokenInfo]) -> SentenceCasing {
    let (mut upper, mut title, mut lower) = (0usize, 0usize, 0usize);
    for t in tokens {
        match t.casing {
            Casing::Upper => upper += 1,
            Casing::Title | Casing::Mixed => title += 1,
            Casing::Lower => lower += 1,
            _ => {}
        }
    }
    if upper + title == 0 && lower > 0 {
        SentenceCasing::Lower
    } else if upper >= 2 && upper > 2 * (lower + title) {
        SentenceCasing::Upper
    } else if title >= 3 && lower * 4 <= title {
        SentenceCasing::Title
    } else {
        SentenceCasing::Mixed
    }
}

/// Summarises a tokenized document.
pub(crate) fn prepare(doc: &Document<'_>, knowledge: &Knowledge) -> PreparedDoc {
    let mut chars = Vec::with_capacity(32);
    let mut lower = String::with_capacity(32);
    let mut buf = String::with_capacity(32);
    let clusters = cluster_index();
    let mut words: Vec<&str> = Vec::new();
    let mut out = PreparedDoc {
        tokens: Vec::with_capacity(doc.tokens.len()),
        sentences: Vec::with_capacity(doc.sentences.len()),
        sentence_casing: Vec::with_capacity(doc.sentences.len()),
        doc_case: Vec::new(),
    };
    for sentence in &doc.sentences {
        let range = sentence.tokens.clone();
        if range.end > doc.tokens.len() || range.is_empty() {
            continue;
        }
        words.clear();
        words.extend(range.clone().map(|i| doc.token_text(i)));
        let flags = knowledge.token_flags(&words);
        let start = out.tokens.len();
        for (word, f) in words.iter().zip(flags) {
            let mut info = summarize(word, f.0, &mut chars);
            if info.casing == Casing::Upper && word.len() > 1 {
                lower.clear();
                lower.extend(chars.iter());
            }
            (info.cluster, info.cluster_lower) =
                clusters_of(&info, word, &lower, &mut buf, clusters);
            out.tokens.push(info);
        }
        let end = out.tokens.len();
        out.sentence_casing
            .push(sentence_casing(&out.tokens[start..end]));
        out.sentences.push(start..end);
    }
    out.doc_case = doc_case(&out);
    out
}

/// Document-level casing evidence (why: a headline "MALI REJECTS CALL" or a
/// sentence-initial "Rejects" is easier once we know how the word is
/// written elsewhere in the same document).
fn doc_case(p: &PreparedDoc) -> Vec<u8> {
    let mut counts: FxHashMap<u64, [u32; 2]> = FxHashMap::default();
    let mut own = vec![0u8; p.tokens.len()];
    for (s, range) in p.sentences.iter().enumerate() {
        let mixed = p.sentence_casing[s] == SentenceCasing::Mixed;
        for i in range.clone() {
            let t = &p.tokens[i];
            let mut bits = 0u8;
            if t.casing == Casing::Lower {
                bits |= 1;
            }
            if mixed && i > range.start && matches!(t.casing, Casing::Title | Casing::Upper) {
                bits |= 2;
            }
            own[i] = bits;
            if bits != 0 {
                let c = counts.entry(t.lower).or_default();
                c[0] += u32::from(bits & 1);
                c[1] += u32::from(bits >> 1);
            }
        }
    }
    p.tokens
        .iter()
        .zip(own)
        .map(|(t, bits)| {
            let c = counts.get(&t.lower).copied().unwrap_or_default();
            let lower_elsewhere = c[0] > u32::from(bits & 1);
            let cap_elsewhere = c[1] > u32::from(bits >> 1);
            u8::from(lower_elsewhere) | (u8::from(cap_elsewhere) << 1)
        })
        .collect()
}

/// What the first stage said about the same (lower-cased) word elsewhere
/// in the document.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DocLabel {
    /// Bit `1 + type` for every type seen, bit 0 for `O`.
    pub mask: u8,
    /// Most frequent type (`1 + type`), 0 when never tagged.
    pub majority: u8,
    /// Type of the multi-word names holding the word elsewhere ("Norton"
    /// after "Joshua Abraham Norton"): longer names are typed more reliably.
    pub in_long_name: u8,
}

pub(crate) fn doc_labels(p: &PreparedDoc, stage1: &[u8]) -> Vec<DocLabel> {
    let mut counts: FxHashMap<u64, [u32; NUM_TYPES + 1]> = FxHashMap::default();
    let mut long: FxHashMap<u64, [u32; NUM_TYPES + 1]> = FxHashMap::default();
    let mut own_long = vec![0u8; p.tokens.len()];
    for (t, &tag) in p.tokens.iter().zip(stage1) {
        counts.entry(t.lower).or_default()[coarse(tag) as usize] += 1;
    }
    for (range, ty) in decode(stage1) {
        if range.len() >= 2 && range.end <= p.tokens.len() {
            for i in range {
                own_long[i] = ty + 1;
                long.entry(p.tokens[i].lower).or_default()[ty as usize + 1] += 1;
            }
        }
    }
    p.tokens
        .iter()
        .zip(stage1)
        .zip(own_long)
        .map(|((t, &tag), own)| {
            let mut c = counts.get(&t.lower).copied().unwrap_or_default();
            c[coarse(tag) as usize] -= 1;
            let mut label = DocLabel::default();
            let mut best_count = 0u32;
            for (ty, &n) in c.iter().enumerate().skip(1) {
                if n > 0 {
                    label.mask |= 1 << ty;
                }
                if n > best_count {
                    best_count = n;
                    label.majority = ty as u8;
                }
            }
            if c[0] > 0 {
                label.mask |= 1;
            }
            let mut l = long.get(&t.lower).copied().unwrap_or_default();
            if own > 0 {
                l[own as usize] -= 1;
            }
            let mut best_count = 0u32;
            for (ty, &n) in l.iter().enumerate().skip(1) {
                if n > best_count {
                    best_count = n;
                    label.in_long_name = ty as u8;
                }
            }
            label
        })
        .collect()
}

/// Appends the bucket indices of token `i`'s features. `stage2` carries the
/// first-stage tags and document labels for the second pass.
pub(crate) struct Extractor {
    pub bits: u32,
}

pub(crate) struct Stage2<'a> {
    pub tags: &'a [u8],
    pub labels: &'a [DocLabel],
}

impl Extractor {
    #[inline]
    fn index(&self, salt: u64, template: u64, value: u64) -> u32 {
        (finish(step(step(salt, template), value)) >> (64 - self.bits)) as u32
    }

    pub(crate) fn extract(
        &self,
        p: &PreparedDoc,
        sentence: usize,
        i: usize,
        stage2: Option<&Stage2<'_>>,
        out: &mut Vec<u32>,
    ) {
        let range = p.sentences[sentence].clone();
        let salt: u64 = if stage2.is_some() { 0x2222 } else { 0x1111 };
        let t = &p.tokens[i];
        let at = |offset: isize| -> Option<&TokenInfo> {
            let j = i as isize + offset;
            (j >= range.start as isize && j < range.end as isize).then(|| &p.tokens[j as usize])
        };
        let lower_at =
            |offset: isize| at(offset).map_or(if offset < 0 { START } else { END }, |t| t.lower);
        let shape_at =
            |offset: isize| at(offset).map_or(if offset < 0 { START } else { END }, |t| t.shape);
        let casing_at = |offset: isize| at(offset).map_or(0u64, |t| t.casing as u64);
        let flags_at = |offset: isize| at(offset).map_or(0xffffu64, |t| u64::from(t.flags));
        let mut push = |template: u64, value: u64| out.push(self.index(salt, template, value));

        let (lm2, lm1, lp1, lp2) = (lower_at(-2), lower_at(-1), lower_at(1), lower_at(2));
        let (sm1, sp1) = (shape_at(-1), shape_at(1));
        let casing = t.casing as u64;
        push(1, 0);
        push(2, t.word);
        push(3, t.lower);
        push(4, lm1);
        push(5, lp1);
        push(6, lm2);
        push(7, lp2);
        push(8, t.shape);
        push(9, sm1);
        push(10, sp1);
        push(11, shape_at(-2));
        push(12, shape_at(2));
        for k in 0..4 {
            if t.prefix[k] != 0 {
                push(13 + k as u64, t.prefix[k]);
            }
            if t.suffix[k] != 0 {
                push(17 + k as u64, t.suffix[k]);
            }
        }
        push(21, step(lm1, t.lower));
        push(22, step(t.lower, lp1));
        push(23, step(step(sm1, t.shape), sp1));
        push(24, step(lm1, t.shape));
        push(25, step(t.shape, lp1));
        let mut flags = t.flags;
        while flags != 0 {
            let bit = flags.trailing_zeros();
            push(26, u64::from(bit));
            flags &= flags - 1;
        }
        push(27, flags_at(-1));
        push(28, flags_at(1));
        push(29, step(u64::from(t.flags), casing));
        let position = (i - range.start).min(2) as u64;
        push(30, step(position, t.shape));
        let sentence_casing = p.sentence_casing[sentence] as u64;
        push(31, step(sentence_casing, t.shape));
        push(32, step(sentence_casing, t.lower));
        let doc_case = u64::from(p.doc_case[i]);
        push(33, doc_case);
        push(34, step(doc_case, casing));
        push(35, step(step(casing_at(-1), casing), casing_at(1)));
        push(36, step(flags_at(-1), casing));
        // Brown clusters: path prefixes from coarse to fine (Ratinov & Roth).
        let cluster_at =
            |offset: isize| at(offset).map_or(0u64, |t| u64::from(prefix(t.cluster, 6)));
        if t.cluster == 0 {
            push(37, 0);
        } else {
            for (k, bits) in [4u32, 6, 10, 20].into_iter().enumerate() {
                push(38 + k as u64, u64::from(prefix(t.cluster, bits)));
            }
            push(42, step(u64::from(prefix(t.cluster, 10)), casing));
        }
        if t.cluster_lower != 0 && t.cluster_lower != t.cluster {
            push(43, u64::from(prefix(t.cluster_lower, 6)));
            push(44, u64::from(prefix(t.cluster_lower, 10)));
        }
        push(45, cluster_at(-1));
        push(46, cluster_at(1));
        push(47, step(cluster_at(-1), u64::from(prefix(t.cluster, 6))));

        if let Some(s2) = stage2 {
            let tag_at = |offset: isize| {
                let j = i as isize + offset;
                if j >= range.start as isize && j < range.end as isize {
                    u64::from(s2.tags[j as usize])
                } else {
                    99
                }
            };
            let (t0, tm1, tp1) = (tag_at(0), tag_at(-1), tag_at(1));
            push(101, t0);
            push(102, tm1);
            push(103, tp1);
            push(104, tag_at(-2));
            push(105, tag_at(2));
            push(106, step(tm1, t0));
            push(107, step(t0, tp1));
            let label = s2.labels[i];
            let (mask, majority) = (u64::from(label.mask), u64::from(label.majority));
            push(108, mask);
            push(109, majority);
            push(110, step(majority, casing));
            push(111, step(mask, t0));
            let long = u64::from(label.in_long_name);
            push(112, long);
            push(113, step(long, casing));
        }
    }
}
