//! Deterministic id generation: a seeded SplitMix64 generator and the id
//! formats of the simulated services (32-hex App Runner ids, `dxcon-`/`dxvif-`
//! ids, UUIDs) and of IAM/STS (unique ids like `AROA…`, access keys, secrets).

/// SplitMix64: tiny, fast, deterministic for a given seed.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

/// One SplitMix64 mixing step (also used to hash fault decisions).
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// 32 lowercase hex digits (App Runner resource ids).
    pub(crate) fn hex32(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }

    /// `n` characters of lowercase alphanumerics.
    pub(crate) fn alnum(&mut self, n: usize) -> String {
        self.chars(b"abcdefghijklmnopqrstuvwxyz0123456789", n)
    }

    /// `n` characters drawn from `alphabet` (which must not be empty).
    pub(crate) fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[(self.next_u64() % alphabet.len() as u64) as usize] as char)
            .collect()
    }

    /// A version-4 style UUID, lowercase.
    pub(crate) fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let hi = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let lo = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            hi >> 32,
            (hi >> 16) & 0xFFFF,
            hi & 0xFFFF,
            lo >> 48,
            lo & 0xFFFF_FFFF_FFFF
        )
    }
}

/// The alphabet of IAM unique ids and access key ids.
pub(crate) const IAM_ID_CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// An IAM unique id (`AIDA…` user, `AROA…` role): `prefix` and 17 characters
/// derived from `name`, so the same principal always gets the same id.
pub(crate) fn iam_unique_id(prefix: &str, name: &str) -> String {
    let seed = name
        .bytes()
        .fold(0xCBF2_9CE4_8422_2325_u64, |h, b| mix(h ^ u64::from(b)));
    format!("{prefix}{}", Rng::new(seed).chars(IAM_ID_CHARS, 17))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_and_well_formed() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.hex32(), b.hex32());
        let u = a.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let id = a.alnum(8);
        assert_eq!(id.len(), 8);
        assert!(id
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    }

    #[test]
    fn iam_unique_ids_are_stable_per_name() {
        let a = iam_unique_id("AROA", "arn:aws:iam::111111111111:role/a");
        assert_eq!(a.len(), 21);
        assert!(a.starts_with("AROA"));
        assert_eq!(a, iam_unique_id("AROA", "arn:aws:iam::111111111111:role/a"));
        assert_ne!(a, iam_unique_id("AROA", "arn:aws:iam::111111111111:role/b"));
    }
}
