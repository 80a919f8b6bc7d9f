//! The real clock and id generator, and a settable clock for tests and demos.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use portal_domain::ports::{Clock, IdGenerator};
use std::sync::Mutex;
use time::OffsetDateTime;

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that says what it is told (tests).
pub struct FixedClock(Mutex<OffsetDateTime>);

impl FixedClock {
    pub fn new(now: OffsetDateTime) -> Self {
        FixedClock(Mutex::new(now))
    }

    pub fn set(&self, now: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = now;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Fills `buffer` from AWS-LC's CSPRNG, seeded by the operating system (built
/// without CPU jitter entropy, whose collection on first use cost ~40 ms of
/// every cold start: `.cargo/config.toml`, docs/benchmarks/coldstart.md).
pub fn random_bytes(buffer: &mut [u8]) {
    // It only fails if the OS cannot provide entropy, which leaves nothing
    // safe to do but stop.
    SystemRandom::new().fill(buffer).expect("operating system random source failed");
}

/// 80-bit random ids in lowercase base32 (16 characters): unguessable and path-safe.
pub struct RandomIds;

impl IdGenerator for RandomIds {
    fn new_id(&self) -> String {
        let mut bytes = [0u8; 10];
        random_bytes(&mut bytes);
        base32_lower(&bytes)
    }
}

/// RFC 4648 base32 without padding, lowercased.
pub fn base32_lower(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc4648() {
        assert_eq!(base32_lower(b"foobar"), "mzxw6ytboi");
        assert_eq!(base32_lower(b""), "");
    }

    #[test]
    fn ids_are_unique_and_path_safe() {
        let a = RandomIds.new_id();
        let b = RandomIds.new_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(portal_domain::DocumentId::parse(&a).is_ok());
    }
}
