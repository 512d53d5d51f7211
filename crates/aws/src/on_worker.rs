//! An SDK request as a task of its own on the runtime's workers.
//!
//! The SDK does most of a request's CPU work (endpoint, signing,
//! serialising, parsing the answer, its interceptors) inside the future
//! `send()` returns, wherever that future is polled. Refresh and apply
//! poll their thousands of requests from one future (a stream, a set of
//! futures) that `block_on` drives on the main thread, so all of that work
//! ran on one thread while the workers only moved bytes: at 10,000
//! resources the main thread was the bottleneck (docs/benchmarks.md, "The
//! plan benchmark: what moved it"). Spawned, each request's work runs on
//! whichever worker is free.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::{JoinError, JoinHandle};

/// Runs `request` as its own task and waits for its answer. Dropping the
/// returned future aborts the task, as dropping `request` itself would
/// have: a cancelled refresh or apply leaves no request running behind
/// it. A panic in the request is resumed here.
pub(crate) async fn on_worker<F>(request: F) -> Result<F::Output, JoinError>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    AbortOnDrop(tokio::spawn(request)).await.map_err(|e| {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        e
    })
}

/// A task handle that aborts its task when dropped.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[tokio::test]
    async fn the_answer_comes_back() {
        assert_eq!(on_worker(async { 7 }).await.ok(), Some(7));
    }

    #[tokio::test]
    async fn dropping_the_wait_aborts_the_request() {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let wait = on_worker(async move {
            // Holds `tx` until aborted: the receiver then sees it dropped.
            std::future::pending::<()>().await;
            drop(tx);
        });
        let mut wait = Box::pin(wait);
        // Polled once, the task is spawned; it never answers.
        assert!(wait.as_mut().now_or_never().is_none());
        drop(wait);
        assert!(rx.await.is_err(), "the aborted task dropped its sender");
    }

    #[tokio::test]
    #[should_panic(expected = "boom")]
    async fn a_panic_in_the_request_is_resumed() {
        let _ = on_worker(async { panic!("boom") }).await;
    }
}
