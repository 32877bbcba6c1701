//! The client's address, for sign-in throttling. Behind a TLS proxy every request comes from the
//! proxy's address, so throttling by the TCP peer alone would lock everyone out together; the
//! proxy's `Forwarded` (RFC 7239) or `X-Forwarded-For` header names the client, but anyone can
//! send such a header, so it is read only when the peer is a proxy the operator declared
//! (`BANDOSO_TRUSTED_PROXIES`).

use http::HeaderMap;
use std::net::IpAddr;
use std::str::FromStr;

/// One trusted proxy: an address, or a network in CIDR form (`10.0.0.0/8`, `fd00::/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(&self, candidate: IpAddr) -> bool {
        match (self.address, candidate) {
            (IpAddr::V4(network), IpAddr::V4(candidate)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(network) & mask == u32::from(candidate) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(candidate)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(network) & mask == u128::from(candidate) & mask
            }
            _ => false,
        }
    }
}

/// The proxies whose forwarding headers are believed; empty (the default) believes none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma-separated list of addresses and CIDR networks, e.g. `127.0.0.1, 10.0.0.0/8`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut networks = Vec::new();
        for item in text.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            let (address, prefix) = match item.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (item, None),
            };
            let address: IpAddr =
                address.parse().map_err(|_| format!("'{item}' is not an IP address or network (e.g. 10.0.0.0/8)"))?;
            let widest = if address.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => widest,
                Some(prefix) => prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|prefix| *prefix <= widest)
                    .ok_or_else(|| format!("'{item}': the prefix length must be a number from 0 to {widest}"))?,
            };
            networks.push(Network { address, prefix });
        }
        Ok(TrustedProxies(networks))
    }
}

impl TrustedProxies {
    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// The client of a request that reached us from `peer`: the peer itself, unless it is a
    /// trusted proxy; then the nearest address in the forwarding chain that is not a trusted
    /// proxy (walking from our side, so a client cannot name itself by prepending entries).
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let chain = forwarded_chain(headers);
        let mut client = peer;
        for hop in chain.iter().rev() {
            match hop {
                Some(address) if self.trusts(*address) => client = *address,
                Some(address) => return *address,
                // An obfuscated or unreadable hop: nothing beyond it can be believed.
                None => return client,
            }
        }
        client
    }
}

/// The addresses a request passed through, client first: from `Forwarded` (RFC 7239) when
/// present, else `X-Forwarded-For`. An entry that is not an address (`unknown`, `_hidden`) is
/// `None`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| -> Vec<String> {
        headers.get_all(name).iter().filter_map(|value| value.to_str().ok()).map(str::to_owned).collect()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|value| value.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.split_once('=')?;
                    name.trim().eq_ignore_ascii_case("for").then(|| node_address(value.trim().trim_matches('"')))
                })
            })
            .collect();
    }
    values("x-forwarded-for")
        .iter()
        .flat_map(|value| value.split(','))
        .map(|entry| node_address(entry.trim()))
        .collect()
}

/// An address from a forwarding entry: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`,
/// `2001:db8::1`.
fn node_address(node: &str) -> Option<IpAddr> {
    if let Ok(address) = node.parse() {
        return Some(address);
    }
    if let Some(bracketed) = node.strip_prefix('[') {
        return bracketed.split_once(']').and_then(|(address, _)| address.parse().ok());
    }
    node.rsplit_once(':').and_then(|(address, _port)| address.parse().ok())
}

/// Name of the cookie that makes a browser known to the accounts that signed in on it.
pub const DEVICE_COOKIE: &str = "bandoso_device";

/// Who sent the request a server function is answering: the client's address (through trusted
/// proxies) and the browser's device token.
#[derive(Clone, Debug)]
pub struct RequestClient {
    pub address: String,
    pub device_token: Option<String>,
}

impl RequestClient {
    /// The client of the current server-function call. Without a peer address (a request made
    /// inside the process, as in tests) the address is `unknown`.
    pub async fn of_this_request(proxies: &TrustedProxies) -> RequestClient {
        use axum::extract::ConnectInfo;
        let parts = leptos::prelude::use_context::<http::request::Parts>();
        let headers = parts.map(|parts| parts.headers).unwrap_or_default();
        let peer = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>().await.ok();
        let address = peer.map_or_else(
            || "unknown".to_owned(),
            |ConnectInfo(peer)| proxies.client_address(peer.ip(), &headers).to_string(),
        );
        RequestClient { address, device_token: cookie(&headers, DEVICE_COOKIE) }
    }
}

/// A cookie's value from the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// Gives the browser its device token with the answer of the current server function: kept
/// `DEVICE_DAYS`, readable by the server only.
pub fn set_device_cookie(token: &str, secure: bool) {
    let max_age = domain::throttle::DEVICE_DAYS * 24 * 60 * 60;
    let secure = if secure { "; Secure" } else { "" };
    let value = format!("{DEVICE_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}");
    if let (Some(response), Ok(value)) =
        (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&value))
    {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().expect("header value"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let none = TrustedProxies::default();
        let forged = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(none.client_address(ip("198.51.100.7"), &forged), ip("198.51.100.7"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8, ::1".parse().expect("list");
        let peer = ip("10.1.2.3");
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.4.4.4")]);
        assert_eq!(
            proxies.client_address(peer, &chain),
            ip("203.0.113.9"),
            "a client cannot name itself by prepending"
        );
        let rfc = headers(&[("forwarded", "for=\"[2001:db8::5]:4711\";proto=https, for=10.9.9.9")]);
        assert_eq!(proxies.client_address(peer, &rfc), ip("2001:db8::5"));
        let hidden = headers(&[("forwarded", "for=_hidden, for=10.9.9.9")]);
        assert_eq!(proxies.client_address(peer, &hidden), ip("10.9.9.9"), "nothing beyond an obfuscated hop");
        assert_eq!(proxies.client_address(peer, &HeaderMap::new()), peer, "a proxy that forwards no header");
        assert_eq!(
            proxies.client_address(ip("::1"), &headers(&[("x-forwarded-for", "192.0.2.1:80")])),
            ip("192.0.2.1")
        );
    }

    #[test]
    fn the_list_reads_addresses_and_networks_and_refuses_the_rest() {
        assert!("".parse::<TrustedProxies>().is_ok_and(|list| list == TrustedProxies::default()));
        assert!("127.0.0.1,172.16.0.0/12,fd00::/8".parse::<TrustedProxies>().is_ok());
        for bad in ["proxy.local", "10.0.0.0/33", "::/129", "10.0.0.0/x"] {
            assert!(bad.parse::<TrustedProxies>().is_err(), "{bad}");
        }
        let slash_zero: TrustedProxies = "0.0.0.0/0".parse().expect("everything");
        assert!(slash_zero.trusts(ip("203.0.113.9")) && !slash_zero.trusts(ip("::1")));
    }
}
