//! End-to-end over stdio: what editors show while a writer works — named
//! code lenses, rename's placeholder, workspace symbols and completion of
//! known names.

mod support;

use std::fs;
use std::path::PathBuf;

use serde_json::{json, Value};
use support::{occurrences, position, range, Server, Units};

/// Written for these tests. Relied upon: the repeated full names "Hester
/// Vell" and "Oliver Quennell" are people.
const HARBOUR: &str = "Hester Vell arrived in Port Ellery on a wet Tuesday. The Harbour \
Commission had\nsent for her after the storm. Vell walked the quay with Oliver Quennell, who \
kept\nthe ledgers, and by evening Hester Vell had seen enough of Oliver Quennell.\n";
const LETTERS: &str = "In the spring the fishermen still talked about Marguerite Osei. \
Marguerite Osei\nwrote to the council twice and had no answer.\n";

/// A fresh folder holding both texts, removed on drop.
struct Workspace {
    root: PathBuf,
}

impl Workspace {
    fn new(name: &str) -> Workspace {
        let root = std::env::temp_dir().join(format!("dramatis-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).expect("create workspace");
        fs::write(root.join("harbour.txt"), HARBOUR).expect("write");
        fs::write(root.join("letters.md"), LETTERS).expect("write");
        Workspace { root }
    }

    fn uri(&self, file: &str) -> String {
        format!("file://{}", self.root.join(file).display())
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// A server on `workspace`, once its index holds the closed files.
fn start_indexed(workspace: &Workspace) -> Server {
    let mut server = Server::start();
    let root = format!("file://{}", workspace.root.display());
    server.initialize_params(json!({
        "processId": null,
        "rootUri": root,
        "workspaceFolders": [{"uri": root, "name": "w"}],
        "capabilities": {},
    }));
    server.notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("dramatis: indexed"))
    });
    server
}

fn nth_range(text: &str, needle: &str, nth: usize) -> Value {
    let (start, end) = occurrences(text, needle)[nth];
    range(text, start, end, Units::Utf16)
}

#[test]
fn code_lenses_name_their_entity_and_skip_single_mentions_unless_asked() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    let uri = "file:///tmp/dramatis-editing/harbour.txt";
    server.open(uri, 1, HARBOUR);
    let doc = json!({"textDocument": {"uri": uri}});
    // "Name: N mentions" for each entity of the outline, by its detail.
    let outline = server
        .request("textDocument/documentSymbol", doc.clone())
        .expect("symbols");
    let mut titles: Vec<String> = outline
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|group| group["children"].as_array().cloned().unwrap_or_default())
        .map(|e| {
            let name = e["name"].as_str().unwrap_or_default();
            format!("{name}: {}", e["detail"].as_str().unwrap_or_default())
        })
        .collect();
    titles.sort();
    let lens_titles = |server: &mut Server| {
        let lenses = server
            .request("textDocument/codeLens", doc.clone())
            .expect("lenses");
        let mut titles: Vec<String> = lenses
            .as_array()
            .expect("lenses")
            .iter()
            .map(|l| l["command"]["title"].as_str().unwrap_or("").to_string())
            .collect();
        titles.sort();
        titles
    };

    let shown = lens_titles(&mut server);
    let several: Vec<String> = titles
        .iter()
        .filter(|t| !t.ends_with(": 1 mention"))
        .cloned()
        .collect();
    assert_eq!(shown, several);
    assert!(
        shown.iter().any(|t| t == "Hester Vell: 3 mentions"),
        "{shown:?}"
    );
    assert!(titles.len() > several.len(), "a single mention: {titles:?}");

    server.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"dramatis": {"codeLensSingleMentions": true}}}),
    );
    assert_eq!(lens_titles(&mut server), titles);
    assert!(server.shutdown().success());
}

#[test]
fn prepare_rename_offers_the_whole_multi_word_name() {
    let (mut server, _) = Server::initialized(None, Value::Null);
    let uri = "file:///tmp/dramatis-editing/harbour.txt";
    server.open(uri, 1, HARBOUR);
    let (start, end) = occurrences(HARBOUR, "Oliver Quennell")[1];
    let whole = range(HARBOUR, start, end, Units::Utf16);
    // On the first word, inside the last, and just after the name: eglot and
    // others prompt with what the placeholder says, not the word at point.
    for at in [start + 1, start + "Oliver Que".len(), end] {
        let prepared = server
            .at(
                "textDocument/prepareRename",
                uri,
                position(HARBOUR, at, Units::Utf16),
            )
            .expect("prepareRename");
        assert_eq!(
            prepared,
            json!({"range": whole, "placeholder": "Oliver Quennell"})
        );
    }
    let nothing = server
        .at(
            "textDocument/prepareRename",
            uri,
            position(HARBOUR, HARBOUR.find("quay").expect("quay"), Units::Utf16),
        )
        .expect("prepareRename");
    assert_eq!(nothing, Value::Null);
    assert!(server.shutdown().success());
}

#[test]
fn workspace_symbols_search_open_and_closed_files_fuzzily() {
    let workspace = Workspace::new("ws-symbols");
    let mut server = start_indexed(&workspace);
    let harbour = workspace.uri("harbour.txt");
    server.open(&harbour, 1, HARBOUR);
    let symbols = |server: &mut Server, query: &str| {
        server
            .request("workspace/symbol", json!({ "query": query }))
            .expect("workspace/symbol")
            .as_array()
            .cloned()
            .unwrap_or_default()
    };

    // A prefix of the surname; the location is the introducing mention.
    let found = symbols(&mut server, "quenn");
    assert_eq!(found[0]["name"], "Oliver Quennell", "{found:#?}");
    assert_eq!(
        found[0]["kind"], 13,
        "people are variables, as in the outline"
    );
    assert_eq!(found[0]["location"]["uri"], harbour.as_str());
    assert_eq!(
        found[0]["location"]["range"],
        nth_range(HARBOUR, "Oliver Quennell", 0)
    );
    // Initials, and a closed file's entity, found through the index.
    let found = symbols(&mut server, "hv");
    assert_eq!(found[0]["name"], "Hester Vell", "{found:#?}");
    let found = symbols(&mut server, "MARGUERITE");
    assert_eq!(found[0]["name"], "Marguerite Osei", "{found:#?}");
    assert_eq!(found[0]["location"]["uri"], workspace.uri("letters.md"));
    assert_eq!(
        found[0]["location"]["range"],
        nth_range(LETTERS, "Marguerite Osei", 0)
    );
    // Exact before prefix before word start before subsequence.
    let found = symbols(&mut server, "hester vell");
    assert_eq!(found[0]["name"], "Hester Vell");
    assert!(symbols(&mut server, "zqxj").is_empty());
    assert!(server.shutdown().success());
}

#[test]
fn completion_offers_known_names_for_capitalised_words_only() {
    let workspace = Workspace::new("ws-complete");
    let mut server = start_indexed(&workspace);
    let harbour = workspace.uri("harbour.txt");
    server.open(&harbour, 1, HARBOUR);
    let draft = workspace.uri("draft.txt");
    let text = "A note.\nThe letter came from Marg";
    server.open(&draft, 1, text);
    let end = position(text, text.len(), Units::Utf16);

    let items = |server: &mut Server, at: (u32, u32)| {
        let answer = server
            .at("textDocument/completion", &draft, at)
            .expect("completion");
        answer["items"].as_array().cloned().unwrap_or_default()
    };
    // From the closed file, through the index; the typed prefix is replaced.
    let found = items(&mut server, end);
    let item = found
        .iter()
        .find(|i| i["label"] == "Marguerite Osei")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(item["detail"], "person");
    assert_eq!(
        item["textEdit"],
        json!({"range": range(text, text.len() - 4, text.len(), Units::Utf16), "newText": "Marguerite Osei"})
    );

    // From the other open document; a name's words already typed are
    // replaced with it.
    let text = "A note.\nThe letter came from Marg to Hester V";
    server.change(&draft, 2, json!([{ "text": text }]));
    let found = items(&mut server, position(text, text.len(), Units::Utf16));
    let labels: Vec<&str> = found.iter().filter_map(|i| i["label"].as_str()).collect();
    assert!(labels.contains(&"Hester Vell"), "{found:#?}");
    let hester = found
        .iter()
        .find(|i| i["label"] == "Hester Vell")
        .expect("Hester Vell");
    assert_eq!(
        hester["textEdit"]["range"],
        range(
            text,
            text.len() - "Hester V".len(),
            text.len(),
            Units::Utf16
        )
    );

    // Ordinary lower-case words get nothing, and neither does a space.
    let text = "A note.\nthe letter came from her";
    server.change(&draft, 3, json!([{ "text": text }]));
    let answer = server
        .at(
            "textDocument/completion",
            &draft,
            position(text, text.len(), Units::Utf16),
        )
        .expect("completion");
    assert_eq!(answer, Value::Null);
    let answer = server
        .at(
            "textDocument/completion",
            &draft,
            position(text, "A note.\nthe".len(), Units::Utf16),
        )
        .expect("completion");
    assert_eq!(answer, Value::Null);
    assert!(server.shutdown().success());
}
