//! Every resource kind is complete: the kinds table's row is documented
//! as it is, and the simulator, the sandbox's seeding, refresh, delete and
//! the wait for each kind work end to end. A kind added to the table
//! without its simulator module, its AWS module or its docs row fails
//! here (a row without relations, states or a timeout does not compile;
//! `crates/kinds` tests the row itself, `crates/aws` its registry).

mod common;

use common::{stderr, stdout, Project};
use decom_parser::ResourceType;

/// The row docs/language.md must have for `ty`, made from the table.
fn expected_row(ty: ResourceType) -> String {
    let kind = ty.kind();
    // Alternatives (`arn` / `name`), or the parts of a composite (`a` + `b`).
    let joiner = match kind.identity.parts() {
        Some(_) => " + ",
        None => " / ",
    };
    let identity = kind
        .identity
        .attributes()
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(joiner);
    let relations = kind
        .relations
        .iter()
        .map(|r| {
            let targets: Vec<String> = r.targets.iter().map(|t| format!("`{t}`")).collect();
            format!("`{}` ({})", r.attr.name(), targets.join(" or "))
        })
        .collect::<Vec<_>>();
    let relations = if relations.is_empty() {
        "—".to_string()
    } else {
        relations.join(", ")
    };
    let minutes = kind.default_timeout.as_secs() / 60;
    format!("| `{ty}` | {identity} | {relations} | {minutes}m |")
}

#[test]
fn every_kind_has_its_row_in_the_language_docs() {
    let docs = std::fs::read_to_string(common::repo_root().join("docs/language.md"))
        .expect("docs/language.md is readable");
    for ty in ResourceType::ALL {
        let row = expected_row(ty);
        assert!(
            docs.lines().any(|l| l == row),
            "docs/language.md's resource type table lacks (or differs from) the row\n{row}"
        );
    }
}

/// The identity of the `i`th kind's block `k{i}`: its name, or each part
/// of a composite (a part that is a relation references the block of the
/// kind it points at).
fn identity(i: usize, ty: ResourceType) -> String {
    let Some(parts) = ty.identity().parts() else {
        return format!("  name = \"kind-{i}\"\n");
    };
    let rank = |t: ResourceType| ResourceType::ALL.iter().position(|x| *x == t);
    parts
        .iter()
        .map(|part| {
            let rel = ty.relations().iter().find(|r| r.attr.name() == *part);
            match rel.and_then(|r| Some((r, *r.targets.first()?))) {
                Some((rel, target)) => format!(
                    "  {part} = {target}.k{}.{}\n",
                    rank(target).unwrap_or_default(),
                    rel.target_attribute(target)
                ),
                // Supply Chain names: `[a-z0-9_]+` (namespaces) and
                // `[A-Za-z0-9-]+` (flows).
                None => format!("  {part} = \"kind{i}\"\n"),
            }
        })
        .collect()
}

/// One resource of every kind, named and nothing else, planned and deleted
/// in the sandbox: the seeding writes what the table says the kind has,
/// the simulator must accept and serve it, and decom must list, delete and
/// confirm it through the kind's module.
#[test]
fn every_kind_is_seeded_planned_deleted_and_confirmed_in_the_sandbox() {
    // A required relation references the manifest's resource of its first
    // target type: a kind AWS lists only per parent (gateway associations)
    // is found under the parent the manifest names.
    let address_of = |t: ResourceType| {
        let i = ResourceType::ALL.iter().position(|x| *x == t);
        i.map(|i| format!("{t}.k{i}.{}", t.id_attribute()))
    };
    let manifest: String = ResourceType::ALL
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let identity = identity(i, *ty);
            let relations: String = ty
                .relations()
                .iter()
                .filter(|r| r.required && !identity.contains(&format!("  {} =", r.attr.name())))
                .filter_map(|r| {
                    Some(format!(
                        "  {} = {}\n",
                        r.attr.name(),
                        address_of(r.targets[0])?
                    ))
                })
                .collect();
            format!("resource \"{ty}\" \"k{i}\" {{\n{identity}{relations}}}\n")
        })
        .collect();
    let p = Project::with_main(&manifest);
    let out = p
        .decom(&["apply", "--sandbox", "--auto-approve", "."])
        .output()
        .expect("decom runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    for (i, ty) in ResourceType::ALL.iter().enumerate() {
        assert!(
            text.contains(&format!("{ty}.k{i}: Deletion complete")),
            "{ty} was not deleted:\n{text}"
        );
    }
    let n = ResourceType::ALL.len();
    // The Supply Chain instance's built-in namespaces go with it.
    assert!(
        text.contains(&format!(
            "Apply complete: {n} deleted, 2 deleted with their parent, 0 failed, 0 skipped."
        )),
        "{text}"
    );
}
