//! A tiny HTTP/1.1 server on 127.0.0.1 for the tests: one thread per connection, one
//! request per connection (`Connection: close`), and replies that can misbehave on purpose
//! (delay, truncate, omit `Content-Length`).

use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use sha2::{Digest, Sha256};

/// What the client sent (header names lower-cased).
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) path: String,
    pub(crate) headers: Vec<(String, String)>,
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What to answer.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Send only this many body bytes, then close (after announcing the full length).
    truncate: Option<usize>,
    delay: Duration,
    content_length: bool,
}

impl Reply {
    pub(crate) fn ok(body: Vec<u8>) -> Self {
        Self {
            status: 200,
            headers: Vec::new(),
            body,
            truncate: None,
            delay: Duration::ZERO,
            content_length: true,
        }
    }

    pub(crate) fn status(status: u16) -> Self {
        Self {
            status,
            ..Self::ok(format!("status {status}\n").into_bytes())
        }
    }

    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub(crate) fn truncate(mut self, bytes: usize) -> Self {
        self.truncate = Some(bytes);
        self
    }

    pub(crate) fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// A close-delimited body with no `Content-Length`.
    pub(crate) fn without_length(mut self) -> Self {
        self.content_length = false;
        self
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// A running server; stops accepting when dropped.
pub(crate) struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Serves `handler(request, n)`, `n` counting requests from 0.
    pub(crate) fn start(
        handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound socket has an address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log, flag) = (Arc::clone(&requests), Arc::clone(&stop));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (log, handler) = (Arc::clone(&log), Arc::clone(&handler));
                thread::spawn(move || serve(stream, &log, &*handler));
            }
        });
        Self {
            addr,
            requests,
            stop,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) fn hits(&self) -> usize {
        self.requests
            .lock()
            .expect("no panics while holding the log")
            .len()
    }

    pub(crate) fn requests(&self) -> Vec<Request> {
        self.requests
            .lock()
            .expect("no panics while holding the log")
            .clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Request>>, handler: &Handler) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return; // the wake-up connection, or a client that gave up
    }
    let path = line.split(' ').nth(1).unwrap_or("/").to_owned();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let request = Request { path, headers };
    let n = {
        let mut log = log.lock().expect("no panics while holding the log");
        log.push(request.clone());
        log.len() - 1
    };
    let reply = handler(&request, n);
    thread::sleep(reply.delay);

    let mut head = format!(
        "HTTP/1.1 {} {}\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status)
    );
    let has_body = reply.status != 304;
    if has_body && reply.content_length {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = stream;
    let body = if has_body {
        &reply.body[..reply
            .truncate
            .unwrap_or(reply.body.len())
            .min(reply.body.len())]
    } else {
        &[][..]
    };
    let _ = out
        .write_all(head.as_bytes())
        .and_then(|()| out.write_all(body));
    let _ = out.flush();
    let _ = out.shutdown(Shutdown::Both);
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// The `Last-Modified` every served file claims.
pub(crate) const LAST_MODIFIED: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

/// Serves a file like a static file server: `ETag` (a SHA-256 prefix) and/or
/// `Last-Modified`, answering `304` to matching validators.
pub(crate) fn static_file(
    path: &Path,
    etag: bool,
    last_modified: bool,
) -> impl Fn(&Request) -> Reply + Send + Sync + use<> {
    let body = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let tag = format!("\"{}\"", &hex::encode(Sha256::digest(&body))[..16]);
    move |request: &Request| {
        let fresh = match (
            request.header("if-none-match"),
            request.header("if-modified-since"),
        ) {
            (Some(inm), _) if etag => inm == tag,
            (_, Some(ims)) if last_modified => ims == LAST_MODIFIED,
            _ => false,
        };
        let mut reply = if fresh {
            Reply::status(304)
        } else {
            Reply::ok(body.clone())
        };
        if etag {
            reply = reply.header("ETag", &tag);
        }
        if last_modified {
            reply = reply.header("Last-Modified", LAST_MODIFIED);
        }
        reply
    }
}
