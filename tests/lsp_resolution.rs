//! Features that need the resolver: surnames, acronyms, name variants and
//! their quick fix, severities from settings, inlay hints.

mod support;

use serde_json::{json, Value};
use support::{at_params, occurrences, position, range, Server, Units};

const URI: &str = "file:///tmp/dramatis-test/resolution.txt";

/// Written for these tests.
const TEXT: &str = "President Amadou Toumani Touré met the leaders of the National Movement \
for the Liberation of Azawad (MNLA) in Bamako.\nThe next day Touré said the MNLA had agreed to talks.\n";

fn nth(text: &str, needle: &str, n: usize) -> (usize, usize) {
    occurrences(text, needle)[n]
}

fn inside(text: &str, (start, _): (usize, usize)) -> (u32, u32) {
    position(text, start + 1, Units::Utf16)
}

#[test]
fn a_bare_surname_is_the_full_name() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    server.open(URI, 1, TEXT);
    let surname = nth(TEXT, "Touré", 1);
    let hover = server
        .at("textDocument/hover", URI, inside(TEXT, surname))
        .expect("hover");
    let card = hover["contents"]["value"].as_str().expect("card");
    assert!(
        card.starts_with("**Amadou Toumani Touré** · person"),
        "{card}"
    );
    assert!(card.contains("Touré"), "{card}");
    assert_eq!(
        hover["range"],
        range(TEXT, surname.0, surname.1, Units::Utf16)
    );

    let definition = server
        .at("textDocument/definition", URI, inside(TEXT, surname))
        .expect("definition");
    let full = nth(TEXT, "Amadou Toumani Touré", 0);
    assert_eq!(
        definition["range"],
        range(TEXT, full.0, full.1, Units::Utf16)
    );

    let highlights = server
        .at("textDocument/documentHighlight", URI, inside(TEXT, surname))
        .expect("highlights");
    assert_eq!(
        highlights,
        json!([
            {"range": range(TEXT, full.0, full.1, Units::Utf16), "kind": 3},
            {"range": range(TEXT, surname.0, surname.1, Units::Utf16), "kind": 2},
        ])
    );

    // Renaming the surname renames it inside the full name too.
    let mut params = at_params(URI, inside(TEXT, surname));
    params["newName"] = json!("Traoré");
    let edit = server
        .request("textDocument/rename", params)
        .expect("rename");
    let mut texts: Vec<String> = edit["changes"][URI]
        .as_array()
        .expect("edits")
        .iter()
        .map(|e| e["newText"].as_str().unwrap_or_default().to_string())
        .collect();
    texts.sort();
    assert_eq!(texts, vec!["Amadou Toumani Traoré", "Traoré"]);
    assert!(server.shutdown().success());
}

#[test]
fn an_acronym_leads_to_its_spelled_out_form() {
    let (mut server, _) = Server::initialized(None, json!({"inlayHints": true}));
    server.open(URI, 1, TEXT);
    let acronym = nth(TEXT, "MNLA", 1);
    let definition = server
        .at("textDocument/definition", URI, inside(TEXT, acronym))
        .expect("definition");
    let long = nth(TEXT, "National Movement for the Liberation of Azawad", 0);
    assert_eq!(
        definition["range"],
        range(TEXT, long.0, long.1, Units::Utf16)
    );
    let hover = server
        .at("textDocument/hover", URI, inside(TEXT, acronym))
        .expect("hover");
    let card = hover["contents"]["value"].as_str().expect("card");
    assert!(card.contains("organization"), "{card}");
    assert!(card.contains("MNLA"), "{card}");

    // Inlay hints (enabled above) spell out short forms.
    let hints = server
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}}}),
        )
        .expect("hints");
    let labels: Vec<&str> = hints
        .as_array()
        .expect("hints")
        .iter()
        .filter_map(|h| h["label"].as_str())
        .collect();
    assert!(labels.contains(&"(Amadou Toumani Touré)"), "{labels:?}");
    let surname_end = position(TEXT, nth(TEXT, "Touré", 1).1, Units::Utf16);
    assert!(hints
        .as_array()
        .expect("hints")
        .iter()
        .any(|h| { h["position"] == json!({"line": surname_end.0, "character": surname_end.1}) }));
    assert!(server.shutdown().success());
}

#[test]
fn a_misspelled_surname_is_flagged_after_an_edit_and_fixed_by_the_quick_fix() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    server.open(URI, 1, TEXT);
    let initial = server.diagnostics(URI, 1);
    assert!(
        initial.iter().all(|d| d["code"] != "name-variant"),
        "{initial:?}"
    );

    // Append a sentence with the accent missing.
    let end = position(TEXT, TEXT.len(), Units::Utf16);
    let added = "Toure promised elections.";
    server.change(
        URI,
        2,
        json!([{"range": {"start": {"line": end.0, "character": end.1}, "end": {"line": end.0, "character": end.1}}, "text": added}]),
    );
    let text = format!("{TEXT}{added}");
    let variant = nth(&text, "Toure ", 0);
    let variant = (variant.0, variant.1 - 1);
    let diagnostics = server.diagnostics(URI, 2);
    let flagged: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| d["code"] == "name-variant")
        .collect();
    assert_eq!(flagged.len(), 1, "{diagnostics:?}");
    let diagnostic = flagged[0];
    let variant_range = range(&text, variant.0, variant.1, Units::Utf16);
    assert_eq!(diagnostic["range"], variant_range);
    assert_eq!(diagnostic["severity"], 2);
    assert_eq!(diagnostic["source"], "dramatis");
    let related = &diagnostic["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], URI);

    let actions = server
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": variant_range,
                   "context": {"diagnostics": [diagnostic]}}),
        )
        .expect("actions");
    let fix = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .expect("a quick fix")
        .clone();
    assert_eq!(fix["isPreferred"], true);
    let edits = fix["edit"]["changes"][URI]
        .as_array()
        .expect("edits")
        .clone();
    assert_eq!(
        edits,
        vec![json!({"range": variant_range, "newText": "Touré"})]
    );

    // Apply it as an editor would; the warning goes away.
    server.change(
        URI,
        3,
        json!([{"range": edits[0]["range"], "text": "Touré"}]),
    );
    let after = server.diagnostics(URI, 3);
    assert!(
        after.iter().all(|d| d["code"] != "name-variant"),
        "{after:?}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn severities_come_from_settings() {
    let text = format!("{TEXT}Toure promised elections.");
    let (mut server, _) = Server::initialized(
        None,
        json!({"dramatis": {"severity": {"name-variant": "off"}}}),
    );
    server.open(URI, 1, &text);
    let quiet = server.diagnostics(URI, 1);
    assert!(
        quiet.iter().all(|d| d["code"] != "name-variant"),
        "{quiet:?}"
    );
    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dramatis": {"severity": {"name-variant": "error"}}}}),
    );
    let loud = server.diagnostics(URI, 1);
    let variant = loud
        .iter()
        .find(|d| d["code"] == "name-variant")
        .unwrap_or_else(|| panic!("{loud:?}"));
    assert_eq!(variant["severity"], 1);
    assert!(server.shutdown().success());
}
