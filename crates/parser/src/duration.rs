//! Durations for `timeouts { delete = "30m" }` and duration flags such as
//! `apply --max-plan-age`.
//!
//! Exists so the accepted forms are defined once: whole numbers of hours,
//! minutes and seconds in that order, each at most once, e.g. `90s`,
//! `30m`, `1h30m`, `2h`, `1h0m30s`. Anything else is rejected rather than
//! guessed.

use std::time::Duration;

/// The hint shown with every bad duration.
pub const EXAMPLE: &str =
    "write a duration like \"90s\", \"30m\", \"1h30m\" or \"2h\" (at most 8784h, a year)";

/// The longest duration accepted, in seconds: a (leap) year. Longer is a
/// typo, and would overflow the clock arithmetic of deadlines.
const MAX_SECS: u64 = 366 * 24 * 3600;

/// Parses `1h30m`-style durations. `None`: not a valid duration.
pub fn parse(s: &str) -> Option<Duration> {
    if s.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut last_rank = 0u8; // h = 3, m = 2, s = 1; must strictly decrease
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let (rank, secs) = match c {
            'h' => (3, 3600),
            'm' => (2, 60),
            's' => (1, 1),
            _ => return None,
        };
        if digits.is_empty() || (last_rank != 0 && rank >= last_rank) {
            return None;
        }
        let n: u64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(secs)?)?;
        digits.clear();
        last_rank = rank;
    }
    if !digits.is_empty() || total == 0 || total > MAX_SECS {
        return None;
    }
    Some(Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(parse("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("1h0m30s"), Some(Duration::from_secs(3630)));
        assert_eq!(parse("8784h"), Some(Duration::from_secs(MAX_SECS)));
        for bad in [
            "",
            "30",
            "m",
            "30x",
            "1m1h",
            "1h1h",
            "1.5h",
            "0s",
            " 30m",
            "-5m",
            "99999999999999999999h",
            "8785h",
            "5124095576030431h",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
