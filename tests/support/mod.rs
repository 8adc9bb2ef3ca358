//! A small JSON-RPC-over-stdio client that drives the real `dramatis lsp`
//! binary, plus a naive (obviously correct, O(n)) position model to check the
//! server's conversions against.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How long any single wait may take before the test fails instead of hanging.
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Responses read while waiting for something else, by id.
    responses: HashMap<i64, Value>,
    /// Notifications read while waiting for something else, in order
    /// (requests from the server are filed here too, after being answered).
    notifications: VecDeque<Value>,
    /// What `workspace/configuration` answers for the `dramatis` section.
    pub configuration: Value,
    /// When false, `workspace/configuration` requests are never answered.
    pub answer_configuration: bool,
}

impl Server {
    /// A server on the default (trained) recognizer, as users run it; tests
    /// that need the rules pass `DRAMATIS_RECOGNIZER=rules` explicitly.
    pub fn start() -> Server {
        Server::start_with_env(&[])
    }

    pub fn start_with_env(env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dramatis"));
        command
            .arg("lsp")
            .env("DRAMATIS_RECOGNIZER", "model")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(
                if std::env::var_os("DRAMATIS_TEST_SERVER_STDERR").is_some() {
                    Stdio::inherit()
                } else {
                    Stdio::null()
                },
            );
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start dramatis lsp");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take();
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            incoming: rx,
            next_id: 1,
            responses: HashMap::new(),
            notifications: VecDeque::new(),
            configuration: Value::Null,
            answer_configuration: true,
        }
    }

    /// Starts a server and initializes it, offering `encodings` (None: the
    /// client does not say, which means UTF-16).
    pub fn initialized(encodings: Option<&[&str]>, options: Value) -> (Server, Value) {
        let mut server = Server::start();
        let result = server.initialize(encodings, options);
        (server, result)
    }

    pub fn initialize(&mut self, encodings: Option<&[&str]>, options: Value) -> Value {
        self.initialize_with(encodings, options, json!({}))
    }

    /// Like [`Server::initialize`], with the client's `workspace` capabilities.
    pub fn initialize_with(
        &mut self,
        encodings: Option<&[&str]>,
        options: Value,
        workspace: Value,
    ) -> Value {
        let mut general = json!({});
        if let Some(encodings) = encodings {
            general["positionEncodings"] = json!(encodings);
        }
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "capabilities": {
                        "general": general,
                        "workspace": workspace,
                        "textDocument": {
                            "hover": {"contentFormat": ["markdown", "plaintext"]},
                            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
                        }
                    },
                    "initializationOptions": options,
                }),
            )
            .expect("initialize succeeds");
        self.notify("initialized", json!({}));
        result
    }

    /// Sends `initialize` with exactly `params`, then `initialized`.
    pub fn initialize_params(&mut self, params: Value) -> Value {
        let result = self
            .request("initialize", params)
            .expect("initialize succeeds");
        self.notify("initialized", json!({}));
        result
    }

    /// Queued messages (notifications, and requests from the server) with
    /// `method`, without waiting for more.
    pub fn queued(&self, method: &str) -> Vec<Value> {
        self.notifications
            .iter()
            .filter(|n| n["method"] == method)
            .cloned()
            .collect()
    }

    fn write(&mut self, message: &Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write to server");
        stdin.flush().expect("flush");
    }

    /// Writes `bytes` to the server's stdin as they are, framing or not.
    pub fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to server");
        stdin.flush().expect("flush");
    }

    /// Closes the server's stdin, as a client that dies would.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits for the next error response with id null (the answer to a
    /// message the server could not read) and returns its `error`.
    pub fn unreadable_message_error(&mut self) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self
                .notifications
                .iter()
                .position(|n| n.get("method").is_none() && n["id"].is_null());
            if let Some(index) = found {
                return self.notifications.remove(index).expect("index valid")["error"].clone();
            }
            self.pump(deadline);
        }
    }

    /// Whether the process has exited, without waiting.
    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.write(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; pair with [`Server::response`].
    pub fn send(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.write(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The response to request `id`: `Ok(result)` or `Err(error)`.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(response) = self.responses.remove(&id) {
                return match response.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(response.get("result").cloned().unwrap_or(Value::Null)),
                };
            }
            self.pump(deadline);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send(method, params);
        self.response(id)
    }

    /// Reads one message, filing it; answers the server's own requests.
    fn pump(&mut self, deadline: Instant) {
        let left = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for the server"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        };
        let id = message.get("id").cloned();
        match (id, message.get("method")) {
            (Some(id), Some(_)) => {
                // workspace/configuration, */refresh,
                // window/workDoneProgress/create: answer with nothing.
                let method = message["method"].as_str().unwrap_or_default();
                if method == "workspace/configuration" && !self.answer_configuration {
                    self.notifications.push_back(message);
                    return;
                }
                let result = if method == "workspace/configuration" {
                    json!([self.configuration.clone()])
                } else {
                    Value::Null
                };
                self.write(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
                self.notifications.push_back(message);
            }
            // Errors about messages the server could not read.
            (Some(Value::Null), None) => self.notifications.push_back(message),
            (Some(id), None) => {
                let id = id.as_i64().expect("numeric id");
                self.responses.insert(id, message);
            }
            (None, _) => self.notifications.push_back(message),
        }
    }

    /// Waits for the first notification with `method` that `accept`s, and
    /// removes it (earlier ones with the same method stay queued).
    pub fn notification(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self
                .notifications
                .iter()
                .position(|n| n["method"] == method && accept(&n["params"]));
            if let Some(index) = found {
                return self.notifications.remove(index).expect("index valid")["params"].clone();
            }
            self.pump(deadline);
        }
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn open(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "plaintext", "version": version, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn at(&mut self, method: &str, uri: &str, position: (u32, u32)) -> Result<Value, Value> {
        self.request(method, at_params(uri, position))
    }

    /// shutdown, exit, and the process's exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        self.request("shutdown", Value::Null).expect("shutdown");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    pub fn wait_exit(&mut self) -> ExitStatus {
        self.stdin = None;
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "server did not exit");
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn at_params(uri: &str, (line, character): (u32, u32)) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Position units, as the client and server agreed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Units {
    Utf8,
    Utf16,
}

/// Line and column of byte offset `byte`, counted the slow, obvious way.
pub fn position(text: &str, byte: usize, units: Units) -> (u32, u32) {
    let mut line = 0;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    for i in 0..byte {
        let newline = bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if newline {
            line += 1;
            line_start = i + 1;
        }
    }
    let prefix = &text[line_start..byte];
    let column = match units {
        Units::Utf8 => prefix.len(),
        Units::Utf16 => prefix.encode_utf16().count(),
    };
    (line, column as u32)
}

/// The LSP range of bytes `start..end`, as JSON.
pub fn range(text: &str, start: usize, end: usize, units: Units) -> Value {
    let (sl, sc) = position(text, start, units);
    let (el, ec) = position(text, end, units);
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}

/// Byte ranges of every occurrence of `needle`.
pub fn occurrences(text: &str, needle: &str) -> Vec<(usize, usize)> {
    text.match_indices(needle)
        .map(|(i, m)| (i, i + m.len()))
        .collect()
}

/// Byte offset of a position (for the client-side text model in tests),
/// clamped like the protocol says.
pub fn offset(text: &str, (line, column): (u32, u32), units: Units) -> usize {
    let mut starts = vec![0];
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    let Some(&start) = starts.get(line as usize) else {
        return text.len();
    };
    let mut end = starts.get(line as usize + 1).copied().unwrap_or(text.len());
    if end > start && line as usize + 1 < starts.len() {
        end -= 1;
        if end > start && bytes[end] == b'\n' && bytes[end - 1] == b'\r' {
            end -= 1;
        }
    }
    let mut units_seen = 0usize;
    for (i, c) in text[start..end].char_indices() {
        let width = match units {
            Units::Utf8 => c.len_utf8(),
            Units::Utf16 => c.len_utf16(),
        };
        if units_seen + width > column as usize {
            return start + i;
        }
        units_seen += width;
    }
    end
}

/// Runs the real `dramatis` binary: exit code, stdout, stderr.
pub fn dramatis(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dramatis"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary, which must succeed; its stdout.
pub fn dramatis_ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = dramatis(args);
    assert_eq!(code, 0, "dramatis {args:?} failed: {stderr}");
    stdout
}

/// An empty scratch directory unique to this test process and `name`.
pub fn scratch(prefix: &str, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dramatis-{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}
