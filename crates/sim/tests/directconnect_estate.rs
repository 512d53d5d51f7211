//! LAGs, Direct Connect gateways and gateway associations through the real
//! aws-sdk-directconnect client: state machines, VIFs on LAGs and gateways,
//! and the refusals that make deletion order matter.

mod common;

use std::time::Duration;

use aws_sdk_directconnect::error::ProvideErrorMetadata;
use aws_sdk_directconnect::types::{
    DirectConnectGatewayAssociationState as Assoc, DirectConnectGatewayState, LagState,
    NewPrivateVirtualInterface,
};
use common::*;
use decom_sim::{Latencies, ResourceType, SeedResource, SimConfig, SimState};

type Dx = aws_sdk_directconnect::Client;

async fn create_lag(c: &Dx, name: &str, links: i32) -> (String, Vec<String>) {
    let out = c
        .create_lag()
        .number_of_connections(links)
        .location("EqDC2")
        .connections_bandwidth("10Gbps")
        .lag_name(name)
        .send()
        .await
        .expect("CreateLag");
    assert_eq!(out.lag_state(), Some(&LagState::Requested));
    let id = out.lag_id().expect("lag id").to_owned();
    assert!(id.starts_with("dxlag-") && id.len() == 14, "{id}");
    let members: Vec<String> = out
        .connections()
        .iter()
        .map(|m| {
            assert_eq!(m.lag_id(), Some(id.as_str()));
            m.connection_id().expect("member id").to_owned()
        })
        .collect();
    assert_eq!(members.len(), links as usize);
    (id, members)
}

async fn create_gateway(c: &Dx, name: &str) -> String {
    let out = c
        .create_direct_connect_gateway()
        .direct_connect_gateway_name(name)
        .send()
        .await
        .expect("CreateDirectConnectGateway");
    let gw = out.direct_connect_gateway().expect("gateway");
    assert_eq!(
        gw.direct_connect_gateway_state(),
        Some(&DirectConnectGatewayState::Pending)
    );
    gw.direct_connect_gateway_id().expect("id").to_owned()
}

async fn create_vif(c: &Dx, carrier: &str, gateway: Option<&str>, vlan: i32) -> String {
    let mut spec = NewPrivateVirtualInterface::builder()
        .virtual_interface_name(format!("vif-{vlan}"))
        .vlan(vlan)
        .asn(65000);
    if let Some(gw) = gateway {
        spec = spec.direct_connect_gateway_id(gw);
    }
    let out = c
        .create_private_virtual_interface()
        .connection_id(carrier)
        .new_private_virtual_interface(spec.build().expect("spec"))
        .send()
        .await
        .expect("CreatePrivateVirtualInterface");
    assert_eq!(out.connection_id(), Some(carrier));
    assert_eq!(out.direct_connect_gateway_id(), gateway.or(Some("")));
    out.virtual_interface_id().expect("vif id").to_owned()
}

async fn association_state(c: &Dx, id: &str) -> Option<Assoc> {
    let out = c
        .describe_direct_connect_gateway_associations()
        .association_id(id)
        .send()
        .await
        .ok()?;
    out.direct_connect_gateway_associations()
        .first()?
        .association_state()
        .cloned()
}

fn refused<E: ProvideErrorMetadata>(e: &E, what: &str) {
    assert_eq!(e.code(), Some("DirectConnectClientException"), "{what}");
}

#[tokio::test]
async fn lag_members_vifs_and_refusals() {
    let sim = start(instant()).await;
    let c = dx(&sim).await;
    let (lag, members) = create_lag(&c, "lag-1", 2).await;
    let vif = create_vif(&c, &lag, None, 100).await;
    let on_lag = c
        .describe_virtual_interfaces()
        .connection_id(&lag)
        .send()
        .await
        .expect("vifs of the LAG");
    assert_eq!(on_lag.virtual_interfaces().len(), 1);

    // One member may go (one link stays); the last one may not while the LAG lives.
    c.delete_connection()
        .connection_id(&members[0])
        .send()
        .await
        .expect("first member");
    let err = c
        .delete_connection()
        .connection_id(&members[1])
        .send()
        .await
        .expect_err("last member of a live LAG");
    refused(&err, "last member");
    assert!(err.message().unwrap_or_default().contains("minimum links"));

    // DeleteLag is refused while a VIF is on it.
    let err = c.delete_lag().lag_id(&lag).send().await.expect_err("vif");
    refused(&err, "lag with vif");
    assert!(err.message().unwrap_or_default().contains(&vif));
    c.delete_virtual_interface()
        .virtual_interface_id(&vif)
        .send()
        .await
        .expect("delete vif");
    let out = c.delete_lag().lag_id(&lag).send().await.expect("DeleteLag");
    assert_eq!(out.lag_state(), Some(&LagState::Deleting));

    // The member left standalone can now be deleted.
    let m = c
        .describe_connections()
        .connection_id(&members[1])
        .send()
        .await
        .expect("member");
    assert_eq!(m.connections()[0].lag_id(), None);
    c.delete_connection()
        .connection_id(&members[1])
        .send()
        .await
        .expect("standalone connection");
    let lags = c.describe_lags().lag_id(&lag).send().await.expect("lags");
    assert_eq!(lags.lags()[0].lag_state(), Some(&LagState::Deleted));
    sim.shutdown().await;
}

#[tokio::test]
async fn gateway_refuses_vifs_and_live_associations() {
    let sim = start(SimConfig {
        latencies: Latencies {
            association_delete: Duration::from_secs(300), // 100 ms at this scale
            ..Latencies::instant()
        },
        ..fast()
    })
    .await;
    let c = dx(&sim).await;
    let gw = create_gateway(&c, "gw-1").await;
    let conn = c
        .create_connection()
        .location("EqDC2")
        .bandwidth("1Gbps")
        .connection_name("dc")
        .send()
        .await
        .expect("connection")
        .connection_id()
        .expect("id")
        .to_owned();
    let vif = create_vif(&c, &conn, Some(&gw), 200).await;
    let assoc = c
        .create_direct_connect_gateway_association()
        .direct_connect_gateway_id(&gw)
        .virtual_gateway_id("vgw-1234")
        .send()
        .await
        .expect("associate")
        .direct_connect_gateway_association()
        .and_then(|a| a.association_id())
        .expect("association id")
        .to_owned();
    let listed = c
        .describe_direct_connect_gateway_associations()
        .direct_connect_gateway_id(&gw)
        .send()
        .await
        .expect("per gateway");
    assert_eq!(listed.direct_connect_gateway_associations().len(), 1);
    let err = c
        .describe_direct_connect_gateway_associations()
        .send()
        .await
        .expect_err("an unscoped describe is refused, as in AWS");
    refused(&err, "unscoped");

    let delete_gw = || {
        c.delete_direct_connect_gateway()
            .direct_connect_gateway_id(&gw)
            .send()
    };
    let err = delete_gw().await.expect_err("vif attached");
    assert!(err.message().unwrap_or_default().contains(&vif), "{err:?}");
    c.delete_virtual_interface()
        .virtual_interface_id(&vif)
        .send()
        .await
        .expect("delete vif");
    let err = delete_gw().await.expect_err("association");
    assert!(
        err.message().unwrap_or_default().contains(&assoc),
        "{err:?}"
    );

    let out = c
        .delete_direct_connect_gateway_association()
        .association_id(&assoc)
        .send()
        .await
        .expect("disassociate");
    assert_eq!(
        out.direct_connect_gateway_association()
            .and_then(|a| a.association_state()),
        Some(&Assoc::Disassociating)
    );
    // Still disassociating: the gateway keeps refusing.
    if association_state(&c, &assoc).await == Some(Assoc::Disassociating) {
        delete_gw().await.expect_err("still disassociating");
    }
    eventually("the association to be disassociated", || async {
        (association_state(&c, &assoc).await == Some(Assoc::Disassociated)).then_some(())
    })
    .await;
    let out = delete_gw().await.expect("DeleteDirectConnectGateway");
    assert_eq!(
        out.direct_connect_gateway()
            .and_then(|g| g.direct_connect_gateway_state()),
        Some(&DirectConnectGatewayState::Deleting)
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn seeded_estate_round_trips_through_snapshot() {
    let mut lag = SeedResource::new(ResourceType::DxLag, "lag");
    lag.id = Some("dxlag-seed0001".into());
    let mut member = SeedResource::new(ResourceType::DxConnection, "member");
    member.id = Some("dxcon-seed0001".into());
    member.lag_id = Some("dxlag-seed0001".into());
    let mut gw = SeedResource::new(ResourceType::DxGateway, "gw");
    gw.id = Some("11111111-2222-4333-8444-555555555555".into());
    let mut vif = SeedResource::new(ResourceType::DxVirtualInterface, "vif");
    vif.id = Some("dxvif-seed0001".into());
    vif.connection_id = Some("dxlag-seed0001".into());
    vif.dx_gateway_id = gw.id.clone();
    let mut assoc = SeedResource::new(ResourceType::DxGatewayAssociation, "");
    assoc.dx_gateway_id = gw.id.clone();
    let seed = SimState {
        resources: vec![lag, member, gw, vif, assoc],
    };
    let sim = start(SimConfig {
        initial_state: Some(seed.clone()),
        ..instant()
    })
    .await;
    let c = dx(&sim).await;
    let lags = c.describe_lags().send().await.expect("lags");
    assert_eq!(lags.lags().len(), 1);
    assert_eq!(lags.lags()[0].connections().len(), 1);
    let vifs = c
        .describe_virtual_interfaces()
        .virtual_interface_id("dxvif-seed0001")
        .send()
        .await
        .expect("vif");
    assert_eq!(
        vifs.virtual_interfaces()[0].direct_connect_gateway_id(),
        Some("11111111-2222-4333-8444-555555555555")
    );
    let snap = sim.snapshot();
    let member = snap
        .of_type(ResourceType::DxConnection)
        .next()
        .expect("member");
    assert_eq!(member.lag_id.as_deref(), Some("dxlag-seed0001"));
    let vif = snap
        .of_type(ResourceType::DxVirtualInterface)
        .next()
        .expect("vif");
    assert_eq!(vif.dx_gateway_id, seed.resources[3].dx_gateway_id);
    assert_eq!(
        snap.of_type(ResourceType::DxGatewayAssociation)
            .next()
            .and_then(|a| a.dx_gateway_id.clone()),
        seed.resources[4].dx_gateway_id
    );
    sim.shutdown().await;
}
