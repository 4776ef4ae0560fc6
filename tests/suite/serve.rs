//! The proof room's HTTP API, spoken to over a plain TCP socket: documents listed, a page
//! image served, an edit that updates a page's version, findings placed on pages, approvals
//! with and without the token, foreign hosts and origins refused, files outside `out/`
//! refused. (The page in a real browser: `tests/browser/run.sh`.)

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Fixture;

/// A running `yarlung serve`, stopped on drop.
struct Served {
    /// The process.
    child: Child,
    /// Its port.
    port: u16,
    /// The approval token it printed.
    token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `yarlung serve --port 0` on `fixture` for `only`.
fn serve(fixture: &Fixture, only: &str) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yarlung"))
        .args(["serve", "--port", "0", "--only", only, "--project"])
        .arg(fixture.root())
        .env_remove("SOURCE_DATE_EPOCH")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start yarlung serve");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let line =
        lines.by_ref().map_while(Result::ok).find(|l| l.starts_with("serving ")).expect("the serving line");
    // serving http://127.0.0.1:PORT/ (approval token TOKEN)
    let port = line
        .split(':')
        .nth(2)
        .and_then(|p| p.trim_end_matches(|c| c != '/').trim_end_matches('/').parse().ok());
    let token = line.rsplit(' ').next().unwrap().trim_end_matches(')').to_string();
    std::thread::spawn(move || for _ in lines {});
    Served { child, port: port.expect("a port"), token }
}

/// One request: status and body.
fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head =
        format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(n, _)| *n == "Host") {
        head += &format!("Host: 127.0.0.1:{port}\r\n");
    }
    for (name, value) in headers {
        head += &format!("{name}: {value}\r\n");
    }
    stream.write_all(format!("{head}\r\n").as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status =
        head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{head}"));
    let body = &response[split + 4..];
    if !head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        return (status, body.to_vec());
    }
    // A large answer comes in chunks: size in hex, CRLF, the bytes, CRLF.
    let (mut out, mut at) = (Vec::new(), 0);
    while let Some(end) = body[at..].windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&body[at..at + end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = at + end + 2;
        out.extend_from_slice(&body[start..start + size]);
        at = start + size + 2;
    }
    (status, out)
}

/// A GET answered with JSON.
fn get(port: u16, path: &str) -> (u16, Value) {
    let (status, body) = request(port, "GET", path, &[], b"");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Polls `get(path)` until `ready` holds (at most `seconds`).
fn until(port: u16, path: &str, seconds: u64, ready: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let (status, value) = get(port, path);
        if status == 200 && ready(&value) {
            return value;
        }
        assert!(start.elapsed() < Duration::from_secs(seconds), "{path} never got ready: {value}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_proof_room_serves_pages_findings_and_approvals_and_nothing_else() {
    let fixture = Fixture::new();
    let run = fixture.run(&["proof", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let served = serve(&fixture, "leaflet-hubei");
    let port = served.port;

    // Documents listed, once laid out, in both profiles and editions.
    let listed =
        until(port, "/api/documents", 300, |v| v["documents"].as_array().is_some_and(|d| d.len() == 4));
    let names: Vec<String> = listed["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{}/{}", d["profile"].as_str().unwrap(), d["name"].as_str().unwrap()))
        .collect();
    let expected = [
        "print/leaflet-hubei",
        "print/leaflet-hubei.bo-zh",
        "screen/leaflet-hubei",
        "screen/leaflet-hubei.bo-zh",
    ];
    assert_eq!(names, expected);

    // A page served as PNG; the page's own HTML carries the token.
    let (status, png) = request(port, "GET", "/api/pages/screen/leaflet-hubei/2.png", &[], b"");
    let start = String::from_utf8_lossy(&png[..png.len().min(200)]).into_owned();
    assert_eq!(status, 200, "{start}");
    assert!(png.starts_with(b"\x89PNG"), "{start}");
    let (status, html) = request(port, "GET", "/", &[], b"");
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&html).contains(&served.token));

    // Findings with their place: the draft translations of the bo-zh leaflet.
    let (_, doc) = get(port, "/api/documents/screen/leaflet-hubei.bo-zh");
    let findings = doc["findings"].as_array().unwrap();
    let placed = findings.iter().find(|f| f["check"] == "draft-translation" && f["area"].is_array());
    let placed = placed.unwrap_or_else(|| panic!("no finding with a place: {findings:?}"));
    assert!(placed["page"].as_u64().is_some_and(|p| p == 1 || p == 2), "{placed}");
    assert_eq!(placed["area"].as_array().unwrap().len(), 4);

    // An edit updates the page it prints on.
    let (_, before) = get(port, "/api/documents/screen/leaflet-hubei");
    fixture.edit("data/provinces/hubei.yaml", "        value: 15\n", "        value: 16\n");
    let version = before["version"].as_u64().unwrap();
    let after =
        until(port, "/api/documents/screen/leaflet-hubei", 120, |v| v["version"].as_u64() > Some(version));
    assert_ne!(after["pages"][1]["hash"], before["pages"][1]["hash"], "page 2 prints the metric");

    // Approvals: with the token recorded, without it refused.
    let approval = r#"{"round": 1, "role": "责任编辑", "name": "张三", "note": "同意"}"#.as_bytes();
    let origin = format!("http://127.0.0.1:{port}");
    let (status, _) = request(port, "POST", "/api/approve", &[("Origin", &origin)], approval);
    assert_eq!(status, 403, "no token");
    let with = [("Origin", origin.as_str()), ("X-Yarlung-Token", served.token.as_str())];
    let (status, body) = request(port, "POST", "/api/approve", &with, approval);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let ledger = std::fs::read_to_string(fixture.root().join("proofs/approvals.yaml")).unwrap();
    assert!(ledger.contains("role: \"责任编辑\"") && ledger.contains("name: \"张三\""), "{ledger}");

    // Another site, another host name, files outside out/: refused.
    let foreign = [("Origin", "http://evil.example"), ("X-Yarlung-Token", served.token.as_str())];
    assert_eq!(request(port, "POST", "/api/approve", &foreign, approval).0, 403);
    assert_eq!(request(port, "GET", "/api/documents", &[("Host", "evil.example:80")], b"").0, 403);
    assert_eq!(request(port, "GET", "/files/out/../yarlung.yaml", &[], b"").0, 403);
    assert_eq!(request(port, "GET", "/files/data/provinces/hubei.yaml", &[], b"").0, 403);
    assert_eq!(request(port, "GET", "/files/out/screen/leaflet-hubei.pdf", &[], b"").0, 200);
}
