//! "Did you mean" hints and "allowed: ..." lists.
//!
//! Exists so that every "unknown X" diagnostic phrases its alternatives the
//! same way: the full list of what is allowed, plus the closest name when
//! one is near enough to be a likely typo.

/// `a, b, c` (backticks are added by callers where wanted).
pub(crate) fn list(names: &[&str]) -> String {
    names.join(", ")
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The allowed name closest to `wrong`, if it is close enough to be a typo.
pub fn closest<'a>(wrong: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let wrong_l = wrong.to_ascii_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for &cand in allowed {
        let d = levenshtein(&wrong_l, &cand.to_ascii_lowercase());
        let limit = (cand.chars().count().max(wrong.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`? allowed: a, b, c` or just `allowed: a, b, c`.
pub(crate) fn help_for(wrong: &str, allowed: &[&str]) -> String {
    match closest(wrong, allowed) {
        Some(c) => format!("did you mean `{c}`? allowed: {}", list(allowed)),
        None => format!("allowed: {}", list(allowed)),
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("arnn", &["arn", "name"]), Some("arn"));
        assert_eq!(closest("regoin", &["region", "profile"]), Some("region"));
        assert_eq!(closest("zzzzzz", &["arn", "name"]), None);
        assert_eq!(levenshtein("", "abc"), 3);
    }
}
