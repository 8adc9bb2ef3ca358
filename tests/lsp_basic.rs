//! End-to-end: the real `dramatis lsp` binary over stdio.

mod support;

use serde_json::{json, Value};
use support::{at_params, occurrences, position, range, Server, Units};

const URI: &str = "file:///tmp/dramatis-test/mali.txt";

/// Written for these tests. Only the repeated full name is relied upon: the
/// recognizer is allowed to change its mind about everything else.
const TEXT: &str = "Amadou Toumani Touré met the leaders of the National Movement for the \
Liberation of Azawad (MNLA) in Bamako.\nLater, Amadou Toumani Touré returned to Bamako.\n";

const NAME: &str = "Amadou Toumani Touré";

fn name_ranges(text: &str, units: Units) -> Vec<Value> {
    occurrences(text, NAME)
        .into_iter()
        .map(|(s, e)| range(text, s, e, units))
        .collect()
}

fn second_name(text: &str) -> (u32, u32) {
    let (start, _) = occurrences(text, NAME)[1];
    // Inside the name, on the "T" of "Touré".
    position(text, start + "Amadou Toumani T".len(), Units::Utf16)
}

#[test]
fn initialize_advertises_capabilities() {
    let (server, result) = Server::initialized(None, Value::Null);
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "inlayHintProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}");
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert_eq!(
        caps["semanticTokensProvider"]["legend"]["tokenTypes"],
        json!(["person", "organization", "group", "place"])
    );
    assert_eq!(
        caps["semanticTokensProvider"]["legend"]["tokenModifiers"],
        json!(["declaration"])
    );
    assert_eq!(
        caps["executeCommandProvider"]["commands"],
        json!(["dramatis.showReferences"])
    );
    assert_eq!(result["serverInfo"]["name"], "dramatis");
    assert!(server.shutdown().success());
}

#[test]
fn navigation_on_a_repeated_full_name() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    server.open(URI, 1, TEXT);
    let names = name_ranges(TEXT, Units::Utf16);
    let at = second_name(TEXT);

    let hover = server.at("textDocument/hover", URI, at).expect("hover");
    let card = hover["contents"]["value"].as_str().expect("markdown card");
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(card.contains("**Amadou Toumani Touré**"), "{card}");
    assert!(card.contains("person"), "{card}");
    assert!(card.contains("first on line 1"), "{card}");
    assert_eq!(hover["range"], names[1]);

    let definition = server
        .at("textDocument/definition", URI, at)
        .expect("definition");
    assert_eq!(definition, json!({"uri": URI, "range": names[0]}));

    let mut params = at_params(URI, at);
    params["context"] = json!({"includeDeclaration": true});
    let all = server
        .request("textDocument/references", params.clone())
        .expect("references");
    assert_eq!(
        all,
        json!([{"uri": URI, "range": names[0]}, {"uri": URI, "range": names[1]}])
    );
    params["context"] = json!({"includeDeclaration": false});
    let without = server
        .request("textDocument/references", params)
        .expect("references");
    assert_eq!(without, json!([{"uri": URI, "range": names[1]}]));

    let highlights = server
        .at("textDocument/documentHighlight", URI, at)
        .expect("highlights");
    assert_eq!(
        highlights,
        json!([{"range": names[0], "kind": 3}, {"range": names[1], "kind": 2}])
    );

    let prepare = server
        .at("textDocument/prepareRename", URI, at)
        .expect("prepare");
    assert_eq!(prepare, json!({"range": names[1], "placeholder": NAME}));
    let mut rename = at_params(URI, at);
    rename["newName"] = json!("Amadou Toumani Traoré");
    let edit = server
        .request("textDocument/rename", rename)
        .expect("rename");
    let edits = edit["changes"][URI].as_array().expect("edits");
    assert_eq!(edits.len(), 2, "{edit}");
    assert!(edits
        .iter()
        .all(|e| e["newText"] == "Amadou Toumani Traoré"));

    // Nothing under the cursor: no answer, no error.
    let nothing = server
        .at("textDocument/hover", URI, (0, 22))
        .expect("hover");
    assert_eq!(nothing, Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn outline_tokens_and_lenses() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    server.open(URI, 1, TEXT);
    let doc = json!({"textDocument": {"uri": URI}});

    let symbols = server
        .request("textDocument/documentSymbol", doc.clone())
        .expect("symbols");
    let people = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .find(|s| {
            s["name"]
                .as_str()
                .is_some_and(|n| n.starts_with("People ("))
        })
        .expect("a People group");
    let person = people["children"]
        .as_array()
        .expect("children")
        .iter()
        .find(|c| c["name"] == NAME)
        .expect("the person");
    assert_eq!(person["detail"], "2 mentions");
    assert_eq!(person["range"], name_ranges(TEXT, Units::Utf16)[0]);

    let tokens = server
        .request("textDocument/semanticTokens/full", doc.clone())
        .expect("tokens");
    let data: Vec<u64> = serde_json::from_value(tokens["data"].clone()).expect("data");
    // The first token is the defining mention: line 0, col 0, 20 UTF-16
    // units, type person (0), modifier declaration (bit 0).
    assert_eq!(&data[..5], &[0, 0, 20, 0, 1]);

    let lenses = server
        .request("textDocument/codeLens", doc.clone())
        .expect("lenses");
    let lens = lenses
        .as_array()
        .expect("lenses")
        .iter()
        .find(|l| l["range"] == name_ranges(TEXT, Units::Utf16)[0])
        .expect("a lens on the defining mention")
        .clone();
    assert_eq!(lens["command"]["title"], format!("{NAME}: 2 mentions"));
    assert_eq!(lens["command"]["command"], "dramatis.showReferences");
    let locations = server
        .request(
            "workspace/executeCommand",
            json!({"command": "dramatis.showReferences", "arguments": lens["command"]["arguments"]}),
        )
        .expect("command runs in the server");
    assert_eq!(locations.as_array().map(Vec::len), Some(2));
    let message = server.notification("window/showMessage", |_| true);
    assert!(message["message"]
        .as_str()
        .unwrap_or_default()
        .contains("2 mentions"));

    let unknown = server.request(
        "workspace/executeCommand",
        json!({"command": "dramatis.nope", "arguments": []}),
    );
    assert!(unknown.is_err());

    // Inlay hints are off unless enabled.
    let hints = server
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
        )
        .expect("hints");
    assert_eq!(hints, Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn incremental_change_with_non_ascii_text_is_answered_from_the_new_text() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    server.open(URI, 1, TEXT);
    assert!(server
        .diagnostics(URI, 1)
        .iter()
        .all(|d| d["source"] == "dramatis"));

    // Insert at the start of line 1, then replace "Later" by accented text.
    let inserted = "naïve 𝔄 👩🏽‍⚕️ ";
    server.change(
        URI,
        2,
        json!([{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": inserted}]),
    );
    let after_insert = TEXT.replacen("\nLater", &format!("\n{inserted}Later"), 1);
    let later = position(
        &after_insert,
        after_insert.find("Later").expect("Later"),
        Units::Utf16,
    );
    server.change(
        URI,
        3,
        json!([{"range": {"start": {"line": later.0, "character": later.1}, "end": {"line": later.0, "character": later.1 + 5}}, "text": "café"}]),
    );
    let text = after_insert.replacen("Later", "café", 1);

    // Asked right away, before any debounce could have run.
    let at = second_name(&text);
    let hover = server.at("textDocument/hover", URI, at).expect("hover");
    assert_eq!(hover["range"], name_ranges(&text, Units::Utf16)[1]);
    let definition = server
        .at("textDocument/definition", URI, at)
        .expect("definition");
    assert_eq!(definition["range"], name_ranges(&text, Units::Utf16)[0]);

    // Diagnostics come for the last version (the debounce skips version 2).
    server.diagnostics(URI, 3);

    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let cleared = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI
            && p["diagnostics"] == json!([])
            && p.get("version").is_none_or(Value::is_null)
    });
    assert_eq!(cleared["diagnostics"], json!([]));
    let closed = server.at("textDocument/hover", URI, at).expect("hover");
    assert_eq!(closed, Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn settings_switch_features_and_report_mistakes() {
    let (mut server, _) = Server::initialized(
        None,
        json!({"dramatis": {"hover": false, "inlayHints": true, "severity": {"name-variant": "error"}}}),
    );
    server.open(URI, 1, TEXT);
    let at = second_name(TEXT);
    assert_eq!(
        server.at("textDocument/hover", URI, at).expect("hover"),
        Value::Null
    );
    let hints = server
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
        )
        .expect("hints");
    assert!(hints.is_array(), "{hints}");

    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dramatis": {"hover": true, "severity": {"name-variant": "loud"}}}}),
    );
    let warning = server.notification("window/showMessage", |_| true);
    assert!(warning["message"]
        .as_str()
        .unwrap_or_default()
        .contains("name-variant"));
    let hover = server.at("textDocument/hover", URI, at).expect("hover");
    assert!(hover["contents"]["value"].as_str().is_some());
    assert!(server.shutdown().success());
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    server.notify("exit", Value::Null);
    let status = server.wait_exit();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn references_reach_other_open_documents() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    let other = "file:///tmp/dramatis-test/other.txt";
    let other_text = "Reporters asked Amadou Toumani Touré about the drought.\n";
    server.open(URI, 1, TEXT);
    server.open(other, 1, other_text);
    let mut params = at_params(URI, second_name(TEXT));
    params["context"] = json!({"includeDeclaration": true});
    let refs = server
        .request("textDocument/references", params)
        .expect("references");
    let in_other: Vec<&Value> = refs
        .as_array()
        .expect("locations")
        .iter()
        .filter(|l| l["uri"] == other)
        .collect();
    let (s, e) = occurrences(other_text, NAME)[0];
    assert_eq!(
        in_other,
        vec![&json!({"uri": other, "range": range(other_text, s, e, Units::Utf16)})]
    );
    assert!(server.shutdown().success());
}

#[test]
fn settings_are_pulled_from_clients_that_offer_configuration() {
    let mut server = Server::start();
    server.configuration = json!({"hover": false});
    server.initialize_with(None, Value::Null, json!({"configuration": true}));
    server.notification("workspace/configuration", |_| true);
    server.open(URI, 1, TEXT);
    let at = second_name(TEXT);
    // The server applies the answer when it arrives; give it a moment.
    let eventually = |server: &mut Server, want_card: bool| {
        for _ in 0..100 {
            let hover = server.at("textDocument/hover", URI, at).expect("hover");
            if hover["contents"]["value"].is_string() == want_card {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        panic!("hover setting never became {want_card}");
    };
    eventually(&mut server, false);
    // A change notification without settings means "ask again".
    server.configuration = json!({"hover": true});
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    server.notification("workspace/configuration", |_| true);
    eventually(&mut server, true);
    assert!(server.shutdown().success());
}
