//! Training: an averaged structured perceptron (Collins 2002) with Viterbi
//! decoding, run twice. Stage two's features include stage one's tags; the
//! stage-one tags it trains on come from two half-data models, each tagging
//! the half it did not see (jackknifing), so that stage two learns how far
//! to trust stage one on unseen text rather than on memorised text.
//!
//! Pure and deterministic: the only randomness is a seeded shuffle, and no
//! hash-map iteration order reaches the weights.

use std::ops::Range;

use super::features::{doc_labels, prepare, DocLabel, Extractor, PreparedDoc, Stage2};
use super::tags::{self, NUM_TAGS, TYPE_MISC, TYPE_ORGANIZATION, TYPE_PERSON, TYPE_PLACE};
use super::{encode_model, viterbi, ModelRecognizer, Scratch, Table, Tagger, TRANS_LEN};
use crate::analysis::EntityKind;
use crate::knowledge::Knowledge;
use crate::text::{tokenize, Span, TextFormat};

/// One training (or development) document: token summaries and gold tags.
pub struct TrainDoc {
    prepared: PreparedDoc,
    gold: Vec<u8>,
    /// Documents sharing a group (an original and its case-changed copies)
    /// always land in the same jackknife fold.
    group: usize,
    /// The gold marks only person, organization and place (and group): a
    /// name of another sort (an event, a work, a product) is unmarked, so
    /// an `O` here may be MISC and predicting MISC on it is no error.
    misc_unannotated: bool,
}

/// Gold names that could not be mapped onto whole tokens of one sentence.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Projection {
    pub spans: usize,
    pub unaligned: usize,
    pub nested: usize,
}

impl TrainDoc {
    /// Tokenizes `text` with the run-time tokenizer and projects the gold
    /// byte spans onto its tokens. `None` as kind means a name of no scored
    /// kind (CoNLL MISC), learned so that it is not mistaken for the others.
    pub fn new(
        text: &str,
        spans: &[(Span, Option<EntityKind>)],
        knowledge: &Knowledge,
        group: usize,
    ) -> (TrainDoc, Projection) {
        let doc = tokenize(text, TextFormat::Plain);
        let mut stats = Projection {
            spans: spans.len(),
            ..Projection::default()
        };
        // Flat tags cannot nest: the longer name wins, then the earlier.
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_by_key(|&k| (std::cmp::Reverse(spans[k].0.len()), spans[k].0.start, k));
        let mut taken: Vec<(Range<usize>, u8)> = Vec::new();
        for k in order {
            let (span, kind) = spans[k];
            let first = doc.token_at_or_after(span.start.to_usize());
            let mut end = first;
            while end < doc.tokens.len() && doc.tokens[end].span.end <= span.end {
                end += 1;
            }
            let aligned = end > first
                && doc.tokens[first].span.start == span.start
                && doc.tokens[end - 1].span.end == span.end
                && doc.tokens[first].sentence == doc.tokens[end - 1].sentence;
            if !aligned {
                stats.unaligned += 1;
                continue;
            }
            if taken.iter().any(|(r, _)| r.start < end && first < r.end) {
                stats.nested += 1;
                continue;
            }
            let entity_type = match kind {
                Some(EntityKind::Person) => TYPE_PERSON,
                Some(EntityKind::Organization) => TYPE_ORGANIZATION,
                Some(EntityKind::Place) => TYPE_PLACE,
                Some(EntityKind::Group) | None => TYPE_MISC,
            };
            taken.push((first..end, entity_type));
        }
        taken.sort_by_key(|(r, _)| r.start);
        let gold = tags::encode(doc.tokens.len(), &taken);
        let prepared = prepare(&doc, knowledge);
        (
            TrainDoc {
                prepared,
                gold,
                group,
                misc_unannotated: false,
            },
            stats,
        )
    }

    pub fn tokens(&self) -> usize {
        self.gold.len()
    }

    /// Marks the document's gold as silent about MISC (see the field).
    pub fn with_misc_unannotated(mut self) -> TrainDoc {
        self.misc_unannotated = true;
        self
    }
}

#[derive(Clone, Debug)]
pub struct TrainOptions {
    pub epochs: usize,
    pub seed: u64,
    /// log2 of the number of hashed feature rows.
    pub bits: u32,
    /// Chance that a token's own word features (the word and its lower-cased
    /// form) are hidden for one update, so that the model also learns to name
    /// words from their context, shape and lexicon flags: what it must do on
    /// every name it never saw.
    pub word_dropout: f64,
    /// Models trained (seeds `seed`, `seed + 1`, …) and averaged into one.
    pub ensemble: usize,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 8,
            seed: 1,
            bits: 19,
            word_dropout: 0.0,
            ensemble: 1,
        }
    }
}

/// Exact-span scores over person, organization and place.
#[derive(Copy, Clone, Debug, Default, PartialEq)]
pub struct SpanScore {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl SpanScore {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, gold: &[u8], predicted: &[u8]) {
        let scored = |t: &(Range<usize>, u8)| t.1 != TYPE_MISC;
        let g: Vec<_> = tags::decode(gold).into_iter().filter(scored).collect();
        let p: Vec<_> = tags::decode(predicted).into_iter().filter(scored).collect();
        self.gold += g.len();
        self.predicted += p.len();
        self.correct += p.iter().filter(|x| g.contains(x)).count();
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// What training reports as it goes.
pub enum Event<'a> {
    /// A new phase starts: `sentences` per epoch, `epochs` epochs.
    Phase {
        name: &'a str,
        epochs: usize,
        sentences: usize,
    },
    /// `n` more sentences processed.
    Progress(usize),
    /// An epoch ended; `dev` is the development score of the averaged weights.
    Epoch {
        name: &'a str,
        epoch: usize,
        errors: usize,
        dev: Option<SpanScore>,
    },
    /// The final, quantized model's development score.
    Final(Option<SpanScore>),
}

/// Seeded SplitMix64: small, portable, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Features of a whole document, computed once per stage.
struct Cached {
    feats: Vec<u32>,
    /// Per token, start into `feats` (`tokens + 1` entries).
    offsets: Vec<u32>,
}

fn cache(extractor: &Extractor, p: &PreparedDoc, stage2: Option<&Stage2<'_>>) -> Cached {
    let mut feats = Vec::with_capacity(p.tokens.len() * 48);
    let mut offsets = Vec::with_capacity(p.tokens.len() + 1);
    offsets.push(0);
    for s in 0..p.sentences.len() {
        for i in p.sentences[s].clone() {
            extractor.extract(p, s, i, stage2, &mut feats);
            offsets.push(feats.len() as u32);
        }
    }
    Cached { feats, offsets }
}

/// Token `i`'s features; with `hide_word`, without its word identity
/// (positions 1 and 2 of what `Extractor::extract` pushes: word, lower-cased
/// word).
fn token_features<'c>(
    cached: &'c Cached,
    i: usize,
    hide_word: bool,
    kept: &'c mut Vec<u32>,
) -> &'c [u32] {
    let feats = &cached.feats[cached.offsets[i] as usize..cached.offsets[i + 1] as usize];
    if !hide_word || feats.len() < 3 {
        return feats;
    }
    kept.clear();
    kept.push(feats[0]);
    kept.extend_from_slice(&feats[3..]);
    kept
}

struct Perceptron {
    weights: Vec<f32>,
    /// Sum of `c * update`, for averaging without copying weights each step.
    weighted: Vec<f32>,
    trans: Vec<f32>,
    trans_weighted: Vec<f32>,
    count: f32,
}

impl Perceptron {
    fn new(bits: u32) -> Self {
        let n = (1usize << bits) * NUM_TAGS;
        Perceptron {
            weights: vec![0.0; n],
            weighted: vec![0.0; n],
            trans: vec![0.0; TRANS_LEN],
            trans_weighted: vec![0.0; TRANS_LEN],
            count: 1.0,
        }
    }

    /// One sentence; returns whether the prediction was wrong.
    fn learn(
        &mut self,
        cached: &Cached,
        tokens: Range<usize>,
        doc: &TrainDoc,
        hidden: &[bool],
        scratch: &mut Scratch,
        predicted: &mut Vec<u8>,
    ) -> bool {
        let n = tokens.len();
        scratch.emissions.clear();
        scratch.emissions.resize(n, [0.0; NUM_TAGS]);
        let table = Table::Float(&self.weights);
        let mut kept = Vec::new();
        for (j, i) in tokens.clone().enumerate() {
            let feats = token_features(cached, i, hidden.get(j) == Some(&true), &mut kept);
            table.emissions(feats, &mut scratch.emissions[j]);
        }
        predicted.clear();
        viterbi(
            &scratch.emissions,
            &self.trans,
            &mut scratch.back,
            predicted,
        );
        let misc_unannotated = doc.misc_unannotated;
        let mut gold = &doc.gold[tokens.clone()];
        let mut target = Vec::new();
        if misc_unannotated && predicted.as_slice() != gold && gold.contains(&0) {
            // The best sequence the gold allows, with any unmarked stretch
            // free to be MISC: learn towards that instead of towards `O`.
            let mut masked = scratch.emissions.clone();
            for (row, &g) in masked.iter_mut().zip(gold) {
                for (tag, score) in row.iter_mut().enumerate() {
                    let allowed = if g == 0 {
                        tag == 0 || tags::coarse(tag as u8) == TYPE_MISC + 1
                    } else {
                        tag == g as usize
                    };
                    if !allowed {
                        *score = -1e30;
                    }
                }
            }
            viterbi(&masked, &self.trans, &mut scratch.back, &mut target);
            if target.len() == gold.len() {
                gold = &target;
            }
        }
        let wrong = predicted.as_slice() != gold;
        if wrong {
            let c = self.count;
            for (j, i) in tokens.enumerate() {
                let (g, p) = (gold[j] as usize, predicted[j] as usize);
                if g != p {
                    let feats = token_features(cached, i, hidden.get(j) == Some(&true), &mut kept);
                    for &f in feats {
                        let base = f as usize * NUM_TAGS;
                        self.weights[base + g] += 1.0;
                        self.weighted[base + g] += c;
                        self.weights[base + p] -= 1.0;
                        self.weighted[base + p] -= c;
                    }
                }
                let gp = if j == 0 {
                    NUM_TAGS
                } else {
                    gold[j - 1] as usize
                };
                let pp = if j == 0 {
                    NUM_TAGS
                } else {
                    predicted[j - 1] as usize
                };
                if (gp, g) != (pp, p) {
                    self.trans[gp * NUM_TAGS + g] += 1.0;
                    self.trans_weighted[gp * NUM_TAGS + g] += c;
                    self.trans[pp * NUM_TAGS + p] -= 1.0;
                    self.trans_weighted[pp * NUM_TAGS + p] -= c;
                }
            }
        }
        self.count += 1.0;
        wrong
    }

    fn averaged(&self) -> (Vec<f32>, Vec<f32>) {
        let c = self.count;
        let avg = |w: &[f32], u: &[f32]| -> Vec<f32> {
            w.iter().zip(u).map(|(&w, &u)| w - u / c).collect()
        };
        (
            avg(&self.weights, &self.weighted),
            avg(&self.trans, &self.trans_weighted),
        )
    }
}

/// Scores averaged weights and transitions on the development documents.
type DevScorer<'s> = &'s mut dyn FnMut(&[f32], &[f32]) -> SpanScore;

struct Phase<'a> {
    name: &'a str,
    docs: Vec<usize>,
}

/// Trains one stage on the listed documents; after each epoch scores the
/// averaged weights on `dev` through `score_dev`.
#[allow(clippy::too_many_arguments)]
fn run_phase(
    phase: &Phase<'_>,
    docs: &[TrainDoc],
    cached: &[Cached],
    options: &TrainOptions,
    rng: &mut Rng,
    on_event: &mut dyn FnMut(Event<'_>),
    mut score_dev: Option<DevScorer<'_>>,
) -> (Vec<f32>, Vec<f32>) {
    let mut units: Vec<(usize, usize)> = phase
        .docs
        .iter()
        .flat_map(|&d| (0..docs[d].prepared.sentences.len()).map(move |s| (d, s)))
        .collect();
    on_event(Event::Phase {
        name: phase.name,
        epochs: options.epochs,
        sentences: units.len(),
    });
    let mut model = Perceptron::new(options.bits);
    let mut scratch = Scratch::default();
    let mut predicted = Vec::new();
    let mut hidden = Vec::new();
    // Without dropout the generator is not drawn from, so older models
    // reproduce byte for byte.
    let threshold = (options.word_dropout.clamp(0.0, 1.0) * u64::MAX as f64) as u64;
    for epoch in 1..=options.epochs {
        rng.shuffle(&mut units);
        let mut errors = 0;
        for (k, &(d, s)) in units.iter().enumerate() {
            let doc = &docs[d];
            let tokens = doc.prepared.sentences[s].clone();
            hidden.clear();
            if threshold > 0 {
                hidden.extend(tokens.clone().map(|_| rng.next() < threshold));
            }
            if model.learn(
                &cached[d],
                tokens,
                doc,
                &hidden,
                &mut scratch,
                &mut predicted,
            ) {
                errors += 1;
            }
            if k % 1000 == 999 {
                on_event(Event::Progress(1000));
            }
        }
        on_event(Event::Progress(units.len() % 1000));
        let dev = match score_dev.as_mut() {
            Some(f) if epoch == options.epochs || epoch % 2 == 0 || epoch <= 2 => {
                let (w, t) = model.averaged();
                Some(f(&w, &t))
            }
            _ => None,
        };
        on_event(Event::Epoch {
            name: phase.name,
            epoch,
            errors,
            dev,
        });
    }
    model.averaged()
}

/// Trains both stages and returns the model file bytes.
pub fn train(
    docs: &[TrainDoc],
    dev: &[TrainDoc],
    options: &TrainOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Vec<u8> {
    let extractor = Extractor { bits: options.bits };
    let stage1_cache: Vec<Cached> = docs
        .iter()
        .map(|d| cache(&extractor, &d.prepared, None))
        .collect();
    // An ensemble of models that differ only in the order they saw the
    // data, averaged into one table of the same size: the perceptron's
    // result depends a lot on that order (GUM dev F1 moves by ±0.02 between
    // seeds), and the average is steadier and better than a typical member.
    let members = options.ensemble.max(1);
    let mut sum: Option<StageWeights> = None;
    for member in 0..members {
        let mut rng = Rng(options.seed.wrapping_add(member as u64));
        let w = train_stages(docs, dev, options, &stage1_cache, &mut rng, on_event);
        match sum.as_mut() {
            None => sum = Some(w),
            Some(total) => total.add(&w),
        }
    }
    let Some(mut weights) = sum else {
        return Vec::new();
    };
    weights.scale(1.0 / members as f32);
    let StageWeights { w1, t1, w2, t2 } = weights;
    let mut scratch = Scratch::default();

    // One shared table: the two stages' features are salted apart, so
    // summing them costs only hash collisions.
    let merged: Vec<f32> = w1.iter().zip(&w2).map(|(a, b)| a + b).collect();
    let bytes = encode_model(options.bits, &merged, &t1, &t2);
    let final_score = ModelRecognizer::from_bytes(&bytes).ok().and_then(|m| {
        (!dev.is_empty()).then(|| {
            let tagger = m.tagger();
            let mut score = SpanScore::default();
            for d in dev {
                score.add(&d.gold, &tagger.tag(&d.prepared, &mut scratch));
            }
            score
        })
    });
    on_event(Event::Final(final_score));
    bytes
}

/// Float weights of both stages, before they are merged and quantized.
struct StageWeights {
    w1: Vec<f32>,
    t1: Vec<f32>,
    w2: Vec<f32>,
    t2: Vec<f32>,
}

impl StageWeights {
    fn add(&mut self, other: &StageWeights) {
        for (mine, theirs) in [
            (&mut self.w1, &other.w1),
            (&mut self.t1, &other.t1),
            (&mut self.w2, &other.w2),
            (&mut self.t2, &other.t2),
        ] {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }

    fn scale(&mut self, factor: f32) {
        if factor == 1.0 {
            return;
        }
        for v in [&mut self.w1, &mut self.t1, &mut self.w2, &mut self.t2] {
            for a in v.iter_mut() {
                *a *= factor;
            }
        }
    }
}

/// One ensemble member: jackknifed stage one, stage one on everything,
/// stage two on the jackknifed tags.
fn train_stages(
    docs: &[TrainDoc],
    dev: &[TrainDoc],
    options: &TrainOptions,
    stage1_cache: &[Cached],
    rng: &mut Rng,
    on_event: &mut dyn FnMut(Event<'_>),
) -> StageWeights {
    let extractor = Extractor { bits: options.bits };
    let empty = vec![0f32; TRANS_LEN];
    // Jackknife: stage-one tags for every training document from a model
    // that never saw it.
    let mut jack: Vec<Vec<u8>> = vec![Vec::new(); docs.len()];
    let mut scratch = Scratch::default();
    for fold in 0..2 {
        let phase = Phase {
            name: if fold == 0 {
                "stage 1, fold A"
            } else {
                "stage 1, fold B"
            },
            docs: (0..docs.len())
                .filter(|&d| docs[d].group % 2 != fold)
                .collect(),
        };
        let (w, t) = run_phase(&phase, docs, stage1_cache, options, rng, on_event, None);
        let tagger = Tagger {
            stage1: Table::Float(&w),
            stage2: None,
            trans1: &t,
            trans2: &empty,
            extractor: Extractor { bits: options.bits },
        };
        for d in (0..docs.len()).filter(|&d| docs[d].group % 2 == fold) {
            jack[d] = tagger.tag_stage1(&docs[d].prepared, &mut scratch);
        }
    }

    let all = Phase {
        name: "stage 1",
        docs: (0..docs.len()).collect(),
    };
    let mut score_stage1 = |w: &[f32], t: &[f32]| -> SpanScore {
        let tagger = Tagger {
            stage1: Table::Float(w),
            stage2: None,
            trans1: t,
            trans2: &empty,
            extractor: Extractor { bits: options.bits },
        };
        let mut score = SpanScore::default();
        let mut scratch = Scratch::default();
        for d in dev {
            score.add(&d.gold, &tagger.tag_stage1(&d.prepared, &mut scratch));
        }
        score
    };
    let (w1, t1) = run_phase(
        &all,
        docs,
        stage1_cache,
        options,
        rng,
        on_event,
        (!dev.is_empty()).then_some(&mut score_stage1 as DevScorer<'_>),
    );

    // Stage two, on jackknifed stage-one tags.
    let labels: Vec<Vec<DocLabel>> = docs
        .iter()
        .zip(&jack)
        .map(|(d, j)| doc_labels(&d.prepared, j))
        .collect();
    let stage2_cache: Vec<Cached> = docs
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let s2 = Stage2 {
                tags: &jack[k],
                labels: &labels[k],
            };
            cache(&extractor, &d.prepared, Some(&s2))
        })
        .collect();
    let dev_first: Vec<Vec<u8>> = {
        let tagger = Tagger {
            stage1: Table::Float(&w1),
            stage2: None,
            trans1: &t1,
            trans2: &empty,
            extractor: Extractor { bits: options.bits },
        };
        dev.iter()
            .map(|d| tagger.tag_stage1(&d.prepared, &mut scratch))
            .collect()
    };
    let mut score_stage2 = |w: &[f32], t: &[f32]| -> SpanScore {
        let tagger = Tagger {
            stage1: Table::Float(&w1),
            stage2: Some(Table::Float(w)),
            trans1: &t1,
            trans2: t,
            extractor: Extractor { bits: options.bits },
        };
        let mut score = SpanScore::default();
        let mut scratch = Scratch::default();
        for (d, first) in dev.iter().zip(&dev_first) {
            let table = Table::Float(w);
            score.add(
                &d.gold,
                &tagger.tag_stage2(&d.prepared, table, first, &mut scratch),
            );
        }
        score
    };
    let phase2 = Phase {
        name: "stage 2",
        docs: (0..docs.len()).collect(),
    };
    let (w2, t2) = run_phase(
        &phase2,
        docs,
        &stage2_cache,
        options,
        rng,
        on_event,
        (!dev.is_empty()).then_some(&mut score_stage2 as DevScorer<'_>),
    );
    drop(stage2_cache);

    StageWeights { w1, t1, w2, t2 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::Recognizer;

    fn corpus(knowledge: &Knowledge) -> Vec<TrainDoc> {
        let people = [
            "Amadou Diarra",
            "Fatou Keita",
            "Moussa Traore",
            "Aminata Coulibaly",
        ];
        let places = ["Bamako", "Timbuktu", "Gao", "Mopti"];
        let mut docs = Vec::new();
        for (k, person) in people.iter().enumerate() {
            for (j, place) in places.iter().enumerate() {
                let text = format!("{person} visited {place} on Monday.\n\nThe trip was long.");
                let spans = vec![
                    (Span::new(0, person.len()), Some(EntityKind::Person)),
                    (
                        Span::new(person.len() + 9, person.len() + 9 + place.len()),
                        Some(EntityKind::Place),
                    ),
                ];
                docs.push(TrainDoc::new(&text, &spans, knowledge, k * 4 + j).0);
            }
        }
        docs
    }

    #[test]
    fn training_is_deterministic_and_learns_the_data() {
        let knowledge = Knowledge::builtin();
        let docs = corpus(knowledge);
        // Two ensemble members and word dropout: every source of
        // randomness is seeded.
        let options = TrainOptions {
            epochs: 3,
            seed: 7,
            bits: 10,
            word_dropout: 0.1,
            ensemble: 2,
        };
        let mut events = 0;
        let first = train(&docs, &docs[..2], &options, &mut |_| events += 1);
        let second = train(&docs, &[], &options, &mut |_| {});
        assert!(events > 0);
        assert_eq!(first, second, "same data and seed must give the same bytes");
        let model = ModelRecognizer::from_bytes(&first).expect("valid model");
        let text = "Fatou Keita visited Gao on Monday.";
        let doc = tokenize(text, TextFormat::Plain);
        let found: Vec<_> = model
            .recognize(&doc, knowledge)
            .into_iter()
            .map(|c| (c.span.text(text), c.kind))
            .collect();
        assert_eq!(
            found,
            vec![
                ("Fatou Keita", EntityKind::Person),
                ("Gao", EntityKind::Place)
            ]
        );
    }

    #[test]
    fn projection_counts_unaligned_and_nested_names() {
        let text = "Mali-based NGOs met in Boston Red Sox territory.";
        let spans = vec![
            (Span::new(0, 4), Some(EntityKind::Place)),
            (Span::new(23, 37), Some(EntityKind::Organization)),
            (Span::new(23, 29), Some(EntityKind::Place)),
        ];
        let (doc, stats) = TrainDoc::new(text, &spans, Knowledge::builtin(), 0);
        assert_eq!(stats.unaligned, 1);
        assert_eq!(stats.nested, 1);
        assert_eq!(tags::decode(&doc.gold), vec![(4..7, TYPE_ORGANIZATION)]);
    }
}
