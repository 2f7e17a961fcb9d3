//! A bound on password hashes running at once. Each Argon2 verification takes 19 MiB and a
//! core for a noticeable time, so a burst of sign-ins (or guesses) must not start them all
//! together: at most [`HashLimiter::permits`] run, later ones wait their turn up to
//! [`WAIT`], then are answered 503 `SERVER_BUSY` with `Retry-After` (nothing hashed).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::AuthError;

/// How long a sign-in waits for a free hashing slot.
const WAIT: Duration = Duration::from_secs(10);

/// Shared by every request of a server (one per `AuthConfig`).
#[derive(Debug, Clone)]
pub struct HashLimiter {
    slots: Arc<Semaphore>,
    permits: usize,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// A slot held while one hash runs.
pub(crate) struct HashSlot {
    _permit: OwnedSemaphorePermit,
    running: Arc<AtomicUsize>,
}

impl Drop for HashSlot {
    fn drop(&mut self) {
        self.running.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HashLimiter {
    pub fn new(permits: usize) -> Self {
        let permits = permits.max(1);
        HashLimiter {
            slots: Arc::new(Semaphore::new(permits)),
            permits,
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    pub fn permits(&self) -> usize {
        self.permits
    }

    /// The most hashes that ever ran at once (metrics, tests).
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Hashes running now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    pub(crate) async fn acquire(&self) -> Result<HashSlot, AuthError> {
        let permit = tokio::time::timeout(WAIT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| AuthError::Busy)?
            .map_err(|_| AuthError::Busy)?;
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Ok(HashSlot {
            _permit: permit,
            running: self.running.clone(),
        })
    }
}
