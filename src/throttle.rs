//! Throttling of password guesses and of password-reset requests, in memory (with several
//! servers each one throttles on its own, which still bounds guessing per server).
//!
//! Why per account *and* client address: counting failures per account alone lets anyone lock
//! an account out by failing on purpose. Here failures slow down only the address that made
//! them, on that account; the address-wide cap stops guessing across many accounts, and only
//! affects clients that share the address (see `server.trusted_proxies`).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Recent event times per key, pruned to a window. Keys are forgotten when their last event
/// leaves the window, so the map stays small.
#[derive(Default)]
struct Recent {
    events: Mutex<HashMap<String, VecDeque<i64>>>,
}

/// What a key's recent events look like: how many, the oldest and the latest.
struct Seen {
    count: usize,
    oldest: i64,
    latest: i64,
}

/// Keys kept before a sweep of the expired ones (a flood of distinct keys cannot grow the map
/// without bound).
const SWEEP_AT: usize = 100_000;

impl Recent {
    fn seen(&self, key: &str, now: i64, window: i64) -> Seen {
        let mut map = self.events.lock().expect("throttle lock");
        let Some(q) = map.get_mut(key) else {
            return Seen {
                count: 0,
                oldest: now,
                latest: now,
            };
        };
        while q.front().is_some_and(|t| *t <= now - window) {
            q.pop_front();
        }
        Seen {
            count: q.len(),
            oldest: q.front().copied().unwrap_or(now),
            latest: q.back().copied().unwrap_or(now),
        }
    }

    /// Records an event; at most `keep` are kept per key (older ones no longer matter).
    fn push(&self, key: &str, now: i64, window: i64, keep: usize) {
        let mut map = self.events.lock().expect("throttle lock");
        if map.len() >= SWEEP_AT {
            map.retain(|_, q| q.back().is_some_and(|t| *t > now - window));
        }
        let q = map.entry(key.to_string()).or_default();
        q.push_back(now);
        while q.len() > keep.max(1) {
            q.pop_front();
        }
    }

    fn forget(&self, key: &str) {
        self.events.lock().expect("throttle lock").remove(key);
    }
}

/// The settings of [`Throttle`].
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures of one account from one address before delays start.
    pub free_failures: u32,
    /// The first delay in seconds, doubled at each further failure.
    pub delay: i64,
    pub max_delay: i64,
    /// Failures from one address, any account, before the address is refused.
    pub max_per_address: u32,
    /// Failures older than this many seconds are forgotten.
    pub window: i64,
}

/// Failed password checks per (account, client address) and per address.
pub struct Throttle {
    policy: Policy,
    failures: Recent,
}

fn pair_key(account: &str, address: &str) -> String {
    format!("p:{}\n{address}", account.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("a:{address}")
}

impl Throttle {
    pub fn new(policy: Policy) -> Self {
        Throttle {
            policy,
            failures: Recent::default(),
        }
    }

    /// Seconds this address must still wait before it may try this account again; None when
    /// it may try now.
    pub fn wait(&self, account: &str, address: &str, now: i64) -> Option<i64> {
        let p = &self.policy;
        let pair = self
            .failures
            .seen(&pair_key(account, address), now, p.window);
        let by_address = self.failures.seen(&address_key(address), now, p.window);
        let mut until = now;
        let free = p.free_failures as usize;
        if pair.count >= free && pair.count > 0 {
            let doublings = u32::try_from(pair.count - free).unwrap_or(u32::MAX).min(30);
            let delay = p.delay.saturating_mul(1 << doublings).min(p.max_delay);
            until = until.max(pair.latest + delay);
        }
        if by_address.count >= p.max_per_address as usize {
            until = until.max(by_address.oldest + p.window);
        }
        (until > now).then_some(until - now)
    }

    pub fn record_failure(&self, account: &str, address: &str, now: i64) {
        let p = &self.policy;
        // Past free + 31 failures the delay is at its cap: older failures no longer matter.
        let keep_pair = p.free_failures as usize + 32;
        self.failures
            .push(&pair_key(account, address), now, p.window, keep_pair);
        self.failures.push(
            &address_key(address),
            now,
            p.window,
            p.max_per_address as usize,
        );
    }

    /// A success from this address forgets its failures on the account (not the address-wide
    /// count: one good password must not buy more guesses elsewhere).
    pub fn succeeded(&self, account: &str, address: &str) {
        self.failures.forget(&pair_key(account, address));
    }
}

/// At most `max` events per key within `window` seconds.
pub struct RateLimit {
    max: usize,
    window: i64,
    events: Recent,
}

impl RateLimit {
    pub fn new(max: u32, window: i64) -> Self {
        RateLimit {
            max: max as usize,
            window,
            events: Recent::default(),
        }
    }

    /// Records the event and says true when it is within the limit; an event over the limit
    /// is not recorded (a client that keeps trying does not push its own limit further away).
    pub fn allow(&self, key: &str, now: i64) -> bool {
        if self.events.seen(key, now, self.window).count >= self.max {
            return false;
        }
        self.events.push(key, now, self.window, self.max);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(max_per_address: u32) -> Policy {
        Policy {
            free_failures: 3,
            delay: 2,
            max_delay: 60,
            max_per_address,
            window: 900,
        }
    }

    #[test]
    fn failures_delay_only_the_failing_address_on_that_account() {
        let t = Throttle::new(policy(100));
        for i in 0..3 {
            assert_eq!(t.wait("a@b.c", "1.1.1.1", 100 + i), None);
            t.record_failure("A@b.c", "1.1.1.1", 100 + i);
        }
        assert_eq!(t.wait("a@b.c", "1.1.1.1", 102), Some(2));
        assert_eq!(t.wait("a@b.c", "1.1.1.1", 104), None);
        assert_eq!(t.wait("a@b.c", "2.2.2.2", 102), None, "another address");
        assert_eq!(t.wait("x@b.c", "1.1.1.1", 102), None, "another account");
        t.record_failure("a@b.c", "1.1.1.1", 104);
        assert_eq!(
            t.wait("a@b.c", "1.1.1.1", 105),
            Some(3),
            "the delay doubles"
        );
        for i in 0..20 {
            t.record_failure("a@b.c", "1.1.1.1", 110 + i);
        }
        assert_eq!(t.wait("a@b.c", "1.1.1.1", 130), Some(59), "capped");
        t.succeeded("a@b.c", "1.1.1.1");
        assert_eq!(t.wait("a@b.c", "1.1.1.1", 130), None);
    }

    #[test]
    fn an_address_guessing_across_accounts_is_refused_until_the_window_passes() {
        let t = Throttle::new(policy(10));
        for i in 0..10 {
            t.record_failure(&format!("user{i}@b.c"), "1.1.1.1", 100);
        }
        assert_eq!(t.wait("new@b.c", "1.1.1.1", 100), Some(900));
        assert_eq!(t.wait("new@b.c", "2.2.2.2", 100), None);
        assert_eq!(t.wait("new@b.c", "1.1.1.1", 1000), None);
        for i in 0..20 {
            t.record_failure("a@b.c", "3.3.3.3", 2000 + i);
        }
        assert_eq!(
            t.wait("z@b.c", "3.3.3.3", 2020),
            Some(890),
            "from its 10th latest failure"
        );
    }

    #[test]
    fn rate_limit_counts_within_its_window() {
        let r = RateLimit::new(2, 60);
        assert!(r.allow("k", 0));
        assert!(r.allow("k", 1));
        assert!(!r.allow("k", 2));
        assert!(r.allow("other", 2));
        assert!(r.allow("k", 61));
    }
}
