//! The per-client request rate limit: a token bucket per client IP address,
//! charged one token per call (each call of a batch counts), over HTTP and
//! WebSocket alike.
//!
//! A call over the limit is answered at once with EIP-1474's
//! `-32005 limit exceeded` and never reaches a method, so one client's
//! flood costs the node a map lookup per call, and the sequencer — which
//! runs apart from the RPC tasks — keeps sealing. The client's address is
//! put into each HTTP request's extensions by the accept loop in
//! [`super::serve`] (jsonrpsee hands those on to every call it carries).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Instant,
};

use jsonrpsee::{
    core::middleware::{Batch, BatchEntry, BatchEntryErr, Notification, RpcServiceT},
    server::MethodResponse,
    types::{ErrorObjectOwned, Request},
};

/// The client a request came from, as the accept loop saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// EIP-1474's code for a request over a limit.
pub const LIMIT_EXCEEDED: i32 = -32005;

/// How many buckets are kept before full ones are dropped.
const PRUNE_AT: usize = 10_000;

/// Calls per second each client may make, with a burst allowance.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// `per_second` calls per second per client, and up to `burst` at once.
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second: f64::from(per_second),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `n` calls' worth from `client`'s bucket; `false` (and nothing
    /// taken) when it holds fewer.
    pub fn take(&self, client: IpAddr, n: usize) -> bool {
        self.take_at(client, n, Instant::now())
    }

    fn take_at(&self, client: IpAddr, n: usize, now: Instant) -> bool {
        let Ok(mut buckets) = self.buckets.lock() else {
            // A panic elsewhere poisoned the map; refusing nobody is the
            // safe side for a node's users.
            return true;
        };
        if buckets.len() >= PRUNE_AT {
            let (rate, burst) = (self.per_second, self.burst);
            buckets.retain(|_, b| refill(b, now, rate, burst) < burst);
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: self.burst, at: now });
        let available = refill(bucket, now, self.per_second, self.burst);
        let wanted = n as f64;
        bucket.tokens = available;
        bucket.at = now;
        if available < wanted {
            return false;
        }
        bucket.tokens = available - wanted;
        true
    }
}

fn refill(bucket: &Bucket, now: Instant, per_second: f64, burst: f64) -> f64 {
    let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
    (bucket.tokens + elapsed * per_second).min(burst)
}

fn limit_exceeded() -> ErrorObjectOwned {
    ErrorObjectOwned::owned(
        LIMIT_EXCEEDED,
        "limit exceeded: too many requests from this client, slow down",
        None::<()>,
    )
}

/// The jsonrpsee middleware that applies a [`RateLimiter`].
#[derive(Debug, Clone)]
pub struct RateLimit<S> {
    service: S,
    limiter: Option<Arc<RateLimiter>>,
}

impl<S> RateLimit<S> {
    /// Wraps `service`; `None` applies no limit.
    pub fn new(service: S, limiter: Option<Arc<RateLimiter>>) -> Self {
        Self { service, limiter }
    }

    /// Whether `n` calls carried with `extensions` may go on. A call with
    /// no client address (none is missing through [`super::serve`]) is not
    /// limited.
    fn allows(&self, extensions: &jsonrpsee::types::Extensions, n: usize) -> bool {
        match (&self.limiter, extensions.get::<ClientIp>()) {
            (Some(limiter), Some(ClientIp(ip))) => limiter.take(*ip, n),
            _ => true,
        }
    }
}

impl<S> RpcServiceT for RateLimit<S>
where
    S: RpcServiceT<
            MethodResponse = MethodResponse,
            BatchResponse = MethodResponse,
            NotificationResponse = MethodResponse,
        > + Send
        + Sync
        + Clone
        + 'static,
{
    type MethodResponse = MethodResponse;
    type NotificationResponse = MethodResponse;
    type BatchResponse = MethodResponse;

    fn call<'a>(&self, request: Request<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        let allowed = self.allows(request.extensions(), 1);
        let service = self.service.clone();
        async move {
            if allowed {
                service.call(request).await
            } else {
                MethodResponse::error(request.id(), limit_exceeded())
            }
        }
    }

    fn batch<'a>(&self, mut batch: Batch<'a>) -> impl Future<Output = MethodResponse> + Send + 'a {
        // Each call of the batch takes its own token: those past the limit
        // are answered with the error in their place.
        for entry in batch.iter_mut() {
            if let Ok(BatchEntry::Call(request)) = entry
                && !self.allows(request.extensions(), 1)
            {
                *entry = Err(BatchEntryErr::new(request.id(), limit_exceeded()));
            }
        }
        self.service.batch(batch)
    }

    fn notification<'a>(
        &self,
        n: Notification<'a>,
    ) -> impl Future<Output = MethodResponse> + Send + 'a {
        let allowed = self.allows(n.extensions(), 1);
        let service = self.service.clone();
        async move {
            if allowed { service.notification(n).await } else { MethodResponse::notification() }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_its_rate() {
        let limiter = RateLimiter::new(10, 5);
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        assert!((0..5).all(|_| limiter.take_at(a, 1, t0)), "the burst");
        assert!(!limiter.take_at(a, 1, t0), "past the burst");
        assert!(limiter.take_at(b, 5, t0), "another client has its own bucket");
        // 10 per second: one more every 100 ms, never more than the burst.
        assert!(limiter.take_at(a, 1, t0 + Duration::from_millis(100)));
        assert!(!limiter.take_at(a, 1, t0 + Duration::from_millis(150)));
        assert!(!limiter.take_at(a, 6, t0 + Duration::from_secs(60)), "the burst caps a refill");
        assert!(limiter.take_at(a, 5, t0 + Duration::from_secs(60)));
    }

    #[test]
    fn a_refused_take_takes_nothing() {
        let limiter = RateLimiter::new(1, 3);
        let a: IpAddr = "::1".parse().unwrap();
        let t0 = Instant::now();
        assert!(!limiter.take_at(a, 4, t0));
        assert!(limiter.take_at(a, 3, t0), "the refused 4 left the 3 in place");
    }

    #[test]
    fn full_buckets_are_pruned_when_many_clients_came() {
        let limiter = RateLimiter::new(1_000, 1);
        let t0 = Instant::now();
        for i in 0..PRUNE_AT as u32 {
            assert!(limiter.take_at(IpAddr::from(i.to_be_bytes()), 1, t0));
        }
        let later = t0 + Duration::from_secs(1);
        assert!(limiter.take_at("192.168.0.1".parse().unwrap(), 1, later));
        assert_eq!(limiter.buckets.lock().unwrap().len(), 1, "only the new client's bucket");
    }
}
