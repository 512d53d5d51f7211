//! The App Runner estate end to end: a service with a connector, an auto
//! scaling and an observability configuration, a connection, an ingress
//! connection and a custom domain (examples/apprunner-estate), applied against the simulator;
//! what the audit log proves, blockers for each new relation, and the
//! example planning in the sandbox.

mod common;

use common::apprunner_estate::*;
use common::sim::TestSim;
use common::{stderr, stdout, Project};
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
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
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
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
