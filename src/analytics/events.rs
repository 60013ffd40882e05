//! "New sales arrived" notifications for open dashboards (`/dashboard/events`).
//!
//! A `tokio::sync::broadcast` channel in `AppState.events`: whoever commits lines publishes
//! the tenant id after the transaction committed; every open event stream of that tenant
//! tells its page to reload the widgets. Nobody listening is fine (the send error is ignored).

use tokio::sync::broadcast;

/// Sales of a tenant changed (lines committed, withdrawn or reviewed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalesChanged {
    pub tenant_id: i64,
}

/// The channel's capacity: a slow listener that misses events only reloads once more.
pub const CAPACITY: usize = 64;

pub fn channel() -> broadcast::Sender<SalesChanged> {
    broadcast::channel(CAPACITY).0
}

/// Publishes that `tenant_id`'s sales changed. Call after the commit, never before.
pub fn publish(events: &broadcast::Sender<SalesChanged>, tenant_id: i64) {
    let _ = events.send(SalesChanged { tenant_id });
}
