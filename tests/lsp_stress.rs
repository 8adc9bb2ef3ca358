//! Hundreds of interleaved edits and requests: whatever order the server
//! runs its handlers in, the edited document must end up exactly like a
//! fresh open of the same text.

mod support;

use serde_json::{json, Value};
use support::{offset, position, Server, Units};

const EDITED: &str = "file:///tmp/dramatis-test/edited.txt";
const FRESH: &str = "file:///tmp/dramatis-test/fresh.txt";

const START: &str = "Amadou Toumani Touré met the National Movement for the Liberation of \
Azawad (MNLA) in Bamako.\r\nLater, Touré and the MNLA spoke in Kidal.\n";

const SNIPPETS: &[&str] = &[
    "Amadou Toumani Touré ",
    "Touré",
    "Toure\u{301} ",
    "é",
    "e\u{301}",
    "𝔄",
    "👩🏽‍⚕️",
    "\r\n",
    "\n",
    "\r",
    " MNLA ",
    "Bamako. ",
    "the ",
    "",
];

/// A tiny deterministic generator: the test must be reproducible.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn line_count(text: &str) -> u32 {
    position(text, text.len(), Units::Utf8).0 + 1
}

fn random_position(rng: &mut Lcg, text: &str) -> (u32, u32) {
    // Sometimes past the last line or past a line's end: clamping is part of
    // what must agree.
    let line = rng.below(u64::from(line_count(text)) + 1) as u32;
    let character = rng.below(90) as u32;
    (line, character)
}

fn pos_json((line, character): (u32, u32)) -> Value {
    json!({"line": line, "character": character})
}

/// Makes one random change; applies it to `text` as the protocol says.
fn random_change(rng: &mut Lcg, text: &mut String, units: Units) -> Value {
    let a = random_position(rng, text);
    // Mostly insertions and short deletions, now and then across a line end,
    // so the text grows to a few lines of names instead of vanishing.
    let b = match rng.below(10) {
        0..=5 => a,
        6..=8 => (a.0, a.1 + rng.below(8) as u32),
        _ => (a.0 + 1, rng.below(90) as u32),
    };
    let insert = if text.len() > 2500 {
        ""
    } else {
        SNIPPETS[rng.below(SNIPPETS.len() as u64) as usize]
    };
    let (x, y) = (offset(text, a, units), offset(text, b, units));
    let (start, end) = (x.min(y), x.max(y));
    text.replace_range(start..end, insert);
    json!({"range": {"start": pos_json(a), "end": pos_json(b)}, "text": insert})
}

fn without_uris(value: &Value, uri: &str) -> String {
    value.to_string().replace(uri, "URI")
}

fn run(units: Units, seed: u64, recognizer: &str) {
    let offered: &[&str] = match units {
        Units::Utf8 => &["utf-8"],
        Units::Utf16 => &["utf-16"],
    };
    let mut server = Server::start_with_env(&[("DRAMATIS_RECOGNIZER", recognizer)]);
    server.initialize(Some(offered), Value::Null);
    let mut rng = Lcg(seed);
    let mut text = START.to_string();
    server.open(EDITED, 1, &text);
    let mut version = 1;
    let mut pending = Vec::new();
    for round in 0..300 {
        let mut changes = vec![random_change(&mut rng, &mut text, units)];
        if rng.below(4) == 0 {
            changes.push(random_change(&mut rng, &mut text, units));
        }
        version += 1;
        server.change(EDITED, version, Value::Array(changes));
        if round % 2 == 0 {
            let at = random_position(&mut rng, &text);
            let method = [
                "textDocument/hover",
                "textDocument/documentHighlight",
                "textDocument/definition",
                "textDocument/prepareRename",
            ][rng.below(4) as usize];
            pending.push(server.send(method, support::at_params(EDITED, at)));
        }
        if round % 5 == 0 {
            let doc = json!({"textDocument": {"uri": EDITED}});
            let method = [
                "textDocument/documentSymbol",
                "textDocument/semanticTokens/full",
                "textDocument/codeLens",
            ][rng.below(3) as usize];
            pending.push(server.send(method, doc));
        }
    }
    // A request about a version that was replaced before its analysis could
    // start may be refused with ContentModified; nothing else may fail.
    let mut answered = 0;
    for id in pending {
        match server.response(id) {
            Ok(_) => answered += 1,
            Err(error) if error["code"] == -32801 => {}
            Err(error) => panic!("request {id} failed: {error}"),
        }
    }
    assert!(answered > 0, "every request was refused");

    eprintln!(
        "final text: {} bytes, {} lines; {answered} requests answered",
        text.len(),
        line_count(&text)
    );
    server.open(FRESH, 1, &text);
    for method in [
        "textDocument/documentSymbol",
        "textDocument/semanticTokens/full",
    ] {
        let edited = server
            .request(method, json!({"textDocument": {"uri": EDITED}}))
            .expect("edited");
        let fresh = server
            .request(method, json!({"textDocument": {"uri": FRESH}}))
            .expect("fresh");
        assert_eq!(
            edited, fresh,
            "{method} differs ({units:?}, seed {seed}); text: {text:?}"
        );
    }
    // Mentions everywhere must match too: highlight at every line start.
    for line in 0..line_count(&text) {
        let a = server
            .at("textDocument/prepareRename", EDITED, (line, 0))
            .expect("edited");
        let b = server
            .at("textDocument/prepareRename", FRESH, (line, 0))
            .expect("fresh");
        assert_eq!(a, b, "line {line}");
    }
    let edited = server.diagnostics(EDITED, version);
    let fresh = server.diagnostics(FRESH, 1);
    assert_eq!(
        without_uris(&json!(edited), EDITED),
        without_uris(&json!(fresh), FRESH)
    );
    assert!(server.shutdown().success());
}

#[test]
fn interleaved_edits_and_requests_utf16() {
    run(Units::Utf16, 7, "rules");
}

#[test]
fn interleaved_edits_and_requests_utf8() {
    run(Units::Utf8, 1234, "rules");
}

#[test]
fn interleaved_edits_and_requests_with_the_model() {
    run(Units::Utf16, 99, "model");
}
