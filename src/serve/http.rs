//! The proof room's HTTP API: one function per request, after the checks every request
//! passes (its `Host` and `Origin` are the server's own, so no other site and no DNS
//! rebinding reaches it; approvals carry the session's token; files only from `out/`).

use std::io::{Read, Write};
use std::path::{Component, Path};
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};
use tiny_http::{Header, Method, Request, Response};

use super::state::Room;
use crate::profile::{Approval, Profile};

/// The page of the room, its token replaced at start.
pub const APP: &str = include_str!("app.html");
/// The largest request body read (an approval).
const MAX_BODY: u64 = 64 * 1024;

/// What every request is answered with and checked against.
pub struct Server {
    /// The shared state.
    pub room: std::sync::Arc<Room>,
    /// The project root.
    pub root: std::path::PathBuf,
    /// The output folder, relative to the root (`out`).
    pub output: std::path::PathBuf,
    /// The token approvals must carry.
    pub token: String,
    /// The `Host` values that name this server (`127.0.0.1:8000`, `localhost:8000`).
    pub hosts: Vec<String>,
    /// Options of the watch: the time stamps of approvals.
    pub options: crate::project::Options,
}

/// An answer: status, content type and body.
type Answer = (u16, &'static str, Vec<u8>);

/// A JSON answer.
fn json(status: u16, value: &Value) -> Answer {
    (status, "application/json; charset=utf-8", value.to_string().into_bytes())
}

/// An error answer with `message`.
fn refuse(status: u16, message: &str) -> Answer {
    json(status, &json!({ "error": message }))
}

impl Server {
    /// Answers `request`.
    pub fn handle(&self, mut request: Request) {
        let header = |name: &'static str| {
            request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_string())
        };
        let (host, origin, token) = (header("Host"), header("Origin"), header("X-Yarlung-Token"));
        let url = request.url().to_string();
        let (path, query) = url.split_once('?').unwrap_or((&url, ""));
        let path = path.to_string();
        let query = query.to_string();
        if !host.as_ref().is_some_and(|h| self.hosts.contains(h)) {
            return respond(request, refuse(403, "this server answers only requests to its own address"));
        }
        if let Some(origin) = &origin
            && !self.hosts.iter().any(|h| *origin == format!("http://{h}"))
        {
            return respond(request, refuse(403, "requests from other sites are refused"));
        }
        if path == "/api/events" && *request.method() == Method::Get {
            return self.events(request);
        }
        let answer = match (request.method().clone(), path.as_str()) {
            (Method::Get, "/") => {
                (200, "text/html; charset=utf-8", APP.replace("{{TOKEN}}", &self.token).into_bytes())
            }
            (Method::Get, "/api/documents") => self.documents(),
            (Method::Get, "/api/rounds") => self.rounds(),
            (Method::Get, "/api/changes") => self.changes(&query),
            (Method::Post, "/api/approve") => {
                let mut body = Vec::new();
                let read = request.as_reader().take(MAX_BODY).read_to_end(&mut body);
                match (token.as_deref() == Some(self.token.as_str()), read) {
                    (false, _) => {
                        refuse(403, "an approval needs the session's token (printed where the server runs)")
                    }
                    (true, Err(_)) => refuse(400, "the request could not be read"),
                    (true, Ok(_)) => self.approve(&body),
                }
            }
            (Method::Get, p) if p.starts_with("/api/documents/") => {
                self.document(&p["/api/documents/".len()..])
            }
            (Method::Get, p) if p.starts_with("/api/pages/") => self.page(&p["/api/pages/".len()..], &query),
            (Method::Get, p) if p.starts_with("/files/") => self.file(&p["/files/".len()..]),
            _ => refuse(404, "no such page"),
        };
        respond(request, answer);
    }

    /// The documents with their state.
    fn documents(&self) -> Answer {
        let shown = self.room.shown.read().unwrap_or_else(|p| p.into_inner());
        let documents: Vec<Value> = shown
            .iter()
            .map(|((profile, name), s)| {
                let errors =
                    s.findings.iter().filter(|f| f.severity == crate::finding::Severity::Error).count();
                json!({
                    "name": name, "profile": profile.name(), "pages": s.pages.len(), "version": s.version,
                    "warnings": s.findings.len() - errors, "errors": errors,
                    "failed": if errors > 0 { Some("preflight found errors") } else { None },
                    "first": s.pages.first().map(|(h, _)| h.clone()),
                })
            })
            .collect();
        let failure = self.room.failure.read().unwrap_or_else(|p| p.into_inner()).clone();
        json(
            200,
            &json!({
                "generation": self.room.generation.load(Ordering::Relaxed),
                "error": failure,
                "documents": documents,
            }),
        )
    }

    /// One document: its pages and findings (`<profile>/<name>`).
    fn document(&self, rest: &str) -> Answer {
        let Some((profile, name)) = split(rest) else { return refuse(404, "no such document") };
        let shown = self.room.shown.read().unwrap_or_else(|p| p.into_inner());
        let Some(s) = shown.get(&(profile, decode(name))) else { return refuse(404, "no such document") };
        let pages: Vec<Value> = s
            .pages
            .iter()
            .enumerate()
            .map(|(i, (hash, page))| {
                json!({ "n": i + 1, "hash": hash, "width": page.frame.width().to_mm(), "height": page.frame.height().to_mm() })
            })
            .collect();
        let findings: Vec<Value> = s
            .findings
            .iter()
            .map(|f| {
                json!({
                    "severity": f.severity, "check": f.check, "message": f.what, "fix": f.fix,
                    "page": f.page, "area": f.area, "field": f.field,
                })
            })
            .collect();
        json(
            200,
            &json!({ "name": decode(name), "profile": profile.name(), "version": s.version, "pages": pages, "findings": findings }),
        )
    }

    /// A page image (`<profile>/<name>/<n>.png`, `h=<hash>`).
    fn page(&self, rest: &str, query: &str) -> Answer {
        let Some((profile, tail)) = split(rest) else { return refuse(404, "no such page") };
        let Some((name, file)) = tail.rsplit_once('/') else { return refuse(404, "no such page") };
        let Some(n) = file.strip_suffix(".png").and_then(|n| n.parse::<usize>().ok()) else {
            return refuse(404, "no such page");
        };
        let hash = param(query, "h").unwrap_or_default();
        match self.room.image(profile, &decode(name), n, &hash) {
            Some(png) => (200, "image/png", png.to_vec()),
            None => refuse(404, "no such page (it may have changed: reload the document)"),
        }
    }

    /// The rounds, the roles that approve and the approvals given.
    fn rounds(&self) -> Answer {
        let rounds = crate::proof::record::Round::numbers(&self.root).unwrap_or_default();
        let approvers = crate::project::config::ProjectConfig::load(&self.root).map(|c| c.proof.approvers);
        let approvals = crate::proof::approve::ledger(&self.root);
        match (approvers, approvals) {
            (Ok(approvers), Ok(approvals)) => {
                json(200, &json!({ "rounds": rounds, "approvers": approvers, "approvals": approvals }))
            }
            (Err(e), _) | (_, Err(e)) => refuse(500, &e.to_string()),
        }
    }

    /// The changes between two rounds (`from`, `to`; by default the last two).
    fn changes(&self, query: &str) -> Answer {
        use crate::proof::record::Round;
        let numbers = Round::numbers(&self.root).unwrap_or_default();
        let number =
            |key: &str, default: Option<u32>| param(query, key).and_then(|v| v.parse().ok()).or(default);
        let to = number("to", numbers.last().copied());
        let from = number("from", to.map(|t| t.saturating_sub(1)).filter(|&f| f > 0));
        let (Some(from), Some(to)) = (from, to) else { return refuse(404, "two proof rounds are needed") };
        let dir = self.root.join(&self.output).join("proof").join("changes");
        let compared = Round::load(&self.root, from).and_then(|a| {
            let b = Round::load(&self.root, to)?;
            crate::proof::changes::compare(&self.root, &a, &b, &format!("round {to}"), &dir)
        });
        match compared {
            Ok(changes) => json(200, &serde_json::to_value(&changes).unwrap_or_default()),
            Err(e) => refuse(400, &e.to_string()),
        }
    }

    /// Records an approval, as `yarlung approve` does.
    fn approve(&self, body: &[u8]) -> Answer {
        let Ok(asked) = serde_json::from_slice::<Value>(body) else {
            return refuse(400, "the approval is not JSON");
        };
        let text = |key: &str| asked.get(key).and_then(Value::as_str).unwrap_or_default().to_string();
        let Some(round) = asked.get("round").and_then(Value::as_u64) else {
            return refuse(400, "which round?");
        };
        let approval = Approval {
            round: round as u32,
            role: text("role"),
            name: text("name"),
            time: crate::proof::stamp(&self.options),
            inputs_digest: String::new(),
            note: Some(text("note")).filter(|n| !n.trim().is_empty()),
        };
        let config = match crate::project::config::ProjectConfig::load(&self.root) {
            Ok(config) => config,
            Err(e) => return refuse(500, &e.to_string()),
        };
        match crate::proof::approve::approve(&self.root, &config.proof, approval) {
            Ok(approval) => json(200, &json!({ "approval": approval })),
            Err(e) => refuse(400, &e.to_string()),
        }
    }

    /// A file under the output folder; nothing else (no `..`, no absolute paths).
    fn file(&self, rest: &str) -> Answer {
        let rel = decode(rest);
        let rel = Path::new(&rel);
        let plain = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain || !rel.starts_with(&self.output) {
            return refuse(403, "only files under the output folder are served");
        }
        let out = self.root.join(&self.output).canonicalize();
        let file = self.root.join(rel).canonicalize();
        match (out, file) {
            (Ok(out), Ok(file)) if file.starts_with(&out) && file.is_file() => {
                let kind = match file.extension().and_then(|e| e.to_str()) {
                    Some("pdf") => "application/pdf",
                    Some("png") => "image/png",
                    Some("jpg") => "image/jpeg",
                    Some("json") => "application/json",
                    _ => "application/octet-stream",
                };
                match std::fs::read(&file) {
                    Ok(bytes) => (200, kind, bytes),
                    Err(_) => refuse(404, "no such file"),
                }
            }
            (Ok(_), Ok(_)) => refuse(403, "only files under the output folder are served"),
            _ => refuse(404, "no such file"),
        }
    }

    /// Streams events to one reader until it goes away: written to the socket as they come
    /// (no chunked encoding, which would hold small events back), the body ending when the
    /// connection closes.
    fn events(&self, request: Request) {
        let Some(events) = self.room.listen() else {
            return respond(request, refuse(503, "too many readers are listening; close a tab"));
        };
        let mut writer = request.into_writer();
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
                    Connection: close\r\n\r\nretry: 1000\n\n";
        let mut next = head.as_bytes().to_vec();
        loop {
            if writer.write_all(&next).and_then(|()| writer.flush()).is_err() {
                return;
            }
            next = match events.recv_timeout(Duration::from_secs(15)) {
                Ok(event) => event.into_bytes(),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => b": keep-alive\n\n".to_vec(),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            };
        }
    }
}

/// Sends `answer` (no caching of API answers).
fn respond(request: Request, (status, kind, body): Answer) {
    let mut response = Response::from_data(body).with_status_code(status);
    for h in [("Content-Type", kind), ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")] {
        if let Some(h) = header(h.0, h.1) {
            response = response.with_header(h);
        }
    }
    let _ = request.respond(response);
}

/// A header (`None` only for bytes a header cannot hold, which these never are).
fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// `<profile>/<rest>` split, the profile known.
fn split(rest: &str) -> Option<(Profile, &str)> {
    let (profile, rest) = rest.split_once('/')?;
    Some((Profile::named(profile)?, rest))
}

/// The value of `key` in a query string, percent-decoded.
fn param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('=')).map(decode)
}

/// `text` with `%XX` escapes decoded (names may hold any UTF-8).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
