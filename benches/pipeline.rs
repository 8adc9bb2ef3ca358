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
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
