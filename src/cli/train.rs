//! `dramatis train`: reads CoNLL column files, standoff folders (JSON or
//! brat) and spaCy JSONL, trains the two-stage perceptron and writes the
//! model file.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use crate::corpus::{self, GoldDoc, Recase};
use crate::knowledge::Knowledge;
use crate::recognize::model::train::{self, Event, Projection, TrainDoc, TrainOptions};

#[derive(clap::Args)]
pub struct TrainArgs {
    /// CoNLL column file to train on (token first, IOB tag last); repeatable.
    #[arg(long, value_name = "FILE")]
    conll: Vec<PathBuf>,
    /// Standoff folder: doc.txt + doc.json with byte-offset mentions, or
    /// brat's doc.txt + doc.ann; repeatable.
    #[arg(long, value_name = "DIR")]
    standoff: Vec<PathBuf>,
    /// spaCy / Prodigy JSONL (`text`, `spans` with character offsets),
    /// learned like standoff data; repeatable.
    #[arg(long, value_name = "FILE")]
    spacy: Vec<PathBuf>,
    /// CoNLL development file, scored after epochs; repeatable.
    #[arg(long, value_name = "FILE")]
    dev_conll: Vec<PathBuf>,
    /// Standoff (JSON or brat) development folder; repeatable.
    #[arg(long, value_name = "DIR")]
    dev_standoff: Vec<PathBuf>,
    /// spaCy JSONL development file; repeatable.
    #[arg(long, value_name = "FILE")]
    dev_spacy: Vec<PathBuf>,
    #[arg(long, default_value_t = 8)]
    epochs: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// log2 of the number of hashed feature rows (model size ≈ 34 << bits bytes).
    #[arg(long, default_value_t = 19)]
    bits: u32,
    /// Fraction of training documents also learned upper-cased, and
    /// (separately drawn) lower-cased, so headlines and lower-case text work.
    #[arg(long, default_value_t = 0.2)]
    augment: f64,
    /// Learn each standoff document this many times per epoch: the
    /// multi-genre standoff data (GUM) is a fifth the size of CoNLL's news,
    /// and its genres are what users write.
    #[arg(long, default_value_t = 1, value_name = "N")]
    standoff_weight: usize,
    /// Treat unmarked words in standoff gold as possibly MISC (an event,
    /// a work): the standoff format has no such kind, so its silence is
    /// not evidence that a name is none.
    #[arg(long)]
    misc_unannotated: bool,
    /// Chance that a token's own word is hidden from one update, so that
    /// names are also learned from context, shape and lexicon: what unseen
    /// names need.
    #[arg(long, default_value_t = 0.0)]
    word_dropout: f64,
    /// Train this many models on differently shuffled data (seeds `seed`,
    /// `seed + 1`, …) and average them into one model of the same size.
    #[arg(long, default_value_t = 1)]
    ensemble: usize,
    /// Where to write the model. Required, so that the shipped
    /// `models/ner.bin` is replaced only when asked for by name.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

fn load(
    conll: &[PathBuf],
    standoff: &[PathBuf],
    spacy: &[PathBuf],
) -> anyhow::Result<Vec<GoldDoc>> {
    let mut docs = Vec::new();
    for path in conll {
        docs.extend(corpus::read_conll(path)?);
    }
    for path in standoff {
        docs.extend(corpus::read_folder(path)?);
    }
    for path in spacy {
        docs.extend(corpus::spacy::read(path)?);
    }
    Ok(docs)
}

/// A deterministic coin per (seed, document, salt), independent of order.
fn coin(seed: u64, index: usize, salt: u64, p: f64) -> bool {
    let mut z = seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ salt;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    ((z >> 11) as f64 / (1u64 << 53) as f64) < p
}

/// How the standoff documents, which come after the CoNLL ones, are learned.
#[derive(Copy, Clone)]
struct Standoff {
    /// Index of the first standoff document.
    first: usize,
    /// How many times each is learned per epoch.
    weight: usize,
    /// Their gold has no MISC kind, so unmarked names may be anything.
    misc_unannotated: bool,
}

impl Standoff {
    /// Every document treated alike (development data).
    const NONE: Standoff = Standoff {
        first: usize::MAX,
        weight: 1,
        misc_unannotated: false,
    };
}

/// Training documents with their case-changed copies. Copies of one
/// document share a jackknife group, so no stage-one model tags a document
/// it has seen.
fn prepare(
    docs: &[GoldDoc],
    standoff: Standoff,
    knowledge: &Knowledge,
    augment: f64,
    seed: u64,
) -> (Vec<TrainDoc>, Projection) {
    let mut out = Vec::new();
    let mut total = Projection::default();
    let mut add = |doc: &GoldDoc, group: usize, misc_unannotated: bool, out: &mut Vec<TrainDoc>| {
        let (mut train_doc, stats) = TrainDoc::new(&doc.text, &doc.span_pairs(), knowledge, group);
        if misc_unannotated {
            train_doc = train_doc.with_misc_unannotated();
        }
        total.spans += stats.spans;
        total.unaligned += stats.unaligned;
        total.nested += stats.nested;
        out.push(train_doc);
    };
    for (k, doc) in docs.iter().enumerate() {
        let is_standoff = k >= standoff.first;
        let misc = is_standoff && standoff.misc_unannotated;
        let repeats = if is_standoff {
            standoff.weight.max(1)
        } else {
            1
        };
        for _ in 0..repeats {
            add(doc, k, misc, &mut out);
        }
        if coin(seed, k, 0x5550, augment) {
            add(&corpus::recase(doc, Recase::Upper), k, misc, &mut out);
        }
        if coin(seed, k, 0x4c4f, augment) {
            add(&corpus::recase(doc, Recase::Lower), k, misc, &mut out);
        }
    }
    (out, total)
}

pub fn run(args: &TrainArgs) -> anyhow::Result<ExitCode> {
    if args.conll.is_empty() && args.standoff.is_empty() && args.spacy.is_empty() {
        anyhow::bail!("nothing to train on: give --conll FILE, --standoff DIR or --spacy FILE");
    }
    if !(8..=24).contains(&args.bits) {
        anyhow::bail!("--bits must be between 8 and 24");
    }
    let started = Instant::now();
    let knowledge = Knowledge::builtin();
    let mut gold = load(&args.conll, &[], &[])?;
    let standoff = Standoff {
        first: gold.len(),
        weight: args.standoff_weight,
        misc_unannotated: args.misc_unannotated,
    };
    gold.extend(load(&[], &args.standoff, &args.spacy)?);
    let dev_gold = load(&args.dev_conll, &args.dev_standoff, &args.dev_spacy)?;
    let (docs, stats) = prepare(&gold, standoff, knowledge, args.augment, args.seed);
    let (dev, _) = prepare(&dev_gold, Standoff::NONE, knowledge, 0.0, args.seed);
    let tokens: usize = docs.iter().map(TrainDoc::tokens).sum();
    if tokens == 0 {
        let sources: Vec<String> = args
            .conll
            .iter()
            .chain(&args.standoff)
            .map(|p| p.display().to_string())
            .collect();
        anyhow::bail!(
            "no training text in {} ({} documents): nothing written to {}",
            sources.join(", "),
            gold.len(),
            args.out.display()
        );
    }
    eprintln!(
        "training on {} documents ({} with case-changed copies, {tokens} tokens); {} gold names, {} not on token boundaries, {} nested; dev: {} documents",
        gold.len(),
        docs.len(),
        stats.spans,
        stats.unaligned,
        stats.nested,
        dev.len()
    );
    let tty = std::io::stderr().is_terminal();
    let bar = if tty {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>18} [{bar:40}] {pos}/{len} sentences ({eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    // A hidden bar swallows println, so lines go straight to stderr off a TTY.
    let say = |line: String| {
        if tty {
            bar.println(line);
        } else {
            eprintln!("{line}");
        }
    };
    let mut on_event = |event: Event<'_>| match event {
        Event::Phase {
            name,
            epochs,
            sentences,
        } => {
            bar.set_message(name.to_string());
            bar.set_length((epochs * sentences) as u64);
            bar.set_position(0);
        }
        Event::Progress(n) => bar.inc(n as u64),
        Event::Epoch {
            name,
            epoch,
            errors,
            dev,
        } => {
            let dev = dev.map_or(String::new(), |s| {
                format!(
                    "  dev P {:.4} R {:.4} F1 {:.4}",
                    s.precision(),
                    s.recall(),
                    s.f1()
                )
            });
            say(format!(
                "{name} epoch {epoch}: {errors} sentences wrong{dev}  [{:.0}s]",
                started.elapsed().as_secs_f64()
            ));
        }
        Event::Final(score) => {
            if let Some(s) = score {
                say(format!(
                    "final quantized model: dev P {:.4} R {:.4} F1 {:.4}",
                    s.precision(),
                    s.recall(),
                    s.f1()
                ));
            }
        }
    };
    let options = TrainOptions {
        epochs: args.epochs,
        seed: args.seed,
        bits: args.bits,
        word_dropout: args.word_dropout,
        ensemble: args.ensemble,
    };
    let bytes = train::train(&docs, &dev, &options, &mut on_event);
    bar.finish_and_clear();
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&args.out, &bytes).with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "wrote {} ({:.1} MB) in {:.0}s",
        args.out.display(),
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
