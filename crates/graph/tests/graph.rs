//! The deletion graph over hand-built manifests: waves, reasons, cycles, DOT.

use std::path::PathBuf;
use std::time::Duration;

use decom_graph::{from_manifest, EdgeReason};
use decom_parser::{
    Address, Dependency, DependencyKind, Identity, IdentityKind, InstanceKey, Knowable, Manifest,
    ResourceInstance, ResourceType, SourceFile, SourceMap, Span,
};

const SOURCE: &str = "line one\nline two\nline three\nline four\n";

/// A manifest over one fake file; `deps` are (from, to, kind, line) where
/// the dependency is written at the start of `line`.
fn manifest(nodes: &[&str], deps: &[(&str, &str, &str, usize)]) -> Manifest {
    let mut sources = SourceMap::default();
    let file = sources.add(SourceFile {
        path: PathBuf::from("main.hcl"),
        text: SOURCE.to_string(),
    });
    let line_start = |line: usize| {
        SOURCE
            .split_inclusive('\n')
            .take(line - 1)
            .map(str::len)
            .sum::<usize>()
    };
    let span_at = |line: usize| Span {
        file,
        start: line_start(line),
        end: line_start(line) + 4,
    };
    let resources = nodes
        .iter()
        .map(|n| {
            let address: Address = n.parse().unwrap();
            let dependencies = deps
                .iter()
                .filter(|(from, _, _, _)| from == n)
                .map(|(_, to, kind, line)| Dependency {
                    target: to.parse().unwrap(),
                    kind: match *kind {
                        "depends_on" => DependencyKind::DependsOn,
                        attr => DependencyKind::Reference {
                            attribute: attr.to_string(),
                        },
                    },
                    span: span_at(*line),
                })
                .collect();
            ResourceInstance {
                identity: Identity {
                    kind: IdentityKind::Name,
                    value: Knowable::Known(address.name.clone()),
                    parts: Vec::new(),
                    span: span_at(1),
                    sensitive: false,
                },
                delete_timeout: Duration::from_secs(60),
                address,
                relations: Vec::new(),
                provider: None,
                prevent_destroy: false,
                dependencies,
                span: span_at(1),
            }
        })
        .collect();
    Manifest {
        sources,
        providers: Vec::new(),
        variables: Vec::new(),
        resources,
        sensitive_values: Vec::new(),
    }
}

const INGRESS: &str = "aws_apprunner_vpc_ingress_connection.web";
const SERVICE: &str = "aws_apprunner_service.web";
const CONNECTOR: &str = "aws_apprunner_vpc_connector.shared";
const INSTANCE: &str = "aws_supplychain_instance.plan";

fn names(wave: &[&Address]) -> Vec<String> {
    wave.iter().map(|a| a.to_string()).collect()
}

#[test]
fn waves_follow_references_and_independent_resources_start_first() {
    let m = manifest(
        &[CONNECTOR, SERVICE, INGRESS, INSTANCE],
        &[
            (INGRESS, SERVICE, "service_arn", 2),
            (SERVICE, CONNECTOR, "vpc_connector_arn", 3),
        ],
    );
    let g = from_manifest(&m).unwrap();
    let waves = g.waves();
    assert_eq!(waves.len(), 3);
    assert_eq!(names(&waves[0]), [INGRESS, INSTANCE]);
    assert_eq!(names(&waves[1]), [SERVICE]);
    assert_eq!(names(&waves[2]), [CONNECTOR]);
    assert_eq!(g.must_go_before(&SERVICE.parse().unwrap()).len(), 1);
    assert_eq!(
        names(&g.must_go_after(&SERVICE.parse().unwrap())),
        [CONNECTOR]
    );
}

#[test]
fn a_resource_waits_for_its_latest_predecessor() {
    // ingress -> connector directly and through the service: the connector
    // is in wave 3, not 2.
    let m = manifest(
        &[CONNECTOR, SERVICE, INGRESS],
        &[
            (INGRESS, SERVICE, "service_arn", 1),
            (SERVICE, CONNECTOR, "vpc_connector_arn", 2),
            (INGRESS, CONNECTOR, "depends_on", 3),
        ],
    );
    let g = from_manifest(&m).unwrap();
    assert_eq!(names(&g.waves()[2]), [CONNECTOR]);
}

#[test]
fn every_reason_for_an_edge_is_kept_with_its_location() {
    let m = manifest(
        &[SERVICE, INGRESS],
        &[
            (INGRESS, SERVICE, "service_arn", 2),
            (INGRESS, SERVICE, "depends_on", 4),
        ],
    );
    let g = from_manifest(&m).unwrap();
    let edges = g.edges();
    assert_eq!(edges.len(), 1);
    let reasons: Vec<String> = edges[0].2.iter().map(|r| r.to_string()).collect();
    assert_eq!(
        reasons,
        [
            "reference in service_arn at main.hcl:2:1",
            "depends_on at main.hcl:4:1"
        ]
    );
    assert!(matches!(edges[0].2[0], EdgeReason::Reference { .. }));
}

#[test]
fn edges_are_listed_in_deletion_order() {
    let m = manifest(
        &[CONNECTOR, SERVICE, INGRESS],
        &[
            (SERVICE, CONNECTOR, "vpc_connector_arn", 3),
            (INGRESS, SERVICE, "service_arn", 2),
        ],
    );
    let g = from_manifest(&m).unwrap();
    let order: Vec<String> = g.edges().iter().map(|(a, _, _)| a.to_string()).collect();
    assert_eq!(order, [INGRESS, SERVICE]);
}

#[test]
fn a_cycle_is_reported_as_a_path_with_each_edge_location() {
    let m = manifest(
        &[SERVICE, INGRESS, INSTANCE],
        &[
            (INGRESS, SERVICE, "service_arn", 2),
            (SERVICE, INGRESS, "depends_on", 3),
        ],
    );
    let err = from_manifest(&m).unwrap_err();
    assert_eq!(err.cycles.len(), 1);
    assert_eq!(
        err.cycles[0].path(),
        format!("{INGRESS} -> {SERVICE} -> {INGRESS}")
    );
    let text = err.to_string();
    assert!(
        text.contains("reference in service_arn at main.hcl:2:1"),
        "{text}"
    );
    assert!(text.contains("depends_on at main.hcl:3:1"), "{text}");
    let diags = err.to_diagnostics(&m.sources);
    let loc = diags.location(&diags.items[0]).unwrap();
    assert_eq!((loc.line, loc.column), (2, 1));
}

#[test]
fn self_references_and_separate_cycles_are_each_reported() {
    let m = manifest(
        &[SERVICE, INGRESS, CONNECTOR, INSTANCE],
        &[
            (INSTANCE, INSTANCE, "depends_on", 1),
            (INGRESS, SERVICE, "service_arn", 2),
            (SERVICE, INGRESS, "depends_on", 3),
        ],
    );
    let err = from_manifest(&m).unwrap_err();
    let paths: Vec<String> = err.cycles.iter().map(|c| c.path()).collect();
    assert_eq!(
        paths,
        [
            format!("{INGRESS} -> {SERVICE} -> {INGRESS}"),
            format!("{INSTANCE} -> {INSTANCE}"),
        ]
    );
}

#[test]
fn edges_to_resources_outside_the_graph_are_ignored() {
    let m = manifest(&[INGRESS], &[(INGRESS, SERVICE, "service_arn", 2)]);
    let g = from_manifest(&m).unwrap();
    assert_eq!(g.edge_count(), 0);
    assert_eq!(g.waves().len(), 1);
}

#[test]
fn dot_output_quotes_instance_keys_and_labels_reasons() {
    let keyed = Address {
        resource_type: ResourceType::AppRunnerService,
        name: "svc".into(),
        key: Some(InstanceKey::Key("blue".into())),
    }
    .to_string();
    let m = manifest(
        &[&keyed, CONNECTOR],
        &[(&keyed, CONNECTOR, "vpc_connector_arn", 3)],
    );
    let dot = from_manifest(&m).unwrap().to_dot();
    assert!(dot.starts_with("// decom deletion graph"));
    assert!(dot.contains(r#""aws_apprunner_service.svc[\"blue\"]" -> "aws_apprunner_vpc_connector.shared" [label = "reference in vpc_connector_arn at main.hcl:3:1"];"#), "{dot}");
    assert!(dot.contains("subgraph wave_2"));
}

#[test]
fn empty_manifest_has_no_waves() {
    let g = from_manifest(&manifest(&[], &[])).unwrap();
    assert!(g.is_empty());
    assert!(g.waves().is_empty());
    assert!(g.to_dot().ends_with("}\n"));
}
