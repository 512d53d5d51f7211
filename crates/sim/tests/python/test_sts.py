"""boto3's STS client against `decom sim`: caller identity, AssumeRole into
another account (whose credentials see and create only there), expiry on
the simulator's clock, STS's validation errors, and the `account` of
`--state` entries and audit lines.

The simulator runs with `--time-scale 0.001`: a 15-minute session lasts 0.9 s.
"""

import json

import pytest
from botocore.exceptions import ClientError

from simtools import client, running_sim, wait_for

BASE = "123456789012"
OTHER = "210987654321"
ROLE = f"arn:aws:iam::{OTHER}:role/ops/decom-deleter"


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    """The endpoint and audit log of a simulator seeded with a service, a
    DX connection and a Supply Chain instance named `shared` in each account."""
    tmp = tmp_path_factory.mktemp("sts")
    state, audit = tmp / "state.json", tmp / "audit.jsonl"
    resources = [
        {"type": t, "name": "shared", **({"account": OTHER} if account == OTHER else {})}
        for account in (BASE, OTHER)
        for t in ("aws_apprunner_service", "aws_dx_connection", "aws_supplychain_instance")
    ]
    state.write_text(json.dumps({"resources": resources}))
    with running_sim("--time-scale", "0.001", "--state", str(state), "--audit-log", str(audit)) as url:
        yield url, audit


def assume(endpoint, seconds=3600):
    out = client("sts", endpoint).assume_role(
        RoleArn=ROLE, RoleSessionName="py-run", DurationSeconds=seconds, ExternalId="ext-1"
    )
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{OTHER}:assumed-role/decom-deleter/py-run"
    assert out["AssumedRoleUser"]["AssumedRoleId"].startswith("AROA")
    c = out["Credentials"]
    assert c["AccessKeyId"].startswith("ASIA")
    assert c["Expiration"].year >= 2024
    return {
        "aws_access_key_id": c["AccessKeyId"],
        "aws_secret_access_key": c["SecretAccessKey"],
        "aws_session_token": c["SessionToken"],
    }


def code(e):
    return e.value.response["Error"]["Code"]


def http_status(e):
    return e.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_base_keys_act_in_the_server_account(sim):
    endpoint, _ = sim
    me = client("sts", endpoint).get_caller_identity()
    assert me["Account"] == BASE
    assert me["Arn"] == f"arn:aws:iam::{BASE}:user/decom-sim"
    assert me["UserId"].startswith("AIDA")


def test_an_assumed_role_sees_and_creates_only_in_its_account(sim):
    endpoint, _ = sim
    session = assume(endpoint)
    assert client("sts", endpoint, credentials=session).get_caller_identity()["Account"] == OTHER

    ar, ar_base = client("apprunner", endpoint, credentials=session), client("apprunner", endpoint)
    (theirs,) = ar.list_services()["ServiceSummaryList"]
    (ours,) = ar_base.list_services()["ServiceSummaryList"]
    assert f":{OTHER}:service/shared/" in theirs["ServiceArn"]
    assert f":{BASE}:service/shared/" in ours["ServiceArn"]
    with pytest.raises(ar.exceptions.ResourceNotFoundException):
        ar.describe_service(ServiceArn=ours["ServiceArn"])
    made = ar.create_vpc_connector(VpcConnectorName="role-conn", Subnets=["subnet-1"])["VpcConnector"]
    assert f":{OTHER}:vpcconnector/role-conn/1/" in made["VpcConnectorArn"]
    assert ar_base.list_vpc_connectors()["VpcConnectors"] == []

    dx, dx_base = client("directconnect", endpoint, credentials=session), client("directconnect", endpoint)
    (conn,) = dx.describe_connections()["connections"]
    (base_conn,) = dx_base.describe_connections()["connections"]
    assert conn["ownerAccount"] == OTHER and base_conn["ownerAccount"] == BASE
    with pytest.raises(dx.exceptions.DirectConnectClientException):
        dx.describe_connections(connectionId=base_conn["connectionId"])

    scn, scn_base = client("supplychain", endpoint, credentials=session), client("supplychain", endpoint)
    (inst,) = scn.list_instances()["instances"]
    (base_inst,) = scn_base.list_instances()["instances"]
    assert inst["awsAccountId"] == OTHER and base_inst["awsAccountId"] == BASE
    with pytest.raises(scn.exceptions.ResourceNotFoundException):
        scn.get_instance(instanceId=base_inst["instanceId"])
    new = scn.create_instance(instanceName="role-scn")["instance"]
    assert new["awsAccountId"] == OTHER
    assert [i["instanceName"] for i in scn_base.list_instances()["instances"]] == ["shared"]


def test_expired_credentials_are_refused(sim):
    endpoint, _ = sim
    session = assume(endpoint, seconds=900)
    ar = client("apprunner", endpoint, credentials=session)

    def expired():
        try:
            ar.list_services()
            return None
        except ClientError as e:
            return e

    err = wait_for(expired, "the session to expire")
    assert err.response["Error"]["Code"] == "ExpiredTokenException"
    assert err.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        client("supplychain", endpoint, credentials=session).list_instances()
    assert (code(e), http_status(e)) == ("ExpiredTokenException", 403)
    with pytest.raises(ClientError) as e:
        client("sts", endpoint, credentials=session).get_caller_identity()
    assert (code(e), http_status(e)) == ("ExpiredToken", 403)


def test_bad_assume_role_inputs_are_validation_errors(sim):
    endpoint, _ = sim
    # botocore checks minimums itself; switched off, STS's own checks answer.
    sts = client("sts", endpoint, parameter_validation=False)
    cases = [
        ({"RoleArn": ROLE, "RoleSessionName": "has space"}, "Member must satisfy regular expression pattern"),
        ({"RoleArn": ROLE, "RoleSessionName": "x"}, "Member must have length greater than or equal to 2"),
        ({"RoleArn": ROLE, "RoleSessionName": "ok", "DurationSeconds": 60}, "greater than or equal to 900"),
        ({"RoleArn": ROLE, "RoleSessionName": "ok", "DurationSeconds": 43201}, "less than or equal to 43200"),
        ({"RoleArn": f"arn:aws:iam::{OTHER}:user/someone", "RoleSessionName": "ok"}, "Request ARN is invalid"),
    ]
    for params, message in cases:
        with pytest.raises(ClientError) as e:
            sts.assume_role(**params)
        assert (code(e), http_status(e)) == ("ValidationError", 400), params
        assert message in e.value.response["Error"]["Message"], e.value.response["Error"]["Message"]


def test_audit_lines_name_the_account(sim):
    _, audit = sim
    lines = [json.loads(line) for line in audit.read_text().splitlines()]
    assert lines and all("account" in line for line in lines)
    creates = [(l["operation"], l["account"]) for l in lines if l["operation"].startswith("Create")]
    assert ("CreateVpcConnector", OTHER) in creates and ("CreateInstance", OTHER) in creates
    sts_calls = {(l["operation"], l["account"]) for l in lines if l["service"] == "sts"}
    assert ("GetCallerIdentity", BASE) in sts_calls and ("AssumeRole", BASE) in sts_calls
    assert ("GetCallerIdentity", OTHER) in sts_calls
