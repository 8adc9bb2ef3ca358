//! Properties that hold for any text: the core never panics, and every span
//! it returns is a valid, ordered slice of the input.

use dramatis::{analyze, default_recognizer, Config, Knowledge, TextFormat};
use proptest::prelude::*;

fn check_invariants(text: &str, format: TextFormat) {
    let analysis = analyze(
        text,
        format,
        &Config::default(),
        Knowledge::builtin(),
        default_recognizer(),
    );
    let mut previous_end = 0;
    for (index, m) in analysis.mentions.iter().enumerate() {
        let range = m.span.range();
        assert!(
            range.start < range.end && range.end <= text.len(),
            "{range:?}"
        );
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        assert!(range.start >= previous_end, "mentions sorted and disjoint");
        previous_end = range.end;
        assert_eq!(m.id.0 as usize, index);
        let entity = analysis.entity(m.entity).expect("mention's entity exists");
        assert!(entity.mentions.contains(&m.id));
    }
    for e in &analysis.entities {
        assert!(analysis
            .mention(e.definition)
            .is_some_and(|d| d.entity == e.id));
    }
    for d in &analysis.diagnostics {
        let range = d.span.range();
        assert!(
            range.end <= text.len()
                && text.is_char_boundary(range.start)
                && text.is_char_boundary(range.end)
        );
    }
}

/// Prose-like strings: names, accents, acronyms, brackets, odd whitespace.
fn prose() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Touré",
        "Toure\u{301}",
        "MNLA",
        "(",
        ")",
        "National",
        "Movement",
        "for",
        "the",
        "Mali",
        "'s",
        ".",
        ",",
        " ",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "𝔄",
        "👩🏽‍⚕️",
        "İstanbul",
        "Mr.",
        "U.S.",
        "al-Qaeda",
        "`code`",
        "```",
        "# ",
        "- ",
        "http://x.org/a",
        "[a](b)",
        "<b>",
        "Amadou",
        "é",
        "\u{2028}",
        "\t",
        "ECOWAS",
        "Sanogo",
        "Gen.",
        "who",
        "-",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_prose_analyses_cleanly(text in prose()) {
        check_invariants(&text, TextFormat::Plain);
        check_invariants(&text, TextFormat::Markdown);
    }

    #[test]
    fn any_string_analyses_cleanly(text in "\\PC{0,200}") {
        check_invariants(&text, TextFormat::Plain);
    }
}
