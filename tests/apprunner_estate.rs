//! The App Runner estate end to end: a service with a connector, an auto
//! scaling and an observability configuration, a connection, an ingress
//! connection and a custom domain (examples/apprunner-estate), applied against the simulator;
//! what the audit log proves, blockers for each new relation, and the
//! example planning in the sandbox.

mod common;

use common::apprunner_estate::*;
use common::sim::TestSim;
use common::{stderr, stdout, succeeded, Project};
use decom_sim::{AuditEntry, ResourceType as Sim, SeedResource};

fn run(sim: &TestSim, p: &Project, args: &[&str]) -> std::process::Output {
    let mut cmd = p.decom(args);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

/// The position of the (only) accepted `operation` in the audit log.
fn accepted(audit: &[AuditEntry], operation: &str) -> usize {
    let at: Vec<usize> = audit
        .iter()
        .enumerate()
        .filter(|(_, e)| e.operation == operation && e.status == 200)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 1, "{operation}: {audit:#?}");
    at[0]
}

#[test]
fn the_estate_is_deleted_service_first_and_replans_to_no_changes() {
    // A bystander that stays live: it shows the re-plan which account the
    // credentials are in once the estate's tombstones have expired.
    let mut seeds = estate();
    seeds.push(SeedResource::new(Sim::AppRunnerConnection, "bystander"));
    let sim = TestSim::start(seeds);
    let p = Project::example("apprunner-estate");
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    succeeded(&out);
    // Refresh: who the caller is, one list per type (the domains: of the
    // one service the planned domain names), and only the describes the
    // APIs force: the services' DescribeService (which also tells every
    // service's configurations and connection) and the ingress
    // connection's status.
    let mut refresh: Vec<String> = sim.audit().into_iter().map(|e| e.operation).collect();
    refresh.sort();
    assert_eq!(
        refresh,
        [
            "DescribeCustomDomains",
            "DescribeService",
            "DescribeVpcIngressConnection",
            "GetCallerIdentity",
            "ListAutoScalingConfigurations",
            "ListConnections",
            "ListObservabilityConfigurations",
            "ListServices",
            "ListVpcConnectors",
            "ListVpcIngressConnections",
        ]
    );
    let out = run(&sim, &p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    succeeded(&out);
    assert!(
        stdout(&out).contains("Apply complete: 7 deleted, 0 failed, 0 skipped."),
        "{}",
        stdout(&out)
    );

    let audit = sim.audit();
    let deletes: Vec<&AuditEntry> = audit
        .iter()
        .filter(|e| e.operation.starts_with("Delete") || e.operation.starts_with("Disassociate"))
        .collect();
    assert!(
        deletes.iter().all(|e| e.status == 200 && e.error.is_none()),
        "a delete was refused: {deletes:#?}"
    );
    assert_eq!(deletes.len(), 7, "{deletes:#?}");
    let service = accepted(&audit, "DeleteService");
    assert!(accepted(&audit, "DeleteVpcIngressConnection") < service);
    assert!(accepted(&audit, "DisassociateCustomDomain") < service);
    // The service was deleted only once the domain was seen gone.
    let domain_gone = audit
        .iter()
        .rposition(|e| e.operation == "DescribeCustomDomains" && e.status == 200)
        .unwrap_or(usize::MAX);
    assert!(domain_gone < service, "{audit:#?}");
    for after in [
        "DeleteAutoScalingConfiguration",
        "DeleteObservabilityConfiguration",
        "DeleteConnection",
        "DeleteVpcConnector",
    ] {
        assert!(
            accepted(&audit, after) > service,
            "{after} before DeleteService"
        );
    }

    let out = run(&sim, &p, &["plan"]);
    succeeded(&out);
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
}

/// The blocked address, the suggested attribute line, and how the intruding
/// service uses the blocked resource.
type BlockerCase = (&'static str, &'static str, fn(&mut SeedResource));

/// A service outside the manifest using each planned resource blocks the plan.
#[test]
fn a_service_outside_the_manifest_using_a_planned_configuration_or_connection_blocks() {
    let cases: [BlockerCase; 3] = [
        (
            "aws_apprunner_auto_scaling_configuration_version.shop",
            "auto_scaling_configuration_arn = aws_apprunner_auto_scaling_configuration_version.shop.arn",
            |s| s.auto_scaling_configuration_arn = Some(ASC.into()),
        ),
        (
            "aws_apprunner_observability_configuration.shop",
            "observability_configuration_arn = aws_apprunner_observability_configuration.shop.arn",
            |s| s.observability_configuration_arn = Some(OC.into()),
        ),
        (
            "aws_apprunner_connection.github",
            "connection_arn = aws_apprunner_connection.github.arn",
            |s| s.connection_arn = Some(CONNECTION.into()),
        ),
    ];
    for (address, suggestion, uses) in cases {
        let mut seeds = estate();
        let mut intruder = SeedResource::new(Sim::AppRunnerService, "intruder");
        uses(&mut intruder);
        seeds.push(intruder);
        let sim = TestSim::start(seeds);
        let out = run(&sim, &Project::example("apprunner-estate"), &["plan"]);
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "{address} cannot be deleted: live aws_apprunner_service \"intruder\""
            )),
            "{err}"
        );
        assert!(err.contains(suggestion), "{err}");
        assert!(sim.mutating_requests().is_empty());
    }
}

#[test]
fn the_example_plans_in_the_sandbox() {
    let p = Project::example("apprunner-estate");
    let out = p.decom(&["plan", "--sandbox"]).output().unwrap();
    succeeded(&out);
    let text = stdout(&out);
    assert!(
        text.contains("Plan: 7 to delete, 0 to wait for, 0 already gone."),
        "{text}"
    );
    // What the service uses goes in the wave after it.
    for address in [
        "aws_apprunner_auto_scaling_configuration_version.shop",
        "aws_apprunner_observability_configuration.shop",
        "aws_apprunner_connection.github",
    ] {
        assert!(
            text.contains(&format!("# {address} will be deleted (wave 3)")),
            "{text}"
        );
    }
}

/// A custom domain whose service is gone is already gone: by a known
/// service ARN, and by a reference to a service block that is gone.
#[test]
fn a_custom_domain_of_a_gone_service_is_already_gone() {
    let sim = TestSim::start(Vec::new());
    let gone = SERVICE.replace("/shop/", "/gone/");
    let p = Project::with_main(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\
         resource \"aws_apprunner_custom_domain_association\" \"known\" {{\n  service_arn = \"{gone}\"\n  domain_name = \"a.example.com\"\n}}\n\
         resource \"aws_apprunner_service\" \"gone\" {{\n  arn = \"{gone}\"\n}}\n\
         resource \"aws_apprunner_custom_domain_association\" \"referenced\" {{\n  service_arn = aws_apprunner_service.gone.arn\n  domain_name = \"b.example.com\"\n}}\n"
    ));
    let out = run(&sim, &p, &["plan"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("Plan: 0 to delete, 0 to wait for, 3 already gone."),
        "{}",
        stdout(&out)
    );
    assert!(sim.mutating_requests().is_empty());
}

/// A live domain on a planned service outside the manifest is no blocker
/// (AWS deletes a service with its domains), and refresh does not list
/// the domains of services no planned domain names.
#[test]
fn a_domain_outside_the_manifest_neither_blocks_nor_costs_a_call() {
    let mut seeds = estate();
    let mut other = SeedResource::new(Sim::AppRunnerCustomDomain, "other.example.com");
    other.service_arn = Some(SERVICE.into());
    other.domain_name = Some("other.example.com".into());
    seeds.push(other);
    let sim = TestSim::start(seeds);
    let p = Project::example("apprunner-estate");
    let text = std::fs::read_to_string(p.path().join("main.hcl")).unwrap();
    let start = text
        .find("resource \"aws_apprunner_custom_domain_association\"")
        .unwrap();
    let end = start + text[start..].find("}\n").unwrap() + 2;
    p.write("main.hcl", &format!("{}{}", &text[..start], &text[end..]));
    let out = run(&sim, &p, &["plan"]);
    succeeded(&out);
    let calls: Vec<String> = sim.audit().into_iter().map(|e| e.operation).collect();
    assert!(
        !calls.iter().any(|c| c == "DescribeCustomDomains"),
        "{calls:?}"
    );
}

/// Discover writes a domain by its parts, the service as a reference when
/// the service is in the output, and the result (with the ingress
/// connection that would block the service) plans.
#[test]
fn discover_writes_a_custom_domain_by_its_parts() {
    let sim = TestSim::start(estate());
    let p = Project::new();
    let types = [
        "--type",
        "aws_apprunner_service",
        "--type",
        "aws_apprunner_custom_domain_association",
        "--include-dependents",
    ];
    let out = run(&sim, &p, &[&["discover"][..], &types[..]].concat());
    succeeded(&out);
    let hcl = stdout(&out);
    assert!(
        hcl.contains("resource \"aws_apprunner_custom_domain_association\""),
        "{hcl}"
    );
    assert!(
        hcl.contains(&format!("domain_name = \"{DOMAIN}\"")),
        "{hcl}"
    );
    assert!(
        hcl.contains("service_arn = aws_apprunner_service.shop.arn"),
        "{hcl}"
    );
    assert!(!hcl.contains("\nid"), "{hcl}");
    // Alone, the service ARN is written as it is.
    let out = run(
        &sim,
        &p,
        &[
            "discover",
            "--type",
            "aws_apprunner_custom_domain_association",
        ],
    );
    assert!(
        stdout(&out).contains(&format!("service_arn = \"{SERVICE}\"")),
        "{}",
        stdout(&out)
    );
    p.write("main.hcl", &hcl);
    let out = run(&sim, &p, &["plan"]);
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(sim.mutating_requests().is_empty());
}

/// A domain of a service in another account than the caller's is an
/// error, never "already gone" (these credentials could not see it).
#[test]
fn a_custom_domain_of_another_accounts_service_is_refused() {
    let sim = TestSim::start(Vec::new());
    let foreign = SERVICE.replace("123456789012", "210987654321");
    let p = Project::with_main(&format!(
        "resource \"aws_apprunner_custom_domain_association\" \"d\" {{\n  service_arn = \"{foreign}\"\n  domain_name = \"a.example.com\"\n}}\n"
    ));
    let out = run(&sim, &p, &["plan"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out)
            .contains("is in account 210987654321, but provider aws acts in account 123456789012"),
        "{}",
        stderr(&out)
    );
}

/// Revision `n` of the auto scaling configuration `shop-scale`.
fn scale_revision(n: u8) -> String {
    format!("arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/shop-scale/{n}/{n}{n}{n}{n}{n}{n}{n}{n}")
}

/// A service using revision 1 of `shop-scale`, revisions 1 to `revisions`,
/// and a bystander configuration of another name.
fn revisioned_estate(revisions: u8) -> Vec<SeedResource> {
    let mut service = SeedResource::new(Sim::AppRunnerService, "shop");
    service.arn = Some(SERVICE.into());
    service.auto_scaling_configuration_arn = Some(scale_revision(1));
    let mut seeds = vec![service];
    for n in 1..=revisions {
        let mut r = SeedResource::new(Sim::AppRunnerAutoScalingConfiguration, "shop-scale");
        r.arn = Some(scale_revision(n));
        seeds.push(r);
    }
    seeds.push(SeedResource::new(
        Sim::AppRunnerAutoScalingConfiguration,
        "other-scale",
    ));
    seeds
}

/// The service and, by name, every revision of its configuration.
fn revisioned_project() -> Project {
    Project::with_main(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\
         resource \"aws_apprunner_service\" \"shop\" {{\n  arn = \"{SERVICE}\"\n}}\n\
         resource \"aws_apprunner_auto_scaling_configuration_version\" \"shop\" {{\n  name = \"shop-scale\"\n}}\n"
    ))
}

/// DESIGN section 10: an auto scaling configuration's name means all its
/// revisions. The plan shows the older ones deleted with the block (which
/// resolves to the latest); apply deletes each approved revision by its
/// ARN, older first, after the service using revision 1 is gone; the
/// bystander of another name is untouched.
#[test]
fn a_configuration_name_means_every_revision_each_deleted_by_its_arn() {
    let sim = TestSim::start(revisioned_estate(3));
    let p = revisioned_project();
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    succeeded(&out);
    let text = stdout(&out);
    assert!(
        text.contains("Plan: 2 to delete, 2 deleted with their parent,"),
        "{text}"
    );
    let block = "aws_apprunner_auto_scaling_configuration_version.shop";
    assert!(text.contains(&scale_revision(3)), "{text}");
    for older in [1, 2] {
        let cascade = format!(
            "# {block} -> aws_apprunner_auto_scaling_configuration_version[\"{}\"] will be deleted with {block}",
            scale_revision(older)
        );
        assert!(text.contains(&cascade), "{text}");
    }

    let out = run(&sim, &p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    succeeded(&out);
    assert!(
        stdout(&out).contains("2 deleted with their parent"),
        "{}",
        stdout(&out)
    );
    let audit = sim.audit();
    let service = accepted(&audit, "DeleteService");
    let deletes: Vec<(usize, &AuditEntry)> = audit
        .iter()
        .enumerate()
        .filter(|(_, e)| e.operation == "DeleteAutoScalingConfiguration")
        .collect();
    let targets: Vec<Option<String>> = deletes.iter().map(|(_, e)| e.target.clone()).collect();
    let approved: Vec<Option<String>> = (1..=3).map(|n| Some(scale_revision(n))).collect();
    assert_eq!(targets, approved, "{deletes:#?}");
    assert!(
        deletes
            .iter()
            .all(|(at, e)| e.status == 200 && *at > service),
        "{deletes:#?}"
    );
    let snapshot = sim.snapshot();
    let active: Vec<&str> = snapshot
        .resources
        .iter()
        .filter(|r| r.resource_type == Sim::AppRunnerAutoScalingConfiguration)
        .filter(|r| r.status.as_deref() == Some("ACTIVE"))
        .map(|r| r.name.as_str())
        .collect();
    assert!(active.contains(&"other-scale"), "{active:?}");
    assert!(!active.contains(&"shop-scale"), "{active:?}");

    let out = run(&sim, &p, &["plan"]);
    succeeded(&out);
    assert!(stdout(&out).contains("No changes"), "{}", stdout(&out));
}

/// A revision of the name created after the plan was never approved: the
/// saved plan is stale and nothing is deleted.
#[test]
fn a_revision_created_after_the_plan_makes_it_stale() {
    let p = revisioned_project();
    let planned = TestSim::start(revisioned_estate(2));
    let out = run(&planned, &p, &["plan", "--out", "plan.bin"]);
    succeeded(&out);
    let now = TestSim::start(revisioned_estate(3));
    let out = run(&now, &p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("saved plan is stale"), "{err}");
    assert!(err.contains(&scale_revision(3)), "{err}");
    assert!(now.mutating_requests().is_empty());
}

/// A service outside the manifest using an older revision blocks the name;
/// the suggested block names that revision as it is (a reference to the
/// block would mean the latest).
#[test]
fn a_service_outside_the_manifest_using_an_older_revision_blocks() {
    let mut seeds = revisioned_estate(2);
    let mut intruder = SeedResource::new(Sim::AppRunnerService, "intruder");
    intruder.auto_scaling_configuration_arn = Some(scale_revision(1));
    seeds.push(intruder);
    let sim = TestSim::start(seeds);
    let out = run(&sim, &revisioned_project(), &["plan"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "aws_apprunner_auto_scaling_configuration_version.shop cannot be deleted: live aws_apprunner_service \"intruder\""
        ),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "auto_scaling_configuration_arn = \"{}\"",
            scale_revision(1)
        )),
        "{err}"
    );
    assert!(sim.mutating_requests().is_empty());
}

/// A block naming an older revision by ARN next to a block naming all
/// revisions: both would delete it, so the plan refuses.
#[test]
fn a_revision_named_twice_by_arn_and_by_name_is_refused() {
    let sim = TestSim::start(revisioned_estate(2));
    let p = Project::with_main(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\
         resource \"aws_apprunner_auto_scaling_configuration_version\" \"all\" {{\n  name = \"shop-scale\"\n}}\n\
         resource \"aws_apprunner_auto_scaling_configuration_version\" \"first\" {{\n  arn = \"{}\"\n}}\n",
        scale_revision(1)
    ));
    let out = run(&sim, &p, &["plan"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!("both name {}", scale_revision(1))),
        "{}",
        stderr(&out)
    );
}

/// A name with one live revision deletes exactly that revision.
#[test]
fn a_name_with_one_revision_deletes_it_by_its_arn() {
    let sim = TestSim::start(revisioned_estate(1));
    let p = revisioned_project();
    let out = run(
        &sim,
        &p,
        &["apply", "--auto-approve", "--poll-interval-ms=20"],
    );
    succeeded(&out);
    let audit = sim.audit();
    let delete = &audit[accepted(&audit, "DeleteAutoScalingConfiguration")];
    assert_eq!(delete.target, Some(scale_revision(1)));
}

// Hostile cases for a name meaning all its revisions (issue 16).

/// The targets of the accepted DeleteAutoScalingConfiguration requests, in order.
fn config_deletes(audit: &[AuditEntry]) -> Vec<String> {
    audit
        .iter()
        .filter(|e| e.operation == "DeleteAutoScalingConfiguration" && e.status == 200)
        .filter_map(|e| e.target.clone())
        .collect()
}

/// `.../autoscalingconfiguration/shop-scale`: the ARN DeleteAllRevisions
/// takes, which decom never sends (it would delete unapproved revisions).
const SCALE_BY_NAME: &str =
    "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/shop-scale";

/// The name's ACTIVE configurations left in the simulator, by ARN.
fn active_revisions(sim: &TestSim, name: &str) -> Vec<String> {
    sim.snapshot()
        .resources
        .into_iter()
        .filter(|r| r.resource_type == Sim::AppRunnerAutoScalingConfiguration)
        .filter(|r| r.name == name && r.status.as_deref() == Some("ACTIVE"))
        .map(|r| r.arn.unwrap_or_default())
        .collect()
}

/// Revisions of the same name in another region and another account are
/// never planned, deleted or journalled; every mutating request names an
/// approved ARN (never the name ARN of DeleteAllRevisions); the
/// journal records each older revision as deleted with its parent.
#[test]
fn revisions_elsewhere_stay_and_every_delete_names_what_was_approved() {
    let mut seeds = revisioned_estate(3);
    let mut west = SeedResource::new(Sim::AppRunnerAutoScalingConfiguration, "shop-scale");
    west.region = "us-west-2".into();
    let mut foreign = SeedResource::new(Sim::AppRunnerAutoScalingConfiguration, "shop-scale");
    foreign.account = Some("210987654321".into());
    seeds.extend([west, foreign]);
    let sim = TestSim::start(seeds);
    let p = revisioned_project();
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    succeeded(&out);
    assert!(
        stdout(&out).contains("Plan: 2 to delete, 2 deleted with their parent,"),
        "{}",
        stdout(&out)
    );
    for elsewhere in ["us-west-2", "210987654321"] {
        assert!(!stdout(&out).contains(elsewhere), "{}", stdout(&out));
    }
    let out = run(&sim, &p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    succeeded(&out);
    for request in sim.mutating_requests() {
        let target = request.target.as_deref().unwrap_or_default();
        let approved = [SERVICE.to_string()]
            .into_iter()
            .chain((1..=3).map(scale_revision))
            .any(|a| a == target);
        assert!(approved, "{request:#?}");
    }
    let left: Vec<(String, String, Option<String>)> = sim
        .snapshot()
        .resources
        .into_iter()
        .filter(|r| r.resource_type == Sim::AppRunnerAutoScalingConfiguration)
        .filter(|r| r.name == "shop-scale" && r.status.as_deref() == Some("ACTIVE"))
        .map(|r| (r.region, r.arn.unwrap_or_default(), r.account))
        .collect();
    assert_eq!(left.len(), 2, "{left:#?}");
    assert!(
        left.iter().any(|(region, ..)| region == "us-west-2"),
        "{left:#?}"
    );
    assert!(
        left.iter()
            .any(|(_, arn, _)| arn.contains(":210987654321:")),
        "{left:#?}"
    );

    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl"))
        .expect("the journal is written");
    let block = "aws_apprunner_auto_scaling_configuration_version.shop";
    for older in [1, 2] {
        let address = format!(
            "{block} -> aws_apprunner_auto_scaling_configuration_version[\"{}\"]",
            scale_revision(older)
        );
        let entry = journal
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|l| l["address"] == address.as_str())
            .unwrap_or_else(|| panic!("{address} not in the journal:\n{journal}"));
        assert_eq!(entry["event"], "deleted_with_parent", "{entry}");
    }
}

/// An older revision deleted by someone else between plan and apply: the
/// plan is not stale, and the apply deletes the others (its delete of the
/// gone one finds it gone).
#[test]
fn an_older_revision_deleted_since_the_plan_is_fine() {
    let p = revisioned_project();
    let planned = TestSim::start(revisioned_estate(3));
    let out = run(&planned, &p, &["plan", "--out", "plan.bin"]);
    succeeded(&out);
    let mut seeds = revisioned_estate(3);
    seeds.retain(|s| s.arn.as_deref() != Some(scale_revision(2).as_str()));
    let now = TestSim::start(seeds);
    let out = run(&now, &p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    succeeded(&out);
    assert_eq!(
        config_deletes(&now.audit()),
        [scale_revision(1), scale_revision(3)]
    );
    assert!(active_revisions(&now, "shop-scale").is_empty());
}

/// The latest revision deleted by someone else between plan and apply,
/// the older ones still live: the name now resolves to a revision the
/// plan approved only as a cascade. Stale, and nothing is sent: never an
/// "already gone" that reports the older revisions deleted while they live.
#[test]
fn the_latest_revision_deleted_since_the_plan_makes_it_stale() {
    let p = revisioned_project();
    let planned = TestSim::start(revisioned_estate(3));
    let out = run(&planned, &p, &["plan", "--out", "plan.bin"]);
    succeeded(&out);
    let now = TestSim::start(revisioned_estate(2));
    let out = run(&now, &p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("saved plan is stale"),
        "{}",
        stderr(&out)
    );
    assert!(now.mutating_requests().is_empty());
    assert_eq!(active_revisions(&now, "shop-scale").len(), 2);
}

const SECRET: &str = "Sc4leS3cret";

/// A sensitive variable as the name: the revisions' ARNs carry it, so it
/// must be hidden in every output, the plan file and the journal, and the
/// saved plan must still apply, each revision by its ARN.
#[test]
fn a_sensitive_name_with_revisions_is_hidden_and_applies() {
    let name = format!("scale-{SECRET}");
    let arn = |n: u8| {
        format!("arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/{name}/{n}/{n}{n}{n}{n}")
    };
    let seeds: Vec<SeedResource> = (1..=3)
        .map(|n| {
            let mut r = SeedResource::new(Sim::AppRunnerAutoScalingConfiguration, name.clone());
            r.arn = Some(arn(n));
            r
        })
        .collect();
    let sim = TestSim::start(seeds);
    let p = Project::with_main(
        "variable \"token\" {\n  type      = string\n  sensitive = true\n}\n\
         provider \"aws\" {\n  region = \"us-east-1\"\n}\n\
         resource \"aws_apprunner_auto_scaling_configuration_version\" \"s\" {\n  name = \"scale-${var.token}\"\n}\n",
    );
    let with_token = |args: &[&str]| {
        let mut cmd = p.decom(args);
        sim.env(&mut cmd);
        cmd.env("DECOM_VAR_token", SECRET).output().unwrap()
    };
    let runs = [
        with_token(&["plan"]),
        with_token(&["plan", "--json"]),
        with_token(&["plan", "--out", "plan.bin"]),
        p.decom(&["show", "plan.bin"]).output().unwrap(),
        p.decom(&["show", "plan.bin", "--markdown"])
            .output()
            .unwrap(),
        p.decom(&["show", "plan.bin", "--json"]).output().unwrap(),
        with_token(&["apply", "plan.bin", "--poll-interval-ms=20"]),
    ];
    for out in &runs {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}\n{}",
            stdout(out),
            stderr(out)
        );
        let text = format!("{}{}", stdout(out), stderr(out));
        assert!(!text.contains(SECRET), "{text}");
    }
    assert!(
        stdout(&runs[0]).contains("1 to delete, 2 deleted with their parent"),
        "{}",
        stdout(&runs[0])
    );
    for file in ["plan.bin", ".decom/journal.jsonl"] {
        let text = std::fs::read_to_string(p.path().join(file)).unwrap_or_default();
        assert!(!text.is_empty(), "{file}");
        assert!(!text.contains(SECRET), "{file}: {text}");
    }
    let each: Vec<String> = (1..=3).map(arn).collect();
    assert_eq!(config_deletes(&sim.audit()), each);
    assert!(active_revisions(&sim, &name).is_empty());
}

/// `decom discover` of a name with several revisions writes one block per
/// revision, by ARN; that manifest plans (and deletes each revision by its
/// own ARN, never by the name).
#[test]
fn discovered_revisions_plan_and_apply() {
    let sim = TestSim::start(revisioned_estate(3));
    let mut cmd = common::decom();
    sim.env(&mut cmd);
    let out = cmd
        .args([
            "discover",
            "--type",
            "aws_apprunner_auto_scaling_configuration_version",
            "--name-regex",
            "^shop-scale$",
        ])
        .output()
        .unwrap();
    succeeded(&out);
    let hcl = stdout(&out);
    for n in 1..=3 {
        assert!(hcl.contains(&scale_revision(n)), "{hcl}");
    }
    let p = Project::with_main(&hcl);
    let out = run(&sim, &p, &["plan"]);
    // The service outside this manifest uses revision 1: a blocker, not a crash.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("cannot be deleted: live aws_apprunner_service"),
        "{}",
        stderr(&out)
    );

    let mut cmd = common::decom();
    sim.env(&mut cmd);
    let out = cmd
        .args(["discover", "--include-dependents", "--name-regex", "^shop"])
        .output()
        .unwrap();
    succeeded(&out);
    let p = Project::with_main(&stdout(&out));
    let out = run(&sim, &p, &["plan"]);
    succeeded(&out);
    assert!(
        stdout(&out).contains("Plan: 4 to delete"),
        "{}",
        stdout(&out)
    );
    let out = run(
        &sim,
        &p,
        &["apply", "--auto-approve", "--poll-interval-ms=20"],
    );
    succeeded(&out);
    for request in sim.mutating_requests() {
        assert_ne!(
            request.target.as_deref(),
            Some(SCALE_BY_NAME),
            "{request:#?}"
        );
    }
    assert!(active_revisions(&sim, "shop-scale").is_empty());
}

/// The name's latest revision already INACTIVE (deleted alone by someone
/// by its ARN), older ones ACTIVE: the name means the live ones, the
/// block resolves to the newest ACTIVE one, and apply deletes the two.
#[test]
fn an_inactive_latest_revision_leaves_the_active_older_ones_meant() {
    let mut seeds = revisioned_estate(3);
    for s in &mut seeds {
        if s.arn.as_deref() == Some(scale_revision(3).as_str()) {
            s.status = Some("INACTIVE".into());
        }
    }
    let sim = TestSim::start(seeds);
    let p = revisioned_project();
    let out = run(&sim, &p, &["plan", "--out", "plan.bin"]);
    succeeded(&out);
    let text = stdout(&out);
    assert!(
        text.contains("Plan: 2 to delete, 1 deleted with their parent,"),
        "{text}"
    );
    assert!(text.contains(&scale_revision(2)), "{text}");
    assert!(!text.contains(&scale_revision(3)), "{text}");
    let out = run(&sim, &p, &["apply", "plan.bin", "--poll-interval-ms=20"]);
    succeeded(&out);
    assert_eq!(
        config_deletes(&sim.audit()),
        [scale_revision(1), scale_revision(2)]
    );
    assert!(active_revisions(&sim, "shop-scale").is_empty());
}

/// Revisions of a name that starts with the planned one (`shop-scale-old`)
/// are another configuration: neither shown nor deleted by the request
/// for `shop-scale`.
#[test]
fn a_name_extending_the_planned_name_is_left_alone() {
    let mut seeds = revisioned_estate(2);
    for n in 1..=2 {
        let mut r = SeedResource::new(Sim::AppRunnerAutoScalingConfiguration, "shop-scale-old");
        r.arn = Some(format!(
            "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/shop-scale-old/{n}/0{n}"
        ));
        seeds.push(r);
    }
    let sim = TestSim::start(seeds);
    let p = revisioned_project();
    let out = run(
        &sim,
        &p,
        &["apply", "--auto-approve", "--poll-interval-ms=20"],
    );
    succeeded(&out);
    assert!(!stdout(&out).contains("shop-scale-old"), "{}", stdout(&out));
    assert!(active_revisions(&sim, "shop-scale").is_empty());
    assert_eq!(active_revisions(&sim, "shop-scale-old").len(), 2);
}

/// A service outside the manifest using an older revision of a sensitive
/// name: the refusal's suggested block names that revision's ARN, which
/// carries the name, so it must be hidden there too.
#[test]
fn a_blocker_of_an_older_revision_of_a_sensitive_name_hides_it() {
    let name = format!("scale-{SECRET}");
    let arn = |n: u8| {
        format!("arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/{name}/{n}/{n}{n}{n}{n}")
    };
    let mut seeds: Vec<SeedResource> = (1..=2)
        .map(|n| {
            let mut r = SeedResource::new(Sim::AppRunnerAutoScalingConfiguration, name.clone());
            r.arn = Some(arn(n));
            r
        })
        .collect();
    let mut intruder = SeedResource::new(Sim::AppRunnerService, "intruder");
    intruder.auto_scaling_configuration_arn = Some(arn(1));
    seeds.push(intruder);
    let sim = TestSim::start(seeds);
    let p = Project::with_main(
        "variable \"token\" {\n  type      = string\n  sensitive = true\n}\n\
         provider \"aws\" {\n  region = \"us-east-1\"\n}\n\
         resource \"aws_apprunner_auto_scaling_configuration_version\" \"s\" {\n  name = \"scale-${var.token}\"\n}\n",
    );
    for args in [&["plan"][..], &["plan", "--json"][..]] {
        let mut cmd = p.decom(args);
        sim.env(&mut cmd);
        let out = cmd.env("DECOM_VAR_token", SECRET).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(text.contains("intruder"), "{text}");
        assert!(!text.contains(SECRET), "{text}");
    }
    assert!(sim.mutating_requests().is_empty());
}

/// A revision created during the apply, after its refresh (here while the
/// service using revision 1 is being deleted), was never approved: it
/// stays (DeleteAllRevisions would have deleted it; decom deletes the
/// approved revisions one ARN each).
#[test]
fn a_revision_created_during_the_apply_is_not_deleted() {
    use common::process::{finish_within, wait_until, PATIENCE};
    let sim = TestSim::with_config(decom_sim::SimConfig {
        time_scale: 0.001,
        initial_state: Some(decom_sim::SimState {
            resources: revisioned_estate(2),
        }),
        latencies: decom_sim::Latencies {
            // 3.6 s here: the window the test creates the revision in (wide, for loaded machines).
            service_delete: std::time::Duration::from_secs(60 * 60),
            ..decom_sim::Latencies::default()
        },
        ..decom_sim::SimConfig::default()
    });
    let p = revisioned_project();
    let child = p.spawn(
        &["apply", "--auto-approve", "--poll-interval-ms=20"],
        &sim.env_vars(),
    );
    wait_until("DeleteService accepted", || {
        sim.audit()
            .iter()
            .any(|e| e.operation == "DeleteService" && e.status == 200)
    });
    let mut late = SeedResource::new(Sim::AppRunnerAutoScalingConfiguration, "shop-scale");
    late.arn = Some(scale_revision(3));
    sim.seed(vec![late]);
    let seeded_at = sim.audit().len();
    let out = finish_within(child, PATIENCE);
    let audit = sim.audit();
    let delete = audit
        .iter()
        .position(|e| e.operation == "DeleteAutoScalingConfiguration")
        .unwrap_or(0);
    // The test's premise: the revision existed before the deletes were sent.
    assert!(delete >= seeded_at, "{audit:#?}");
    assert_eq!(
        active_revisions(&sim, "shop-scale"),
        [scale_revision(3)],
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The region's default auto scaling configuration, named by its ARN or
/// its name, is refused by plan: AWS refuses its delete. Left out of the
/// list, it was "already gone" by ARN (exit 0, still ACTIVE) and "no
/// ... named" by name. `discover` never writes it.
#[test]
fn the_regions_default_configuration_is_refused_not_already_gone() {
    let sim = TestSim::start(Vec::new());
    let default = "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/DefaultConfiguration/1/00000000000000000000000000000001";
    for identity in [
        format!("arn = \"{default}\""),
        "name = \"DefaultConfiguration\"".into(),
    ] {
        let p = Project::with_main(&format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\
             resource \"aws_apprunner_auto_scaling_configuration_version\" \"d\" {{\n  {identity}\n}}\n"
        ));
        let out = run(&sim, &p, &["plan"]);
        let err = stderr(&out);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{identity}: {}\n{err}",
            stdout(&out)
        );
        assert!(
            err.contains(&format!("{default} is the default aws_apprunner_auto_scaling_configuration_version of us-east-1: AWS refuses to delete it")),
            "{identity}: {err}"
        );
    }
    let p = Project::new();
    let out = run(
        &sim,
        &p,
        &[
            "discover",
            "--type",
            "aws_apprunner_auto_scaling_configuration_version",
        ],
    );
    assert!(
        !stdout(&out).contains("DefaultConfiguration"),
        "{}",
        stdout(&out)
    );
    assert!(sim.mutating_requests().is_empty());
}
