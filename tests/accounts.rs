//! Accounts end to end against the simulator: caller identity before any
//! resource call, allowed/forbidden accounts, `assume_role` (with
//! credentials renewed mid-apply), an ARN of another account, and
//! `protect_tags`. Every claim is read from the simulator's audit log.

mod common;

use std::time::Duration;

use common::sim::TestSim;
use common::{stderr, stdout, succeeded, Project};
use decom_sim::{AuditEntry, Latencies, ResourceType as Sim, SeedResource, SimConfig, SimState};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

const FAST: &str = "--poll-interval-ms=20";
/// The simulator's own keys act here.
const BASE: &str = "123456789012";
/// Reached through AssumeRole.
const OTHER: &str = "210987654321";
const ROLE: &str = "arn:aws:iam::210987654321:role/deleter";

fn run(sim: &TestSim, p: &Project, args: &[&str]) -> std::process::Output {
    let mut cmd = p.decom(args);
    sim.env(&mut cmd);
    cmd.output().unwrap()
}

fn in_account(ty: Sim, name: &str, account: &str) -> SeedResource {
    let mut r = SeedResource::new(ty, name);
    r.account = Some(account.into());
    r
}

/// The same names in both accounts: each is the other's bystander.
fn two_account_seed() -> Vec<SeedResource> {
    vec![
        in_account(Sim::SupplyChainInstance, "planning", BASE),
        in_account(Sim::AppRunnerVpcConnector, "shared", BASE),
        in_account(Sim::SupplyChainInstance, "planning", OTHER),
        in_account(Sim::AppRunnerVpcConnector, "shared", OTHER),
    ]
}

fn sim_with(seed: Vec<SeedResource>, latencies: Latencies) -> TestSim {
    TestSim::with_config(SimConfig {
        time_scale: 0.001,
        latencies,
        initial_state: Some(SimState { resources: seed }),
        ..SimConfig::default()
    })
}

/// Resource calls: everything but STS.
fn resource_calls(audit: &[AuditEntry]) -> Vec<&AuditEntry> {
    audit.iter().filter(|e| e.service != "sts").collect()
}

fn count(audit: &[AuditEntry], operation: &str) -> usize {
    audit.iter().filter(|e| e.operation == operation).count()
}

/// The accounts of the `operation` requests, in order.
fn accounts_of<'a>(audit: &'a [AuditEntry], operation: &str) -> Vec<&'a str> {
    audit
        .iter()
        .filter(|e| e.operation == operation)
        .map(|e| e.account.as_deref().unwrap_or("?"))
        .collect()
}

/// A manifest deleting the service `web` through a provider with `profile`.
fn web_with_profile(profile: &str) -> String {
    format!(
        "provider \"aws\" {{\n  region  = \"us-east-1\"\n  profile = \"{profile}\"\n}}\n\
         resource \"aws_apprunner_service\" \"web\" {{\n  name = \"web\"\n}}\n"
    )
}

/// The base account's connector by the default provider; the other
/// account's instance through a role (a 15-minute session: 0.9 s at the
/// simulator's time scale).
const TWO_ACCOUNTS: &str = r#"
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["123456789012"]
}

provider "aws" {
  alias                 = "other"
  region                = "us-east-1"
  forbidden_account_ids = ["123456789012"]
  assume_role {
    role_arn     = "arn:aws:iam::210987654321:role/deleter"
    session_name = "decom-test"
    duration     = "15m"
  }
}

resource "aws_supplychain_instance" "planning" {
  provider = aws.other
  name     = "planning"
}

resource "aws_apprunner_vpc_connector" "shared" {
  name = "shared"
}
"#;

#[test]
fn one_manifest_deletes_in_two_accounts_each_under_its_own_and_bystanders_survive() {
    // The role's deletion outlasts its 0.9 s session (30 scaled minutes
    // = 1.8 s): the apply's status checks need renewed credentials.
    let latencies = Latencies {
        instance_delete: Duration::from_secs(30 * 60),
        ..Latencies::default()
    };
    let sim = sim_with(two_account_seed(), latencies);
    let p = Project::with_main(TWO_ACCOUNTS);
    let out = run(&sim, &p, &["apply", "--auto-approve", FAST]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );

    let audit = sim.audit();
    let deletes: Vec<(&str, &str)> = audit
        .iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .map(|e| (e.operation.as_str(), e.account.as_deref().unwrap_or("?")))
        .collect();
    assert_eq!(deletes.len(), 2, "{deletes:?}");
    assert!(deletes.contains(&("DeleteInstance", OTHER)), "{deletes:?}");
    assert!(
        deletes.contains(&("DeleteVpcConnector", BASE)),
        "{deletes:?}"
    );
    // The connector deleted is the base account's own.
    let target = audit
        .iter()
        .find(|e| e.operation == "DeleteVpcConnector")
        .and_then(|e| e.target.clone())
        .unwrap_or_default();
    assert!(
        target.contains(&format!(":{BASE}:vpcconnector/shared/")),
        "{target}"
    );
    // The instance was watched, under the role, for longer than a session:
    // its status reads span more than the role's 15 (scaled) minutes.
    let ts = |e: &AuditEntry| OffsetDateTime::parse(&e.ts, &Rfc3339).unwrap();
    let first_session = audit.iter().find(|e| e.operation == "AssumeRole").map(ts);
    let last_role_read = audit
        .iter()
        .filter(|e| e.service == "supplychain" && e.account.as_deref() == Some(OTHER))
        .map(ts)
        .max();
    let (Some(first_session), Some(last_role_read)) = (first_session, last_role_read) else {
        panic!("no AssumeRole or no read under the role: {audit:#?}");
    };
    assert!(
        last_role_read - first_session > time::Duration::milliseconds(900),
        "{audit:#?}"
    );

    // Bystanders with the same names in the other accounts survive.
    let left: Vec<(Sim, String, String)> = sim
        .snapshot()
        .resources
        .iter()
        .filter(|r| {
            !r.status
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("deleted"))
        })
        .map(|r| {
            let account = r.account.clone().unwrap_or_else(|| BASE.into());
            (r.resource_type, r.name.clone(), account)
        })
        .collect();
    assert!(
        left.contains(&(Sim::AppRunnerVpcConnector, "shared".into(), OTHER.into())),
        "{left:?}"
    );
    assert!(
        left.contains(&(Sim::SupplyChainInstance, "planning".into(), BASE.into())),
        "{left:?}"
    );

    // Caller identity: once per principal, before any resource call.
    let first_resource = audit.iter().position(|e| e.service != "sts").unwrap();
    let identities_before = audit[..first_resource]
        .iter()
        .filter(|e| e.operation == "GetCallerIdentity")
        .count();
    assert_eq!(identities_before, 2, "{:?}", &audit[..first_resource]);
    assert_eq!(count(&audit, "GetCallerIdentity"), 2);

    // The role's session ran out mid-apply and was renewed: more than one
    // AssumeRole, and no request was refused for expired credentials.
    assert!(count(&audit, "AssumeRole") >= 2, "{audit:#?}");
    let refused: Vec<&AuditEntry> = audit.iter().filter(|e| e.status == 403).collect();
    assert!(refused.is_empty(), "{refused:#?}");

    // The journal records the caller's account of each delete.
    let journal = std::fs::read_to_string(p.path().join(".decom/journal.jsonl")).unwrap();
    let accounts: Vec<(String, String)> = journal
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "deleted")
        .map(|e| {
            let address = e["address"].as_str().unwrap_or_default().to_string();
            (
                address,
                e["account"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        accounts.contains(&("aws_apprunner_vpc_connector.shared".into(), BASE.into())),
        "{journal}"
    );
    assert!(
        accounts.contains(&("aws_supplychain_instance.planning".into(), OTHER.into())),
        "{journal}"
    );
}

#[test]
fn a_provider_in_a_forbidden_or_not_allowed_account_is_refused_before_any_resource_call() {
    let sim = sim_with(two_account_seed(), Latencies::instant());
    let forbidden = Project::with_main(
        "provider \"aws\" {\n  region = \"us-east-1\"\n  forbidden_account_ids = [\"123456789012\"]\n}\nresource \"aws_supplychain_instance\" \"p\" {\n  name = \"planning\"\n}\n",
    );
    let out = run(&sim, &forbidden, &["plan"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "provider aws acts in account 123456789012, which its forbidden_account_ids forbid"
        ),
        "{err}"
    );
    assert_eq!(err.lines().filter(|l| !l.is_empty()).count(), 1, "{err}");

    let not_allowed = Project::with_main(&format!(
        "provider \"aws\" {{\n  alias = \"other\"\n  region = \"us-east-1\"\n  allowed_account_ids = [\"123456789012\"]\n  assume_role {{\n    role_arn = \"{ROLE}\"\n  }}\n}}\nresource \"aws_supplychain_instance\" \"p\" {{\n  provider = aws.other\n  name = \"planning\"\n}}\n"
    ));
    let out = run(&sim, &not_allowed, &["apply", "--auto-approve", FAST]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("provider aws.other acts in account 210987654321, which its allowed_account_ids (123456789012) do not include"),
        "{err}"
    );
    let audit = sim.audit();
    assert!(resource_calls(&audit).is_empty(), "{audit:#?}");
    assert_eq!(count(&audit, "GetCallerIdentity"), 2);
}

#[test]
fn an_arn_of_another_account_than_the_providers_is_a_plan_error() {
    let sim = sim_with(two_account_seed(), Latencies::instant());
    let arn = "arn:aws:apprunner:us-east-1:999999999999:vpcconnector/shared/1/0123456789abcdef0123456789abcdef";
    let p = Project::with_main(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\nresource \"aws_apprunner_vpc_connector\" \"c\" {{\n  arn = \"{arn}\"\n}}\n"
    ));
    let out = run(&sim, &p, &["apply", "--auto-approve", FAST]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("is in account 999999999999, but provider aws acts in account 123456789012"),
        "{err}"
    );
    assert!(!stdout(&out).contains("already gone"));
    assert!(sim.mutating_requests().iter().all(|e| e.service == "sts"));
}

#[test]
fn a_live_tag_in_protect_tags_refuses_the_plan_and_tags_are_read_only_then() {
    let mut kept = SeedResource::new(Sim::DxConnection, "nyc");
    kept.id = Some("dxcon-fg123456".into());
    kept.tags.insert("keep".into(), "forever".into());
    let mut other = SeedResource::new(Sim::DxConnection, "bos");
    other.id = Some("dxcon-fg654321".into());
    let sim = sim_with(vec![kept, other], Latencies::instant());
    let manifest = |protect: &str| {
        format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n{protect}}}\nresource \"aws_dx_connection\" \"nyc\" {{\n  id = \"dxcon-fg123456\"\n}}\nresource \"aws_dx_connection\" \"bos\" {{\n  id = \"dxcon-fg654321\"\n}}\n"
        )
    };
    let unguarded = Project::with_main(&manifest(""));
    let out = run(&sim, &unguarded, &["plan"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        count(&sim.audit(), "DescribeTags"),
        0,
        "no protect_tags: no tag reads"
    );

    let guarded = Project::with_main(&manifest("  protect_tags = { keep = \"forever\" }\n"));
    let out = run(&sim, &guarded, &["apply", "--auto-approve", FAST]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("aws_dx_connection.nyc carries the protected tag keep = \"forever\""),
        "{err}"
    );
    assert!(!err.contains("aws_dx_connection.bos carries"), "{err}");
    let audit = sim.audit();
    // Both connections' tags in one batched call.
    assert_eq!(count(&audit, "DescribeTags"), 1);
    assert!(audit.iter().all(|e| !e.operation.starts_with("Delete")));
}

/// A name deleted by an earlier run, in the base account.
fn web_deleted_by_an_earlier_run(sim: &TestSim, p: &Project) {
    p.write(
        "main.hcl",
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\
         resource \"aws_apprunner_service\" \"web\" {\n  name = \"web\"\n}\n",
    );
    let out = run(sim, p, &["apply", ".", "--auto-approve", FAST]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Deleted resources stay visible 5 scaled minutes (0.3 s here); then
    // AWS forgets them, and only the journal knows the name went.
    std::thread::sleep(Duration::from_millis(700));
}

/// The journal's memory of a name counts only in the account STS says a
/// provider's credentials are for. Another provider's resource live in
/// the journal entry's account made the entry count for every provider:
/// a name the role's account never had was "Already gone", exit 0, and
/// the apply deleted the rest.
#[test]
fn a_journal_entry_counts_only_in_the_account_of_the_providers_credentials() {
    let seed = vec![
        in_account(Sim::AppRunnerService, "web", BASE),
        in_account(Sim::AppRunnerVpcConnector, "kept", BASE),
        in_account(Sim::AppRunnerService, "web", OTHER),
    ];
    let sim = sim_with(seed, Latencies::default());
    let p = Project::new();
    web_deleted_by_an_earlier_run(&sim, &p);
    p.write(
        "main.hcl",
        r#"provider "aws" {
  region = "us-east-1"
}
provider "aws" {
  alias  = "typo"
  region = "us-east-1"
  assume_role {
    role_arn = "arn:aws:iam::999999999999:role/deleter"
  }
}
resource "aws_apprunner_vpc_connector" "kept" {
  name = "kept"
}
resource "aws_apprunner_service" "web" {
  provider = aws.typo
  name     = "web"
}
"#,
    );
    let before = sim.audit().len();
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{}\n{err}", stdout(&out));
    assert!(
        err.contains("no aws_apprunner_service named \"web\" in us-east-1"),
        "{err}"
    );
    assert!(
        err.contains("these credentials are for account 999999999999"),
        "{err}"
    );
    let deletes = sim.audit()[before..]
        .iter()
        .filter(|e| e.operation.starts_with("Delete"))
        .count();
    assert_eq!(deletes, 0, "nothing is deleted after a plan error");
}

/// A re-run of a finished teardown is "already gone" when STS says the
/// credentials are for the account the journal remembers the name in,
/// even with nothing else live there to show it (the re-run was an
/// error: "nothing live shows that these credentials are for that
/// account").
#[test]
fn a_rerun_of_a_finished_teardown_is_already_gone_in_the_callers_account() {
    let sim = sim_with(
        vec![in_account(Sim::AppRunnerService, "web", BASE)],
        Latencies::default(),
    );
    let p = Project::new();
    web_deleted_by_an_earlier_run(&sim, &p);
    let out = run(&sim, &p, &["apply", ".", "--auto-approve", FAST]);
    let text = succeeded(&out);
    assert!(text.contains("already gone"), "{text}");
}

/// A provider's `profile` is what its requests are made with, even with
/// keys in the environment (a CI job's, a shell's left-overs): the SDK's
/// default chain reads the environment first, and the profile (here a
/// role in the other account) was passed over without a word, the
/// service deleted in the environment keys' account. A profile that does
/// not exist is an error, not the environment's keys.
#[test]
fn a_providers_profile_wins_over_keys_in_the_environment() {
    let seed = vec![
        in_account(Sim::AppRunnerService, "web", BASE),
        in_account(Sim::AppRunnerService, "web", OTHER),
    ];
    let sim = sim_with(seed, Latencies::default());
    let p = Project::new();
    let config = p.write(
        "aws-config",
        &format!(
            "[profile base]\n\n[profile staging]\nrole_arn = {ROLE}\nsource_profile = base\n\n\
             [profile badsession]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = has space\n"
        ),
    );
    let credentials = p.write(
        "aws-credentials",
        "[base]\naws_access_key_id = AKIDBASEPROFILE\naws_secret_access_key = secret\n",
    );
    let apply = || {
        let mut cmd = p.decom(&["apply", ".", "--auto-approve", FAST]);
        sim.env(&mut cmd);
        cmd.env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .output()
            .unwrap()
    };

    p.write("main.hcl", &web_with_profile("nope"));
    let out = apply();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{}\n{err}", stdout(&out));
    assert!(err.contains("nope"), "{err}");
    assert_eq!(count(&sim.audit(), "DeleteService"), 0);

    // A profile whose role STS refuses says so in STS's words.
    p.write("main.hcl", &web_with_profile("badsession"));
    let out = apply();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{}\n{err}", stdout(&out));
    assert!(
        err.contains("no AWS credentials for profile \"badsession\": STS refused AssumeRole: ValidationError"),
        "{err}"
    );
    assert_eq!(count(&sim.audit(), "DeleteService"), 0);

    p.write("main.hcl", &web_with_profile("staging"));
    let out = apply();
    succeeded(&out);
    let audit = sim.audit();
    // (Renewed before nearly every request: a one-hour session is 3.6 s
    // at the simulator's time scale, within the SDK's refresh margin.)
    assert!(count(&audit, "AssumeRole") >= 1);
    assert_eq!(accounts_of(&audit, "DeleteService"), [OTHER]);
}

/// When a role's credentials cannot be had, the error says so and why,
/// never naming the endpoint of the request that waited for them (it
/// named the simulator, which was up, for an STS endpoint that refused).
#[test]
fn credentials_that_cannot_be_had_are_said_so_not_blamed_on_the_endpoint() {
    let sim = sim_with(two_account_seed(), Latencies::default());
    let p = Project::with_main(&format!(
        "provider \"aws\" {{\n  region = \"us-east-1\"\n  assume_role {{\n    role_arn = \"{ROLE}\"\n  }}\n}}\n\
         resource \"aws_supplychain_instance\" \"planning\" {{\n  name = \"planning\"\n}}\n"
    ));
    let mut cmd = p.decom(&["plan", "."]);
    sim.env(&mut cmd);
    // The role's AssumeRole goes there; the rest to the simulator.
    let out = cmd
        .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot get credentials: "), "{err}");
    assert!(!err.contains(&sim.endpoint_url()), "{err}");
}

/// `--endpoint-url` (the flag, not the variable) is where a named
/// profile's role is assumed too: aws-config's credential providers
/// build their STS clients from the environment only, and sent
/// AssumeRole to AWS's real STS.
#[test]
fn a_profiles_role_is_assumed_at_the_endpoint_url_given() {
    let sim = sim_with(
        vec![in_account(Sim::AppRunnerService, "web", OTHER)],
        Latencies::default(),
    );
    let p = Project::with_main(&web_with_profile("deleter"));
    let config = p.write(
        "aws-config",
        &format!("[profile deleter]\nrole_arn = {ROLE}\ncredential_source = Environment\n"),
    );
    let mut cmd = p.decom(&["apply", ".", "--auto-approve", FAST]);
    sim.env(&mut cmd);
    let out = cmd
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:1")
        .env("AWS_CONFIG_FILE", &config)
        .args(["--endpoint-url", &sim.endpoint_url()])
        .output()
        .unwrap();
    succeeded(&out);
    let audit = sim.audit();
    assert!(count(&audit, "AssumeRole") >= 1);
    assert_eq!(accounts_of(&audit, "DeleteService"), [OTHER]);
}

/// A manifest whose every provider names a profile needs no default
/// credentials: plan asked the default chain too, and failed on a runner
/// that has only the named profile.
#[test]
fn providers_that_all_name_a_profile_need_no_default_credentials() {
    let sim = sim_with(
        vec![in_account(Sim::AppRunnerService, "web", BASE)],
        Latencies::default(),
    );
    let p = Project::with_main(&web_with_profile("credonly"));
    let credentials = p.write(
        "aws-credentials",
        "[credonly]\naws_access_key_id = AKIDCREDONLY\naws_secret_access_key = secret\n",
    );
    let mut cmd = p.decom(&["plan", "."]);
    sim.env(&mut cmd);
    let out = cmd
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .output()
        .unwrap();
    succeeded(&out);
    assert!(
        stdout(&out).contains("Plan: 1 to delete"),
        "{}",
        stdout(&out)
    );
}
