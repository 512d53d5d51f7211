//! The example CI pipelines (examples/ci) parse as YAML and contain the
//! steps docs/ci.md promises: validate, plan to a file, the Markdown
//! comment, apply of that exact file, mutual exclusion of applies, OIDC.

mod common;

use common::repo_root;
use serde_norway::Value;

fn load(name: &str) -> (String, Value) {
    let path = repo_root().join("examples/ci").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let yaml: Value = serde_norway::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    (text, yaml)
}

/// Every shell line of a job (GitHub `steps[].run`, GitLab `script`).
fn commands(job: &Value) -> String {
    let mut out = String::new();
    if let Some(steps) = job["steps"].as_sequence() {
        for step in steps {
            if let Some(run) = step["run"].as_str() {
                out.push_str(run);
                out.push('\n');
            }
        }
    }
    if let Some(script) = job["script"].as_sequence() {
        for line in script.iter().filter_map(Value::as_str) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn uses(job: &Value) -> Vec<String> {
    job["steps"]
        .as_sequence()
        .map(|steps| {
            steps
                .iter()
                .filter_map(|s| s["uses"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_github_workflow_plans_on_pull_requests_and_applies_the_reviewed_plan() {
    let (text, y) = load("github-actions.yml");
    for trigger in ["pull_request", "push", "workflow_dispatch"] {
        assert!(!y["on"][trigger].is_null(), "missing trigger {trigger}");
    }

    let plan = &y["jobs"]["plan"];
    let run = commands(plan);
    assert!(run.contains("decom validate"), "{run}");
    assert!(
        run.contains("decom plan \"$MANIFEST\" --out plan.bin --detailed-exitcode"),
        "{run}"
    );
    assert!(
        run.contains("-ne 2"),
        "exit 2 (changes) must count as success"
    );
    assert!(run.contains("decom show --markdown plan.bin"), "{run}");
    assert_eq!(plan["permissions"]["id-token"].as_str(), Some("write"));
    let plan_uses = uses(plan);
    assert!(plan_uses
        .iter()
        .any(|u| u.starts_with("actions/upload-artifact")));
    assert!(plan_uses
        .iter()
        .any(|u| u.starts_with("actions/github-script")));
    assert!(
        text.contains("updateComment"),
        "the comment is updated in place"
    );

    let apply = &y["jobs"]["apply"];
    let run = commands(apply);
    assert!(run.contains("gh run download"), "{run}");
    assert!(run.contains("decom apply plan.bin"), "{run}");
    assert!(
        !apply["environment"].is_null(),
        "apply needs an approval environment"
    );
    assert!(apply["concurrency"]["group"].as_str().is_some());
    assert_eq!(
        apply["concurrency"]["cancel-in-progress"].as_bool(),
        Some(false)
    );
    assert_eq!(apply["permissions"]["id-token"].as_str(), Some("write"));
    assert!(uses(apply)
        .iter()
        .any(|u| u.starts_with("actions/upload-artifact")));

    for job in [plan, apply] {
        let creds = job["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("aws-actions/configure-aws-credentials"))
            })
            .expect("credentials step");
        assert!(creds["with"]["role-to-assume"].as_str().is_some());
    }
    assert!(
        !text.contains("aws-access-key-id") && !text.contains("AWS_SECRET_ACCESS_KEY"),
        "no static keys"
    );
}

#[test]
fn the_gitlab_pipeline_has_the_same_flow_with_a_manual_apply() {
    let (text, y) = load("gitlab-ci.yml");
    assert!(commands(&y["decom-validate"]).contains("decom validate"));

    let plan = &y["decom-plan"];
    let run = commands(plan);
    assert!(
        run.contains("decom plan \"$MANIFEST\" --out plan.bin --detailed-exitcode"),
        "{run}"
    );
    assert!(run.contains("decom show --markdown plan.bin"), "{run}");
    let artifacts: Vec<&str> = plan["artifacts"]["paths"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(artifacts.contains(&"plan.bin"), "{artifacts:?}");

    let apply = &y["decom-apply"];
    let run = commands(apply);
    assert!(run.contains("decom apply plan.bin"), "{run}");
    assert!(run.contains("/artifacts/plan.bin"), "{run}");
    assert!(apply["resource_group"].as_str().is_some());
    assert!(!apply["environment"].is_null());
    let manual = apply["rules"]
        .as_sequence()
        .unwrap()
        .iter()
        .any(|r| r["when"].as_str() == Some("manual"));
    assert!(manual, "apply must be a manual job");
    assert_eq!(
        apply["artifacts"]["paths"][0].as_str(),
        Some("journal.jsonl")
    );
    assert_eq!(
        y["default"]["id_tokens"]["AWS_ID_TOKEN"]["aud"].as_str(),
        Some("sts.amazonaws.com"),
        "credentials via OIDC"
    );
    assert!(!text.contains("AWS_SECRET_ACCESS_KEY"), "no static keys");
}
