//! Bad input, over the wire and on the command line: every case asserts
//! the precise answer, and for the server that it still answers a hover
//! afterwards. Big inputs are generated here, never committed.

mod support;

use serde_json::{json, Value};
use support::{dramatis, scratch, Server};

const GOOD_URI: &str = "file:///tmp/dramatis-bad-input/good.txt";
const GOOD_TEXT: &str = "Amadou Toumani Touré spoke in Bamako. Touré left.\n";

/// A server initialised with the rules (fast to load), with one document open.
fn server() -> Server {
    let mut server = Server::start_with_env(&[("DRAMATIS_RECOGNIZER", "rules")]);
    server.initialize(None, Value::Null);
    server.open(GOOD_URI, 1, GOOD_TEXT);
    server
}

/// The server still serves: a hover on "Touré" names the entity.
fn assert_still_serves(server: &mut Server) {
    let hover = server
        .at("textDocument/hover", GOOD_URI, (0, 39))
        .expect("hover answers");
    let value = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(value.contains("Amadou Toumani Touré"), "{hover}");
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Sends `bytes`, expects one error with id null and `code`, then a hover.
fn assert_answered_and_alive(bytes: &[u8], code: i64) {
    let mut server = server();
    server.write_raw(bytes);
    let error = server.unreadable_message_error();
    assert_eq!(error["code"], code, "{error}");
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_malformed_json() {
    assert_answered_and_alive(&frame(r#"{"jsonrpc":"2.0","id":7,"method":"#), -32700);
}

#[test]
fn wire_body_shorter_than_content_length() {
    let body = r#"{"jsonrpc":"2.0","method":"initialized"}"#;
    let cut = format!("Content-Length: 54\r\n\r\n{body}");
    assert_answered_and_alive(cut.as_bytes(), -32700);
}

#[test]
fn wire_non_numeric_content_length() {
    assert_answered_and_alive(
        b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        -32700,
    );
}

#[test]
fn wire_negative_content_length() {
    assert_answered_and_alive(b"Content-Length: -3\r\n\r\n{}", -32700);
}

#[test]
fn wire_missing_content_length() {
    assert_answered_and_alive(
        b"Content-Type: application/vscode-jsonrpc\r\n\r\n{\"jsonrpc\":\"2.0\"}",
        -32700,
    );
}

#[test]
fn wire_content_length_too_small() {
    let body = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
    let short = format!("Content-Length: 10\r\n\r\n{body}");
    assert_answered_and_alive(short.as_bytes(), -32700);
}

#[test]
fn wire_fractional_id() {
    assert_answered_and_alive(
        &frame(r#"{"jsonrpc":"2.0","id":1.5,"method":"textDocument/hover","params":{}}"#),
        -32600,
    );
}

#[test]
fn wire_id_beyond_64_bits() {
    assert_answered_and_alive(
        &frame(r#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"shutdown"}"#),
        -32600,
    );
}

#[test]
fn wire_lone_surrogate_in_did_open_is_replaced() {
    let mut server = server();
    let uri = "file:///tmp/dramatis-bad-input/surrogate.txt";
    let body = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "plaintext", "version": 1,
                         "text": "SURROGATE Kofi Annan met Kofi Annan."}}})
    .to_string()
    .replace("SURROGATE", "\\ud800");
    server.write_raw(&frame(&body));
    // Open and analysed: the text holds U+FFFD (3 UTF-8 bytes, 1 UTF-16 unit).
    server.diagnostics(uri, 1);
    let hover = server
        .at("textDocument/hover", uri, (0, 4))
        .expect("hover answers");
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Kofi Annan"),
        "{hover}"
    );
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_body_cut_short_then_end_of_input_exits() {
    let mut server = server();
    server.write_raw(b"Content-Length: 54\r\n\r\n{\"jsonrpc\":\"2.0\",");
    server.close_stdin();
    let error = server.unreadable_message_error();
    assert_eq!(error["code"], -32700, "{error}");
    assert_eq!(server.wait_exit().code(), Some(1));
}

#[test]
fn wire_stdin_closed_abruptly_exits() {
    let mut server = server();
    assert_still_serves(&mut server);
    server.close_stdin();
    assert_eq!(server.wait_exit().code(), Some(1), "exit without shutdown");
}

#[test]
fn wire_dollar_request_gets_method_not_found() {
    let mut server = server();
    let error = server
        .request("$/dramatis/unknown", json!({}))
        .expect_err("a request must be answered");
    assert_eq!(error["code"], -32601, "{error}");
    // A `$/` notification is ignored silently.
    server.notify("$/dramatis/unknown", json!({}));
    server.notify("$/cancelRequest", json!({"id": 999}));
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

// ---- the CLI ----

use std::path::Path;
use std::process::Command;

fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// `people` lines "Given Smith met … Smith said …", each a different given name.
fn shared_surname_text(people: usize) -> String {
    const SYLLABLES: [&str; 12] = [
        "ba", "ko", "mi", "ra", "te", "lu", "na", "si", "do", "fe", "gu", "ho",
    ];
    (0..people)
        .map(|i| {
            let given: String = [i % 12, i / 12 % 12, i / 144 % 12]
                .iter()
                .map(|&s| SYLLABLES[s])
                .collect();
            let mut given = given.chars();
            let first = given.next().map(|c| c.to_ascii_uppercase());
            let given: String = first.into_iter().chain(given).collect();
            format!("{given} Smith met the minister in Berlin. Smith said it went well.\n")
        })
        .collect()
}

#[test]
fn cli_a_thousand_people_sharing_a_surname_give_one_short_diagnostic() {
    let dir = scratch("bad-input", "smiths");
    let file = dir.join("smiths.txt");
    std::fs::write(&file, shared_surname_text(1000)).unwrap();
    let (code, stdout, stderr) = dramatis(&["check", "--format", "json", path_str(&file)]);
    assert_eq!(code, 1, "{stderr}");
    let files: Value = serde_json::from_str(&stdout).expect("JSON");
    let ambiguities: Vec<&Value> = files[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "ambiguous-mention")
        .collect();
    assert_eq!(ambiguities.len(), 1, "once per form: {stdout:.2000}");
    let message = ambiguities[0]["message"].as_str().unwrap();
    assert!(message.starts_with("`Smith` could mean "), "{message}");
    // (The model may miss a few of the made-up names.)
    let others: usize = message
        .rsplit(" or ")
        .next()
        .and_then(|rest| rest.strip_suffix(" others"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!((900..=995).contains(&others), "{message}");
    // The text rendering shows at most five notes.
    let (_, text, _) = dramatis(&["check", path_str(&file)]);
    assert_eq!(
        text.matches("is introduced here").count(),
        5,
        "{text:.3000}"
    );
}

#[test]
fn wire_client_that_never_answers_configuration_gets_defaults() {
    let dir = scratch("bad-input", "silent-configuration");
    std::fs::write(dir.join("notes.txt"), GOOD_TEXT).unwrap();
    let mut server = Server::start_with_env(&[("DRAMATIS_RECOGNIZER", "rules")]);
    server.answer_configuration = false;
    server.initialize_params(json!({
        "processId": null,
        "rootUri": format!("file://{}", path_str(&dir)),
        "capabilities": {"workspace": {"configuration": true}},
    }));
    let warning = server.notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("no answer to workspace/configuration"))
    });
    assert_eq!(warning["type"], 2, "a warning: {warning}");
    // The defaults are in force: the workspace gets indexed.
    server.notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("dramatis: indexed 1 of 1 files"))
    });
    server.open(GOOD_URI, 1, GOOD_TEXT);
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn cli_check_prints_a_window_of_a_long_line() {
    let dir = scratch("bad-input", "long-line");
    let file = dir.join("long.txt");
    let filler = "and the weather was mild again ".repeat(20_000);
    let text = format!("{filler}Amadou Toumani Touré spoke; Toure left. {filler}The MNLA met.\n");
    std::fs::write(&file, &text).unwrap();
    let (code, stdout, stderr) = dramatis(&["check", path_str(&file)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.len() < 2_000, "{} bytes printed", stdout.len());
    for source in stdout.lines().filter(|l| l.starts_with("1 | ")) {
        let shown = source.chars().count() - "1 | ".len();
        assert!(shown <= 80, "{shown} characters of source: {source}");
    }
    let source_line = stdout
        .lines()
        .find(|l| l.contains("Toure left."))
        .expect("the source window");
    assert!(source_line.starts_with("1 | … "), "{source_line}");
    assert!(source_line.ends_with(" …"), "{source_line}");
    // The caret sits under `Toure` in the window.
    let carets = stdout
        .lines()
        .skip_while(|l| !l.contains("Toure left."))
        .nth(1)
        .expect("caret line");
    let column = carets.find('^').expect("caret");
    let under: String = source_line.chars().skip(column).take(5).collect();
    assert_eq!(under, "Toure", "{source_line}\n{carets}");
}

#[test]
fn cli_train_on_nothing_refuses_and_writes_nothing() {
    let dir = scratch("bad-input", "train-empty");
    let empty = dir.join("empty.conll");
    std::fs::write(&empty, "").unwrap();
    let out = dir.join("model.bin");
    let (code, _, stderr) = dramatis(&[
        "train",
        "--conll",
        path_str(&empty),
        "--out",
        path_str(&out),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no training text in"), "{stderr}");
    assert!(!out.exists(), "no model written");
    // Without --out nothing is trained (the shipped model is never a default).
    let (code, _, stderr) = dramatis(&["train", "--conll", path_str(&empty)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--out"), "{stderr}");
}

#[test]
fn cli_oversized_file_is_skipped_and_the_others_checked() {
    let dir = scratch("bad-input", "max-bytes");
    let big = dir.join("big.txt");
    let small = dir.join("small.txt");
    std::fs::write(&big, "Kofi Annan spoke. ".repeat(20)).unwrap();
    std::fs::write(&small, "Kofi Annan spoke.\n").unwrap();
    let (code, stdout, stderr) = dramatis(&[
        "check",
        "--max-bytes",
        "100",
        path_str(&big),
        path_str(&small),
    ]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: {}: larger than the limit of 100 bytes; skipped (raise it with --max-bytes)",
            big.display()
        )),
        "{stderr}"
    );
    assert!(stdout.contains("1 file checked"), "{stdout}");
}

#[test]
fn cli_device_is_skipped_without_reading_it() {
    let (code, stdout, stderr) = dramatis(&["check", "/dev/zero"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("error: /dev/zero: not a regular file (a FIFO, socket or device); skipped"),
        "{stderr}"
    );
}

#[test]
fn cli_fifo_is_skipped_without_blocking() {
    let dir = scratch("bad-input", "fifo");
    let fifo = dir.join("pipe.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let (code, _, stderr) = dramatis(&["check", path_str(&fifo)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a regular file"), "{stderr}");
    // Walking the directory does not pick it up either.
    let (code, stdout, stderr) = dramatis(&["check", path_str(&dir)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("0 files checked"), "{stdout}");
}

#[test]
fn cli_directory_named_like_a_text_file_is_walked_not_read() {
    let dir = scratch("bad-input", "dir-named-txt");
    let odd = dir.join("x.txt");
    std::fs::create_dir_all(odd.join("inner")).unwrap();
    std::fs::write(odd.join("inner").join("a.txt"), "Kofi Annan spoke.\n").unwrap();
    let (code, stdout, stderr) = dramatis(&["check", path_str(&odd)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 file checked"), "{stdout}");
}

#[test]
fn cli_symlink_loop_and_missing_path_are_reported() {
    let dir = scratch("bad-input", "symlink-loop");
    let a = dir.join("a.txt");
    let b = dir.join("b.txt");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let missing = dir.join("missing.txt");
    let (code, _, stderr) = dramatis(&["check", path_str(&a), path_str(&missing)]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("error: {}: ", a.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "error: {}: No such file or directory",
            missing.display()
        )),
        "{stderr}"
    );
    // A walk does not follow the loop.
    let (code, stdout, _) = dramatis(&["check", path_str(&dir)]);
    assert_eq!(code, 0);
    assert!(stdout.contains("0 files checked"), "{stdout}");
}

#[test]
fn cli_walk_honours_gitignore_outside_git_in_natural_order() {
    let dir = scratch("bad-input", "walk-order");
    std::fs::write(dir.join(".gitignore"), "draft*.txt\n").unwrap();
    for name in ["ch10.txt", "ch2.txt", "ch1.md", "draft.txt", "notes.rs"] {
        std::fs::write(dir.join(name), "Kofi Annan spoke. Annan left.\n").unwrap();
    }
    let (code, stdout, stderr) = dramatis(&["annotate", path_str(&dir)]);
    assert_eq!(code, 0, "{stderr}");
    let names: Vec<String> = stdout
        .lines()
        .map(|l| {
            let value: Value = serde_json::from_str(l).expect("JSON line");
            let path = value["path"].as_str().unwrap_or_default().to_string();
            path.rsplit('/').next().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(names, ["ch1.md", "ch2.txt", "ch10.txt"]);
}

#[test]
fn wire_workspace_at_the_file_system_root_is_not_walked() {
    let mut server = Server::start_with_env(&[("DRAMATIS_RECOGNIZER", "rules")]);
    server.initialize_params(json!({
        "processId": null,
        "rootUri": "file:///",
        "capabilities": {},
    }));
    let refused = server.notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("not walked"))
    });
    assert!(
        refused["message"]
            .as_str()
            .unwrap_or_default()
            .contains("/: not walked (the root of a file system"),
        "{refused}"
    );
    server.notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("dramatis: indexed 0 of 0 files"))
    });
    server.open(GOOD_URI, 1, GOOD_TEXT);
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

/// Sends a rename of "Touré" to `new_name` and returns the error.
fn rename_error(server: &mut Server, new_name: &str) -> Value {
    let mut params = support::at_params(GOOD_URI, (0, 39));
    params["newName"] = json!(new_name);
    server
        .request("textDocument/rename", params)
        .expect_err("the rename is refused")
}

#[test]
fn wire_rename_to_unusable_names_is_refused() {
    let mut server = server();
    for (name, reason) in [
        ("Kofi\nAnnan", "contains a line break"),
        ("Kofi\r\nAnnan", "contains a line break"),
        ("Ko\0fi", "contains a control character"),
        ("", "empty or only spaces and invisible characters"),
        ("   ", "empty or only spaces and invisible characters"),
        (
            "\u{200B}\u{FEFF} \u{2060}",
            "empty or only spaces and invisible characters",
        ),
    ] {
        let error = rename_error(&mut server, name);
        assert_eq!(error["code"], -32602, "{name:?}: {error}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.contains(reason), "{name:?}: {message}");
    }
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

/// The warning logged for a notification dropped for its params.
fn dropped_notification_log(server: &mut Server, method: &str) -> String {
    let prefix = format!("dramatis: ignored {method}: invalid params");
    let log = server.notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with(&prefix))
    });
    assert_eq!(log["type"], 2, "{log}");
    log["message"].as_str().unwrap_or_default().to_string()
}

#[test]
fn wire_change_with_negative_position_is_logged() {
    let mut server = server();
    server.change(
        GOOD_URI,
        2,
        json!([{"range": {"start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 3}}, "text": "X"}]),
    );
    dropped_notification_log(&mut server, "textDocument/didChange");
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_open_with_bad_uri_is_logged() {
    let mut server = server();
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "not a uri at all", "languageId": "plaintext", "version": 1, "text": "Kofi Annan."}}),
    );
    dropped_notification_log(&mut server, "textDocument/didOpen");
    server.notify("textDocument/didOpen", json!({"textDocument": 5}));
    dropped_notification_log(&mut server, "textDocument/didOpen");
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn cli_invisible_format_characters_stay_out_of_mention_edges() {
    let dir = scratch("bad-input", "invisible");
    let file = dir.join("bidi.txt");
    let text = "Kofi Annan\u{200B} spoke in Accra\u{00AD}. \u{FEFF}Annan left; \
                \u{2066}Kofi Annan\u{2069} met \u{200E}Annan\u{200F} again.\n";
    std::fs::write(&file, text).unwrap();
    let (code, stdout, stderr) = dramatis(&["annotate", path_str(&file)]);
    assert_eq!(code, 0, "{stderr}");
    let value: Value = serde_json::from_str(stdout.trim()).expect("JSON");
    let mentions = value["mentions"].as_array().unwrap();
    assert!(mentions.len() >= 3, "{stdout}");
    // Invisible characters do not split one person in two.
    let people = value["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == "Kofi Annan")
        .count();
    assert_eq!(people, 1, "{stdout}");
    for mention in mentions {
        let text = mention["text"].as_str().unwrap();
        let first = text.chars().next().unwrap();
        let last = text.chars().last().unwrap();
        for edge in [first, last] {
            assert!(
                edge.is_alphanumeric() || edge == '.',
                "{text:?} has {edge:?} at an edge"
            );
        }
    }
}

/// `check --model FILE` on a small text: exit code and stderr.
fn check_with_model(model: &Path) -> (i32, String) {
    let text = model.with_extension("txt");
    std::fs::write(&text, "Kofi Annan spoke.\n").unwrap();
    let (code, _, stderr) = dramatis(&["check", "--model", path_str(model), path_str(&text)]);
    (code, stderr)
}

#[test]
fn cli_model_corrupted_but_of_the_right_size_is_refused() {
    let dir = scratch("bad-input", "model-corrupted");
    let model = dir.join("flipped.bin");
    let mut bytes = std::fs::read("models/ner.bin").expect("the shipped model");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&model, &bytes).unwrap();
    let (code, stderr) = check_with_model(&model);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("loading {}", model.display()))
            && stderr.contains("model file is corrupted"),
        "{stderr}"
    );
}

#[test]
fn cli_model_garbage_truncated_or_empty_is_refused() {
    let dir = scratch("bad-input", "model-bad");
    let shipped = std::fs::read("models/ner.bin").expect("the shipped model");
    for (name, bytes, reason) in [
        ("empty.bin", Vec::new(), "model file is truncated"),
        (
            "garbage.bin",
            b"PK\x03\x04 not a model at all, really".to_vec(),
            "not a dramatis model file",
        ),
        (
            "truncated.bin",
            shipped[..shipped.len() / 3].to_vec(),
            "model file is truncated",
        ),
    ] {
        let model = dir.join(name);
        std::fs::write(&model, bytes).unwrap();
        let (code, stderr) = check_with_model(&model);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains(reason), "{name}: {stderr}");
    }
    let (code, stderr) = check_with_model(&dir.join("absent.bin"));
    assert_eq!(code, 2);
    assert!(stderr.contains("reading "), "{stderr}");
}

#[test]
fn wire_hover_during_a_new_analysis_answers_from_the_last_one() {
    // The new version's analysis panics (test trigger), so only an answer
    // from the previous analysis can name anyone.
    const TRIGGER: &str = "KABOOM-5e1f";
    let mut server = Server::start_with_env(&[
        ("DRAMATIS_RECOGNIZER", "rules"),
        ("DRAMATIS_LSP_PANIC_TRIGGER", TRIGGER),
    ]);
    server.initialize(None, Value::Null);
    let uri = "file:///tmp/dramatis-bad-input/long.txt";
    let body =
        "Amadou Toumani Touré met the minister in Bamako. Touré said it went well.\n".repeat(3_000);
    server.open(uri, 1, &body);
    server.diagnostics(uri, 1);
    // An edit at the end: the start of the text is unchanged, so a hover
    // there can be answered from version 1 while version 2 is analysed.
    let end_line = 3_000;
    server.change(
        uri,
        2,
        json!([{"range": {"start": {"line": end_line, "character": 0}, "end": {"line": end_line, "character": 0}}, "text": format!("Kofi Annan arrived. {TRIGGER}\n")}]),
    );
    let hover = server
        .at("textDocument/hover", uri, (0, 3))
        .expect("hover answers");
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Amadou Toumani Touré"),
        "{hover}"
    );
    assert_eq!(hover["range"]["start"], json!({"line": 0, "character": 0}));
    // After the edit point, the hover needs the current analysis.
    let error = server
        .at("textDocument/hover", uri, (end_line, 2))
        .expect_err("the new analysis panics");
    assert_eq!(error["code"], -32603, "{error}");
    server.open(GOOD_URI, 1, GOOD_TEXT);
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

// ---- odd texts, through the CLI (rules: fast in debug builds) ----

/// `annotate FILE` with the rules on `bytes` written to `name`.
fn annotate_bytes(name: &str, bytes: &[u8]) -> (i32, Value, String) {
    let dir = scratch("bad-input", &format!("text-{}", name.replace('.', "-")));
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dramatis"))
        .args(["annotate", path_str(&file)])
        .env("DRAMATIS_RECOGNIZER", "rules")
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        value,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every mention's offsets slice its text out of `text`.
fn assert_offsets_slice(text: &str, value: &Value) {
    for mention in value["mentions"].as_array().expect("mentions") {
        let (start, end) = (
            mention["start"].as_u64().unwrap() as usize,
            mention["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(text.get(start..end), mention["text"].as_str(), "{mention}");
    }
}

fn mention_texts(value: &Value) -> Vec<String> {
    value["mentions"]
        .as_array()
        .map(|m| {
            m.iter()
                .map(|m| m["text"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn text_empty_file() {
    let (code, value, stderr) = annotate_bytes("empty.txt", b"");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(value["mentions"], json!([]));
    assert_eq!(value["entities"], json!([]));
}

#[test]
fn text_whitespace_only() {
    let (code, value, stderr) = annotate_bytes("blank.txt", b" \n\t\r\n \x0c\n");
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(value["mentions"], json!([]));
}

#[test]
fn text_binary_is_refused_with_its_offset() {
    let mut bytes = b"GIF89a".to_vec();
    bytes.extend((0..=255u8).cycle().take(4096));
    let (code, value, stderr) = annotate_bytes("image.txt", &bytes);
    assert_eq!(code, 2);
    assert_eq!(value, Value::Null, "nothing printed for it");
    assert!(
        stderr.contains("image.txt: not valid UTF-8 (invalid byte at offset 134)"),
        "{stderr}"
    );
}

#[test]
fn text_invalid_utf8_in_the_middle() {
    let (code, _, stderr) = annotate_bytes("latin1.txt", b"Kofi Annan met Jos\xe9 Ramos.\n");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("latin1.txt: not valid UTF-8 (invalid byte at offset 18)"),
        "{stderr}"
    );
}

#[test]
fn text_utf16_with_bom_is_refused() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("Kofi Annan".encode_utf16().flat_map(u16::to_le_bytes));
    let (code, _, stderr) = annotate_bytes("utf16.txt", &bytes);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("utf16.txt: not valid UTF-8 (invalid byte at offset 0)"),
        "{stderr}"
    );
}

#[test]
fn text_utf8_bom_is_not_part_of_a_name() {
    let text = "\u{FEFF}Kofi Annan spoke.\n";
    let (code, value, stderr) = annotate_bytes("bom.txt", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_offsets_slice(text, &value);
    assert_eq!(value["mentions"][0]["start"], 3, "{value}");
    assert_eq!(mention_texts(&value), ["Kofi Annan"]);
}

#[test]
fn text_nul_bytes() {
    let text = "Kofi Annan\0spoke in Accra.\0\0 Annan left.\n";
    let (code, value, stderr) = annotate_bytes("nul.txt", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_offsets_slice(text, &value);
    assert!(
        mention_texts(&value).contains(&"Kofi Annan".to_string()),
        "{value}"
    );
}

#[test]
fn text_cr_only_and_mixed_line_endings_count_lines() {
    let dir = scratch("bad-input", "line-endings");
    let file = dir.join("endings.txt");
    std::fs::write(
        &file,
        "one\rtwo\r\nthree\nKofi Annan met Toure and Touré.\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dramatis"))
        .args(["check", path_str(&file)])
        .env("DRAMATIS_RECOGNIZER", "rules")
        .output()
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("{}:4:", file.display())),
        "line 4 after CR, CRLF and LF: {stdout}"
    );
}

#[test]
fn text_five_megabyte_single_line() {
    let text = format!(
        "{}and then Kofi Annan arrived.",
        "the weather was mild again and ".repeat(170_000)
    );
    assert!(text.len() > 5_000_000);
    let (code, value, stderr) = annotate_bytes("one-line.txt", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(mention_texts(&value), ["Kofi Annan"]);
    assert_eq!(
        value["mentions"][0]["start"].as_u64(),
        Some(text.len() as u64 - 19)
    );
}

#[test]
fn text_one_capitalised_word_repeated() {
    // A quarter of a million in the debug build used by tests (a million
    // takes the release binary a few seconds).
    let text = "Mali ".repeat(250_000);
    let (code, value, stderr) = annotate_bytes("mali.txt", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    let entities = value["entities"].as_array().expect("entities");
    assert!(entities.len() <= 1, "{} entities", entities.len());
}

#[test]
fn text_hundred_thousand_distinct_capitalised_words() {
    let text: String = (0..100_000).map(|i| format!("Zq{i:x} ")).collect();
    let (code, value, stderr) = annotate_bytes("distinct.txt", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_offsets_slice(&text, &value);
}

#[test]
fn text_ten_thousand_deep_markdown_quote() {
    let text = format!("{}Kofi Annan spoke.\n", "> ".repeat(10_000));
    let (code, value, stderr) = annotate_bytes("quote.md", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_offsets_slice(&text, &value);
}

#[test]
fn text_ten_thousand_deep_markdown_list() {
    // "- - - …": each marker opens a list inside the previous item.
    let text = format!("{}Kofi Annan\n- Kofi Annan\n", "- ".repeat(10_000));
    let (code, value, stderr) = annotate_bytes("list.md", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_offsets_slice(&text, &value);
}

#[test]
fn text_never_closed_code_fence_masks_to_the_end() {
    let text = "Kofi Annan spoke.\n\n```\nKwame Nkrumah in a code block\n";
    let (code, value, stderr) = annotate_bytes("fence.md", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(mention_texts(&value), ["Kofi Annan"]);
}

#[test]
fn text_acronym_storm() {
    let text: String = (0..3_000)
        .map(|i| {
            let a = (b'A' + (i % 26) as u8) as char;
            let b = (b'A' + (i / 26 % 26) as u8) as char;
            format!("{a}lpha {b}ravo ({a}{b}) ")
        })
        .collect();
    let (code, value, stderr) = annotate_bytes("storm.txt", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_offsets_slice(&text, &value);
}

#[test]
fn text_combining_marks_emoji_rtl_and_zwj_in_names() {
    let text = "Jose\u{301} Ramos met Zoë Saldaña 👩‍👩‍👧 in Tel Aviv; \
                מרים כהן and محمد عباس spoke; Ramos left.\n";
    let (code, value, stderr) = annotate_bytes("scripts.txt", text.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_offsets_slice(text, &value);
}

// ---- protocol misuse ----

fn log_containing(server: &mut Server, needle: &str) -> Value {
    server.notification("window/logMessage", |p| {
        p["message"].as_str().is_some_and(|m| m.contains(needle))
    })
}

#[test]
fn wire_unknown_method_is_method_not_found() {
    let mut server = server();
    let error = server
        .request("textDocument/dramatisDoesNotExist", json!({}))
        .expect_err("unknown");
    assert_eq!(error["code"], -32601, "{error}");
    server.notify("dramatis/unknownNotification", json!({}));
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_request_before_initialize_is_refused() {
    let mut server = Server::start_with_env(&[("DRAMATIS_RECOGNIZER", "rules")]);
    let error = server
        .at("textDocument/hover", GOOD_URI, (0, 0))
        .expect_err("not initialized");
    assert_eq!(error["code"], -32002, "{error}");
    server.initialize(None, Value::Null);
    server.open(GOOD_URI, 1, GOOD_TEXT);
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_request_after_shutdown_is_refused_and_exit_is_clean() {
    let mut server = server();
    server.request("shutdown", Value::Null).expect("shutdown");
    let error = server
        .at("textDocument/hover", GOOD_URI, (0, 39))
        .expect_err("after shutdown");
    assert_eq!(error["code"], -32600, "{error}");
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(0));
}

#[test]
fn wire_exit_without_shutdown_exits_1() {
    let mut server = server();
    assert_still_serves(&mut server);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit().code(), Some(1));
}

#[test]
fn wire_change_to_unopened_document_is_logged() {
    let mut server = server();
    let uri = "file:///tmp/dramatis-bad-input/never-opened.txt";
    server.change(uri, 2, json!([{"text": "Kofi Annan"}]));
    let log = log_containing(&mut server, "didChange for a document not open");
    assert!(log["message"].as_str().unwrap().contains(uri), "{log}");
    assert!(server
        .at("textDocument/hover", uri, (0, 1))
        .expect("answers")
        .is_null());
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_version_going_backwards_is_ignored_and_logged() {
    let mut server = server();
    server.change(
        GOOD_URI,
        5,
        json!([{"text": "Kofi Annan spoke. Annan left.\n"}]),
    );
    server.change(GOOD_URI, 3, json!([{"text": "Nobody here.\n"}]));
    let log = log_containing(&mut server, "with version 3 (current 5)");
    assert_eq!(log["type"], 2, "{log}");
    let hover = server
        .at("textDocument/hover", GOOD_URI, (0, 19))
        .expect("hover");
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Kofi Annan"),
        "version 5's text stands: {hover}"
    );
    server.change(GOOD_URI, 6, json!([{"text": GOOD_TEXT}]));
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

/// One ranged edit of GOOD_URI (version 2), then the diagnostics of
/// version 2 prove it was applied.
fn edit(server: &mut Server, start: (u32, u32), end: (u32, u32), text: &str) {
    server.change(
        GOOD_URI,
        2,
        json!([{"range": {"start": {"line": start.0, "character": start.1}, "end": {"line": end.0, "character": end.1}}, "text": text}]),
    );
    server.diagnostics(GOOD_URI, 2);
}

#[test]
fn wire_range_past_the_end_is_clamped() {
    let mut server = server();
    edit(&mut server, (40, 7), (99, 99), "Kofi Annan came.");
    let hover = server
        .at("textDocument/hover", GOOD_URI, (1, 2))
        .expect("hover");
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Kofi Annan"),
        "appended at the end: {hover}"
    );
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_inverted_range_is_read_in_order() {
    let mut server = server();
    // Replaces "spoke" (0:21..0:26) given end first.
    edit(&mut server, (0, 26), (0, 21), "waited");
    let hover = server
        .at("textDocument/hover", GOOD_URI, (0, 40))
        .expect("hover");
    assert_eq!(
        hover["range"]["start"],
        json!({"line": 0, "character": 39}),
        "one character longer before Touré: {hover}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn wire_range_inside_a_surrogate_pair_snaps_to_the_character() {
    let mut server = server();
    let uri = "file:///tmp/dramatis-bad-input/emoji.txt";
    server.open(uri, 1, "😀 Kofi Annan spoke. Annan left.\n");
    // UTF-16 column 1 is inside 😀; the edit must not split it.
    server.change(
        uri,
        2,
        json!([{"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 1}}, "text": "!"}]),
    );
    server.diagnostics(uri, 2);
    let symbols = server
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("symbols");
    assert!(symbols.to_string().contains("Kofi Annan"), "{symbols}");
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_double_open_replaces_the_text() {
    let mut server = server();
    server.open(GOOD_URI, 7, "Kofi Annan spoke. Annan left.\n");
    server.diagnostics(GOOD_URI, 7);
    let hover = server
        .at("textDocument/hover", GOOD_URI, (0, 19))
        .expect("hover");
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("Kofi Annan"),
        "{hover}"
    );
    assert!(server.shutdown().success());
}

#[test]
fn wire_hover_after_close_is_null() {
    let mut server = server();
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": GOOD_URI}}),
    );
    let hover = server
        .at("textDocument/hover", GOOD_URI, (0, 39))
        .expect("answers");
    assert!(hover.is_null(), "{hover}");
    server.open(GOOD_URI, 2, GOOD_TEXT);
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_cancel_request_for_unknown_and_finished_ids() {
    let mut server = server();
    let id = server.send("textDocument/hover", support::at_params(GOOD_URI, (0, 39)));
    server.notify("$/cancelRequest", json!({"id": id}));
    server.notify("$/cancelRequest", json!({"id": 424242}));
    server.notify("$/cancelRequest", json!({"id": "no-such"}));
    // The hover is either answered or cancelled (-32800), never lost.
    match server.response(id) {
        Ok(hover) => assert!(hover.is_null() || hover["contents"].is_object()),
        Err(error) => assert_eq!(error["code"], -32800, "{error}"),
    }
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

/// Opens `text` in the server, waits for its diagnostics, checks a hover.
fn assert_server_survives_text(name: &str, text: &str) {
    let mut server = server();
    let uri = format!("file:///tmp/dramatis-bad-input/{name}");
    server.open(&uri, 1, text);
    server.diagnostics(&uri, 1);
    server
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("tokens");
    assert_still_serves(&mut server);
    assert!(server.shutdown().success());
}

#[test]
fn wire_text_with_nul_cr_and_bidi() {
    assert_server_survives_text(
        "odd.txt",
        "Kofi\0Annan\rspoke\r\n\u{202E}Accra\u{202C} and \u{FEFF}Annan 👩‍👩‍👧 left.\n",
    );
}

#[test]
fn wire_deep_markdown_and_unclosed_fence() {
    let text = format!(
        "{}Kofi Annan\n\n{}Annan\n\n```\nKwame Nkrumah",
        "> ".repeat(10_000),
        "- ".repeat(10_000)
    );
    assert_server_survives_text("deep.md", &text);
}

#[test]
fn wire_acronym_storm_and_shared_surnames() {
    let storm: String = (0..2_000)
        .map(|i| format!("Alpha Bravo{i} (AB{i}) "))
        .collect();
    assert_server_survives_text(
        "storm.txt",
        &format!("{storm}\n{}", shared_surname_text(200)),
    );
}

#[test]
fn wire_content_length_too_large_does_not_swallow_the_next_message() {
    let mut server = server();
    let body = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
    let long = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 30);
    server.write_raw(long.as_bytes());
    // The next request completes the bogus body; it must still be read.
    assert_still_serves(&mut server);
    let error = server.unreadable_message_error();
    assert_eq!(error["code"], -32700, "{error}");
    assert!(server.shutdown().success());
}

#[test]
fn wire_json_without_any_header() {
    let mut server = server();
    server.write_raw(br#"{"jsonrpc":"2.0","id":99,"method":"shutdown"}"#);
    assert_still_serves(&mut server);
    let error = server.unreadable_message_error();
    assert_eq!(error["code"], -32700, "{error}");
    assert!(server.shutdown().success());
}
