//! Terraform users feel at home (DESIGN section 13, issue 20): `plan
//! --json` / `show --json` have every key of Terraform's plan format 1.2
//! (compared with a real Terraform 1.11.4 destroy plan), sensitive values
//! stay hidden in all of them; a plan file applies from another checkout
//! in another directory; `show --markdown` is a PR comment worth reading.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command as Process;

use serde_json::Value;

use common::{stderr, stdout, Project};

const FAST: &str = "--poll-interval-ms=20";
const SECRET: &str = "s3cr3t-value";

/// Counted and `for_each` resources, an edge, a sensitive variable hidden
/// in two names and a non-sensitive one.
const MANIFEST: &str = r#"
provider "aws" {
  region = "us-east-1"
}

variable "env" {
  type    = string
  default = "staging"
}

variable "token" {
  type      = string
  sensitive = true
}

resource "aws_apprunner_vpc_connector" "shared" {
  name = "shared-${var.env}"
}

resource "aws_apprunner_service" "web" {
  count             = 2
  name              = "web-${var.env}-${count.index}"
  vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn
}

resource "aws_supplychain_instance" "instance" {
  for_each = ["planning", "demand"]
  name     = "${each.key}-${var.token}"
}
"#;

fn terraform_reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/terraform-reference/destroy-plan.json");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The keys of the object(s) at `path` (`[]` steps into every element of
/// an array), united over every element.
fn keys_at(json: &Value, path: &[&str]) -> BTreeSet<String> {
    let mut nodes = vec![json];
    for step in path {
        nodes = nodes
            .into_iter()
            .flat_map(|n| match *step {
                "[]" => n.as_array().into_iter().flatten().collect::<Vec<_>>(),
                key => n.get(key).into_iter().collect(),
            })
            .collect();
    }
    nodes
        .into_iter()
        .filter_map(Value::as_object)
        .flat_map(|o| o.keys().cloned())
        .collect()
}

/// Every object of Terraform's plan whose keys are the format's (not
/// attribute, variable or provider names).
const SHAPES: &[&[&str]] = &[
    &[],
    &["planned_values"],
    &["resource_changes", "[]"],
    &["resource_changes", "[]", "change"],
    &["prior_state"],
    &["prior_state", "values"],
    &["prior_state", "values", "root_module"],
    &["prior_state", "values", "root_module", "resources", "[]"],
    &["configuration"],
    &["configuration", "root_module"],
    &["configuration", "root_module", "resources", "[]"],
];

fn sandbox_json(p: &Project, args: &[&str]) -> Value {
    let out = p.decom(args).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)))
}

#[test]
fn plan_and_show_json_have_every_key_of_terraforms_plan_format() {
    let p = Project::with_main(MANIFEST);
    let token = format!("token={SECRET}");
    let plan = sandbox_json(
        &p,
        &[
            "plan",
            "--sandbox",
            "--json",
            "--var",
            &token,
            "--out",
            "plan.bin",
        ],
    );
    let shown = sandbox_json(&p, &["show", "plan.bin", "--json"]);
    let terraform = terraform_reference();
    for (what, decom) in [("plan --json", &plan), ("show --json", &shown)] {
        for path in SHAPES {
            let missing: Vec<String> = keys_at(&terraform, path)
                .difference(&keys_at(decom, path))
                .cloned()
                .collect();
            assert!(
                missing.is_empty(),
                "{what} lacks Terraform's keys {missing:?} at {path:?}"
            );
        }
        // Each variable is `{"value": ...}` as Terraform writes it.
        assert_eq!(
            decom["variables"]["env"],
            serde_json::json!({"value": "staging"})
        );
        assert_eq!(decom["format_version"], "1.2");
        assert_eq!(decom["terraform_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(
            decom["planned_values"],
            serde_json::json!({"root_module": {}})
        );
        assert_eq!(decom["applyable"], true);
        assert_eq!(decom["errored"], false);
        let changes = decom["resource_changes"].as_array().unwrap();
        let indexes: Vec<&Value> = changes.iter().filter_map(|c| c.get("index")).collect();
        assert!(indexes.contains(&&serde_json::json!(1)), "{indexes:?}");
        assert!(
            indexes.contains(&&serde_json::json!("demand")),
            "{indexes:?}"
        );
        // decom's own keys stay.
        for key in ["waves", "edges", "summary", "decom_version"] {
            assert!(decom.get(key).is_some(), "{what} lost {key}");
        }
        let prior = &decom["prior_state"]["values"]["root_module"]["resources"];
        assert_eq!(prior.as_array().unwrap().len(), 5, "{prior}");
    }
    assert_eq!(plan["resource_changes"], shown["resource_changes"]);
}

#[test]
fn sensitive_values_stay_hidden_in_every_key_unlike_terraform() {
    let p = Project::with_main(MANIFEST);
    let token = format!("token={SECRET}");
    let plan = sandbox_json(
        &p,
        &[
            "plan",
            "--sandbox",
            "--json",
            "--var",
            &token,
            "--out",
            "plan.bin",
        ],
    );
    let shown = sandbox_json(&p, &["show", "plan.bin", "--json"]);
    for (what, decom) in [("plan --json", &plan), ("show --json", &shown)] {
        let text = decom.to_string();
        assert!(!text.contains(SECRET), "{what} shows the secret: {text}");
        assert_eq!(
            decom["variables"]["token"],
            serde_json::json!({"value": "(sensitive)"})
        );
        assert_eq!(
            decom["configuration"]["root_module"]["variables"]["token"]["sensitive"],
            true
        );
        let change = decom["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"] == "aws_supplychain_instance.instance[\"demand\"]")
            .unwrap();
        assert_eq!(change["change"]["before"]["name"], "demand-(sensitive)");
        assert_eq!(
            change["change"]["before_sensitive"]["name"], true,
            "{change}"
        );
        let prior = decom["prior_state"]["values"]["root_module"]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["address"] == change["address"])
            .unwrap();
        assert_eq!(prior["sensitive_values"]["name"], true, "{prior}");
        assert!(!prior["values"].to_string().contains(SECRET));
    }
    let file = std::fs::read(p.path().join("plan.bin")).unwrap();
    assert!(!String::from_utf8_lossy(&file).contains(SECRET));
}

fn git(dir: &Path, args: &[&str]) -> Option<std::process::Output> {
    Process::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=decom test",
            "-c",
            "user.email=test@example.com",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .ok()
}

/// A repository with the manifest in `infra/`, committed; `None` without git.
fn repo() -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("infra")).unwrap();
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    std::fs::write(dir.path().join("infra/main.hcl"), MANIFEST).unwrap();
    if !git(dir.path(), &["init", "-q"])?.status.success() {
        return None;
    }
    assert!(git(dir.path(), &["add", "infra"]).unwrap().status.success());
    let commit = git(dir.path(), &["commit", "-q", "-m", "teardown"]).unwrap();
    assert!(commit.status.success(), "{}", stderr(&commit));
    Some(dir)
}

/// `cp -r from/. to/` (the plan job's checkout and artifact, downloaded
/// by the apply job).
fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn decom_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = common::decom();
    cmd.current_dir(dir).args(args);
    cmd.output().unwrap()
}

/// The plan job: `decom plan infra --out ci/plan.bin` at the root of a
/// checkout, with `--var env=prod` and the sensitive token.
fn plan_job() -> Option<tempfile::TempDir> {
    let planned = repo()?;
    let token = format!("token={SECRET}");
    let out = decom_in(
        planned.path(),
        &[
            "plan",
            "--sandbox",
            "infra",
            "--var",
            "env=prod",
            "--var",
            &token,
            "--out",
            "ci/plan.bin",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    Some(planned)
}

#[test]
fn a_plan_file_applies_in_another_checkout_from_another_directory() {
    let Some(planned) = plan_job() else {
        eprintln!("note: git is not installed; skipping");
        return;
    };
    let applying = tempfile::tempdir().unwrap();
    copy_tree(planned.path(), applying.path());
    drop(planned);
    let work = applying.path().join("infra");

    // Only the sensitive variable is passed again; env=prod comes from
    // the plan file. Applied from infra/, naming the plan as ../ci/plan.bin.
    let token = format!("token={SECRET}");
    let out = decom_in(
        &work,
        &[
            "apply",
            "--sandbox",
            "../ci/plan.bin",
            "--var",
            &token,
            FAST,
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("Apply complete: 5 deleted"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_moved_plan_needs_its_sensitive_variables_and_the_planned_values() {
    let Some(planned) = plan_job() else {
        eprintln!("note: git is not installed; skipping");
        return;
    };
    let root = planned.path();

    // Without the sensitive variable: refused, naming it.
    let out = decom_in(root, &["apply", "--sandbox", "ci/plan.bin", FAST]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("\"token\""), "{}", stderr(&out));
    assert!(stderr(&out).contains("pass them"), "{}", stderr(&out));

    // A non-sensitive variable with another value than planned: refused, naming it.
    let token = format!("token={SECRET}");
    let out = decom_in(
        root,
        &[
            "apply",
            "--sandbox",
            "ci/plan.bin",
            "--var",
            &token,
            "--var",
            "env=dev",
            FAST,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("variable \"env\" was \"prod\" when the plan was made"),
        "{}",
        stderr(&out)
    );

    // The sensitive one with another value: stale, and says a variable did it.
    let out = decom_in(
        root,
        &[
            "apply",
            "--sandbox",
            "ci/plan.bin",
            "--var",
            "token=another-value",
            FAST,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("saved plan is stale"), "{err}");
    assert!(err.contains("sensitive variable(s) \"token\""), "{err}");

    // The plan file moved, the manifest not with it: said, with where it looked.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(root.join("ci/plan.bin"), elsewhere.path().join("plan.bin")).unwrap();
    let out = decom_in(
        elsewhere.path(),
        &["apply", "--sandbox", "plan.bin", "--var", &token, FAST],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("cannot find the manifest of the plan file"),
        "{err}"
    );
    assert!(err.contains("`infra` from the git root"), "{err}");
    assert!(!err.contains(SECRET), "{err}");
}

/// A plan made next to its manifest, then copied alone into another
/// directory: that directory (with no manifest in it) is not taken for
/// the manifest "next to the plan file"; the error lists where it looked.
#[test]
fn a_plan_file_copied_alone_says_where_it_looked_for_its_manifest() {
    let p = Project::with_main(MANIFEST);
    let token = format!("token={SECRET}");
    let made = p
        .decom(&[
            "plan",
            "--sandbox",
            ".",
            "--var",
            &token,
            "--out",
            "plan.bin",
        ])
        .output()
        .unwrap();
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("plan.bin");
    std::fs::copy(p.path().join("plan.bin"), &copy).unwrap();
    let out = decom_in(
        elsewhere.path(),
        &["apply", "--sandbox", "plan.bin", "--var", &token, FAST],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cannot find the manifest of the plan file"),
        "{err}"
    );
    assert!(err.contains("none of these holds it"), "{err}");
    assert!(!err.contains("no *.hcl files"), "{err}");
}

/// The PR comment says where and when the plan was made, from which
/// commit (and that the tree was dirty), repeats the plan's warnings and
/// shows the resources as a `diff`.
#[test]
fn show_markdown_leads_with_account_region_commit_time_and_warnings() {
    let Some(planned) = repo() else {
        eprintln!("note: git is not installed; skipping");
        return;
    };
    let root = planned.path();
    let head = stdout(&git(root, &["rev-parse", "HEAD"]).unwrap())
        .trim()
        .to_string();
    let markdown = |args: &[&str]| {
        let out = decom_in(root, args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let out = decom_in(root, &["show", "ci/plan.bin", "--markdown"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let token = format!("token={SECRET}");
    let clean = markdown(&[
        "plan",
        "--sandbox",
        "infra",
        "--var",
        &token,
        "--out",
        "ci/plan.bin",
    ]);
    assert!(
        clean.contains(&format!("| git commit | `{head}` |")),
        "{clean}"
    );
    assert!(!clean.contains("dirty"), "{clean}");

    // An uncommitted edit, and a sensitive value too short to hide.
    let main = root.join("infra/main.hcl");
    std::fs::write(&main, format!("{MANIFEST}\n# edited\n")).unwrap();
    let md = markdown(&[
        "plan",
        "--sandbox",
        "infra",
        "--var",
        "token=abc",
        "--out",
        "ci/plan.bin",
    ]);
    assert!(
        md.contains(&format!("| git commit | `{head}` **dirty**")),
        "{md}"
    );
    assert!(md.contains("| account(s) | `123456789012` |"), "{md}");
    assert!(md.contains("| region(s) | `us-east-1` |"), "{md}");
    assert!(md.contains("| planned at | 20"), "{md}");
    assert!(
        md.contains("| `aws_apprunner_service` | 2 | 0 | 0 |"),
        "{md}"
    );
    assert!(
        md.contains("> **Warning:** variable \"token\" is sensitive, but its value is shorter"),
        "{md}"
    );
    assert!(md.contains("```diff\n"), "{md}");
    assert!(
        md.contains("\n-    resource \"aws_apprunner_vpc_connector\" \"shared\" {\n"),
        "{md}"
    );
}

/// `--poll-interval-ms` is a documented flag (docs/commands.md and
/// `apply --help`): a local simulator, LocalStack or moto wants it.
#[test]
fn poll_interval_is_in_apply_help_and_the_docs() {
    let help = stdout(&common::decom().args(["apply", "--help"]).output().unwrap());
    assert!(help.contains("--poll-interval-ms"), "{help}");
    let docs = std::fs::read_to_string(common::repo_root().join("docs/commands.md")).unwrap();
    assert!(docs.contains("`--poll-interval-ms MS`"));
}

/// `validate --json` has every key, valid or not: nothing when the
/// manifest does not load, the resources when only its graph fails.
#[test]
fn validate_json_keeps_its_keys_when_invalid() {
    let report = |text: &str| {
        let p = Project::with_main(text);
        let out = p.decom(&["validate", "--json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()
    };
    let broken = report("resource \"aws_nope\" \"x\" {}\n");
    assert_eq!(broken["valid"], false);
    assert_eq!(broken["resources"], 0);
    assert_eq!(broken["waves"], 0);
    assert_eq!(broken["known_after_refresh"], serde_json::json!([]));
    assert!(!broken["diagnostics"].as_array().unwrap().is_empty());

    let cycle = report(
        r#"resource "aws_apprunner_service" "a" {
  name              = "svc-a"
  vpc_connector_arn = aws_apprunner_vpc_connector.b.arn
}

resource "aws_apprunner_vpc_connector" "b" {
  name       = "conn-b"
  depends_on = [aws_apprunner_service.a]
}
"#,
    );
    assert_eq!(cycle["valid"], false);
    assert_eq!(cycle["resources"], 2);
    assert_eq!(cycle["waves"], 0);
    let deferred = cycle["known_after_refresh"].as_array().unwrap();
    assert!(!deferred.is_empty(), "{cycle}");
    let docs = std::fs::read_to_string(common::repo_root().join("docs/commands.md")).unwrap();
    assert!(docs.contains("| `known_after_refresh` |"));
}
