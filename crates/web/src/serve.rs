//! The accept loop: HTTP/1.1 connections with a deadline for the request head
//! and a minimum pace for the body (a client that trickles either — slowloris,
//! slow POST — is cut off without holding up the others), a cap on the
//! connections served at once, the client's address for rate limiting, and a
//! graceful stop that lets requests in flight finish.

use std::future::Future as _;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt;

/// How long the in-flight requests get once a stop is asked for.
const DRAIN: Duration = Duration::from_secs(30);

/// How fast a request body must arrive: nothing is asked during `grace`, then
/// the bytes received must keep up with `min_bytes_per_second` on average
/// since the body started. A phone on a poor network uploading a bank file
/// sends tens of kilobytes a second; one byte a second is an attack.
#[derive(Clone, Copy, Debug)]
pub struct BodyPace {
    pub grace: Duration,
    pub min_bytes_per_second: u64,
}

impl Default for BodyPace {
    fn default() -> Self {
        Self { grace: Duration::from_secs(10), min_bytes_per_second: 1024 }
    }
}

impl BodyPace {
    /// When a body that has sent `received` bytes since `started` is too slow.
    fn deadline(self, started: tokio::time::Instant, received: u64) -> tokio::time::Instant {
        let earned = Duration::from_millis(received.saturating_mul(1000) / self.min_bytes_per_second.max(1));
        started + self.grace + earned
    }
}

/// What the accept loop enforces.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_pace: BodyPace,
    pub max_clients: usize,
}

/// A request body that fails once it falls behind its pace; the handler
/// reading it gets an error, and the connection is closed after the answer.
struct Paced {
    inner: Incoming,
    pace: BodyPace,
    started: tokio::time::Instant,
    received: u64,
    timer: Pin<Box<tokio::time::Sleep>>,
}

impl Paced {
    fn new(inner: Incoming, pace: BodyPace) -> Self {
        let started = tokio::time::Instant::now();
        Self { inner, pace, started, received: 0, timer: Box::pin(tokio::time::sleep_until(pace.deadline(started, 0))) }
    }
}

#[derive(Debug)]
pub struct TooSlow;

impl std::fmt::Display for TooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body arrived too slowly")
    }
}

impl std::error::Error for TooSlow {}

impl hyper::body::Body for Paced {
    type Data = hyper::body::Bytes;
    type Error = axum::BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received = this.received.saturating_add(data.len() as u64);
                    this.timer.as_mut().reset(this.pace.deadline(this.started, this.received));
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other.map(|r| r.map_err(Into::into))),
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(TooSlow)))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

pub async fn run(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let graceful = GracefulShutdown::new();
    // Past the cap the loop stops accepting: new clients wait in the kernel's
    // queue while the timeouts above free the slots slow clients hold.
    let clients = Arc::new(tokio::sync::Semaphore::new(limits.max_clients.max(1)));
    let pace = limits.body_pace;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = clients.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |request: hyper::Request<Incoming>| {
            // A request with no body (most reads) has nothing to pace: no timer for it.
            let mut request = request.map(|body| {
                if hyper::body::Body::is_end_stream(&body) {
                    axum::body::Body::new(body)
                } else {
                    axum::body::Body::new(Paced::new(body, pace))
                }
            });
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request
        });
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        tracing::warn!("some connections were still busy after {} s; closing them", DRAIN.as_secs());
    }
    Ok(())
}
