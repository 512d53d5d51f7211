//! The table's own consistency: what a new row could get wrong.

use super::*;

#[test]
fn every_type_has_its_own_row_and_a_unique_name() {
    let mut names = std::collections::HashSet::new();
    for ty in ResourceType::ALL {
        let kind = ty.kind();
        assert_eq!(kind.resource_type, ty, "{ty:?} points at another row");
        assert!(names.insert(kind.name), "{} is used twice", kind.name);
        assert!(
            kind.name.starts_with("aws_"),
            "{} is not a Terraform name",
            kind.name
        );
        assert_eq!(ResourceType::from_name(kind.name), Some(ty));
    }
}

#[test]
fn every_row_has_a_timeout_and_states_that_do_not_overlap() {
    for ty in ResourceType::ALL {
        let kind = ty.kind();
        assert!(kind.default_timeout >= Duration::from_secs(60), "{ty}");
        // A custom domain has no gone status: disassociated, it is absent.
        let absent_when_gone = ty == ResourceType::AppRunnerCustomDomainAssociation;
        assert!(
            !kind.states.gone.is_empty() || absent_when_gone,
            "{ty} names no gone status"
        );
        let all = [kind.states.gone, kind.states.busy, kind.states.deleting].concat();
        let unique: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len(), "{ty} lists a status twice");
        for s in kind.states.gone {
            assert_eq!(ty.state_of(s), LiveState::Gone);
        }
        for s in kind.states.deleting {
            assert_eq!(ty.state_of(s), LiveState::Deleting);
        }
        for s in kind.states.busy {
            assert_eq!(ty.state_of(s), LiveState::Busy);
        }
    }
}

#[test]
fn relations_point_at_known_types_and_names_round_trip() {
    for ty in ResourceType::ALL {
        for rel in ty.relations() {
            assert!(
                !rel.targets.is_empty(),
                "{ty}.{} points nowhere",
                rel.attr.name()
            );
            assert!(
                !rel.targets.contains(&ty),
                "{ty}.{} points at itself",
                rel.attr.name()
            );
            assert_eq!(RelationAttr::from_name(rel.attr.name()), Some(rel.attr));
        }
        for parent in ty.kind().cascaded_by {
            assert!(
                ty.relation(*parent).is_some(),
                "{ty} is cascaded by {} but has no such relation",
                parent.name()
            );
        }
    }
}

#[test]
fn the_first_release_relations_read_as_designed() {
    // DESIGN section 3: ingress before service before connector; VIF before connection.
    let pointing = |t| {
        blocking_holders(t)
            .map(|(h, r)| (h, r.attr))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pointing(ResourceType::AppRunnerService),
        [(
            ResourceType::AppRunnerVpcIngressConnection,
            RelationAttr::ServiceArn
        )]
    );
    assert_eq!(
        pointing(ResourceType::DxConnection),
        [(ResourceType::DxVirtualInterface, RelationAttr::ConnectionId)]
    );
    let rel = ResourceType::AppRunnerService.relation(RelationAttr::VpcConnectorArn);
    assert_eq!(
        rel.map(|r| r.order("service", "connector")),
        Some(("service", "connector"))
    );
}

#[test]
fn all_lists_the_types_in_a_deletion_order() {
    let rank = |t: ResourceType| ResourceType::ALL.iter().position(|x| *x == t);
    for holder in ResourceType::ALL {
        for rel in holder.relations() {
            for target in rel.targets {
                let (first, then) = rel.order(holder, *target);
                assert!(
                    rank(first) < rank(then),
                    "{first} must come before {then} in ALL"
                );
            }
        }
    }
}

#[test]
fn the_direct_connect_estate_relations_read_as_designed() {
    // DESIGN section 10: a LAG goes before its member connections (the
    // other direction), and a member outside the manifest never blocks
    // DeleteLag; VIFs go before their LAG and their gateway, associations
    // before their gateway, and block them.
    let lag_id = ResourceType::DxConnection.relation(RelationAttr::LagId);
    assert_eq!(
        lag_id.map(|r| r.order("connection", "lag")),
        Some(("lag", "connection"))
    );
    let holders = |t| {
        blocking_holders(t)
            .map(|(h, r)| (h, r.attr))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        holders(ResourceType::DxLag),
        [(ResourceType::DxVirtualInterface, RelationAttr::ConnectionId)]
    );
    assert_eq!(
        holders(ResourceType::DxGateway),
        [
            (ResourceType::DxVirtualInterface, RelationAttr::DxGatewayId),
            (
                ResourceType::DxGatewayAssociation,
                RelationAttr::DxGatewayId
            )
        ]
    );
}

#[test]
fn composite_identities_and_target_keys_are_consistent() {
    for ty in ResourceType::ALL {
        if let Some(parts) = ty.identity().parts() {
            assert!(parts.len() >= 2, "{ty}: a composite of one part");
            let unique: std::collections::HashSet<_> = parts.iter().collect();
            assert_eq!(unique.len(), parts.len(), "{ty} repeats a part");
        }
        let attributes = ty.allowed_attributes();
        for rel in ty.relations() {
            let what = format!("{ty}.{}", rel.attr.name());
            for target in rel.targets {
                match target.identity().parts() {
                    // The key composes the target's id from the holder.
                    Some(parts) => {
                        assert_eq!(rel.target_key.len(), parts.len(), "{what}: key vs {target}");
                        assert!(rel.target_key.contains(&rel.attr.name()), "{what}");
                    }
                    None => assert!(
                        rel.target_key.is_empty(),
                        "{what}: {target} is not composite"
                    ),
                }
            }
            for attr in rel.target_key {
                assert!(attributes.contains(attr), "{what}: {ty} has no `{attr}`");
            }
        }
    }
}

#[test]
fn a_target_key_composes_the_target_id_from_the_holder() {
    let own = Relation {
        attr: RelationAttr::ServiceArn,
        targets: &[ResourceType::AppRunnerService],
        first: End::Holder,
        blocks: false,
        required: true,
        target_key: &[],
    };
    let values = |a: &str| match a {
        "service_arn" => Some("arn:svc".to_string()),
        "connection_id" => Some("ns".to_string()),
        _ => None,
    };
    assert_eq!(own.target_id(values).as_deref(), Some("arn:svc"));
    let keyed = Relation {
        target_key: &["service_arn", "connection_id"],
        ..own
    };
    assert_eq!(keyed.target_id(values).as_deref(), Some("arn:svc,ns"));
    let unknown = Relation {
        target_key: &["service_arn", "vpc_connector_arn"],
        ..keyed
    };
    assert_eq!(unknown.target_id(values), None);
}

#[test]
fn a_revision_is_read_from_revisioned_arns_only() {
    let asc = ResourceType::AppRunnerAutoScalingConfiguration;
    let arn = "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/web/12/0abc";
    assert_eq!(asc.revision_of(arn), Some(12));
    assert_eq!(asc.revision_of("web"), None);
    assert_eq!(asc.revision_of("a/b/not-a-number/c"), None);
    let service = "arn:aws:apprunner:us-east-1:123456789012:service/web/0abc";
    assert_eq!(ResourceType::AppRunnerService.revision_of(service), None);
}

#[test]
fn the_name_of_a_revision_is_its_arn_without_revision_and_id() {
    let asc = ResourceType::AppRunnerAutoScalingConfiguration;
    let arn = "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/web/12/0abc";
    assert_eq!(
        asc.name_of_revision(arn),
        Some("arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/web")
    );
    assert_eq!(asc.name_of_revision("a/b/not-a-number/c"), None);
    let service = "arn:aws:apprunner:us-east-1:123456789012:service/web/0abc";
    assert_eq!(
        ResourceType::AppRunnerService.name_of_revision(service),
        None
    );
}
