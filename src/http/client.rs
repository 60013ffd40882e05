//! The client's address, for throttling: the connection's peer, or — when the peer is a
//! trusted reverse proxy (`server.trusted_proxies`) — the last address in `X-Forwarded-For`
//! that is not itself a trusted proxy. A client cannot choose its address by sending the
//! header: from an untrusted peer the header is ignored.

use super::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};

/// An address or a CIDR range such as `10.0.0.0/8` or `fd00::/8`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    base: IpAddr,
    prefix: u8,
}

impl Range {
    pub fn parse(s: &str) -> Option<Range> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let base = addr.parse::<IpAddr>().ok()?.to_canonical();
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Range { base, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let (a, b, bits) = match (self.base, ip.to_canonical()) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(a) as u128, u32::from(b) as u128, 32),
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
            _ => return false,
        };
        let shift = bits - u32::from(self.prefix);
        shift >= bits || (a >> shift) == (b >> shift)
    }
}

/// The trusted proxies, parsed once at start-up.
#[derive(Debug, Default)]
pub struct Proxies {
    ranges: Vec<Range>,
    /// Set once the "forwarded header from an untrusted peer" warning was logged.
    warned: AtomicBool,
}

impl Proxies {
    pub fn parse(entries: &[String]) -> anyhow::Result<Proxies> {
        let ranges = entries
            .iter()
            .filter(|e| !e.trim().is_empty())
            .map(|e| {
                Range::parse(e).ok_or_else(|| {
                    anyhow::anyhow!("server.trusted_proxies: {e:?} is not an address or range")
                })
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Proxies {
            ranges,
            warned: AtomicBool::new(false),
        })
    }

    fn trusted(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|r| r.contains(ip))
    }

    /// The client's address for a request from `peer` carrying these `X-Forwarded-For` values.
    pub fn client(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusted(peer) {
            if !forwarded.is_empty()
                && self.ranges.is_empty()
                && !self.warned.swap(true, Ordering::Relaxed)
            {
                tracing::warn!(
                    %peer,
                    "requests carry X-Forwarded-For but server.trusted_proxies is empty: \
                     every client behind that proxy shares its address for login throttling"
                );
            }
            return peer;
        }
        let hops = forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip.to_canonical();
                    if !self.trusted(client) {
                        break;
                    }
                }
                // Garbage in the chain: the last trusted hop is as far as we can believe.
                Err(_) => break,
            }
        }
        client
    }
}

/// The client's address (see the module doc).
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientAddr(state.proxies.client(peer, &forwarded)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges_match_their_addresses_only() {
        let r = Range::parse("10.0.0.0/8").unwrap();
        assert!(r.contains(ip("10.200.1.2")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(r.contains(ip("::ffff:10.0.0.1")), "IPv4-mapped");
        assert!(Range::parse("127.0.0.1").unwrap().contains(ip("127.0.0.1")));
        assert!(!Range::parse("127.0.0.1").unwrap().contains(ip("127.0.0.2")));
        assert!(Range::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Range::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(Range::parse("10.0.0.0/33").is_none());
        assert!(Range::parse("proxy.local").is_none());
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let none = Proxies::parse(&[]).unwrap();
        assert_eq!(none.client(ip("127.0.0.1"), &["1.2.3.4"]), ip("127.0.0.1"));
        let p = Proxies::parse(&["127.0.0.1".into(), "10.0.0.0/8".into()]).unwrap();
        assert_eq!(p.client(ip("127.0.0.1"), &["1.2.3.4"]), ip("1.2.3.4"));
        // A client-supplied first hop cannot hide the address the proxy saw.
        assert_eq!(
            p.client(ip("127.0.0.1"), &["6.6.6.6, 1.2.3.4, 10.1.1.1"]),
            ip("1.2.3.4")
        );
        assert_eq!(p.client(ip("127.0.0.1"), &["junk"]), ip("127.0.0.1"));
        assert_eq!(p.client(ip("127.0.0.1"), &[]), ip("127.0.0.1"));
        assert_eq!(p.client(ip("5.5.5.5"), &["1.2.3.4"]), ip("5.5.5.5"));
        assert!(Proxies::parse(&["nope".into()]).is_err());
    }
}
