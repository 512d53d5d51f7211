//! The Direct Connect estate examples/directconnect-estate names, as
//! simulator seeds.

use decom_sim::{ResourceType as Sim, SeedResource};

pub const LAG: &str = "dxlag-fgcore01";
pub const GATEWAY: &str = "5f294f92-bafb-4011-916d-9b0bec0a2a25";
pub const MEMBERS: [&str; 2] = ["dxcon-fgcore01", "dxcon-fgcore02"];
pub const VIF_ON_LAG: &str = "dxvif-fgcore01";
pub const VIF_ON_GATEWAY: &str = "dxvif-fgtrans1";
pub const ASSOCIATION: &str = "8d3f0a5e-2b1c-4d6e-9f70-1a2b3c4d5e6f";

pub fn seed(t: Sim, name: &str, id: &str) -> SeedResource {
    let mut s = SeedResource::new(t, name);
    s.id = Some(id.into());
    s
}

/// A VIF running on `carrier` (a connection or LAG id).
pub fn vif(name: &str, id: &str, carrier: &str, gateway: Option<&str>) -> SeedResource {
    let mut s = seed(Sim::DxVirtualInterface, name, id);
    s.connection_id = Some(carrier.into());
    s.dx_gateway_id = gateway.map(str::to_owned);
    s
}

/// An association of `gateway` (with a virtual private gateway).
pub fn association(id: &str, gateway: &str) -> SeedResource {
    let mut s = seed(Sim::DxGatewayAssociation, "", id);
    s.dx_gateway_id = Some(gateway.into());
    s
}

/// A connection that is a member of `lag`.
pub fn member(name: &str, id: &str, lag: &str) -> SeedResource {
    let mut s = seed(Sim::DxConnection, name, id);
    s.lag_id = Some(lag.into());
    s
}

/// The estate examples/directconnect-estate names.
pub fn estate() -> Vec<SeedResource> {
    vec![
        seed(Sim::DxLag, "core", LAG),
        member("core-a", MEMBERS[0], LAG),
        member("core-b", MEMBERS[1], LAG),
        seed(Sim::DxGateway, "transit", GATEWAY),
        association(ASSOCIATION, GATEWAY),
        vif("core", VIF_ON_LAG, LAG, None),
        vif("transit", VIF_ON_GATEWAY, LAG, Some(GATEWAY)),
    ]
}
