//! What the HTTP fakes share: their state behind one mutex, and a poem server for it on a
//! random loopback port.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use poem::{Request, Response};
use tokio::task::JoinHandle;

/// Locks a fake's state. A test thread that panicked while holding the lock must not hide
/// the state from the rest of the test, so poisoning is ignored.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Serves every request on `listener` (bound to 127.0.0.1 by the caller) with
/// `route(state, request)`; returns the server task (abort it to stop the server).
pub(crate) fn serve_on<W, F, Fut>(
    listener: tokio::net::TcpListener,
    state: Arc<Mutex<W>>,
    route: F,
) -> std::io::Result<JoinHandle<()>>
where
    W: Send + 'static,
    F: Fn(Arc<Mutex<W>>, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let acceptor = poem::listener::TcpAcceptor::from_tokio(listener)?;
    let endpoint = poem::endpoint::make(move |req| route(state.clone(), req));
    Ok(tokio::spawn(async move {
        let _ = poem::Server::new_with_acceptor(acceptor)
            .run(endpoint)
            .await;
    }))
}
