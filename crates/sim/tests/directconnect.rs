//! Direct Connect through the real aws-sdk-directconnect client (awsJson1_1).

mod common;

use std::time::Duration;

use aws_sdk_directconnect::error::ProvideErrorMetadata;
use aws_sdk_directconnect::types::{
    ConnectionState, NewPrivateVirtualInterface, Tag, VirtualInterfaceState,
};
use common::*;
use decom_sim::{Latencies, SimConfig};

async fn create_connection(c: &aws_sdk_directconnect::Client, name: &str) -> String {
    let out = c
        .create_connection()
        .location("EqDC2")
        .bandwidth("1Gbps")
        .connection_name(name)
        .tags(
            Tag::builder()
                .key("team")
                .value("net")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("CreateConnection");
    assert_eq!(out.connection_state(), Some(&ConnectionState::Requested));
    let id = out.connection_id().expect("id").to_owned();
    assert!(id.starts_with("dxcon-") && id.len() == 14, "{id}");
    id
}

async fn create_vif(
    c: &aws_sdk_directconnect::Client,
    conn: &str,
    name: &str,
    vlan: i32,
) -> String {
    let out = c
        .create_private_virtual_interface()
        .connection_id(conn)
        .new_private_virtual_interface(
            NewPrivateVirtualInterface::builder()
                .virtual_interface_name(name)
                .vlan(vlan)
                .asn(65000)
                .virtual_gateway_id("vgw-123")
                .build()
                .expect("vif spec"),
        )
        .send()
        .await
        .expect("CreatePrivateVirtualInterface");
    assert_eq!(
        out.virtual_interface_state(),
        Some(&VirtualInterfaceState::Pending)
    );
    assert_eq!(out.connection_id(), Some(conn));
    out.virtual_interface_id().expect("vif id").to_owned()
}

async fn vif_state(c: &aws_sdk_directconnect::Client, id: &str, state: VirtualInterfaceState) {
    eventually(&format!("{id} to be {state:?}"), || async {
        let out = c
            .describe_virtual_interfaces()
            .virtual_interface_id(id)
            .send()
            .await
            .ok()?;
        (out.virtual_interfaces()
            .first()?
            .virtual_interface_state()?
            == &state)
            .then_some(())
    })
    .await
}

#[tokio::test]
async fn connection_and_vif_lifecycle_with_refusals() {
    let sim = start(SimConfig {
        latencies: Latencies {
            vif_create: Duration::from_secs(300), // 100 ms at this scale
            ..Latencies::default()
        },
        ..fast()
    })
    .await;
    let c = dx(&sim).await;
    let conn = create_connection(&c, "dc-1").await;
    eventually("connection available", || async {
        let out = c
            .describe_connections()
            .connection_id(&conn)
            .send()
            .await
            .ok()?;
        (out.connections().first()?.connection_state()? == &ConnectionState::Available)
            .then_some(())
    })
    .await;

    let vif = create_vif(&c, &conn, "vif-1", 101).await;
    assert!(vif.starts_with("dxvif-"));
    // Duplicate VLAN on the same connection is refused.
    let dup = c
        .create_private_virtual_interface()
        .connection_id(&conn)
        .new_private_virtual_interface(
            NewPrivateVirtualInterface::builder()
                .virtual_interface_name("vif-dup")
                .vlan(101)
                .asn(65000)
                .build()
                .expect("spec"),
        )
        .send()
        .await
        .expect_err("vlan clash");
    assert!(dup
        .as_service_error()
        .is_some_and(|e| e.is_direct_connect_client_exception()));

    // A pending VIF cannot be deleted yet.
    let err = c
        .delete_virtual_interface()
        .virtual_interface_id(&vif)
        .send()
        .await
        .expect_err("pending");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_direct_connect_client_exception()));

    // The connection cannot be deleted while it has a VIF.
    let err = c
        .delete_connection()
        .connection_id(&conn)
        .send()
        .await
        .expect_err("has vif");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_direct_connect_client_exception()));
    assert!(err.message().unwrap_or("").contains(&vif), "{err:?}");

    vif_state(&c, &vif, VirtualInterfaceState::Available).await;
    let by_conn = c
        .describe_virtual_interfaces()
        .connection_id(&conn)
        .send()
        .await
        .expect("by conn");
    assert_eq!(by_conn.virtual_interfaces().len(), 1);
    let all = c.describe_virtual_interfaces().send().await.expect("all");
    assert_eq!(all.virtual_interfaces().len(), 1);
    let v = &all.virtual_interfaces()[0];
    assert_eq!(v.vlan(), 101);
    assert_eq!(v.virtual_interface_type(), Some("private"));

    let del = c
        .delete_virtual_interface()
        .virtual_interface_id(&vif)
        .send()
        .await
        .expect("delete vif");
    assert_eq!(
        del.virtual_interface_state(),
        Some(&VirtualInterfaceState::Deleting)
    );
    vif_state(&c, &vif, VirtualInterfaceState::Deleted).await;

    let del = c
        .delete_connection()
        .connection_id(&conn)
        .send()
        .await
        .expect("delete connection");
    assert_eq!(del.connection_state(), Some(&ConnectionState::Deleting));
    eventually("connection deleted", || async {
        let out = c
            .describe_connections()
            .connection_id(&conn)
            .send()
            .await
            .ok()?;
        (out.connections().first()?.connection_state()? == &ConnectionState::Deleted).then_some(())
    })
    .await;
    // Tombstone expires → not found (DirectConnectClientException).
    eventually("connection to vanish", || async {
        let e = c
            .describe_connections()
            .connection_id(&conn)
            .send()
            .await
            .err()?;
        e.as_service_error()
            .is_some_and(|e| e.is_direct_connect_client_exception())
            .then_some(())
    })
    .await;
    sim.shutdown().await;
}

#[tokio::test]
async fn describe_tags_and_unknown_ids() {
    let sim = start(instant()).await;
    let c = dx(&sim).await;
    let conn = create_connection(&c, "dc-tags").await;
    let arn = format!("arn:aws:directconnect:us-east-1:123456789012:dxcon/{conn}");
    let tags = c
        .describe_tags()
        .resource_arns(&arn)
        .send()
        .await
        .expect("tags");
    let rt = tags.resource_tags();
    assert_eq!(rt.len(), 1);
    assert_eq!(rt[0].resource_arn(), Some(arn.as_str()));
    assert_eq!(rt[0].tags()[0].key(), "team");
    assert_eq!(rt[0].tags()[0].value(), Some("net"));

    let vif = create_vif(&c, &conn, "vif-t", 7).await;
    let vif_arn = format!("arn:aws:directconnect:us-east-1:123456789012:dxvif/{vif}");
    let tags = c
        .describe_tags()
        .resource_arns(&vif_arn)
        .send()
        .await
        .expect("vif tags");
    assert_eq!(tags.resource_tags().len(), 1);

    let err = c
        .delete_connection()
        .connection_id("dxcon-zzzzzzzz")
        .send()
        .await
        .expect_err("unknown");
    assert!(err
        .as_service_error()
        .is_some_and(|e| e.is_direct_connect_client_exception()));
    let err = c
        .describe_virtual_interfaces()
        .virtual_interface_id("dxvif-zzzzzzzz")
        .send()
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), Some("DirectConnectClientException"));
    let err = c
        .delete_virtual_interface()
        .virtual_interface_id("dxvif-zzzzzzzz")
        .send()
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), Some("DirectConnectClientException"));
    let err = c
        .create_private_virtual_interface()
        .connection_id("dxcon-zzzzzzzz")
        .new_private_virtual_interface(
            NewPrivateVirtualInterface::builder()
                .virtual_interface_name("x")
                .vlan(1)
                .asn(1)
                .build()
                .expect("spec"),
        )
        .send()
        .await
        .expect_err("unknown connection");
    assert_eq!(err.code(), Some("DirectConnectClientException"));
    // Missing required member → the service's validation error.
    let err = c
        .create_connection()
        .location("EqDC2")
        .bandwidth("1Gbps")
        .send()
        .await
        .expect_err("no name");
    assert_eq!(err.code(), Some("DirectConnectClientException"));
    sim.shutdown().await;
}

#[tokio::test]
async fn pagination_and_regions() {
    let sim = start(instant()).await;
    let c = dx(&sim).await;
    let west = dx_in(&sim, "eu-west-1").await;
    let mut conns = Vec::new();
    for i in 0..7 {
        conns.push(create_connection(&c, &format!("dc-{i}")).await);
    }
    create_connection(&west, "dc-west").await;
    let _ = c.describe_connections().send().await.expect("settle");
    for (i, conn) in conns.iter().take(3).enumerate() {
        create_vif(&c, conn, &format!("vif-{i}-a"), 10).await;
        create_vif(&c, conn, &format!("vif-{i}-b"), 11).await;
    }
    let mut seen = 0;
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let out = c
            .describe_connections()
            .max_results(3)
            .set_next_token(token.clone())
            .send()
            .await
            .expect("page");
        pages += 1;
        seen += out.connections().len();
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!((seen, pages), (7, 3));
    assert_eq!(
        c.describe_connections()
            .send()
            .await
            .expect("all")
            .connections()
            .len(),
        7
    );
    assert_eq!(
        west.describe_connections()
            .send()
            .await
            .expect("west")
            .connections()
            .len(),
        1
    );

    let mut vifs = 0;
    let mut token: Option<String> = None;
    loop {
        let out = c
            .describe_virtual_interfaces()
            .max_results(4)
            .set_next_token(token.clone())
            .send()
            .await
            .expect("vif page");
        vifs += out.virtual_interfaces().len();
        token = out.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(vifs, 6);
    let one = c
        .describe_virtual_interfaces()
        .connection_id(&conns[0])
        .max_results(1)
        .send()
        .await
        .expect("by conn page");
    assert_eq!(one.virtual_interfaces().len(), 1);
    let rest = c
        .describe_virtual_interfaces()
        .connection_id(&conns[0])
        .max_results(1)
        .next_token(one.next_token().expect("more"))
        .send()
        .await
        .expect("by conn page 2");
    assert_eq!(rest.virtual_interfaces().len(), 1);
    assert!(rest.next_token().is_none());
    assert!(west
        .describe_virtual_interfaces()
        .send()
        .await
        .expect("west")
        .virtual_interfaces()
        .is_empty());
    sim.shutdown().await;
}
