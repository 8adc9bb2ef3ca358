//! Positions through the real server in both encodings: precomposed and
//! decomposed é, astral 𝔄, an emoji ZWJ sequence, CRLF and lone CR.

mod support;

use serde_json::{json, Value};
use support::{occurrences, offset, position, range, Server, Units};

const URI: &str = "file:///tmp/dramatis-test/positions.txt";
const NAME: &str = "Amadou Toumani Touré";

/// Every line puts awkward characters before the name; the lines end in
/// CRLF, lone CR and LF.
const TEXT: &str = "the café 👩🏽‍⚕️ and 𝔄 met Amadou Toumani Touré today.\r\n\
then e\u{301}te\u{301} we saw Amadou Toumani Touré again.\r\
we thank Amadou Toumani Touré.\n";

fn start(units: Units) -> Server {
    let offered: &[&str] = match units {
        Units::Utf8 => &["utf-8", "utf-16"],
        Units::Utf16 => &["utf-16"],
    };
    let (server, result) = Server::initialized(Some(offered), Value::Null);
    let expected = if units == Units::Utf8 {
        "utf-8"
    } else {
        "utf-16"
    };
    assert_eq!(result["capabilities"]["positionEncoding"], expected);
    server
}

/// Highlights of the name under the cursor must be exactly its occurrences.
fn check_highlights(server: &mut Server, text: &str, units: Units) {
    let names = occurrences(text, NAME);
    for &(s, e) in &names {
        // Cursor on the "é" of "Touré": the worst spot for a unit mix-up.
        let cursor = position(text, e - "é".len(), units);
        let highlights = server
            .at("textDocument/documentHighlight", URI, cursor)
            .expect("highlights");
        let ranges: Vec<Value> = highlights
            .as_array()
            .unwrap_or_else(|| panic!("no highlights at {cursor:?}"))
            .iter()
            .map(|h| h["range"].clone())
            .collect();
        let expected: Vec<Value> = names
            .iter()
            .map(|&(a, b)| range(text, a, b, units))
            .collect();
        assert_eq!(ranges, expected, "{units:?}");
        let hover = server.at("textDocument/hover", URI, cursor).expect("hover");
        assert_eq!(hover["range"], range(text, s, e, units), "{units:?}");
    }
}

/// Decodes semantic tokens into (line, start, length) triples.
fn token_spans(data: &[u32]) -> Vec<(u32, u32, u32)> {
    let (mut line, mut col) = (0, 0);
    data.chunks(5)
        .map(|t| {
            if t[0] > 0 {
                col = 0;
            }
            line += t[0];
            col += t[1];
            (line, col, t[2])
        })
        .collect()
}

fn check_tokens(server: &mut Server, text: &str, units: Units) {
    let tokens = server
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": URI}}),
        )
        .expect("tokens");
    let data: Vec<u32> = serde_json::from_value(tokens["data"].clone()).expect("data");
    let spans = token_spans(&data);
    for (s, e) in occurrences(text, NAME) {
        let (line, col) = position(text, s, units);
        let length = position(text, e, units).1 - col;
        assert!(
            spans.contains(&(line, col, length)),
            "{units:?}: {spans:?} lacks {line}:{col}+{length}"
        );
    }
}

#[test]
fn positions_in_both_encodings_survive_edits() {
    for units in [Units::Utf8, Units::Utf16] {
        let mut server = start(units);
        server.open(URI, 1, TEXT);
        check_highlights(&mut server, TEXT, units);
        check_tokens(&mut server, TEXT, units);

        // Insert more awkward text before the second name, at a position
        // computed in the negotiated units.
        let mut text = TEXT.to_string();
        let at = text.find("we saw").expect("anchor");
        let (line, col) = position(&text, at, units);
        let inserted = "ve\u{301}rite\u{301} 𝔄👩🏽‍⚕️ ";
        server.change(
            URI,
            2,
            json!([{"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}}, "text": inserted}]),
        );
        text.insert_str(at, inserted);
        // Replace the CRLF with a lone CR and the emoji with a word.
        let crlf = text.find("\r\n").expect("crlf");
        let (l0, c0) = position(&text, crlf, units);
        server.change(
            URI,
            3,
            json!([{"range": {"start": {"line": l0, "character": c0}, "end": {"line": l0 + 1, "character": 0}}, "text": "\r"}]),
        );
        text.replace_range(crlf..crlf + 2, "\r");
        let emoji = text.find("👩🏽‍⚕️").expect("emoji");
        let (l1, c1) = position(&text, emoji, units);
        let (l2, c2) = position(&text, emoji + "👩🏽‍⚕️".len(), units);
        server.change(
            URI,
            4,
            json!([{"range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}, "text": "nurse"}]),
        );
        text.replace_range(emoji..emoji + "👩🏽‍⚕️".len(), "nurse");

        check_highlights(&mut server, &text, units);
        check_tokens(&mut server, &text, units);
        assert!(server.shutdown().success());
    }
}

#[test]
fn out_of_range_positions_are_clamped() {
    for units in [Units::Utf8, Units::Utf16] {
        let mut server = start(units);
        server.open(URI, 1, TEXT);
        // Append past the end of line 2 (character far out) and past the
        // last line: both land at real places, neither kills the server.
        server.change(
            URI,
            2,
            json!([{"range": {"start": {"line": 2, "character": 999}, "end": {"line": 2, "character": 999}}, "text": " Thanks"}]),
        );
        server.change(
            URI,
            3,
            json!([{"range": {"start": {"line": 99, "character": 0}, "end": {"line": 99, "character": 5}}, "text": "end"}]),
        );
        let mut text = TEXT.to_string();
        let line_end = offset(&text, (2, 999), units);
        text.insert_str(line_end, " Thanks");
        text.push_str("end");
        check_highlights(&mut server, &text, units);
        // A position inside a surrogate pair / a multi-byte char, and one far
        // past everything, answer without error.
        for at in [(0, 19), (0, 10), (500, 500)] {
            server.at("textDocument/hover", URI, at).expect("no error");
        }
        assert!(server.shutdown().success());
    }
}

#[test]
fn encoding_falls_back_to_utf16() {
    for offered in [None, Some(&["utf-32"][..])] {
        let (server, result) = Server::initialized(offered, Value::Null);
        assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
        assert!(server.shutdown().success());
    }
}
