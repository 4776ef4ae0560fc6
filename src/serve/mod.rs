//! `yarlung serve`: the proof room in the browser. It builds and rebuilds like `watch`
//! (the same session, told about every laid-out document through [`crate::watch::Sink`]),
//! and serves on the loopback address the documents' pages, their preflight findings placed
//! on the pages, the changes of proof rounds and a form that records approvals
//! ([`http`]); readers get events as pages change ([`state`]).

pub mod http;
pub mod state;

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::project::Options;
use state::Room;

/// How requests are answered at once (a listening reader holds one).
const WORKERS: usize = 24;

/// Where to serve.
#[derive(Debug, Clone)]
pub struct Address {
    /// The host to bind (`127.0.0.1` unless given).
    pub host: String,
    /// The port (0: any free one).
    pub port: u16,
}

/// A token no other page can guess: 128 bits from the process's random hasher keys.
fn token() -> String {
    let half = || {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()),
        );
        h.write_u32(std::process::id());
        h.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

/// Serves the project of `options` at `address` until the process is ended; `ready` is
/// told the address and token once it listens.
pub fn run(options: &Options, address: &Address, ready: impl FnOnce(&str, &str)) -> Result<()> {
    let root = options.project.canonicalize().map_err(|e| {
        Error::input(&options.project, format!("cannot open the project folder: {e}; check --project"))
    })?;
    let output = crate::project::config::ProjectConfig::load(&root)?.output;
    let server = tiny_http::Server::http((address.host.as_str(), address.port))
        .map_err(|e| Error::Usage(format!("cannot serve on {}:{}: {e}", address.host, address.port)))?;
    let port = server.server_addr().to_ip().map_or(address.port, |a| a.port());
    let shown = if address.host.contains(':') { format!("[{}]", address.host) } else { address.host.clone() };
    let mut hosts = vec![format!("{shown}:{port}")];
    if ["127.0.0.1", "::1", "localhost"].contains(&address.host.as_str()) {
        hosts.extend([format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")]);
    }
    let room = Arc::new(Room::default());
    let token = token();
    let handler = Arc::new(http::Server {
        room: room.clone(),
        root,
        output,
        token: token.clone(),
        hosts: hosts.clone(),
        options: options.clone(),
    });
    ready(&format!("http://{}/", hosts[0]), &token);
    let server = Arc::new(server);
    for _ in 0..WORKERS {
        let (server, handler) = (server.clone(), handler.clone());
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                handler.handle(request);
            }
        });
    }
    crate::watch::run_with(options, false, &*room)
}
