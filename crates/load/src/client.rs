//! One keep-alive HTTP/1.1 connection to one server, and what a request cost.

use std::time::Duration;

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, header};
use hyper_util::rt::TokioIo;

/// Where a server listens: `http://host:port` (TLS is not spoken; see the README).
#[derive(Clone, Debug)]
pub struct Target {
    pub authority: String,
    /// Ask for gzip: the bytes counted are those sent, the body read is the decoded one.
    pub compressed: bool,
}

impl Target {
    pub fn parse(url: &str, compressed: bool) -> anyhow::Result<Self> {
        let Some(rest) = url.strip_prefix("http://") else {
            bail!("{url}: only http:// is spoken; put a TLS-terminating tunnel in front for https (README)");
        };
        let authority = rest.trim_end_matches('/').to_owned();
        if authority.is_empty() || authority.contains('/') {
            bail!("{url}: give the server's base URL, e.g. http://127.0.0.1:8080");
        }
        Ok(Self { authority, compressed })
    }
}

/// What came back.
pub struct Reply {
    pub status: u16,
    pub body: Bytes,
    /// Status line, headers and body, as received.
    pub bytes_in: u64,
    pub bytes_out: u64,
}

pub enum Failure {
    Timeout,
    Connection(String),
}

pub struct Connection {
    target: Target,
    sender: Option<SendRequest<Full<Bytes>>>,
    timeout: Duration,
}

impl Connection {
    pub fn new(target: Target, timeout: Duration) -> Self {
        Self { target, sender: None, timeout }
    }

    async fn connect(&mut self) -> anyhow::Result<&mut SendRequest<Full<Bytes>>> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            let stream = tokio::net::TcpStream::connect(&self.target.authority)
                .await
                .with_context(|| format!("connecting to {}", self.target.authority))?;
            stream.set_nodelay(true)?;
            let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            self.sender = Some(sender);
        }
        self.sender.as_mut().context("no connection")
    }

    /// Sends one request; a broken connection is dropped and made again next time.
    pub async fn send(&mut self, method: Method, path: &str, token: Option<&str>, body: Option<String>) -> Result<Reply, Failure> {
        let outcome = tokio::time::timeout(self.timeout, self.exchange(method, path, token, body)).await;
        match outcome {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(error)) => {
                self.sender = None;
                Err(Failure::Connection(format!("{error:#}")))
            }
            Err(_) => {
                self.sender = None;
                Err(Failure::Timeout)
            }
        }
    }

    async fn exchange(&mut self, method: Method, path: &str, token: Option<&str>, body: Option<String>) -> anyhow::Result<Reply> {
        let (authority, compressed) = (self.target.authority.clone(), self.target.compressed);
        let sender = self.connect().await?;
        sender.ready().await?;
        let mut request = Request::builder().method(method.clone()).uri(path).header(header::HOST, &authority);
        let mut bytes_out = (method.as_str().len() + path.len() + authority.len() + 30) as u64;
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
            bytes_out += 24 + token.len() as u64;
        }
        if compressed {
            request = request.header(header::ACCEPT_ENCODING, "gzip");
            bytes_out += 23;
        }
        let payload = match body {
            Some(body) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                bytes_out += 32 + body.len() as u64;
                Bytes::from(body)
            }
            None => Bytes::new(),
        };
        let response = sender.send_request(request.body(Full::new(payload))?).await?;
        let status = response.status().as_u16();
        let head: usize = response.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum::<usize>() + 17;
        let gzipped = response.headers().get(header::CONTENT_ENCODING).is_some_and(|v| v.as_bytes() == b"gzip");
        let sent = response.into_body().collect().await?.to_bytes();
        let bytes_in = (head + sent.len()) as u64;
        let body = if gzipped { gunzip(&sent)? } else { sent };
        Ok(Reply { status, bytes_in, body, bytes_out })
    }
}

fn gunzip(bytes: &[u8]) -> anyhow::Result<Bytes> {
    use std::io::Read as _;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).context("a gzip body that does not decode")?;
    Ok(Bytes::from(out))
}
