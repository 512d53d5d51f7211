//! `decom discover` end to end: the real binary against the simulator; the
//! manifests it writes are validated and planned by the real binary too.

mod common;

use std::collections::BTreeSet;

use common::sim::TestSim;
use common::{decom, stderr, stdout, Project};
use decom_sim::{ResourceType as Sim, SeedResource};

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

fn arn(region: &str, kind: &str, name: &str, hex: char) -> String {
    let suffix: String = std::iter::repeat_n(hex, 32).collect();
    let middle = if kind == "vpcconnector" { "/1" } else { "" };
    format!("arn:aws:apprunner:{region}:123456789012:{kind}/{name}{middle}/{suffix}")
}

fn seed(ty: Sim, name: &str, region: &str, tags: &[(&str, &str)]) -> SeedResource {
    let mut s = SeedResource::new(ty, name);
    s.region = region.to_string();
    s.tags = tags
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    s
}

/// An App Runner stack: a connector, two services using it, an ingress
/// connection on the first service.
fn app_stack(prefix: &str, hex: [char; 4], tags: &[(&str, &str)]) -> Vec<SeedResource> {
    let conn_arn = arn(EAST, "vpcconnector", &format!("{prefix}-conn"), hex[0]);
    let web_arn = arn(EAST, "service", &format!("{prefix}-web"), hex[1]);
    let mut conn = seed(
        Sim::AppRunnerVpcConnector,
        &format!("{prefix}-conn"),
        EAST,
        tags,
    );
    conn.arn = Some(conn_arn.clone());
    let mut web = seed(Sim::AppRunnerService, &format!("{prefix}-web"), EAST, tags);
    web.arn = Some(web_arn.clone());
    web.vpc_connector_arn = Some(conn_arn.clone());
    let mut api = seed(Sim::AppRunnerService, &format!("{prefix}-api"), EAST, &[]);
    api.arn = Some(arn(EAST, "service", &format!("{prefix}-api"), hex[2]));
    api.vpc_connector_arn = Some(conn_arn);
    let mut ingress = seed(
        Sim::AppRunnerVpcIngressConnection,
        &format!("{prefix}-web"),
        EAST,
        &[],
    );
    ingress.arn = Some(arn(
        EAST,
        "vpcingressconnection",
        &format!("{prefix}-web"),
        hex[3],
    ));
    ingress.service_arn = Some(web_arn);
    vec![conn, web, api, ingress]
}

fn dx(name: &str, id: &str, region: &str, tags: &[(&str, &str)]) -> SeedResource {
    let mut c = seed(Sim::DxConnection, name, region, tags);
    c.id = Some(id.into());
    c
}

fn vif(name: &str, id: &str, connection: &str, region: &str) -> SeedResource {
    let mut v = seed(Sim::DxVirtualInterface, name, region, &[]);
    v.id = Some(id.into());
    v.connection_id = Some(connection.into());
    v
}

/// Several stacks in two regions, some tagged, one service already deleted.
fn account() -> Vec<SeedResource> {
    let mut s = app_stack("shop", ['a', 'b', 'c', 'd'], &[("team", "shop")]);
    s.extend(app_stack("blog", ['1', '2', '3', '4'], &[("team", "blog")]));
    let mut old = seed(Sim::AppRunnerService, "old-web", EAST, &[]);
    old.status = Some("DELETED".into());
    s.push(old);
    s.push(dx("nyc", "dxcon-nyc00001", EAST, &[("site", "nyc")]));
    s.push(vif("nyc-prod", "dxvif-nycprod1", "dxcon-nyc00001", EAST));
    s.push(vif("nyc-dev", "dxvif-nycdev01", "dxcon-nyc00001", EAST));
    s.push(dx("sfo", "dxcon-sfo00001", WEST, &[("site", "sfo")]));
    s.push(vif("sfo-transit", "dxvif-sfotran1", "dxcon-sfo00001", WEST));
    s.push(seed(
        Sim::SupplyChainInstance,
        "planning",
        EAST,
        &[("env", "staging")],
    ));
    s.push(seed(Sim::SupplyChainInstance, "forecast", EAST, &[]));
    s.push(seed(
        Sim::SupplyChainInstance,
        "planning",
        WEST,
        &[("env", "staging")],
    ));
    s
}

/// What one discover run did.
struct Run {
    code: Option<i32>,
    hcl: String,
    err: String,
    /// Requests it sent, by operation.
    calls: Vec<String>,
}

impl Run {
    fn count(&self, op: &str) -> usize {
        self.calls.iter().filter(|c| *c == op).count()
    }
}

fn discover(sim: &TestSim, args: &[&str]) -> Run {
    let before = sim.audit().len();
    let mut cmd = decom();
    sim.env(&mut cmd);
    let out = cmd.arg("discover").args(args).output().unwrap();
    Run {
        code: out.status.code(),
        hcl: stdout(&out),
        err: stderr(&out),
        calls: sim.audit()[before..]
            .iter()
            .map(|e| e.operation.clone())
            .collect(),
    }
}

fn ok(sim: &TestSim, args: &[&str]) -> Run {
    let run = discover(sim, args);
    assert_eq!(run.code, Some(0), "{}", run.err);
    assert!(
        sim.mutating_requests().is_empty(),
        "{:?}",
        sim.mutating_requests()
    );
    run
}

/// The resource addresses of a manifest, from its block headers.
fn addresses(hcl: &str) -> BTreeSet<String> {
    hcl.lines()
        .filter_map(|l| l.strip_prefix("resource \""))
        .map(|l| {
            let mut parts = l.trim_end_matches(" {").split("\" \"");
            let ty = parts.next().unwrap();
            let name = parts.next().unwrap().trim_end_matches('"');
            format!("{ty}.{name}")
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Writes the manifest, validates it (must pass) and plans it.
fn validate_and_plan(sim: &TestSim, hcl: &str) -> std::process::Output {
    let p = Project::new();
    p.write("teardown.hcl", hcl);
    let out = p.decom(&["validate", "teardown.hcl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}\n{hcl}", stderr(&out));
    let mut cmd = p.decom(&["plan", "teardown.hcl"]);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

/// Plans the manifest; it must succeed and delete exactly its resources.
fn plans_cleanly(sim: &TestSim, hcl: &str) {
    let out = validate_and_plan(sim, hcl);
    assert_eq!(out.status.code(), Some(0), "{}\n{hcl}", stderr(&out));
    let text = stdout(&out);
    let planned: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("# "))
        .filter(|l| l.contains(" will be deleted"))
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(planned, addresses(hcl), "{text}");
    assert!(
        // (instances' built-in namespaces go with them: cascades)
        text.contains(&format!("Plan: {} to delete,", planned.len()))
            && text.contains(" 0 to wait for, 0 already gone."),
        "{text}"
    );
}

#[test]
fn by_name_regex_a_whole_stack_with_references() {
    let sim = TestSim::start(account());
    let run = ok(&sim, &["--name-regex", "^shop-"]);
    assert_eq!(
        addresses(&run.hcl),
        set(&[
            "aws_apprunner_vpc_ingress_connection.shop_web",
            "aws_apprunner_service.shop_web",
            "aws_apprunner_service.shop_api",
            "aws_apprunner_vpc_connector.shop_conn",
        ]),
        "{}",
        run.hcl
    );
    let hcl = &run.hcl;
    assert!(
        hcl.contains("  service_arn = aws_apprunner_service.shop_web.arn\n"),
        "{hcl}"
    );
    assert!(
        hcl.contains("  vpc_connector_arn = aws_apprunner_vpc_connector.shop_conn.arn\n"),
        "{hcl}"
    );
    assert!(
        hcl.contains(&format!(
            "# status: RUNNING, tags: team=shop\nresource \"aws_apprunner_service\" \"shop_web\" {{\n  arn               = \"{}\"\n",
            arn(EAST, "service", "shop-web", 'b')
        )),
        "{hcl}"
    );
    assert!(
        hcl.contains(
            "# status: AVAILABLE, tags: none\nresource \"aws_apprunner_vpc_ingress_connection\""
        ),
        "{hcl}"
    );
    assert!(
        hcl.contains("provider \"aws\" {\n  region = \"us-east-1\"\n}\n"),
        "{hcl}"
    );
    // Calls: one list per type (custom domains: one DescribeCustomDomains
    // per live service, the only way AWS lists them), tags for the four
    // name matches only, DescribeService for the two services (a connector
    // is in the output), DescribeVpcIngressConnection for the one ingress
    // connection (status).
    assert_eq!(run.count("ListTagsForResource"), 4, "{:?}", run.calls);
    assert_eq!(run.count("DescribeTags"), 0, "{:?}", run.calls);
    assert_eq!(run.count("DescribeService"), 2, "{:?}", run.calls);
    assert_eq!(run.count("DescribeVpcIngressConnection"), 1);
    assert_eq!(run.count("DescribeCustomDomains"), 4, "{:?}", run.calls);
    // + each live instance's children, listed under it: flows, namespaces
    // and the built-in namespaces' datasets (4 calls per instance).
    assert_eq!(run.calls.len(), 11 + 4 + 4 + 2 + 1 + 8, "{:?}", run.calls);
    plans_cleanly(&sim, hcl);
}

#[test]
fn by_type_a_connector_alone_is_blocked_and_with_dependents_plans_cleanly() {
    let sim = TestSim::start(account());
    let args = [
        "--type",
        "aws_apprunner_vpc_connector",
        "--name-regex",
        "^shop-",
    ];
    let alone = ok(&sim, &args);
    assert_eq!(
        addresses(&alone.hcl),
        set(&["aws_apprunner_vpc_connector.shop_conn"])
    );
    assert_eq!(
        alone.calls,
        vec!["ListVpcConnectors", "ListTagsForResource"],
        "only the connector type is listed, tags only for the one candidate"
    );
    let out = validate_and_plan(&sim, &alone.hcl);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("aws_apprunner_vpc_connector.shop_conn cannot be deleted: live aws_apprunner_service \"shop-api\""),
        "{err}"
    );
    assert!(err.contains("\"shop-web\""), "{err}");

    let mut with_deps = args.to_vec();
    with_deps.push("--include-dependents");
    let run = ok(&sim, &with_deps);
    assert_eq!(
        addresses(&run.hcl),
        set(&[
            "aws_apprunner_vpc_ingress_connection.shop_web",
            "aws_apprunner_service.shop_web",
            "aws_apprunner_service.shop_api",
            "aws_apprunner_vpc_connector.shop_conn",
        ]),
        "{}",
        run.hcl
    );
    assert!(
        run.hcl.contains(
            "# included as a dependent: it would block deleting aws_apprunner_vpc_connector.shop_conn\nresource \"aws_apprunner_service\" \"shop_api\""
        ),
        "{}",
        run.hcl
    );
    // One list per needed type; DescribeService for each live service in the
    // region (only it names the connector); tags for the candidate and the
    // three dependents; one describe for the ingress connection's status.
    assert_eq!(run.count("ListVpcConnectors"), 1);
    assert_eq!(run.count("ListServices"), 1);
    assert_eq!(run.count("ListVpcIngressConnections"), 1);
    assert_eq!(run.count("DescribeService"), 4, "{:?}", run.calls);
    assert_eq!(run.count("ListTagsForResource"), 4, "{:?}", run.calls);
    assert_eq!(run.count("DescribeVpcIngressConnection"), 1);
    assert_eq!(run.calls.len(), 3 + 4 + 4 + 1, "{:?}", run.calls);
    plans_cleanly(&sim, &run.hcl);
}

#[test]
fn by_tag_tags_are_read_only_for_candidates() {
    let sim = TestSim::start(account());
    let run = ok(&sim, &["--tag", "team=blog"]);
    assert_eq!(
        addresses(&run.hcl),
        set(&[
            "aws_apprunner_service.blog_web",
            "aws_apprunner_vpc_connector.blog_conn"
        ]),
        "{}",
        run.hcl
    );
    // Every live App Runner resource and Supply Chain instance in the region
    // passed the other filters: 2 connectors, 4 services (not the deleted
    // one), 2 ingress connections, 2 instances. Direct Connect: one batch.
    assert_eq!(run.count("ListTagsForResource"), 10, "{:?}", run.calls);
    assert_eq!(run.count("DescribeTags"), 1, "{:?}", run.calls);

    // Without dependents, the plan names what blocks the matches.
    let out = validate_and_plan(&sim, &run.hcl);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("aws_apprunner_vpc_connector.blog_conn cannot be deleted: live aws_apprunner_service \"blog-api\""),
        "{err}"
    );
    assert!(
        err.contains("aws_apprunner_service.blog_web cannot be deleted: live aws_apprunner_vpc_ingress_connection \"blog-web\""),
        "{err}"
    );

    let run = ok(&sim, &["--tag", "team=blog", "--include-dependents"]);
    assert_eq!(
        addresses(&run.hcl),
        set(&[
            "aws_apprunner_vpc_ingress_connection.blog_web",
            "aws_apprunner_service.blog_web",
            "aws_apprunner_service.blog_api",
            "aws_apprunner_vpc_connector.blog_conn",
        ]),
        "{}",
        run.hcl
    );
    // The dependents were candidates already: no tag call twice.
    assert_eq!(run.count("ListTagsForResource"), 10, "{:?}", run.calls);
    plans_cleanly(&sim, &run.hcl);
}

#[test]
fn direct_connect_by_tag_with_and_without_virtual_interfaces() {
    let sim = TestSim::start(account());
    let alone = ok(&sim, &["--type", "aws_dx_connection", "--tag", "site=nyc"]);
    assert_eq!(addresses(&alone.hcl), set(&["aws_dx_connection.nyc"]));
    assert_eq!(alone.calls, vec!["DescribeConnections", "DescribeTags"]);
    let out = validate_and_plan(&sim, &alone.hcl);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("\"nyc-prod\"") && err.contains("\"nyc-dev\""),
        "{err}"
    );

    let run = ok(
        &sim,
        &[
            "--type",
            "aws_dx_connection",
            "--tag",
            "site=nyc",
            "--include-dependents",
        ],
    );
    assert_eq!(
        addresses(&run.hcl),
        set(&[
            "aws_dx_connection.nyc",
            "aws_dx_virtual_interface.nyc_prod",
            "aws_dx_virtual_interface.nyc_dev",
        ])
    );
    assert!(
        run.hcl.contains(
            "resource \"aws_dx_virtual_interface\" \"nyc_dev\" {\n  id            = \"dxvif-nycdev01\"\n  connection_id = aws_dx_connection.nyc.id\n}"
        ),
        "{}",
        run.hcl
    );
    assert!(
        run.hcl.contains(
            "# status: available, tags: site=nyc\nresource \"aws_dx_connection\" \"nyc\""
        ),
        "{}",
        run.hcl
    );
    // The dependents' tags in one more batch.
    assert_eq!(run.count("DescribeTags"), 2, "{:?}", run.calls);
    plans_cleanly(&sim, &run.hcl);
}

#[test]
fn by_region_providers_aliases_and_unique_addresses() {
    let sim = TestSim::start(account());
    let west = ok(
        &sim,
        &[
            "--region",
            WEST,
            "--type",
            "aws_dx_connection",
            "--include-dependents",
        ],
    );
    assert_eq!(
        addresses(&west.hcl),
        set(&[
            "aws_dx_connection.sfo",
            "aws_dx_virtual_interface.sfo_transit"
        ])
    );
    // The only region is the default provider: no alias needed.
    assert!(west
        .hcl
        .contains("provider \"aws\" {\n  region = \"us-west-2\"\n}\n"));
    assert!(!west.hcl.contains("alias"), "{}", west.hcl);
    plans_cleanly(&sim, &west.hcl);

    let both = ok(
        &sim,
        &[
            "--region",
            EAST,
            "--region",
            WEST,
            "--type",
            "aws_supplychain_instance",
            "--name-regex",
            "^plan",
        ],
    );
    assert_eq!(
        addresses(&both.hcl),
        set(&[
            "aws_supplychain_instance.planning",
            "aws_supplychain_instance.planning_2"
        ])
    );
    assert!(
        both.hcl.contains(
            "provider \"aws\" {\n  alias  = \"us_west_2\"\n  region = \"us-west-2\"\n}\n"
        ),
        "{}",
        both.hcl
    );
    let west_block = both
        .hcl
        .split("resource \"aws_supplychain_instance\" \"planning_2\" {\n")
        .nth(1)
        .unwrap();
    assert!(
        west_block.contains("  provider = aws.us_west_2\n}"),
        "{}",
        both.hcl
    );
    assert_eq!(both.count("ListInstances"), 2);
    assert_eq!(both.count("ListTagsForResource"), 2, "{:?}", both.calls);
    plans_cleanly(&sim, &both.hcl);
}

#[test]
fn everything_everywhere_is_stable_skips_gone_resources_and_plans_cleanly() {
    let sim = TestSim::start(account());
    let args = ["--region", "us-east-1,us-west-2", "--include-dependents"];
    let first = ok(&sim, &args);
    let second = ok(&sim, &args);
    assert_eq!(first.hcl, second.hcl, "output is stable");
    assert!(!first.hcl.contains("old_web"), "{}", first.hcl);
    assert_eq!(addresses(&first.hcl).len(), 8 + 3 + 2 + 3, "{}", first.hcl);
    assert!(
        first
            .err
            .contains("Discovered 16 resources in us-east-1, us-west-2"),
        "{}",
        first.err
    );
    // Calls grow with pages, not resources: 11 lists per region (and the
    // custom domains of each live service, listed per service), tags per
    // candidate (App Runner + Supply Chain), one DescribeTags per region,
    // DescribeService per live service in the region with connectors, one
    // describe per ingress connection.
    assert_eq!(first.count("DescribeTags"), 2, "{:?}", first.calls);
    assert_eq!(first.count("ListTagsForResource"), 8 + 2 + 1);
    assert_eq!(first.count("DescribeService"), 4);
    assert_eq!(first.count("DescribeVpcIngressConnection"), 2);
    assert_eq!(first.count("DescribeCustomDomains"), 4);
    // + 4 per live instance: its flows, namespaces and the built-in
    // namespaces' datasets.
    assert_eq!(
        first.calls.len(),
        22 + 4 + 11 + 2 + 4 + 2 + 12,
        "{:?}",
        first.calls
    );
    plans_cleanly(&sim, &first.hcl);
}

/// Names and tags are AWS's, not decom's: a Direct Connect name (any
/// string to AWS) full of HCL syntax, and a Supply Chain tag value (also any
/// string) that tries to end its comment and open a block, are written so
/// that the manifest validates and plans exactly what was discovered.
#[test]
fn hcl_syntax_in_live_names_and_tags_stays_text() {
    let name = "core \"${env}\" %{x} \\ 東京";
    let evil_tag = "say \"hi\" ${env} %{x}\nresource \"aws_dx_connection\" \"evil\" {\n}";
    let sim = TestSim::start(vec![
        dx(name, "dxcon-hostile1", EAST, &[]),
        vif(
            "vif\nresource \"x\" \"y\" {}",
            "dxvif-hostile1",
            "dxcon-hostile1",
            EAST,
        ),
        seed(
            Sim::SupplyChainInstance,
            "plan 100% ready",
            EAST,
            &[("note", evil_tag)],
        ),
    ]);
    let run = ok(&sim, &["--include-dependents"]);
    let hcl = &run.hcl;
    assert_eq!(
        addresses(hcl),
        set(&[
            "aws_dx_connection.core____env_____x______",
            "aws_dx_virtual_interface.vif_resource__x___y____",
            "aws_supplychain_instance.plan_100__ready",
        ]),
        "{hcl}"
    );
    assert!(
        hcl.contains(
            "tags: note=say \"hi\" ${env} %{x} resource \"aws_dx_connection\" \"evil\" { }\nresource \"aws_supplychain_instance\""
        ),
        "{hcl}"
    );
    assert!(
        hcl.contains("  connection_id = aws_dx_connection.core____env_____x______.id\n"),
        "{hcl}"
    );
    let out = validate_and_plan(&sim, hcl);
    assert_eq!(out.status.code(), Some(0), "{}\n{hcl}", stderr(&out));
    let plan = stdout(&out);
    assert!(
        plan.contains("Plan: 3 to delete,") && plan.contains(" 0 to wait for, 0 already gone."),
        "{plan}"
    );
    // The plan shows the live names as HCL string literals.
    assert!(
        plan.contains("name   = \"core \\\"$${env}\\\" %%{x} \\\\ 東京\"\n"),
        "{plan}"
    );
    assert!(
        plan.contains("name          = \"vif\\nresource \\\"x\\\" \\\"y\\\" {}\"\n"),
        "{plan}"
    );
}

#[test]
fn sandbox_and_bad_filters_are_refused_with_one_line() {
    let sim = TestSim::start(Vec::new());
    let run = discover(&sim, &["--sandbox"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.err
            .starts_with("error: discover does not support --sandbox"),
        "{}",
        run.err
    );
    let run = discover(&sim, &["--type", "aws_s3_bucket"]);
    assert_eq!(run.code, Some(1));
    assert!(run.err.contains("aws_apprunner_service"), "{}", run.err);
    let run = discover(&sim, &["--tag", "novalue"]);
    assert_eq!(run.code, Some(1));
    assert!(run.err.contains("KEY=VALUE"), "{}", run.err);
    let run = discover(&sim, &["--name-regex", "("]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.err
            .lines()
            .next()
            .is_some_and(|l| l.ends_with("not a regular expression: unclosed group")),
        "{}",
        run.err
    );
    assert!(sim.audit().is_empty(), "no request for refused arguments");
}

#[test]
fn nothing_matched_writes_a_manifest_that_validate_refuses_as_empty() {
    let sim = TestSim::start(account());
    let run = ok(&sim, &["--name-regex", "^nothing-is-called-this$"]);
    assert!(addresses(&run.hcl).is_empty());
    assert!(run.hcl.contains("# No live resource matched the filters."));
    assert_eq!(run.count("ListTagsForResource"), 0);
    assert_eq!(run.count("DescribeTags"), 0);
    let p = Project::new();
    p.write("teardown.hcl", &run.hcl);
    let out = p.decom(&["validate", "teardown.hcl"]).output().unwrap();
    // Empty input is an error, never "No changes" (DESIGN section 12).
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("declares no resources"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_credentials_is_one_error_line() {
    let out = decom()
        .arg("discover")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_REGION", "us-east-1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: no AWS credentials"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
