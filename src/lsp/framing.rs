//! A tolerant framing layer in front of tower-lsp-server's transport.
//!
//! tower-lsp-server stops reading its input after the first frame it cannot
//! decode (a bad header, malformed JSON, an id like `1.5`), so one bad
//! message from a client would end the session. Here stdin is read and
//! re-framed first: a message that tower-lsp-server would reject is answered
//! with a JSON-RPC error (id null) and dropped, and only well-formed messages
//! are forwarded. Lone UTF-16 surrogate escapes (`"\ud800"`), which serde_json
//! rejects, become U+FFFD. Requests named `$/…` get MethodNotFound here
//! (tower-lsp-server answers them with nothing).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::Mutex;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

/// A header block longer than this is not a header.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// A larger Content-Length is refused rather than buffered.
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;

const CONTENT_LENGTH: &[u8] = b"content-length:";

/// The start of a header swallowed by the body before it.
const NEXT_HEADER: &[u8] = b"content-length";

/// A message still incomplete after this long without input is taken as cut
/// short (clients write a message in one go), so that the client hears of
/// it instead of both sides waiting for each other.
const IDLE_INSIDE_MESSAGE: Duration = Duration::from_millis(1500);

/// What the deframer found in the input.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// The body of a frame with a valid header.
    Body(Vec<u8>),
    /// Bytes that are not a frame; the reason, for the error response.
    Bad(String),
}

/// Splits a byte stream into frames, resynchronising on the next
/// `Content-Length:` after anything it cannot read.
#[derive(Default)]
pub struct Deframer {
    buffer: Vec<u8>,
    /// Set for the server's own output, whose bodies need no checking.
    trusted: bool,
}

impl Deframer {
    fn trusted() -> Self {
        Deframer {
            buffer: Vec::new(),
            trusted: true,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete frame, or None until more input arrives.
    pub fn next_frame(&mut self) -> Option<Frame> {
        let start = self
            .buffer
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(self.buffer.len());
        self.buffer.drain(..start);
        if self.buffer.is_empty() {
            return None;
        }
        // Anything before the first header is debris (of a body whose
        // Content-Length was too small, or of a client writing no headers).
        match find_header_start(&self.buffer) {
            Some(0) => {}
            Some(at) => {
                self.buffer.drain(..at);
                return Some(Frame::Bad("bytes outside any message".into()));
            }
            None if self.buffer.len() > MAX_HEADER_BYTES => {
                self.keep_possible_header_prefix();
                return Some(Frame::Bad("bytes outside any message".into()));
            }
            // The header may still be arriving.
            None => return None,
        }
        let Some((header_end, body_start)) = header_end(&self.buffer) else {
            if self.buffer.len() > MAX_HEADER_BYTES {
                self.skip_to_next_header();
                return Some(Frame::Bad("header too long".into()));
            }
            return None;
        };
        let length = match content_length(&self.buffer[..header_end]) {
            Ok(length) => length,
            Err(reason) => {
                self.buffer.drain(..body_start);
                return Some(Frame::Bad(reason));
            }
        };
        if self.buffer.len() < body_start + length {
            return None;
        }
        let mut body: Vec<u8> = self.buffer[body_start..body_start + length].to_vec();
        if self.trusted {
            self.buffer.drain(..body_start + length);
            return Some(Frame::Body(body));
        }
        replace_lone_surrogates(&mut body);
        // A body shorter than its Content-Length swallows the start of the
        // next message: if it is not JSON and a header begins inside it,
        // resume reading there (the header's name may be all it swallowed).
        if !looks_like_json(&body) {
            let rest = &self.buffer[body_start..];
            let next_header = rest
                .windows(NEXT_HEADER.len())
                .position(|w| w.eq_ignore_ascii_case(NEXT_HEADER))
                .filter(|&at| at < length);
            if let Some(at) = next_header {
                self.buffer.drain(..body_start + at);
                return Some(Frame::Bad("message shorter than its Content-Length".into()));
            }
        }
        self.buffer.drain(..body_start + length);
        Some(Frame::Body(body))
    }

    /// Whether part of a message is waiting for the rest.
    pub fn holds_partial_message(&self) -> bool {
        self.buffer.iter().any(|b| !b.is_ascii_whitespace())
    }

    /// At end of input: what is left is a message cut short, if anything.
    pub fn finish(&mut self) -> Option<Frame> {
        let left = self.buffer.iter().any(|b| !b.is_ascii_whitespace());
        self.buffer.clear();
        left.then(|| Frame::Bad("message cut short".into()))
    }

    fn skip_to_next_header(&mut self) {
        match find_header_start(&self.buffer[1..]) {
            Some(at) => {
                self.buffer.drain(..at + 1);
            }
            None => self.keep_possible_header_prefix(),
        }
    }

    /// Drops the buffer but for a tail that may be the start of a header
    /// split across reads.
    fn keep_possible_header_prefix(&mut self) {
        let keep = CONTENT_LENGTH.len().min(self.buffer.len());
        self.buffer.drain(..self.buffer.len() - keep);
    }
}

/// Where the first header (Content-Length, or Content-Type before it) starts.
fn find_header_start(bytes: &[u8]) -> Option<usize> {
    const CONTENT_TYPE: &[u8] = b"content-type:";
    let find = |name: &[u8]| {
        bytes
            .windows(name.len())
            .position(|w| w.eq_ignore_ascii_case(name))
    };
    match (find(CONTENT_LENGTH), find(CONTENT_TYPE)) {
        (Some(length), Some(kind)) => Some(length.min(kind)),
        (length, kind) => length.or(kind),
    }
}

/// End of the header block and start of the body: a blank line, `\r\n\r\n`
/// as the protocol says, or `\n\n` from a sloppy client.
fn header_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let window = &bytes[..bytes.len().min(MAX_HEADER_BYTES + 4)];
    let crlf = window.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = window.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(c), Some(l)) if l < c => Some((l, l + 2)),
        (Some(c), _) => Some((c, c + 4)),
        (None, Some(l)) => Some((l, l + 2)),
        (None, None) => None,
    }
}

fn content_length(header: &[u8]) -> Result<usize, String> {
    let header = String::from_utf8_lossy(header);
    let mut length = None;
    for line in header.lines() {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("malformed header line {:?}", truncate(line)));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let parsed = value
                .parse::<usize>()
                .ok()
                .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| format!("invalid Content-Length {:?}", truncate(value)))?;
            if parsed > MAX_BODY_BYTES {
                return Err(format!(
                    "Content-Length {parsed} exceeds the limit of {MAX_BODY_BYTES} bytes"
                ));
            }
            length = Some(parsed);
        }
    }
    length.ok_or_else(|| "missing Content-Length".into())
}

fn truncate(text: &str) -> String {
    text.chars().take(40).collect()
}

fn looks_like_json(body: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
}

/// Replaces `\uXXXX` escapes of lone UTF-16 surrogates with `\uFFFD`, in
/// place (both are six bytes). Backslashes occur in valid JSON only inside
/// strings, so no string tracking is needed.
pub fn replace_lone_surrogates(body: &mut [u8]) {
    let surrogate_at = |body: &[u8], i: usize| -> Option<u16> {
        let escape = body.get(i..i + 6)?;
        if escape[0] != b'\\' || escape[1] != b'u' {
            return None;
        }
        let hex = std::str::from_utf8(&escape[2..]).ok()?;
        u16::from_str_radix(hex, 16)
            .ok()
            .filter(|unit| (0xD800..=0xDFFF).contains(unit))
    };
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            i += 1;
            continue;
        }
        match surrogate_at(body, i) {
            Some(high @ 0xD800..=0xDBFF)
                if surrogate_at(body, i + 6).is_some_and(|low| low >= 0xDC00) =>
            {
                let _ = high;
                i += 12;
            }
            Some(_) => {
                body[i..i + 6].copy_from_slice(b"\\uFFFD");
                i += 6;
            }
            // Any other escape: skip the escaped character too, so `\\u`
            // is not read as an escape.
            None => i += 2,
        }
    }
}

/// Why a notification's params do not fit its method, for the methods that
/// change documents or settings: tower-lsp-server drops such a notification
/// without a word, and the client should hear that its edit was lost.
fn invalid_notification_params(request: &Request) -> Option<String> {
    use serde::Deserialize;
    use tower_lsp_server::ls_types as lsp;
    fn check<'v, T: Deserialize<'v>>(params: &'v Value) -> Option<String> {
        T::deserialize(params).err().map(|err| err.to_string())
    }
    let params = request.params().unwrap_or(&Value::Null);
    let problem = match request.method() {
        "textDocument/didOpen" => check::<lsp::DidOpenTextDocumentParams>(params),
        "textDocument/didChange" => check::<lsp::DidChangeTextDocumentParams>(params),
        "textDocument/didClose" => check::<lsp::DidCloseTextDocumentParams>(params),
        "textDocument/didSave" => check::<lsp::DidSaveTextDocumentParams>(params),
        "workspace/didChangeWatchedFiles" => check::<lsp::DidChangeWatchedFilesParams>(params),
        _ => None,
    }?;
    Some(format!(
        "dramatis: ignored {}: invalid params: {problem}",
        request.method()
    ))
}

/// What to do with one frame body.
#[derive(Debug)]
pub enum Verdict {
    Forward(Vec<u8>),
    /// Drop the message and say so in the client's log.
    Log(String),
    /// Answer with this response and drop the message.
    Answer(Response),
}

pub fn judge(mut body: Vec<u8>) -> Verdict {
    replace_lone_surrogates(&mut body);
    if let Ok(request) = serde_json::from_slice::<Request>(&body) {
        if let Some(id) = request.id().filter(|_| request.method().starts_with("$/")) {
            let error = Error {
                code: ErrorCode::MethodNotFound,
                message: format!("method not found: {}", request.method()).into(),
                data: None,
            };
            return Verdict::Answer(Response::from_error(id.clone(), error));
        }
        if request.id().is_none() {
            if let Some(problem) = invalid_notification_params(&request) {
                return Verdict::Log(problem);
            }
        }
        return Verdict::Forward(body);
    }
    if serde_json::from_slice::<Response>(&body).is_ok() {
        return Verdict::Forward(body);
    }
    let error = match serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
        Ok(_) => Error {
            code: ErrorCode::InvalidRequest,
            message: "not a JSON-RPC 2.0 request, notification or response \
                      (an id must be an integer of at most 64 bits or a string)"
                .into(),
            data: None,
        },
        Err(err) => parse_error(format!("malformed JSON: {err}")),
    };
    Verdict::Answer(Response::from_error(Id::Null, error))
}

fn parse_error(message: String) -> Error {
    Error {
        code: ErrorCode::ParseError,
        message: message.into(),
        data: None,
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

type SharedOutput<W> = Arc<Mutex<W>>;

async fn write_frame<W: AsyncWrite + Unpin>(output: &SharedOutput<W>, body: &[u8]) -> bool {
    let mut output = output.lock().await;
    output.write_all(&frame(body)).await.is_ok() && output.flush().await.is_ok()
}

async fn answer<W: AsyncWrite + Unpin>(output: &SharedOutput<W>, response: &Response) -> bool {
    match serde_json::to_vec(response) {
        Ok(body) => write_frame(output, &body).await,
        Err(_) => true,
    }
}

/// Reads `input`, forwards well-formed messages to `server` (re-framed) and
/// answers the rest on `output`. Returns at end of input, dropping `server`
/// so the server sees end of input too.
pub async fn filter_input<R, S, W>(mut input: R, mut server: S, output: SharedOutput<W>)
where
    R: AsyncRead + Unpin,
    S: AsyncWrite + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut deframer = Deframer::default();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let read = if deframer.holds_partial_message() {
            match tokio::time::timeout(IDLE_INSIDE_MESSAGE, input.read(&mut chunk)).await {
                Ok(read) => read,
                Err(_) => {
                    if let Some(Frame::Bad(reason)) = deframer.finish() {
                        let reason = format!("{reason} (nothing more came)");
                        let response = Response::from_error(Id::Null, parse_error(reason));
                        answer(&output, &response).await;
                    }
                    continue;
                }
            }
        } else {
            input.read(&mut chunk).await
        };
        let read = read.unwrap_or(0);
        if read == 0 {
            if let Some(Frame::Bad(reason)) = deframer.finish() {
                let response = Response::from_error(Id::Null, parse_error(reason));
                answer(&output, &response).await;
            }
            return;
        }
        deframer.push(&chunk[..read]);
        while let Some(found) = deframer.next_frame() {
            let verdict = match found {
                Frame::Body(body) => judge(body),
                Frame::Bad(reason) => {
                    Verdict::Answer(Response::from_error(Id::Null, parse_error(reason)))
                }
            };
            match verdict {
                Verdict::Forward(body) => {
                    if server.write_all(&frame(&body)).await.is_err() {
                        return;
                    }
                }
                Verdict::Log(message) => {
                    let notification = serde_json::json!({
                        "jsonrpc": "2.0",
                        "method": "window/logMessage",
                        "params": {"type": 2, "message": message},
                    });
                    if !write_frame(&output, notification.to_string().as_bytes()).await {
                        return;
                    }
                }
                Verdict::Answer(response) => {
                    eprintln!(
                        "dramatis lsp: dropped a message: {}",
                        serde_json::to_string(&response).unwrap_or_default()
                    );
                    if !answer(&output, &response).await {
                        return;
                    }
                }
            }
        }
    }
}

/// Copies the server's frames to `output` whole, so that they never
/// interleave with the answers of [`filter_input`].
pub async fn relay_output<R, W>(mut server: R, output: SharedOutput<W>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut deframer = Deframer::trusted();
    let mut chunk = vec![0; 64 * 1024];
    loop {
        let read = match server.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        deframer.push(&chunk[..read]);
        while let Some(found) = deframer.next_frame() {
            if let Frame::Body(body) = found {
                if !write_frame(&output, &body).await {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut deframer = Deframer::default();
        deframer.push(input);
        let mut found = Vec::new();
        while let Some(frame) = deframer.next_frame() {
            found.push(frame);
        }
        found.extend(deframer.finish());
        found
    }

    const PING: &[u8] = b"Content-Length: 17\r\n\r\n{\"jsonrpc\":\"2.0\"}";

    fn body(frame: &Frame) -> &[u8] {
        match frame {
            Frame::Body(body) => body,
            Frame::Bad(reason) => panic!("bad frame: {reason}"),
        }
    }

    #[test]
    fn well_formed_frames_pass_split_anywhere() {
        let twice = [PING, PING].concat();
        for split in 0..twice.len() {
            let mut deframer = Deframer::default();
            let mut found = Vec::new();
            deframer.push(&twice[..split]);
            while let Some(frame) = deframer.next_frame() {
                found.push(frame);
            }
            deframer.push(&twice[split..]);
            while let Some(frame) = deframer.next_frame() {
                found.push(frame);
            }
            assert_eq!(found.len(), 2, "split at {split}");
            assert_eq!(body(&found[1]), b"{\"jsonrpc\":\"2.0\"}");
        }
    }

    #[test]
    fn bad_headers_are_reported_and_the_next_frame_is_read() {
        for bad in [
            &b"Content-Length: abc\r\n\r\n{}"[..],
            b"Content-Length: -5\r\n\r\n{}",
            b"Content-Type: x\r\n\r\n{}",
            b"garbage without a header ",
            b"Content-Length: 99999999999999999999999\r\n\r\n{}",
        ] {
            let found = frames(&[bad, PING].concat());
            assert!(matches!(found[0], Frame::Bad(_)), "{found:?}");
            assert_eq!(
                body(found.last().unwrap()),
                b"{\"jsonrpc\":\"2.0\"}",
                "{found:?}"
            );
        }
    }

    #[test]
    fn a_content_length_too_large_gives_back_the_next_header() {
        let input = [&b"Content-Length: 30\r\n\r\n{\"a\":1}"[..], PING].concat();
        let found = frames(&input);
        assert!(matches!(found[0], Frame::Bad(_)), "{found:?}");
        assert_eq!(body(&found[1]), b"{\"jsonrpc\":\"2.0\"}");
    }

    #[test]
    fn a_body_cut_short_gives_back_the_next_header() {
        let input = [&b"Content-Length: 23\r\n\r\n{\"a\":1}"[..], PING].concat();
        let found = frames(&input);
        assert!(matches!(found[0], Frame::Bad(_)), "{found:?}");
        assert_eq!(body(&found[1]), b"{\"jsonrpc\":\"2.0\"}");
    }

    #[test]
    fn a_body_cut_short_by_end_of_input_is_reported() {
        let found = frames(b"Content-Length: 54\r\n\r\n{\"jsonrpc\":");
        assert!(matches!(found[..], [Frame::Bad(_)]), "{found:?}");
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let mut text = br#"["\ud800", "\ud83d\ude00", "\\ud800", "\udc00x"]"#.to_vec();
        replace_lone_surrogates(&mut text);
        let value: Vec<String> = serde_json::from_slice(&text).expect("valid JSON now");
        assert_eq!(value, ["\u{FFFD}", "😀", "\\ud800", "\u{FFFD}x"]);
    }

    #[test]
    fn messages_tower_would_reject_are_answered() {
        for (body, code) in [
            (&br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#[..], -32600),
            (
                br#"{"jsonrpc":"2.0","id":9223372036854775808,"method":"x"}"#,
                -32600,
            ),
            (br#"{"jsonrpc":"2.0","#, -32700),
            (br#"{"jsonrpc":"2.0","id":3,"method":"$/custom"}"#, -32601),
        ] {
            let Verdict::Answer(response) = judge(body.to_vec()) else {
                panic!("forwarded {}", String::from_utf8_lossy(body));
            };
            let json = serde_json::to_value(&response).unwrap();
            assert_eq!(json["error"]["code"], code, "{json}");
        }
        assert!(matches!(
            judge(br#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":1}}"#.to_vec()),
            Verdict::Forward(_)
        ));
    }
}
