//! docs/ci.md's IAM policy lists exactly the AWS actions decom calls: the
//! operations the simulator sees during discover, plan and apply of a
//! stack with every resource type (and a plan through an assumed role),
//! mapped to IAM action names.

mod common;

use std::collections::BTreeSet;

use common::apprunner_estate::estate;
use common::directconnect_estate;
use common::quickstart::quickstart_seed;
use common::sim::TestSim;
use common::{repo_root, stderr, Project};
use decom_sim::{ResourceType as Sim, SeedResource};

/// The IAM prefix of a simulated service (Supply Chain's is `scn`).
fn iam_prefix(service: &str) -> &str {
    match service {
        "supplychain" => "scn",
        other => other,
    }
}

/// Every action of the first ```json block of docs/ci.md.
fn documented_actions() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo_root().join("docs/ci.md")).unwrap();
    let start = text
        .find("```json\n")
        .expect("docs/ci.md has a ```json block")
        + 8;
    let len = text[start..].find("```").expect("the json block ends");
    let policy: serde_json::Value = serde_json::from_str(&text[start..start + len])
        .unwrap_or_else(|e| panic!("docs/ci.md's policy is not valid JSON: {e}"));
    let mut actions = BTreeSet::new();
    for statement in policy["Statement"].as_array().expect("Statement list") {
        assert_eq!(statement["Effect"], "Allow", "{statement}");
        match &statement["Action"] {
            serde_json::Value::String(a) => {
                actions.insert(a.clone());
            }
            serde_json::Value::Array(list) => {
                actions.extend(list.iter().map(|a| a.as_str().unwrap().to_string()));
            }
            other => panic!("unexpected Action {other}"),
        }
    }
    actions
}

/// Status checks of kinds whose delete answer shows them gone (a VPC
/// connector or configuration `INACTIVE`): decom reads them only when
/// that answer says otherwise, which the simulator (as AWS) never does.
/// The policy must still allow them, or such a wait would fail.
const WATCHED_ONLY_IF_THE_DELETE_ANSWER_SAYS_SO: [&str; 3] = [
    "apprunner:DescribeAutoScalingConfiguration",
    "apprunner:DescribeObservabilityConfiguration",
    "apprunner:DescribeVpcConnector",
];

#[test]
fn the_documented_iam_policy_lists_exactly_the_actions_decom_calls() {
    let mut seed = quickstart_seed();
    let mut tagged = SeedResource::new(Sim::SupplyChainInstance, "tagged");
    tagged.tags.insert("team".into(), "shop".into());
    seed.push(tagged);
    // Enough bystanders that the lists take two pages: apply then watches
    // its one instance with a single read.
    seed.extend(
        (0..100).map(|i| SeedResource::new(Sim::AppRunnerVpcConnector, format!("bystander-{i}"))),
    );
    seed.extend(
        (0..20).map(|i| SeedResource::new(Sim::SupplyChainInstance, format!("bystander-{i}"))),
    );
    seed.extend(estate());
    seed.extend(directconnect_estate::estate());
    seed.extend(common::supplychain_estate::estate());
    let sim = TestSim::start(seed);

    let run = |p: &Project, args: &[&str]| {
        let mut cmd = p.decom(args);
        sim.env(&mut cmd);
        let out = cmd.output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "decom {args:?} failed: {}",
            stderr(&out)
        );
    };
    let p = Project::new();
    // Discover reads every type and its tags.
    run(&p, &["discover", "--include-dependents"]);
    run(&p, &["discover", "--tag", "team=shop"]);
    let text = std::fs::read_to_string(repo_root().join("examples/quickstart/main.hcl")).unwrap();
    p.write("main.hcl", &text);
    run(&p, &["plan", "--out", "plan.bin"]);
    run(&p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    // A provider that assumes a role (and protects tags).
    let roles = Project::with_main(
        "provider \"aws\" {\n  protect_tags = { keep = \"yes\" }\n  assume_role {\n    role_arn = \"arn:aws:iam::210987654321:role/decom-target\"\n  }\n}\nresource \"aws_dx_connection\" \"c\" {\n  id = \"dxcon-fg123456\"\n}\n",
    );
    run(&roles, &["plan"]);
    // The App Runner estate: configurations and connections.
    let estate = Project::example("apprunner-estate");
    run(&estate, &["plan", "--out", "plan.bin"]);
    run(&estate, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    // The Direct Connect estate: LAGs and gateways.
    let dx = Project::example("directconnect-estate");
    run(&dx, &["plan", "--out", "plan.bin"]);
    run(&dx, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    // Supply Chain children of an instance that stays.
    let cleanup = Project::example("supplychain-cleanup");
    run(&cleanup, &["plan", "--out", "plan.bin"]);
    run(&cleanup, &["apply", "plan.bin", "--poll-interval-ms=20"]);

    let called: BTreeSet<String> = sim
        .audit()
        .iter()
        .map(|e| format!("{}:{}", iam_prefix(&e.service), e.operation))
        .collect();
    let documented = documented_actions();
    let missing: Vec<_> = called.difference(&documented).collect();
    let extra: Vec<_> = documented
        .difference(&called)
        .filter(|a| !WATCHED_ONLY_IF_THE_DELETE_ANSWER_SAYS_SO.contains(&a.as_str()))
        .collect();
    for action in WATCHED_ONLY_IF_THE_DELETE_ANSWER_SAYS_SO {
        assert!(
            documented.contains(action),
            "{action} is not in docs/ci.md's policy"
        );
    }
    assert!(
        missing.is_empty() && extra.is_empty(),
        "docs/ci.md's policy differs from what decom calls\n  called but not in the policy: {missing:?}\n  in the policy but never called: {extra:?}"
    );
}
