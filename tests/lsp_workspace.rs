//! End-to-end: references reach the closed prose files of the workspace.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use support::{occurrences, position, range, Server, Units};

const NAME: &str = "Amadou Toumani Touré";

/// Written for these tests; only the repeated full name is relied upon.
const OPEN_TEXT: &str = "Amadou Toumani Touré met the leaders of the National Movement for the \
Liberation of Azawad (MNLA) in Bamako.\nLater, Amadou Toumani Touré returned to Bamako.\n";
const CLOSED_TEXT: &str = "# Notes\n\nIn the spring, Amadou Toumani Touré left Bamako for \
Dakar.\n\nAmadou Toumani Touré stayed in Dakar for years.\n";
const IGNORED_TEXT: &str = "Amadou Toumani Touré spoke in Bamako.\n";

/// A fresh directory with an open file, a closed one, a .gitignore'd one and
/// one that is not UTF-8; removed on drop.
struct Workspace {
    root: PathBuf,
}

impl Workspace {
    fn new(name: &str) -> Workspace {
        let root = std::env::temp_dir().join(format!("dramatis-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("drafts")).expect("create workspace");
        fs::write(root.join("open.md"), OPEN_TEXT).expect("write");
        fs::write(root.join("drafts/closed.txt"), CLOSED_TEXT).expect("write");
        fs::write(root.join(".gitignore"), "ignored.md\n").expect("write");
        fs::write(root.join("ignored.md"), IGNORED_TEXT).expect("write");
        let mut latin1 = b"Caf\xe9 ".to_vec();
        latin1.extend_from_slice(IGNORED_TEXT.as_bytes());
        fs::write(root.join("latin1.txt"), latin1).expect("write");
        Workspace { root }
    }

    fn uri(&self, relative: &str) -> String {
        file_uri(&self.root.join(relative))
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn start(workspace: &Workspace, options: Value) -> Server {
    let mut server = Server::start();
    server.initialize_params(json!({
        "processId": null,
        "rootUri": file_uri(&workspace.root),
        "workspaceFolders": [{"uri": file_uri(&workspace.root), "name": "w"}],
        "capabilities": {"window": {"workDoneProgress": true}},
        "initializationOptions": options,
    }));
    server
}

fn progress_kind(kind: &'static str) -> impl Fn(&Value) -> bool {
    move |p: &Value| p["value"]["kind"] == kind
}

/// References from the open file's second full name.
fn references(server: &mut Server, workspace: &Workspace) -> Vec<Value> {
    let uri = workspace.uri("open.md");
    server.open(&uri, 1, OPEN_TEXT);
    let (start, _) = occurrences(OPEN_TEXT, NAME)[1];
    let at = position(OPEN_TEXT, start + 3, Units::Utf16);
    let found = server
        .request(
            "textDocument/references",
            json!({"textDocument": {"uri": uri}, "position": {"line": at.0, "character": at.1},
                   "context": {"includeDeclaration": true}}),
        )
        .expect("references");
    found.as_array().cloned().unwrap_or_default()
}

fn in_file<'a>(locations: &'a [Value], uri: &str) -> Vec<&'a Value> {
    locations.iter().filter(|l| l["uri"] == uri).collect()
}

#[test]
fn references_reach_closed_files_after_indexing() {
    let workspace = Workspace::new("ws-index");
    let mut server = start(&workspace, Value::Null);
    server.notification("window/workDoneProgress/create", |_| true);
    let begin = server.notification("$/progress", progress_kind("begin"));
    assert_eq!(begin["value"]["title"], "dramatis: indexing");
    let end = server.notification("$/progress", progress_kind("end"));
    assert_eq!(begin["token"], end["token"]);

    let locations = references(&mut server, &workspace);
    let closed: Vec<Value> = in_file(&locations, &workspace.uri("drafts/closed.txt"))
        .into_iter()
        .map(|l| l["range"].clone())
        .collect();
    let expected: Vec<Value> = occurrences(CLOSED_TEXT, NAME)
        .into_iter()
        .map(|(s, e)| range(CLOSED_TEXT, s, e, Units::Utf16))
        .collect();
    assert_eq!(closed, expected, "{locations:#?}");
    assert!(in_file(&locations, &workspace.uri("ignored.md")).is_empty());
    assert!(in_file(&locations, &workspace.uri("latin1.txt")).is_empty());
    // The open file answers for itself, once per mention.
    assert_eq!(in_file(&locations, &workspace.uri("open.md")).len(), 2);
    assert!(server.shutdown().success());
}

#[test]
fn workspace_index_can_be_switched_off() {
    let workspace = Workspace::new("ws-off");
    let mut server = start(&workspace, json!({"dramatis": {"workspaceIndex": false}}));
    let locations = references(&mut server, &workspace);
    server.diagnostics(&workspace.uri("open.md"), 1);
    assert_eq!(in_file(&locations, &workspace.uri("open.md")).len(), 2);
    assert!(in_file(&locations, &workspace.uri("drafts/closed.txt")).is_empty());
    assert!(server.queued("window/workDoneProgress/create").is_empty());
    assert!(server.queued("$/progress").is_empty());
    assert!(server.shutdown().success());
}

/// The closed file's mentions in the answer, asked again until `accept`
/// (re-indexing is in the background) or the time is up.
fn closed_ranges_until(
    server: &mut Server,
    workspace: &Workspace,
    accept: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    let closed = workspace.uri("drafts/closed.txt");
    let open = workspace.uri("open.md");
    let (start, _) = occurrences(OPEN_TEXT, NAME)[1];
    let at = position(OPEN_TEXT, start + 3, Units::Utf16);
    loop {
        let found = server
            .request(
                "textDocument/references",
                json!({"textDocument": {"uri": open}, "position": {"line": at.0, "character": at.1},
                       "context": {"includeDeclaration": true}}),
            )
            .expect("references");
        let ranges: Vec<Value> = found
            .as_array()
            .into_iter()
            .flatten()
            .filter(|l| l["uri"] == closed.as_str())
            .map(|l| l["range"].clone())
            .collect();
        if accept(&ranges) || std::time::Instant::now() > deadline {
            return ranges;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn watched_file_changes_reach_the_index() {
    let workspace = Workspace::new("ws-watch");
    let mut server = start(&workspace, Value::Null);
    server.notification("$/progress", progress_kind("end"));
    let _ = references(&mut server, &workspace);

    let edited = format!("A new first line.\n{CLOSED_TEXT}");
    fs::write(workspace.root.join("drafts/closed.txt"), &edited).expect("write");
    let closed = workspace.uri("drafts/closed.txt");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": closed, "type": 2}]}),
    );
    let expected: Vec<Value> = occurrences(&edited, NAME)
        .into_iter()
        .map(|(s, e)| range(&edited, s, e, Units::Utf16))
        .collect();
    let ranges = closed_ranges_until(&mut server, &workspace, |r| r == expected.as_slice());
    assert_eq!(ranges, expected);

    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": closed, "type": 3}]}),
    );
    let ranges = closed_ranges_until(&mut server, &workspace, |r| r.is_empty());
    assert!(ranges.is_empty(), "{ranges:?}");
    assert!(server.shutdown().success());
}
