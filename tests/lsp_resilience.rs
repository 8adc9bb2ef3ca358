//! A panic in the analysis costs one error response, never the server.

mod support;

use serde_json::{json, Value};
use support::Server;

const TRIGGER: &str = "KABOOM-8d41";

#[test]
fn a_panicking_analysis_becomes_an_error_response() {
    let mut server = Server::start_with_env(&[("DRAMATIS_LSP_PANIC_TRIGGER", TRIGGER)]);
    server.initialize(None, Value::Null);
    let bad = "file:///tmp/dramatis-test/bad.txt";
    let good = "file:///tmp/dramatis-test/good.txt";
    let text = "Amadou Toumani Touré spoke. Amadou Toumani Touré left.\n";
    server.open(bad, 1, &format!("{TRIGGER} {text}"));

    for method in ["textDocument/hover", "textDocument/definition"] {
        let error = server
            .at(method, bad, (0, 20))
            .expect_err("the analysis panics");
        assert_eq!(error["code"], -32603, "{error}");
        assert!(error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("panic"));
    }
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": bad}}),
    );
    assert!(symbols.is_err());

    // Other documents, and the same one once fixed, are served as before.
    server.open(good, 1, text);
    let hover = server
        .at("textDocument/hover", good, (0, 3))
        .expect("hover");
    assert!(hover["contents"]["value"].as_str().is_some());
    server.change(
        bad,
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": TRIGGER.len() + 1}}, "text": ""}]),
    );
    let hover = server.at("textDocument/hover", bad, (0, 3)).expect("hover");
    assert!(hover["contents"]["value"].as_str().is_some());
    server.diagnostics(bad, 2);
    assert!(server.shutdown().success());
}
