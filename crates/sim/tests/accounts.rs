//! STS and several accounts in one simulator, through the real
//! `aws-sdk-sts` client: the base keys act in `--account-id`, `AssumeRole`
//! credentials act in the role's account (seeing and creating only there)
//! until they expire, and bad inputs and credentials are refused with STS's
//! and the services' codes.

mod common;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_apprunner::config::Credentials;
use aws_sdk_apprunner::error::SdkError;
use common::*;
use decom_sim::{OfflineSim, ResourceType, SeedResource, SimConfig, SimHandle, SimState};

const BASE: &str = "123456789012";
const OTHER: &str = "210987654321";
const ROLE: &str = "arn:aws:iam::210987654321:role/ops/decom-deleter";

async fn config_with(sim: &SimHandle, credentials: Credentials) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(sim.endpoint_url())
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials)
        .retry_config(quick_retries(1))
        .load()
        .await
}

fn base_keys() -> Credentials {
    Credentials::new("AKIDTEST", "secret", None, None, "test")
}

async fn sts(sim: &SimHandle, credentials: Credentials) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::new(&config_with(sim, credentials).await)
}

/// Assumes `role` with the base keys; the session's credentials (given to
/// the SDK without their expiry, so that it signs with them even when
/// expired: the simulator must be the one refusing them).
async fn assume(sim: &SimHandle, role: &str, seconds: i32) -> Credentials {
    let out = sts(sim, base_keys())
        .await
        .assume_role()
        .role_arn(role)
        .role_session_name("decom-run")
        .duration_seconds(seconds)
        .send()
        .await
        .expect("assume role");
    let user = out.assumed_role_user().expect("assumed role user");
    assert_eq!(
        user.arn(),
        "arn:aws:sts::210987654321:assumed-role/decom-deleter/decom-run"
    );
    assert!(user.assumed_role_id().starts_with("AROA"));
    assert!(user.assumed_role_id().ends_with(":decom-run"));
    let c = out.credentials().expect("credentials");
    assert!(c.access_key_id().starts_with("ASIA"));
    assert!(!c.secret_access_key().is_empty() && !c.session_token().is_empty());
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_owned()),
        None,
        "assumed",
    )
}

/// The same names in both accounts: one App Runner service, one DX
/// connection, one Supply Chain instance each.
fn two_accounts() -> SimConfig {
    let mut seed = Vec::new();
    for account in [BASE, OTHER] {
        for t in [
            ResourceType::AppRunnerService,
            ResourceType::DxConnection,
            ResourceType::SupplyChainInstance,
        ] {
            let mut r = SeedResource::new(t, "shared-name");
            r.account = Some(account.into());
            seed.push(r);
        }
    }
    SimConfig {
        initial_state: Some(SimState { resources: seed }),
        ..instant()
    }
}

#[tokio::test]
async fn base_keys_act_in_the_server_account() {
    let sim = start(instant()).await;
    let me = sts(&sim, base_keys())
        .await
        .get_caller_identity()
        .send()
        .await
        .expect("get caller identity");
    assert_eq!(me.account(), Some(BASE));
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:user/decom-sim"));
    assert!(me.user_id().is_some_and(|u| u.starts_with("AIDA")));
    let audit = sim.audit();
    let last = audit.last().expect("audited");
    assert_eq!(
        (last.service.as_str(), last.operation.as_str()),
        ("sts", "GetCallerIdentity")
    );
    assert_eq!(last.account.as_deref(), Some(BASE));
    sim.shutdown().await;
}

#[tokio::test]
async fn an_assumed_role_sees_and_creates_only_in_its_account() {
    let sim = start(two_accounts()).await;
    let session = assume(&sim, ROLE, 3600).await;
    let me = sts(&sim, session.clone())
        .await
        .get_caller_identity()
        .send()
        .await
        .expect("identity of the session");
    assert_eq!(me.account(), Some(OTHER));
    assert_eq!(
        me.arn(),
        Some("arn:aws:sts::210987654321:assumed-role/decom-deleter/decom-run")
    );

    let theirs = config_with(&sim, session).await;
    let ours = config_with(&sim, base_keys()).await;

    // App Runner: the list shows the role account's service only; the base
    // account's ARN is not found; a create lands in the role's account.
    let ar = aws_sdk_apprunner::Client::new(&theirs);
    let ar_base = aws_sdk_apprunner::Client::new(&ours);
    let listed = ar.list_services().send().await.expect("list");
    let arns: Vec<&str> = listed
        .service_summary_list()
        .iter()
        .filter_map(|s| s.service_arn())
        .collect();
    assert_eq!(arns.len(), 1, "{arns:?}");
    assert!(arns[0].contains(":210987654321:service/shared-name/"));
    let base_list = ar_base.list_services().send().await.expect("base list");
    let base_arn = base_list.service_summary_list()[0]
        .service_arn()
        .expect("arn")
        .to_owned();
    assert!(base_arn.contains(":123456789012:"));
    let err = ar
        .describe_service()
        .service_arn(&base_arn)
        .send()
        .await
        .expect_err("foreign ARN");
    assert_eq!(code(&err), "ResourceNotFoundException");
    let created = create_service(&ar, "made-by-role", None).await;
    assert!(created
        .service_arn()
        .contains(":210987654321:service/made-by-role/"));
    let base_names: Vec<String> = ar_base
        .list_services()
        .send()
        .await
        .expect("base list")
        .service_summary_list()
        .iter()
        .filter_map(|s| s.service_name().map(str::to_owned))
        .collect();
    assert_eq!(base_names, ["shared-name"]);

    // Direct Connect: owner account and visibility follow the caller.
    let dx = aws_sdk_directconnect::Client::new(&theirs);
    let dx_base = aws_sdk_directconnect::Client::new(&ours);
    let conns = dx.describe_connections().send().await.expect("describe");
    assert_eq!(conns.connections().len(), 1);
    assert_eq!(conns.connections()[0].owner_account(), Some(OTHER));
    let base_conns = dx_base.describe_connections().send().await.expect("base");
    let base_id = base_conns.connections()[0]
        .connection_id()
        .expect("id")
        .to_owned();
    let err = dx
        .describe_connections()
        .connection_id(&base_id)
        .send()
        .await
        .expect_err("foreign connection");
    assert_eq!(code(&err), "DirectConnectClientException");
    let made = dx
        .create_connection()
        .location("EqDC2")
        .bandwidth("1Gbps")
        .connection_name("role-conn")
        .send()
        .await
        .expect("create connection");
    assert_eq!(made.owner_account(), Some(OTHER));

    // Supply Chain: the same.
    let scn = aws_sdk_supplychain::Client::new(&theirs);
    let scn_base = aws_sdk_supplychain::Client::new(&ours);
    let instances = scn.list_instances().send().await.expect("list");
    assert_eq!(instances.instances().len(), 1);
    assert_eq!(instances.instances()[0].aws_account_id(), OTHER);
    let base_instances = scn_base.list_instances().send().await.expect("base");
    let base_instance = base_instances.instances()[0].instance_id().to_owned();
    let err = scn
        .get_instance()
        .instance_id(&base_instance)
        .send()
        .await
        .expect_err("foreign instance");
    assert_eq!(code(&err), "ResourceNotFoundException");
    let new = scn
        .create_instance()
        .instance_name("role-instance")
        .send()
        .await
        .expect("create instance");
    assert_eq!(new.instance().map(|i| i.aws_account_id()), Some(OTHER));

    // The audit log says which account every request acted in; the
    // snapshot which account owns every resource.
    let audit = sim.audit();
    let create = audit
        .iter()
        .find(|e| e.operation == "CreateService")
        .expect("audited create");
    assert_eq!(create.account.as_deref(), Some(OTHER));
    assert!(audit
        .iter()
        .filter(|e| e.operation == "ListServices")
        .any(|e| e.account.as_deref() == Some(BASE)));
    let snapshot = sim.snapshot();
    let owned_by = |account: &str| {
        snapshot
            .resources
            .iter()
            .filter(|r| r.account.as_deref() == Some(account))
            .count()
    };
    assert_eq!((owned_by(BASE), owned_by(OTHER)), (3, 6));
    sim.shutdown().await;
}

#[tokio::test]
async fn expired_session_credentials_are_refused_by_every_service() {
    // A minute takes 20 ms: the 15-minute session lasts 300 ms.
    let sim = start(fast()).await;
    let session = assume(&sim, ROLE, 900).await;
    let config = config_with(&sim, session.clone()).await;
    let ar = aws_sdk_apprunner::Client::new(&config);
    let err = eventually("the session to expire", || async {
        ar.list_services().send().await.err()
    })
    .await;
    assert_eq!(code(&err), "ExpiredTokenException");
    assert_eq!(status(&err), Some(403));

    let err = aws_sdk_directconnect::Client::new(&config)
        .describe_connections()
        .send()
        .await
        .expect_err("expired");
    assert_eq!(code(&err), "ExpiredTokenException");
    let err = aws_sdk_supplychain::Client::new(&config)
        .list_instances()
        .send()
        .await
        .expect_err("expired");
    assert_eq!(
        (code(&err), status(&err)),
        ("ExpiredTokenException".into(), Some(403))
    );
    let err = sts(&sim, session)
        .await
        .get_caller_identity()
        .send()
        .await
        .expect_err("expired");
    assert_eq!(
        (code(&err), status(&err)),
        ("ExpiredToken".into(), Some(403))
    );
    let refused = sim.audit();
    let last = refused.last().expect("audited");
    assert_eq!(last.error.as_deref(), Some("ExpiredToken"));
    assert_eq!(last.account.as_deref(), Some(OTHER));

    // Fresh credentials work again.
    let fresh = assume(&sim, ROLE, 3600).await;
    let ar = aws_sdk_apprunner::Client::new(&config_with(&sim, fresh).await);
    ar.list_services().send().await.expect("fresh session");
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_session_keys_are_invalid() {
    let sim = start(instant()).await;
    let forged = Credentials::new("ASIAFORGEDFORGED0000", "s", Some("t".into()), None, "x");
    let err = aws_sdk_apprunner::Client::new(&config_with(&sim, forged.clone()).await)
        .list_services()
        .send()
        .await
        .expect_err("forged");
    assert_eq!(
        (code(&err), status(&err)),
        ("UnrecognizedClientException".into(), Some(403))
    );
    let err = sts(&sim, forged)
        .await
        .get_caller_identity()
        .send()
        .await
        .expect_err("forged");
    assert_eq!(code(&err), "InvalidClientTokenId");
    let session = assume(&sim, ROLE, 900).await;
    let wrong_token = Credentials::new(
        session.access_key_id(),
        session.secret_access_key(),
        Some("not-the-token".into()),
        None,
        "x",
    );
    let err = sts(&sim, wrong_token)
        .await
        .get_caller_identity()
        .send()
        .await
        .expect_err("wrong token");
    assert_eq!(code(&err), "InvalidClientTokenId");
    sim.shutdown().await;
}

#[tokio::test]
async fn bad_assume_role_inputs_get_stss_validation_errors() {
    let sim = start(instant()).await;
    let client = sts(&sim, base_keys()).await;
    let refuse = |arn: &str, name: &str, seconds: Option<i32>| {
        let req = client
            .assume_role()
            .role_arn(arn)
            .role_session_name(name)
            .set_duration_seconds(seconds);
        async move { req.send().await.expect_err("refused") }
    };
    let cases = [
        (
            ROLE,
            "has space",
            None,
            "Member must satisfy regular expression pattern",
        ),
        (
            ROLE,
            "x",
            None,
            "Member must have length greater than or equal to 2",
        ),
        (
            ROLE,
            "ok",
            Some(899),
            "Member must have value greater than or equal to 900",
        ),
        (
            ROLE,
            "ok",
            Some(43_201),
            "Member must have value less than or equal to 43200",
        ),
        (
            "arn:aws:iam::210987654321:user/someone",
            "ok",
            None,
            "Request ARN is invalid",
        ),
        (
            "arn:aws:iam::2109876543:role/short-account",
            "ok",
            None,
            "Request ARN is invalid",
        ),
    ];
    for (arn, name, seconds, message) in cases {
        let err = refuse(arn, name, seconds).await;
        assert_eq!(code(&err), "ValidationError", "{arn} {name} {seconds:?}");
        assert_eq!(status(&err), Some(400));
        assert!(
            common::message(&err).contains(message),
            "{}",
            common::message(&err)
        );
    }

    // Role chaining: a session may assume another role for an hour at most.
    let session = assume(&sim, ROLE, 3600).await;
    let chained = sts(&sim, session).await;
    let err = chained
        .assume_role()
        .role_arn("arn:aws:iam::333333333333:role/next")
        .role_session_name("hop")
        .duration_seconds(7200)
        .send()
        .await
        .expect_err("chaining beyond an hour");
    assert!(common::message(&err).contains("role chaining"), "{err:?}");
    let hop = chained
        .assume_role()
        .role_arn("arn:aws:iam::333333333333:role/next")
        .role_session_name("hop")
        .send()
        .await
        .expect("chaining within an hour");
    assert_eq!(
        hop.assumed_role_user().map(|u| u.arn()),
        Some("arn:aws:sts::333333333333:assumed-role/next/hop")
    );
    sim.shutdown().await;
}

/// The wire itself: XML documents as STS writes them, for requests the SDK
/// would not send (a missing member, an unknown action).
#[test]
fn sts_speaks_awsquery_xml() {
    let sim = OfflineSim::new(SimConfig::default()).expect("sim");
    let auth = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0";
    let form = [
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("authorization", auth),
    ];
    let call = |body: &str| {
        let r = sim
            .handle("POST", "/", &form, body.as_bytes())
            .expect("answered");
        (r.status, String::from_utf8(r.body).expect("utf-8"))
    };
    let (status, xml) = call("Action=GetCallerIdentity&Version=2011-06-15");
    assert_eq!(status, 200);
    for part in [
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">",
        "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/decom-sim</Arn><UserId>AIDA",
        "<Account>123456789012</Account></GetCallerIdentityResult>",
        "<ResponseMetadata><RequestId>",
    ] {
        assert!(xml.contains(part), "{part} not in {xml}");
    }
    let (status, xml) = call("Action=AssumeRole&Version=2011-06-15&RoleSessionName=s1");
    assert_eq!(status, 400);
    assert!(xml.contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>1 validation error detected: Value null at &apos;roleArn&apos; failed to satisfy constraint: Member must not be null</Message></Error><RequestId>"), "{xml}");
    let (status, xml) = call("Action=GetSessionToken&Version=2011-06-15");
    assert_eq!(status, 400);
    assert!(xml.contains("<Code>InvalidAction</Code>"), "{xml}");
    let (status, xml) = call(&format!(
        "Action=AssumeRole&Version=2011-06-15&RoleArn={}&RoleSessionName=s1&DurationSeconds=900&ExternalId=ext-1",
        ROLE.replace(':', "%3A").replace('/', "%2F")
    ));
    assert_eq!(status, 200, "{xml}");
    assert!(
        xml.contains("<Expiration>") && xml.contains("Z</Expiration>"),
        "{xml}"
    );
    let audit = sim.audit();
    assert_eq!(audit.len(), 4);
    assert_eq!(audit[3].target.as_deref(), Some(ROLE));
    assert!(audit.iter().all(|e| e.service == "sts"));
}

/// `--state` entries carry `account` (12 digits; default `--account-id`).
#[test]
fn state_entries_name_their_account() {
    let state = SimState::parse(
        br#"{"resources": [
            {"type": "aws_dx_connection", "id": "dxcon-aaaa0001", "account": "210987654321"},
            {"type": "aws_dx_connection", "id": "dxcon-aaaa0002"}
        ]}"#,
    )
    .expect("parses");
    let sim = OfflineSim::new(SimConfig {
        initial_state: Some(state),
        ..SimConfig::default()
    })
    .expect("seeds");
    let accounts: Vec<Option<String>> = sim
        .snapshot()
        .resources
        .into_iter()
        .map(|r| r.account)
        .collect();
    assert_eq!(
        accounts,
        [Some(BASE.to_owned()), Some(OTHER.to_owned())],
        "sorted by account"
    );
    let mut bad = SeedResource::new(ResourceType::DxConnection, "x");
    bad.account = Some("12345".into());
    let refused = OfflineSim::new(SimConfig {
        initial_state: Some(SimState {
            resources: vec![bad],
        }),
        ..SimConfig::default()
    })
    .expect_err("bad account");
    assert!(
        refused.to_string().contains("account must be 12 digits"),
        "{refused}"
    );
}

/// The HTTP status of an SDK error.
fn status<E>(err: &SdkError<E, aws_sdk_apprunner::config::http::HttpResponse>) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}
