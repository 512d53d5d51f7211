//! Supply Chain through the real aws-sdk-supplychain client (restJson1).

mod common;

use std::time::Duration;

use aws_sdk_supplychain::error::ProvideErrorMetadata;
use aws_sdk_supplychain::types::InstanceState;
use common::*;
use decom_sim::{Latencies, SimConfig};

async fn create(c: &aws_sdk_supplychain::Client, name: &str) -> String {
    let out = c
        .create_instance()
        .instance_name(name)
        .instance_description("simulated instance")
        .tags("team", "ops")
        .send()
        .await
        .expect("CreateInstance");
    let i = out.instance().expect("instance");
    assert_eq!(i.state(), &InstanceState::Initializing);
    assert_eq!(i.aws_account_id(), "123456789012");
    assert_eq!(i.instance_id().len(), 36);
    i.instance_id().to_owned()
}

async fn state_is(c: &aws_sdk_supplychain::Client, id: &str, state: InstanceState) {
    eventually(&format!("{id} {state:?}"), || async {
        let out = c.get_instance().instance_id(id).send().await.ok()?;
        (out.instance()?.state() == &state).then_some(())
    })
    .await
}

#[tokio::test]
async fn instance_lifecycle_and_refusals() {
    let sim = start(SimConfig {
        latencies: Latencies {
            instance_create: Duration::from_secs(600), // 200 ms at this scale
            ..Latencies::default()
        },
        ..fast()
    })
    .await;
    let c = scn(&sim).await;
    let id = create(&c, "scn-one").await;
    let got = c.get_instance().instance_id(&id).send().await.expect("get");
    let inst = got.instance().expect("instance");
    assert_eq!(inst.instance_name(), Some("scn-one"));
    assert!(inst.created_time().is_some());

    // Initializing cannot be deleted: 409 ConflictException.
    let err = c
        .delete_instance()
        .instance_id(&id)
        .send()
        .await
        .expect_err("initializing");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_conflict_exception()),
        "{err:?}"
    );
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(409));

    state_is(&c, &id, InstanceState::Active).await;
    let arn = format!("arn:aws:scn:us-east-1:123456789012:instance/{id}");
    let tags = c
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("tags");
    assert_eq!(tags.tags().get("team").map(String::as_str), Some("ops"));

    let del = c
        .delete_instance()
        .instance_id(&id)
        .send()
        .await
        .expect("delete");
    assert_eq!(
        del.instance().map(|i| i.state().clone()),
        Some(InstanceState::Deleting)
    );
    let err = c
        .delete_instance()
        .instance_id(&id)
        .send()
        .await
        .expect_err("deleting");
    assert_eq!(err.code(), Some("ConflictException"));
    state_is(&c, &id, InstanceState::Deleted).await;
    eventually("instance to vanish", || async {
        let e = c.get_instance().instance_id(&id).send().await.err()?;
        e.as_service_error()
            .is_some_and(|e| e.is_resource_not_found_exception())
            .then_some(())
    })
    .await;
    sim.shutdown().await;
}

#[tokio::test]
async fn unknown_ids_and_validation() {
    let sim = start(instant()).await;
    let c = scn(&sim).await;
    let err = c
        .get_instance()
        .instance_id("00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .expect_err("unknown");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_resource_not_found_exception()));
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(404));
    let err = c
        .delete_instance()
        .instance_id("not-a-uuid")
        .send()
        .await
        .expect_err("pattern");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_validation_exception()),
        "{err:?}"
    );
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(400));
    let err = c
        .list_instances()
        .max_results(21)
        .send()
        .await
        .expect_err("range");
    assert_eq!(err.code(), Some("ValidationException"));
    sim.shutdown().await;
}

#[tokio::test]
async fn list_filters_pagination_and_regions() {
    let sim = start(instant()).await;
    let c = scn(&sim).await;
    let other = scn_in(&sim, "eu-central-1").await;
    for i in 0..25 {
        create(&c, &format!("inst-{i}")).await;
    }
    create(&other, "far-away").await;
    let mut ids = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = c
            .list_instances()
            .max_results(10)
            .set_next_token(token.clone())
            .send()
            .await
            .expect("page");
        ids.extend(out.instances().iter().map(|i| i.instance_id().to_owned()));
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(ids.len(), 25);
    // Default page is 20.
    let first = c.list_instances().send().await.expect("default page");
    assert_eq!(first.instances().len(), 20);
    assert!(first.next_token().is_some());
    // The SDK paginator walks it too.
    let all: Vec<_> = c
        .list_instances()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginator");
    assert_eq!(all.len(), 25);

    let by_name = c
        .list_instances()
        .instance_name_filter("inst-3")
        .instance_name_filter("inst-4")
        .send()
        .await
        .expect("names");
    assert_eq!(by_name.instances().len(), 2);
    let active = c
        .list_instances()
        .instance_state_filter(InstanceState::Active)
        .send()
        .await
        .expect("states");
    assert_eq!(active.instances().len(), 20);
    let deleting = c
        .list_instances()
        .instance_state_filter(InstanceState::Deleting)
        .send()
        .await
        .expect("states");
    assert!(deleting.instances().is_empty());
    let far = other.list_instances().send().await.expect("other region");
    assert_eq!(far.instances().len(), 1);
    sim.shutdown().await;
}
