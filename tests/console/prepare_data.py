"""Brings impressions into an AMC instance's collaboration for the console's browser test, unless
they are there already (`serve --demo` loads the platform's tables itself): uploads
platform.dsp_impressions as the Advertising Data Provider and, unless the upload published it,
exposes it with an AGGREGATION rule and associates it as `dsp_impressions`. Prints "loaded" when
it brought the data, "present" when it found it. Either way the impressions' advertiser (the demo's
first) is linked to the instance's AMC account and added to the instance, which otherwise reads
none of the platform's rows.

    python3 prepare_data.py impressions DATA_DIR URL INSTANCE_ID

It also gives the advertiser data of its own, for the console's Tables and data page and its
protected query editor: a CRM table uploaded with its email hashed, exposed as configured table
`customers` with an AGGREGATION rule, in a collaboration `Direct analysis` that the advertiser
created with the abilities to query and receive results, joined (results to adv-results/direct)
and associated (the account's keys in CR_ACCESS_KEY_ID and CR_SECRET_ACCESS_KEY):

    python3 prepare_data.py crm DATA_DIR URL ACCOUNT_ID

And a partner's look-alike of the instance's collaboration (see lookalike()):

    python3 prepare_data.py lookalike DATA_DIR URL ACCOUNT_ID:INSTANCE_ID

And change requests for the console's votes (see changes()):

    python3 prepare_data.py changes DATA_DIR URL ACCOUNT_ID
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import harness  # noqa: E402

COLUMNS = ["user_id", "impression_dt_utc", "advertiser_id", "campaign_id", "campaign", "creative",
           "device_type", "impressions", "total_cost"]
# Northwind Outdoor, the first of the demo's advertisers (`serve --demo`); the impressions loaded
# here are its too. An instance reads only the platform events of advertisers linked to it.
ADVERTISER = 5849100001


def impressions_csv():
    rows = [",".join(COLUMNS)]
    # Two campaigns with enough users to pass every threshold, and one with too few.
    for i in range(160):
        rows.append(f"u{i},2025-03-0{1 + i % 7} 10:00:00,{ADVERTISER},1,Spring Sale,banner_a,{'mobile' if i % 2 else 'desktop'},{1 + i % 3},0.{10 + i % 80}")
    for i in range(130):
        rows.append(f"v{i},2025-03-0{1 + i % 7} 12:00:00,{ADVERTISER},2,Summer Launch,video_b,tv,2,0.50")
    for i in range(3):
        rows.append(f"w{i},2025-03-02 09:00:00,{ADVERTISER},3,Tiny Test,banner_c,mobile,1,0.05")
    return "\n".join(rows) + "\n"


def link_advertiser(server, instance_id):
    """The operator links ADVERTISER to the instance's AMC account, and an admin of that account
    adds it to the instance (docs/platform-tables.md, "Advertisers")."""
    import sqlite3
    db = sqlite3.connect(os.path.join(server.data_dir, "meta.db"))
    try:
        (amc_account,) = db.execute("SELECT advertiser_id FROM instances WHERE instance_id = ?",
                                    (instance_id,)).fetchone()
    finally:
        db.close()
    server.link_advertiser(amc_account, ADVERTISER)
    admin = server.new_user(f"advertisers-{instance_id}@example.com", amc_account=amc_account)
    harness.AmcUser(server, admin, amc_account).add_advertisers(instance_id, ADVERTISER)


def impressions(server, instance_id):
    link_advertiser(server, instance_id)
    provider = server.platform_account("ADVERTISING_DATA_PROVIDER")
    cr = server.cleanrooms(provider)
    collab = next(c for c in cr.list_collaborations(memberStatus="ACTIVE")["collaborationList"]
                  if c["name"] == "AMC " + instance_id)

    def present():
        schemas = cr.list_schemas(collaborationIdentifier=collab["id"])["schemaSummaries"]
        return any(s["name"] == "dsp_impressions" for s in schemas)

    if present():
        print("present")
        return
    print("loaded")
    server.upload_csv(provider["accountId"], "platform.dsp_impressions", impressions_csv())
    if present():
        return  # the upload published it (the platform's tables are associated on commit)
    tables = cr.list_configured_tables()["configuredTableSummaries"]
    table = next((t for t in tables if t["name"] == "dsp_impressions"), None)
    if table is None:
        table = cr.create_configured_table(
            name="dsp_impressions",
            tableReference={"glue": {"databaseName": "platform", "tableName": "dsp_impressions"}},
            allowedColumns=COLUMNS, analysisMethod="DIRECT_QUERY")["configuredTable"]
        cr.create_configured_table_analysis_rule(
            configuredTableIdentifier=table["id"], analysisRuleType="AGGREGATION",
            analysisRulePolicy={"v1": {"aggregation": {
                "aggregateColumns": [{"columnNames": ["impressions", "total_cost"], "function": "SUM"},
                                     {"columnNames": ["user_id"], "function": "COUNT_DISTINCT"}],
                "joinColumns": ["user_id"],
                "dimensionColumns": ["impression_dt_utc", "advertiser_id", "campaign_id", "campaign", "creative",
                                     "device_type"],
                "scalarFunctions": [],
                "outputConstraints": [{"columnName": "user_id", "minimum": 2,
                                       "type": "COUNT_DISTINCT"}]}}})
    membership = next(m["id"] for m in cr.list_memberships(status="ACTIVE")["membershipSummaries"]
                      if m["collaborationId"] == collab["id"])
    cr.create_configured_table_association(
        membershipIdentifier=membership, configuredTableIdentifier=table["id"],
        name="dsp_impressions", roleArn=f"arn:aws:iam::{provider['accountId']}:role/cleanrooms")


def crm(server, account_id):
    rows = ["email,segment,lifetime_value"] + [
        f"customer{i}@example.com,{'gold' if i % 3 == 0 else 'silver'},{100 + i}" for i in range(40)]
    server.upload_csv(account_id, "crm.customers", "\n".join(rows) + "\n", pii="email:email")
    cr = server.cleanrooms({"accessKeyId": os.environ["CR_ACCESS_KEY_ID"],
                            "secretAccessKey": os.environ["CR_SECRET_ACCESS_KEY"]})
    table = cr.create_configured_table(
        name="customers", description="CRM customers, email hashed",
        tableReference={"glue": {"databaseName": "crm", "tableName": "customers"}},
        allowedColumns=["email", "segment"], analysisMethod="DIRECT_QUERY")["configuredTable"]
    cr.create_configured_table_analysis_rule(
        configuredTableIdentifier=table["id"], analysisRuleType="AGGREGATION",
        analysisRulePolicy={"v1": {"aggregation": {
            "aggregateColumns": [{"columnNames": ["email"], "function": "COUNT_DISTINCT"}],
            "joinColumns": ["email"], "dimensionColumns": ["segment"], "scalarFunctions": [],
            "outputConstraints": [{"columnName": "email", "minimum": 2, "type": "COUNT_DISTINCT"}]}}})
    # Results go only to a bucket the account owns (docs/operations.md, "Bucket ownership"); giving
    # it again to its owner is no error.
    server.new_bucket(account_id, "adv-results")
    collab = cr.create_collaboration(
        name="Direct analysis", description="The advertiser's own collaboration, to query its CRM",
        creatorDisplayName="Advertiser A", creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
        members=[], queryLogStatus="ENABLED")["collaboration"]
    membership = cr.create_membership(
        collaborationIdentifier=collab["id"], queryLogStatus="ENABLED",
        defaultResultConfiguration={"outputConfiguration": {"s3": {
            "bucket": "adv-results", "keyPrefix": "direct", "resultFormat": "CSV"}}})["membership"]
    cr.create_configured_table_association(
        membershipIdentifier=membership["id"], configuredTableIdentifier=table["id"],
        name="customers", roleArn=f"arn:aws:iam::{account_id}:role/cleanrooms")


# Right-to-left letters, then digits and neutrals: without isolation they would reorder the text
# that follows them on the page.
LOOKALIKE_NAME = "\u05e9\u05d9\u05ea\u05d5\u05e3 (2025) -"


def lookalike(server, arg):
    """A partner's attempt at a collaboration that passes for the AMC instance's: the reserved
    name is refused; it invites the advertiser to one with a right-to-left name instead. Prints
    the refusal's message and the collaboration's id as JSON (the partner's keys in CR_*)."""
    import json
    from botocore.exceptions import ClientError
    account_id, instance_id = arg.split(":")
    cr = server.cleanrooms({"accessKeyId": os.environ["CR_ACCESS_KEY_ID"],
                            "secretAccessKey": os.environ["CR_SECRET_ACCESS_KEY"]})
    invite = [{"accountId": account_id, "displayName": "Advertiser A",
               "memberAbilities": ["CAN_RECEIVE_RESULTS"]}]
    try:
        cr.create_collaboration(name="AMC " + instance_id, description="AMC Clean Room collaboration for instance "
                                + instance_id, creatorDisplayName="AMC service", creatorMemberAbilities=[],
                                members=invite, queryLogStatus="ENABLED")
        refused = None
    except ClientError as e:
        refused = e.response["Error"]["Message"]
    collab = cr.create_collaboration(name=LOOKALIKE_NAME, description="A partner's collaboration",
                                     creatorDisplayName="Partner P", creatorMemberAbilities=["CAN_QUERY"],
                                     members=invite, queryLogStatus="ENABLED")["collaboration"]
    print(json.dumps({"refused": refused, "id": collab["id"], "name": LOOKALIKE_NAME}))


def changes(server, account_id):
    """Change requests on both sides of the vote. The partner (keys in CR_*) creates `Partner
    changes` with the advertiser (keys in CR_MEMBER_*) as a member, both join, and it proposes two new
    members, each waiting for the advertiser's vote. In `Direct analysis`, where the advertiser
    is the only member, its own request is APPROVED at once and waits for its commit. Prints the
    ids, ARNs and the API's refusals of what the advertiser may not do, as JSON."""
    import json
    from botocore.exceptions import ClientError
    partner = server.cleanrooms({"accessKeyId": os.environ["CR_ACCESS_KEY_ID"],
                                 "secretAccessKey": os.environ["CR_SECRET_ACCESS_KEY"]})
    member = server.cleanrooms({"accessKeyId": os.environ["CR_MEMBER_ACCESS_KEY_ID"],
                                "secretAccessKey": os.environ["CR_MEMBER_SECRET_ACCESS_KEY"]})
    collab = partner.create_collaboration(
        name="Partner changes", description="A partner's collaboration whose members change",
        creatorDisplayName="Partner P", creatorMemberAbilities=["CAN_QUERY"],
        members=[{"accountId": account_id, "displayName": "Advertiser A",
                  "memberAbilities": ["CAN_RECEIVE_RESULTS"]}],
        queryLogStatus="ENABLED")["collaboration"]
    # The creator requests changes as an active member; the advertiser votes as one.
    partner.create_membership(collaborationIdentifier=collab["id"], queryLogStatus="ENABLED")
    member.create_membership(
        collaborationIdentifier=collab["id"], queryLogStatus="ENABLED",
        defaultResultConfiguration={"outputConfiguration": {"s3": {
            "bucket": "adv-results", "keyPrefix": "partner", "resultFormat": "CSV"}}})

    def add(client, collaboration_id, account):
        return client.create_collaboration_change_request(
            collaborationIdentifier=collaboration_id,
            changes=[{"specificationType": "MEMBER", "specification": {"member": {
                "accountId": account, "memberAbilities": [], "displayName": "Data partner " + account[-2:]}}}],
        )["collaborationChangeRequest"]

    approve = add(partner, collab["id"], "682015433333")
    deny = add(partner, collab["id"], "682015444444")
    direct = next(c for c in member.list_collaborations(memberStatus="ACTIVE")["collaborationList"]
                  if c["name"] == "Direct analysis")
    own = add(member, direct["id"], "682015455555")

    def refusal(call):
        try:
            call()
        except ClientError as e:
            return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"],
                    "status": e.response["ResponseMetadata"]["HTTPStatusCode"]}
        return None

    print(json.dumps({
        "collaborationId": collab["id"], "collaborationArn": collab["arn"],
        "approveId": approve["id"], "denyId": deny["id"], "ownId": own["id"], "ownStatus": own["status"],
        "directId": direct["id"],
        # What the API answers the advertiser, for the console to answer the same.
        "commitRefused": refusal(lambda: member.update_collaboration_change_request(
            collaborationIdentifier=collab["id"], changeRequestIdentifier=approve["id"], action="COMMIT")),
        "tagsRefused": refusal(lambda: member.list_tags_for_resource(resourceArn=collab["arn"])),
    }))


if __name__ == "__main__":
    what, data_dir, url, arg = sys.argv[1:5]
    server = harness.Server(data_dir=data_dir)
    server.url = url
    {"impressions": impressions, "crm": crm, "lookalike": lookalike, "changes": changes}[what](server, arg)
