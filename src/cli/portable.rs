//! Plan files that apply from anywhere (DESIGN section 13): CI plans in
//! one job and applies the downloaded artifact in another, from another
//! directory. A plan file records where its manifest is relative to the
//! plan file and to the git root, and the values of its non-sensitive
//! variables; apply finds the manifest from those and uses those values.
//! Sensitive values are never recorded: they must be passed again.

use std::path::{Component, Path, PathBuf};

use decom_parser::{Manifest, Redaction};
use decom_plan::{ManifestLocation, PlanFile};

use super::git;
use super::manifest_args::resolved;

/// Where the manifest at `manifest` is from the plan file `out` and from
/// the root of the git work tree it is in.
pub fn location(manifest: &Path, out: &Path) -> ManifestLocation {
    let Some(manifest_abs) = resolved(manifest) else {
        return ManifestLocation::default();
    };
    let from_plan_file = resolved(out)
        .and_then(|o| o.parent().map(Path::to_path_buf))
        .map(|dir| relative(&dir, &manifest_abs));
    let from_git_root = git::root(&git::directory_of(manifest))
        .and_then(|root| root.canonicalize().ok())
        .filter(|root| manifest_abs.starts_with(root))
        .map(|root| relative(&root, &manifest_abs));
    ManifestLocation {
        from_plan_file,
        from_git_root,
    }
}

/// The manifest of the plan file at `plan_path`: next to the plan file as
/// it was, else at its place under the git root (of the plan file's
/// directory, then of the current one), else the path given to `plan`.
pub fn find_manifest(plan_path: &Path, file: &PlanFile) -> Result<PathBuf, String> {
    let location = file.manifest_location();
    let plan_dir = git::directory_of(plan_path);
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(rel) = &location.from_plan_file {
        candidates.push(plan_dir.join(rel));
    }
    if let Some(rel) = &location.from_git_root {
        for dir in [plan_dir.clone(), PathBuf::from(".")] {
            if let Some(root) = git::root(&dir) {
                candidates.push(root.join(rel));
            }
        }
    }
    candidates.push(PathBuf::from(file.manifest_path()));
    if let Some(found) = candidates.iter().find(|c| holds_a_manifest(c)) {
        return Ok(tidy(found));
    }
    let looked: Vec<String> = candidates
        .iter()
        .map(|c| format!("  {}", c.display()))
        .collect();
    Err(format!(
        "cannot find the manifest of the plan file {}: it was made from `{}`{}{}, and none of these holds it:\n{}\n\
         Check out the repository the plan was made from (the plan file records where the manifest is \
         relative to itself and to the git root), or apply from the directory the plan was made in.",
        plan_path.display(),
        file.manifest_path(),
        location
            .from_plan_file
            .as_ref()
            .map(|p| format!(" (`{p}` from the plan file)"))
            .unwrap_or_default(),
        location
            .from_git_root
            .as_ref()
            .map(|p| format!(" (`{p}` from the git root)"))
            .unwrap_or_default(),
        looked.join("\n")
    ))
}

/// A file, or a directory the loader finds manifest files in: the plan
/// file copied alone into a directory must not find that directory (with
/// nothing in it) as "its manifest next to it".
fn holds_a_manifest(path: &Path) -> bool {
    path.is_file() || decom_parser::manifest_files(path).is_ok_and(|files| !files.is_empty())
}

/// The plan's non-sensitive variable values as `DECOM_VAR_`-level inputs:
/// below `--var` and `--var-file`, above defaults, so that a value passed
/// again wins (and is then compared, see [`check_variables`]).
pub fn saved_variables(file: &PlanFile) -> Vec<(String, String)> {
    file.provenance()
        .variables
        .iter()
        .filter_map(|v| Some((v.name.clone(), value_text(v.value.as_ref()?))))
        // A value with a sensitive one hidden in it was saved damaged:
        // the manifest digest still covers it.
        .filter(|(_, text)| !Redaction::was_applied_to(text))
        .collect()
}

/// Refuses a variable whose value now differs from the planned one,
/// naming it (sensitive values are compared through the digest: see the
/// stale-plan message).
pub fn check_variables(file: &PlanFile, manifest: &Manifest) -> Result<(), String> {
    let mut changed = Vec::new();
    for saved in &file.provenance().variables {
        let Some(planned) = &saved.value else {
            continue;
        };
        if Redaction::was_applied_to(&planned.to_string()) {
            continue;
        }
        let now = manifest.variables.iter().find(|v| v.name == saved.name);
        let now = now.map(|v| decom_plan::json_value(&v.value));
        if now.as_ref() != Some(planned) {
            let shown = now.map_or_else(|| "not declared".to_string(), |n| n.to_string());
            changed.push(format!(
                "variable \"{}\" was {planned} when the plan was made, and is {shown} now",
                saved.name
            ));
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    Err(format!(
        "the saved plan was made with other variable values: {}. Pass the planned values \
         (or none: the plan file supplies them), or run `decom plan --out` again with the new ones.",
        changed.join("; ")
    ))
}

/// The note added when a saved plan's manifest does not load: a
/// sensitive variable must be passed again.
pub fn sensitive_hint(file: &PlanFile) -> Option<String> {
    let names: Vec<&str> = file.provenance().sensitive_variables().collect();
    if names.is_empty() {
        return None;
    }
    let list = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "note: a plan file never records the values of sensitive variables ({list}): pass them \
         again (--var, --var-file or DECOM_VAR_<name>) with the values the plan was made with"
    ))
}

/// `to` relative to the directory `from` (both absolute), `/`-separated.
fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), from.len() - common);
    let downs = to[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let parts: Vec<String> = ups.chain(downs).collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `a/./b` as `a/b` (how it is shown and used).
fn tidy(path: &Path) -> PathBuf {
    let tidied: PathBuf = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    if tidied.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        tidied
    }
}

/// A saved value as a variable input's text: a string as itself, any
/// other value in JSON, which is also HCL.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
