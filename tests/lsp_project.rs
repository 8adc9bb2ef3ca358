//! End-to-end: a three-chapter story as one project through the real server,
//! over stdio, with a real workspace folder: chapter 2 open, chapters 1 and
//! 10 closed. Cross-file hover, definition, references, rename, diagnostics,
//! and a registry that takes effect without a restart.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use support::{occurrences, position, Server, Units};

struct Workspace {
    root: PathBuf,
}

impl Workspace {
    fn story(name: &str) -> Workspace {
        Workspace::copy("story", name)
    }

    /// A copy of a test project (`tests/projects/NAME`) in a scratch folder.
    fn copy(project: &str, name: &str) -> Workspace {
        let root = std::env::temp_dir().join(format!("dramatis-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).expect("create workspace");
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/projects")
            .join(project);
        for entry in fs::read_dir(source).expect("project") {
            let path = entry.expect("entry").path();
            fs::copy(&path, root.join(path.file_name().expect("name"))).expect("copy");
        }
        Workspace { root }
    }

    fn uri(&self, relative: &str) -> String {
        format!("file://{}", self.root.join(relative).display())
    }

    fn text(&self, relative: &str) -> String {
        fs::read_to_string(self.root.join(relative)).expect("read")
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// A server on the workspace, indexed, with chapter 2 open and analysed
/// with the rest of the project.
fn start(workspace: &Workspace) -> (Server, String, String) {
    start_on(workspace, "ch2.md")
}

fn start_on(workspace: &Workspace, open: &str) -> (Server, String, String) {
    let mut server = Server::start();
    server.initialize_params(json!({
        "processId": null,
        "rootUri": format!("file://{}", workspace.root.display()),
        "workspaceFolders": [{"uri": format!("file://{}", workspace.root.display()), "name": "story"}],
        "capabilities": {"textDocument": {"publishDiagnostics": {"relatedInformation": true}}},
    }));
    server.notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("dramatis: indexed"))
    });
    let uri = workspace.uri(open);
    let text = workspace.text(open);
    server.open(&uri, 1, &text);
    (server, uri, text)
}

fn at(text: &str, needle: &str, nth: usize) -> (u32, u32) {
    let (start, _) = occurrences(text, needle)[nth];
    position(text, start + 1, Units::Utf16)
}

/// Hovers until the card satisfies `accept` (the project is recomputed in
/// the background after a change), for at most the support timeout.
fn hover_until(
    server: &mut Server,
    uri: &str,
    at: (u32, u32),
    accept: impl Fn(&str) -> bool,
) -> String {
    let deadline = std::time::Instant::now() + support::TIMEOUT;
    loop {
        let hover = server.at("textDocument/hover", uri, at).expect("hover");
        let card = hover["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if accept(&card) || std::time::Instant::now() > deadline {
            return card;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| format!("{}: {}", d["code"].as_str().unwrap_or(""), d["message"]))
        .collect()
}

#[test]
fn the_story_is_one_cast_across_chapters() {
    let workspace = Workspace::story("project-cast");
    let (mut server, uri, text) = start(&workspace);
    let diagnostics = server.diagnostics(&uri, 1);
    // The CLA is spelled out in chapter 1: defined for the whole project.
    assert!(
        !codes(&diagnostics)
            .iter()
            .any(|c| c.starts_with("acronym-undefined")),
        "{diagnostics:?}"
    );

    // Hover on the bare surname: the person introduced in chapter 1.
    let hover = server
        .at("textDocument/hover", &uri, at(&text, "Vell", 0))
        .expect("hover");
    let card = hover["contents"]["value"].as_str().expect("markdown");
    assert!(card.starts_with("**Hester Vell** · person"), "{card}");
    assert!(card.contains("introduced in ch1.md line 3"), "{card}");

    // Definition lands in chapter 1, on the full name.
    let definition = server
        .at("textDocument/definition", &uri, at(&text, "Vell", 0))
        .expect("definition");
    assert_eq!(definition["uri"], workspace.uri("ch1.md"));
    let ch1 = workspace.text("ch1.md");
    let (start, end) = occurrences(&ch1, "Hester Vell")[0];
    assert_eq!(
        definition["range"],
        support::range(&ch1, start, end, Units::Utf16)
    );

    // References of "Quill" reach chapter 10, where she is "Dr. Quill".
    let references = server
        .request(
            "textDocument/references",
            json!({
                "textDocument": {"uri": uri},
                "position": {"line": at(&text, "Quill", 0).0, "character": at(&text, "Quill", 0).1},
                "context": {"includeDeclaration": true},
            }),
        )
        .expect("references");
    let uris: Vec<&str> = references
        .as_array()
        .expect("locations")
        .iter()
        .filter_map(|l| l["uri"].as_str())
        .collect();
    let ch10 = workspace.uri("ch10.md");
    assert_eq!(uris.iter().filter(|u| **u == ch10).count(), 2, "{uris:?}");
    assert!(uris.contains(&workspace.uri("ch1.md").as_str()), "{uris:?}");

    // Rename from the surname edits every chapter, each mention in its form.
    let (line, character) = at(&text, "Vell", 0);
    let prepared = server
        .request(
            "textDocument/prepareRename",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
        .expect("prepareRename");
    assert_eq!(prepared["placeholder"], "Vell");
    let edit = server
        .request(
            "textDocument/rename",
            json!({
                "textDocument": {"uri": uri},
                "position": {"line": line, "character": character},
                "newName": "Marsh",
            }),
        )
        .expect("rename");
    let changes = edit["changes"].as_object().expect("changes");
    assert_eq!(changes.len(), 3, "{edit}");
    let in_ch1: Vec<&str> = changes[&workspace.uri("ch1.md")]
        .as_array()
        .expect("edits")
        .iter()
        .filter_map(|e| e["newText"].as_str())
        .collect();
    assert_eq!(in_ch1, ["Hester Marsh"]);
    let bad = server.request(
        "textDocument/rename",
        json!({
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
            "newName": "Hester\nMarsh",
        }),
    );
    assert!(bad.is_err(), "{bad:?}");

    // Code actions teach the registry.
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": character}},
                "context": {"diagnostics": []},
            }),
        )
        .expect("code actions");
    let titles: Vec<&str> = actions
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(titles.contains(&"Not a name: ignore 'Vell'"), "{titles:?}");
    assert!(
        titles.contains(&"Change kind of 'Hester Vell' to place"),
        "{titles:?}"
    );
    server.shutdown();
}

#[test]
fn the_registry_applies_without_a_restart_and_reports_its_bad_lines() {
    let workspace = Workspace::story("project-registry");
    let (mut server, uri, text) = start(&workspace);
    server.diagnostics(&uri, 1);
    let registry = "ignore = [\"Sea Swallow\"]\n\n[[entity]]\nname = \"Hester Vell\"\nkind = \"person\"\ndescription = \"Keeper of the Gull Point light\"\n\n[[entity]]\nname = \"Ansel Brisk\"\nkind = \"person\"\n";
    fs::write(workspace.root.join("dramatis.toml"), registry).expect("write registry");
    let registry_uri = workspace.uri("dramatis.toml");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": registry_uri, "type": 1}]}),
    );
    let card = hover_until(&mut server, &uri, at(&text, "Vell", 0), |c| {
        c.contains("Keeper")
    });
    assert!(
        card.starts_with("**Hester Vell** · person\n\nKeeper of the Gull Point light"),
        "{card}"
    );
    // The model reads "Ansel Brisk" as an organization; the registry says
    // person, and his bare surname in chapter 2 follows.
    let brisk = server
        .at("textDocument/hover", &uri, at(&text, "Brisk", 0))
        .expect("hover");
    assert!(
        brisk["contents"]["value"]
            .as_str()
            .is_some_and(|c| c.starts_with("**Ansel Brisk** · person")),
        "{brisk}"
    );
    let swallow = server
        .at("textDocument/hover", &uri, at(&text, "Sea Swallow", 0))
        .expect("hover");
    assert!(swallow.is_null(), "{swallow}");

    // A broken line is reported on its line; the rest still applies.
    let broken = format!("{registry}\nkind = = \"place\"\n");
    fs::write(workspace.root.join("dramatis.toml"), &broken).expect("write registry");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": registry_uri, "type": 2}]}),
    );
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == registry_uri && p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
    });
    let line = broken
        .lines()
        .position(|l| l.starts_with("kind = ="))
        .expect("line");
    assert_eq!(published["diagnostics"][0]["range"]["start"]["line"], line);
    let card = hover_until(&mut server, &uri, at(&text, "Vell", 0), |c| {
        c.contains("Keeper")
    });
    assert!(card.contains("Keeper of the Gull Point light"), "{card}");
    server.shutdown();
}

#[test]
fn editing_one_chapter_updates_the_diagnostics_of_another() {
    let workspace = Workspace::story("project-edit");
    let (mut server, uri2, _) = start(&workspace);
    server.diagnostics(&uri2, 1);
    let uri1 = workspace.uri("ch1.md");
    let ch1 = workspace.text("ch1.md");
    server.open(&uri1, 1, &ch1);
    server.diagnostics(&uri1, 1);
    // Take the spelled-out form out of chapter 1: the CLA is now never
    // spelled out anywhere in the project, and chapter 2 says so.
    let (start, end) = occurrences(&ch1, "The Coastal Lights Authority (CLA)")[0];
    server.change(
        &uri1,
        2,
        json!([{"range": support::range(&ch1, start, end, Units::Utf16), "text": "The CLA"}]),
    );
    let published = server.notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri2.as_str()
            && p["diagnostics"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d["code"] == "acronym-undefined"))
    });
    let message = published["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or("");
    assert!(message.contains("in this project"), "{published}");
    server.shutdown();
}

#[test]
fn the_dossier_knows_its_engineer_and_its_initiative_across_reports() {
    let workspace = Workspace::copy("dossier", "project-dossier");
    let (mut server, uri, text) = start_on(&workspace, "report-b.txt");
    let diagnostics = server.diagnostics(&uri, 1);
    assert!(
        !codes(&diagnostics)
            .iter()
            .any(|c| c.starts_with("acronym-undefined")),
        "{diagnostics:?}"
    );
    let card = hover_until(&mut server, &uri, at(&text, "Kanouté", 0), |c| {
        c.contains("report-a.txt")
    });
    assert!(card.starts_with("**Ibrahim Kanouté** · person"), "{card}");
    assert!(card.contains("introduced in report-a.txt line 4"), "{card}");
    let card = hover_until(&mut server, &uri, at(&text, "SWI", 0), |c| {
        c.contains("report-a.txt")
    });
    assert!(
        card.starts_with("**Sahel Water Initiative** · organization"),
        "{card}"
    );
    let symbols = server
        .request("workspace/symbol", json!({"query": "kanoute"}))
        .expect("symbols");
    let found = symbols.as_array().expect("symbols");
    assert_eq!(found.len(), 1, "{symbols}");
    assert!(found[0]["location"]["uri"]
        .as_str()
        .is_some_and(|u| u.ends_with("report-a.txt")));
    server.shutdown();
}
