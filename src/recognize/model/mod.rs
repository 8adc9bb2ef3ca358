//! The trained recognizer: a two-stage averaged structured perceptron over
//! BILOU tags with hashed features (see docs/model.md).
//!
//! Stage one tags each sentence from local features; stage two re-tags it
//! with stage one's tags of the neighbours and of the same word elsewhere in
//! the document (Ratinov & Roth 2009). Both stages share one quantized
//! weight table, embedded in the binary (`models/ner.bin`).

mod features;
mod tags;
pub mod train;

use std::sync::OnceLock;

use features::{doc_labels, prepare, Extractor, PreparedDoc, Stage2, FEATURE_VERSION};
use tags::{can_end, NUM_TAGS, TYPE_MISC, TYPE_ORGANIZATION, TYPE_PERSON, TYPE_PLACE};

use super::{Candidate, Recognizer};
use crate::analysis::EntityKind;
use crate::knowledge::{Knowledge, LexFlags};
use crate::text::Document;

/// Format 2: format 1 plus a CRC-32 of the weights, so that a file
/// corrupted but of the right size is refused instead of tagging nonsense.
const MAGIC: &[u8; 8] = b"DRMNER02";
const HEADER_LEN: usize = 8 + 5 * 4;
const TRANS_LEN: usize = (NUM_TAGS + 1) * NUM_TAGS;

/// Why a model file was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    BadMagic,
    Version { found: u32, expected: u32 },
    Truncated,
    BadShape,
    Checksum,
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ModelError::BadMagic => write!(f, "not a dramatis model file"),
            ModelError::Version { found, expected } => write!(
                f,
                "model built for feature version {found}, this binary needs {expected}"
            ),
            ModelError::Truncated => write!(f, "model file is truncated"),
            ModelError::BadShape => write!(f, "model file has an unexpected shape"),
            ModelError::Checksum => write!(
                f,
                "model file is corrupted (its weights do not match the checksum in its header)"
            ),
        }
    }
}

impl std::error::Error for ModelError {}

/// Weights as stored (quantized) or as trained (float).
#[derive(Copy, Clone)]
pub(crate) enum Table<'a> {
    Quantized(&'a [i16]),
    Float(&'a [f32]),
}

impl Table<'_> {
    #[inline]
    fn emissions(self, feats: &[u32], out: &mut [f32; NUM_TAGS]) {
        match self {
            Table::Quantized(w) => {
                let mut acc = [0i32; NUM_TAGS];
                for &f in feats {
                    let base = f as usize * NUM_TAGS;
                    if let Some(row) = w.get(base..base + NUM_TAGS) {
                        for (a, &x) in acc.iter_mut().zip(row) {
                            *a += i32::from(x);
                        }
                    }
                }
                for (o, a) in out.iter_mut().zip(acc) {
                    *o = a as f32;
                }
            }
            Table::Float(w) => {
                *out = [0.0; NUM_TAGS];
                for &f in feats {
                    let base = f as usize * NUM_TAGS;
                    if let Some(row) = w.get(base..base + NUM_TAGS) {
                        for (a, &x) in out.iter_mut().zip(row) {
                            *a += x;
                        }
                    }
                }
            }
        }
    }
}

/// Which tags may precede each tag (BILOU constraints), as short lists so
/// Viterbi only visits admissible transitions (97 of 289).
struct Admissible {
    predecessors: [[u8; NUM_TAGS]; NUM_TAGS],
    counts: [usize; NUM_TAGS],
    can_start: [bool; NUM_TAGS],
}

fn admissible() -> &'static Admissible {
    static TABLE: OnceLock<Admissible> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut a = Admissible {
            predecessors: [[0; NUM_TAGS]; NUM_TAGS],
            counts: [0; NUM_TAGS],
            can_start: [false; NUM_TAGS],
        };
        for next in 0..NUM_TAGS {
            a.can_start[next] = tags::allowed(None, next as u8);
            for prev in 0..NUM_TAGS {
                if tags::allowed(Some(prev as u8), next as u8) {
                    a.predecessors[next][a.counts[next]] = prev as u8;
                    a.counts[next] += 1;
                }
            }
        }
        a
    })
}

/// Reusable buffers for tagging one sentence.
#[derive(Default)]
pub(crate) struct Scratch {
    feats: Vec<u32>,
    offsets: Vec<usize>,
    emissions: Vec<[f32; NUM_TAGS]>,
    back: Vec<[u8; NUM_TAGS]>,
}

/// Appends the best BILOU-valid tag sequence for `emissions` to `out`.
/// `trans` is `[prev][next]` with row `NUM_TAGS` for the sentence start.
pub(crate) fn viterbi(
    emissions: &[[f32; NUM_TAGS]],
    trans: &[f32],
    back: &mut Vec<[u8; NUM_TAGS]>,
    out: &mut Vec<u8>,
) {
    let admissible = admissible();
    let n = emissions.len();
    if n == 0 || trans.len() < TRANS_LEN {
        out.resize(out.len() + n, 0);
        return;
    }
    back.clear();
    back.resize(n, [0; NUM_TAGS]);
    let mut score = [f32::NEG_INFINITY; NUM_TAGS];
    for (next, s) in score.iter_mut().enumerate() {
        if admissible.can_start[next] {
            *s = trans[NUM_TAGS * NUM_TAGS + next] + emissions[0][next];
        }
    }
    for j in 1..n {
        let mut fresh = [f32::NEG_INFINITY; NUM_TAGS];
        for (next, slot) in fresh.iter_mut().enumerate() {
            let predecessors = &admissible.predecessors[next][..admissible.counts[next]];
            let mut best = f32::NEG_INFINITY;
            let mut arg = predecessors[0];
            for &prev in predecessors {
                let v = score[prev as usize] + trans[prev as usize * NUM_TAGS + next];
                if v > best {
                    best = v;
                    arg = prev;
                }
            }
            *slot = best + emissions[j][next];
            back[j][next] = arg;
        }
        score = fresh;
    }
    let mut best = f32::NEG_INFINITY;
    let mut last = 0u8;
    for (tag, &s) in score.iter().enumerate() {
        if can_end(tag as u8) && s > best {
            best = s;
            last = tag as u8;
        }
    }
    let start = out.len();
    out.resize(start + n, 0);
    out[start + n - 1] = last;
    for j in (1..n).rev() {
        last = back[j][last as usize];
        out[start + j - 1] = last;
    }
}

/// The two stages' weights and transitions, float or quantized.
pub(crate) struct Tagger<'a> {
    pub stage1: Table<'a>,
    pub stage2: Option<Table<'a>>,
    pub trans1: &'a [f32],
    pub trans2: &'a [f32],
    pub extractor: Extractor,
}

impl Tagger<'_> {
    /// Features of every token of sentence `s`, flattened into `scratch`.
    pub(crate) fn sentence_features(
        &self,
        p: &PreparedDoc,
        s: usize,
        stage2: Option<&Stage2<'_>>,
        scratch: &mut Scratch,
    ) {
        scratch.feats.clear();
        scratch.offsets.clear();
        scratch.offsets.push(0);
        for i in p.sentences[s].clone() {
            self.extractor.extract(p, s, i, stage2, &mut scratch.feats);
            scratch.offsets.push(scratch.feats.len());
        }
    }

    fn tag_stage(
        &self,
        p: &PreparedDoc,
        table: Table<'_>,
        trans: &[f32],
        stage2: Option<&Stage2<'_>>,
        scratch: &mut Scratch,
    ) -> Vec<u8> {
        let mut out = Vec::with_capacity(p.tokens.len());
        for s in 0..p.sentences.len() {
            if let Some(s2) = stage2 {
                // A sentence where stage one found nothing and no word was
                // ever tagged elsewhere gives stage two nothing to revise:
                // keep stage one's answer and save half the work.
                let range = p.sentences[s].clone();
                let quiet = range.clone().all(|i| {
                    let label = s2.labels[i];
                    s2.tags[i] == 0 && label.mask & !1 == 0 && label.in_long_name == 0
                });
                if quiet {
                    out.extend_from_slice(&s2.tags[range]);
                    continue;
                }
            }
            self.sentence_features(p, s, stage2, scratch);
            let n = scratch.offsets.len() - 1;
            scratch.emissions.clear();
            scratch.emissions.resize(n, [0.0; NUM_TAGS]);
            for j in 0..n {
                let feats = &scratch.feats[scratch.offsets[j]..scratch.offsets[j + 1]];
                table.emissions(feats, &mut scratch.emissions[j]);
            }
            viterbi(&scratch.emissions, trans, &mut scratch.back, &mut out);
        }
        out
    }

    /// Stage-one tags of a whole document.
    pub(crate) fn tag_stage1(&self, p: &PreparedDoc, scratch: &mut Scratch) -> Vec<u8> {
        self.tag_stage(p, self.stage1, self.trans1, None, scratch)
    }

    /// Final tags: stage two over stage one's output (stage one alone when
    /// there is no second table).
    pub(crate) fn tag(&self, p: &PreparedDoc, scratch: &mut Scratch) -> Vec<u8> {
        let first = self.tag_stage1(p, scratch);
        match self.stage2 {
            None => first,
            Some(table) => self.tag_stage2(p, table, &first, scratch),
        }
    }

    pub(crate) fn tag_stage2(
        &self,
        p: &PreparedDoc,
        table: Table<'_>,
        first: &[u8],
        scratch: &mut Scratch,
    ) -> Vec<u8> {
        let labels = doc_labels(p, first);
        let s2 = Stage2 {
            tags: first,
            labels: &labels,
        };
        self.tag_stage(p, table, self.trans2, Some(&s2), scratch)
    }
}

/// A fingerprint of the built-in gazetteer text. Lexicon flags are
/// features, so a model trained on other lists silently loses accuracy:
/// the fingerprint in the model file lets `eval` and the quality gate say
/// "retrain".
pub fn gazetteer_fingerprint() -> u32 {
    let s = crate::knowledge::Sources::builtin();
    let mut h = 0x6761_7a65u64;
    for text in [
        s.places,
        s.demonyms,
        s.groups,
        s.organizations,
        s.titles,
        s.given_names,
        s.surnames,
        s.org_suffixes,
        s.place_words,
        s.common_words,
        crate::knowledge::clusters::BUILTIN,
    ] {
        for chunk in text.as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        h = (h.rotate_left(5) ^ text.len() as u64).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    (h >> 32) as u32 ^ h as u32
}

/// The trained recognizer, loaded from model bytes.
pub struct ModelRecognizer {
    bits: u32,
    gazetteer: u32,
    weights: Vec<i16>,
    trans1: Vec<f32>,
    trans2: Vec<f32>,
}

static BUILTIN_BYTES: &[u8] = include_bytes!("../../../models/ner.bin");

impl ModelRecognizer {
    /// The model embedded in the binary, parsed once on first use; `None`
    /// when the embedded file is missing or stale (then callers fall back to
    /// the rules).
    pub fn builtin() -> Option<&'static ModelRecognizer> {
        static MODEL: OnceLock<Option<ModelRecognizer>> = OnceLock::new();
        MODEL
            .get_or_init(|| ModelRecognizer::from_bytes(BUILTIN_BYTES).ok())
            .as_ref()
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<ModelRecognizer, ModelError> {
        if bytes.len() < HEADER_LEN {
            return Err(ModelError::Truncated);
        }
        if &bytes[..8] != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let word = |k: usize| {
            let at = 8 + 4 * k;
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let (version, bits, num_tags, gazetteer, checksum) =
            (word(0), word(1), word(2), word(3), word(4));
        if version != FEATURE_VERSION {
            return Err(ModelError::Version {
                found: version,
                expected: FEATURE_VERSION,
            });
        }
        if num_tags as usize != NUM_TAGS || !(8..=26).contains(&bits) {
            return Err(ModelError::BadShape);
        }
        let rows = 1usize << bits;
        let total = 2 * TRANS_LEN + rows * NUM_TAGS;
        let body = &bytes[HEADER_LEN..];
        if body.len() != total * 2 {
            return Err(ModelError::Truncated);
        }
        if crc32fast::hash(body) != checksum {
            return Err(ModelError::Checksum);
        }
        let mut values = body
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]));
        let trans1: Vec<f32> = values.by_ref().take(TRANS_LEN).map(f32::from).collect();
        let trans2: Vec<f32> = values.by_ref().take(TRANS_LEN).map(f32::from).collect();
        let weights: Vec<i16> = values.collect();
        Ok(ModelRecognizer {
            bits,
            gazetteer,
            weights,
            trans1,
            trans2,
        })
    }

    /// Whether the model was trained on the gazetteer compiled into this
    /// binary (if not, retrain with `scripts/train-model.sh`).
    pub fn matches_gazetteer(&self) -> bool {
        self.gazetteer == gazetteer_fingerprint()
    }

    fn tagger(&self) -> Tagger<'_> {
        let table = Table::Quantized(&self.weights);
        Tagger {
            stage1: table,
            stage2: Some(table),
            trans1: &self.trans1,
            trans2: &self.trans2,
            extractor: Extractor { bits: self.bits },
        }
    }
}

/// Serialises trained float weights into the model file format, quantizing
/// to i16 with one scale (the argmax does not care about the scale).
pub(crate) fn encode_model(bits: u32, weights: &[f32], trans1: &[f32], trans2: &[f32]) -> Vec<u8> {
    let max = weights
        .iter()
        .chain(trans1)
        .chain(trans2)
        .fold(0f32, |m, &x| m.max(x.abs()));
    let scale = if max > 0.0 { 32767.0 / max } else { 1.0 };
    let mut body = Vec::with_capacity(2 * (weights.len() + 2 * TRANS_LEN));
    for &x in trans1.iter().chain(trans2).chain(weights) {
        let q = (x * scale).round().clamp(-32767.0, 32767.0) as i16;
        body.extend_from_slice(&q.to_le_bytes());
    }
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    for word in [
        FEATURE_VERSION,
        bits,
        NUM_TAGS as u32,
        gazetteer_fingerprint(),
        crc32fast::hash(&body),
    ] {
        out.extend_from_slice(&word.to_le_bytes());
    }
    out.extend_from_slice(&body);
    out
}

fn kind_of(entity_type: u8) -> Option<EntityKind> {
    match entity_type {
        TYPE_PERSON => Some(EntityKind::Person),
        TYPE_ORGANIZATION => Some(EntityKind::Organization),
        TYPE_PLACE => Some(EntityKind::Place),
        _ => None,
    }
}

fn is_possessive(word: &str) -> bool {
    matches!(word, "'s" | "’s" | "'S" | "’S" | "'" | "’")
}

fn is_determiner(word: &str) -> bool {
    word.eq_ignore_ascii_case("the")
}

/// Candidates from final tags: spans trimmed to the name alone, MISC kept
/// only when it is a known demonym or ethnonym (then it is a group).
pub(crate) fn candidates(doc: &Document<'_>, knowledge: &Knowledge, tags: &[u8]) -> Vec<Candidate> {
    let mut out = Vec::new();
    // `prepare` skips no sentence of a tokenizer-made document, so tags line
    // up with tokens; guard anyway so a mismatch can never index out of range.
    if tags.len() != doc.tokens.len() {
        return out;
    }
    for (range, entity_type) in tags::decode(tags) {
        let (mut first, mut end) = (range.start, range.end);
        while end > first + 1 && is_possessive(doc.token_text(end - 1)) {
            end -= 1;
        }
        while end > first + 1 {
            let word = doc.token_text(first);
            if is_determiner(word) || knowledge.word_flags(word).contains(LexFlags::TITLE) {
                first += 1;
            } else {
                break;
            }
        }
        let span = doc.tokens_span(first, end);
        let kind = if entity_type == TYPE_MISC {
            let text = span.text(doc.text);
            let flags = knowledge
                .lookup(text)
                .map_or_else(|| knowledge.word_flags(text), |e| e.flags);
            if flags.intersects(LexFlags::DEMONYM | LexFlags::GROUP) {
                EntityKind::Group
            } else {
                continue;
            }
        } else {
            match kind_of(entity_type) {
                Some(kind) => kind,
                None => continue,
            }
        };
        out.push(Candidate {
            tokens: first..end,
            span,
            kind,
        });
    }
    out
}

impl Recognizer for ModelRecognizer {
    fn recognize(&self, doc: &Document<'_>, knowledge: &Knowledge) -> Vec<Candidate> {
        let prepared = prepare(doc, knowledge);
        let mut scratch = Scratch::default();
        let tags = self.tagger().tag(&prepared, &mut scratch);
        candidates(doc, knowledge, &tags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{tokenize, TextFormat};

    #[test]
    fn a_flipped_weight_fails_the_checksum() {
        let mut bytes = BUILTIN_BYTES.to_vec();
        let middle = HEADER_LEN + (bytes.len() - HEADER_LEN) / 2;
        bytes[middle] ^= 0x01;
        assert_eq!(
            ModelRecognizer::from_bytes(&bytes).err(),
            Some(ModelError::Checksum)
        );
    }

    #[test]
    fn embedded_model_finds_names_alone() {
        let Some(model) = ModelRecognizer::builtin() else {
            panic!("models/ner.bin must hold a model this code can read");
        };
        let text = "President Amadou Toumani Touré met the leaders of the United Nations in Bamako on Tuesday. Touré's visit to Mali lasted two days.";
        let doc = tokenize(text, TextFormat::Plain);
        let found: Vec<_> = model
            .recognize(&doc, Knowledge::builtin())
            .into_iter()
            .map(|c| (c.span.text(text), c.kind))
            .collect();
        assert!(
            found.contains(&("Amadou Toumani Touré", EntityKind::Person)),
            "{found:?}"
        );
        assert!(found.contains(&("Bamako", EntityKind::Place)), "{found:?}");
        assert!(found.contains(&("Touré", EntityKind::Person)), "{found:?}");
        assert!(found.contains(&("Mali", EntityKind::Place)), "{found:?}");
    }

    #[test]
    fn rejects_garbage_and_round_trips_a_model() {
        assert_eq!(
            ModelRecognizer::from_bytes(b"nope").err(),
            Some(ModelError::Truncated)
        );
        let bits = 8;
        let weights = vec![0.5f32; (1 << bits) * NUM_TAGS];
        let trans = vec![0.0f32; TRANS_LEN];
        let bytes = encode_model(bits, &weights, &trans, &trans);
        let model = ModelRecognizer::from_bytes(&bytes).expect("valid model");
        assert_eq!(model.weights.len(), weights.len());
        assert!(model.matches_gazetteer());
        assert!(ModelRecognizer::from_bytes(&bytes[..bytes.len() - 2]).is_err());
        // A degenerate model must still produce well-formed output.
        let text = "Amadou Touré visited Bamako.";
        let doc = tokenize(text, TextFormat::Plain);
        let out = model.recognize(&doc, Knowledge::builtin());
        for pair in out.windows(2) {
            assert!(pair[0].span.end <= pair[1].span.start);
        }
    }
}
