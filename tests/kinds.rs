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
    let identity = kind
        .identity
        .attributes()
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        // `id` / `name`: either; `instance_id` + `name`: all together.
        .join(if kind.identity.parts().is_some() {
            " + "
        } else {
            " / "
        });
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

/// The identity attributes of the manifest's `k{i}` of type `ty`: `name`
/// for kinds with one, else every part of a composite, a part that is a
/// relation a reference to the manifest's resource of the target type.
fn identity_of(ty: ResourceType, i: usize) -> Vec<(&'static str, String)> {
    let rank = |t: ResourceType| ResourceType::ALL.iter().position(|x| *x == t);
    let Some(parts) = ty.identity().parts() else {
        return vec![("name", format!("\"kind-{i}\""))];
    };
    parts
        .iter()
        .map(|&part| {
            let relation = ty.relations().iter().find(|r| r.attr.name() == part);
            let value = match relation.and_then(|r| Some((r, rank(r.targets[0])?))) {
                // A composite target is named by its `name` part, others by their id.
                Some((r, j)) => {
                    let target = r.targets[0];
                    let attr = if target.identity().parts().is_some() {
                        "name"
                    } else {
                        target.id_attribute()
                    };
                    format!("{target}.k{j}.{attr}")
                }
                // Supply Chain names: `[a-z0-9_]+` (namespaces) and
                // `[A-Za-z0-9-]+` (flows).
                None => format!("\"kind{i}\""),
            };
            (part, value)
        })
        .collect()
}

/// One resource of every kind, named and nothing else, planned and deleted
/// in the sandbox: the seeding writes what the table says the kind has,
/// the simulator must accept and serve it, and decom must list, delete and
/// confirm it through the kind's module.
#[test]
fn every_kind_is_seeded_planned_deleted_and_confirmed_in_the_sandbox() {
    let manifest: String = ResourceType::ALL
        .iter()
        .enumerate()
        .map(|(i, ty)| {
            let body: String = identity_of(*ty, i)
                .iter()
                .map(|(attr, value)| format!("  {attr} = {value}\n"))
                .collect();
            format!("resource \"{ty}\" \"k{i}\" {{\n{body}}}\n")
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
