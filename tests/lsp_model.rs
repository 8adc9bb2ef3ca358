//! With the default (trained) recognizer, whatever it finds: every answer
//! must be consistent with the semantic tokens, in both encodings. Nothing
//! here depends on what exactly the model recognizes.

mod support;

use serde_json::{json, Value};
use support::{Server, Units};

const URI: &str = "file:///tmp/dramatis-test/model.md";

/// Written for these tests.
const TEXT: &str =
    "# Talks in Bamako\r\n\r\nPresident Amadou Toumani Touré met the leaders of the \
National Movement for the Liberation of Azawad (MNLA) in Bamako. The next day Touré said \
the MNLA had agreed to talks with ECOWAS.\r\n\r\nIn Kidal, the café 👩🏽‍⚕️ owner Aïcha \
Traoré told Reuters that e\u{301}lections would wait.\n";

fn decode(data: &[u64]) -> Vec<(u32, u32, u32, bool)> {
    let (mut line, mut col) = (0u32, 0u32);
    data.chunks(5)
        .map(|t| {
            if t[0] > 0 {
                col = 0;
            }
            line += t[0] as u32;
            col += t[1] as u32;
            (line, col, t[2] as u32, t[4] & 1 == 1)
        })
        .collect()
}

fn token_range((line, col, len, _): (u32, u32, u32, bool)) -> Value {
    json!({"start": {"line": line, "character": col}, "end": {"line": line, "character": col + len}})
}

#[test]
fn every_answer_agrees_with_the_tokens() {
    for units in [Units::Utf8, Units::Utf16] {
        let offered: &[&str] = if units == Units::Utf8 {
            &["utf-8"]
        } else {
            &["utf-16"]
        };
        let mut server = Server::start_with_env(&[("DRAMATIS_RECOGNIZER", "model")]);
        server.initialize(Some(offered), Value::Null);
        server.open(URI, 1, TEXT);
        server.diagnostics(URI, 1);
        let tokens = server
            .request(
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": URI}}),
            )
            .expect("tokens");
        let data: Vec<u64> = serde_json::from_value(tokens["data"].clone()).expect("data");
        let tokens = decode(&data);
        assert!(!tokens.is_empty(), "the model found nothing at all");
        let ranges: Vec<Value> = tokens.iter().map(|t| token_range(*t)).collect();
        for token in &tokens {
            let (line, col, len, _) = *token;
            let at = (line, col + len / 2);
            let hover = server.at("textDocument/hover", URI, at).expect("hover");
            assert_eq!(
                hover["range"],
                token_range(*token),
                "{units:?} hover at {at:?}"
            );
            let definition = server
                .at("textDocument/definition", URI, at)
                .expect("definition");
            assert!(
                ranges.contains(&definition["range"]),
                "{units:?}: {definition}"
            );
            let highlights = server
                .at("textDocument/documentHighlight", URI, at)
                .expect("highlights");
            let highlights = highlights.as_array().expect("highlights");
            assert!(highlights.iter().all(|h| ranges.contains(&h["range"])));
            // Exactly one highlight, the definition, is a write.
            let writes: Vec<&Value> = highlights.iter().filter(|h| h["kind"] == 3).collect();
            assert_eq!(writes.len(), 1);
            assert_eq!(writes[0]["range"], definition["range"]);
        }
        // Tokens flagged as declarations are exactly the definitions.
        let declarations = tokens.iter().filter(|t| t.3).count();
        let symbols = server
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": URI}}),
            )
            .expect("symbols");
        let entities: usize = symbols
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| g["children"].as_array().map_or(0, Vec::len))
            .sum();
        assert_eq!(declarations, entities);
        assert!(server.shutdown().success());
    }
}
