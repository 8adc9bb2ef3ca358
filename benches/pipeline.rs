//! Throughput of the full pipeline (`analyze`: tokenize, recognize with the
//! embedded model, resolve, diagnose) on one thread, in words per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dramatis::{analyze, default_recognizer, Config, Knowledge, TextFormat};

const CORPUS: &str = include_str!("corpus/chronicle.txt");

fn pipeline(c: &mut Criterion) {
    let config = Config::default();
    let knowledge = Knowledge::builtin();
    let recognizer = default_recognizer();
    // Load the model and knowledge outside the measurement.
    let _ = analyze(CORPUS, TextFormat::Plain, &config, knowledge, recognizer);
    let words = CORPUS.split_whitespace().count() as u64;
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Elements(words));
    group.bench_function("analyze chronicle.txt (words)", |b| {
        b.iter(|| {
            analyze(
                std::hint::black_box(CORPUS),
                TextFormat::Plain,
                &config,
                knowledge,
                recognizer,
            )
        })
    });
    // The shape that used to be quadratic: a thousand people sharing one
    // surname, each followed by the bare surname.
    let smiths = shared_surname_text(1000);
    group.throughput(Throughput::Elements(
        smiths.split_whitespace().count() as u64
    ));
    group.bench_function("analyze 1,000 Smiths (words)", |b| {
        b.iter(|| {
            analyze(
                std::hint::black_box(&smiths),
                TextFormat::Plain,
                &config,
                knowledge,
                recognizer,
            )
        })
    });
    group.finish();
}

/// `people` lines "Given Smith met the minister in Berlin. Smith said it
/// went well.", each with a different made-up given name.
fn shared_surname_text(people: usize) -> String {
    const SYLLABLES: [&str; 12] = [
        "ba", "ko", "mi", "ra", "te", "lu", "na", "si", "do", "fe", "gu", "ho",
    ];
    (0..people)
        .map(|i| {
            let given: String = [i % 12, i / 12 % 12, i / 144 % 12]
                .iter()
                .map(|&s| SYLLABLES[s])
                .collect();
            let mut given = given.chars();
            let first = given.next().map(|c| c.to_ascii_uppercase());
            let given: String = first.into_iter().chain(given).collect();
            format!("{given} Smith met the minister in Berlin. Smith said it went well.\n")
        })
        .collect()
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
