//! Composite ids: the one canonical string for a resource identified by
//! several attributes together (`service_arn` + `domain_name`).
//!
//! The parts are joined with `,` in the order of the kind's
//! [`crate::Identity::Composite`] list, as Terraform's import ids of these
//! types are: ARNs, domain names and Supply Chain names hold no comma.
//! Everything that composes or takes apart such an id (the parser, plan,
//! refresh, the per-kind AWS modules) goes through here.

/// What joins the parts of a composite id.
pub const SEPARATOR: char = ',';

/// The id made of `parts`, in the order given.
pub fn compose<S: AsRef<str>>(parts: &[S]) -> String {
    let parts: Vec<&str> = parts.iter().map(AsRef::as_ref).collect();
    parts.join(&SEPARATOR.to_string())
}

/// The `n` parts of a composite id; `None` unless it has exactly `n`
/// non-empty parts.
pub fn split(id: &str, n: usize) -> Option<Vec<&str>> {
    let parts: Vec<&str> = id.split(SEPARATOR).collect();
    let well_formed = parts.len() == n && parts.iter().all(|p| !p.is_empty());
    well_formed.then_some(parts)
}

/// The `N` parts of a well-formed id, as an array to destructure.
pub fn split_array<const N: usize>(id: &str) -> Option<[&str; N]> {
    split(id, N)?.try_into().ok()
}

/// Why `value` cannot be a part of a composite id, if it cannot.
pub fn part_problem(value: &str) -> Option<&'static str> {
    if value.trim().is_empty() {
        Some("must not be empty")
    } else if value.contains(SEPARATOR) {
        Some("must not contain a comma (composite ids join their parts with one)")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_and_split_round_trip() {
        let arn = "arn:aws:apprunner:us-east-1:123456789012:service/web/0123";
        let id = compose(&[arn, "www.example.com"]);
        assert_eq!(id, format!("{arn},www.example.com"));
        assert_eq!(split(&id, 2), Some(vec![arn, "www.example.com"]));
    }

    #[test]
    fn split_wants_exactly_n_non_empty_parts() {
        assert_eq!(split("a,b,c", 3), Some(vec!["a", "b", "c"]));
        assert_eq!(split("a,b,c", 2), None);
        assert_eq!(split("a,b", 3), None);
        assert_eq!(split("a,,c", 3), None);
        assert_eq!(split("", 1), None);
        assert_eq!(split("solo", 1), Some(vec!["solo"]));
    }

    #[test]
    fn parts_are_non_empty_and_comma_free() {
        assert_eq!(part_problem("ns"), None);
        assert!(part_problem("").is_some());
        assert!(part_problem("  ").is_some());
        assert!(part_problem("a,b").is_some());
    }
}
