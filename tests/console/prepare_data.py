"""Brings impressions into an AMC instance's collaboration for the console's browser test, unless
they are there already (`serve --demo` loads the platform's tables itself): uploads
platform.dsp_impressions as the Advertising Data Provider and, unless the upload published it,
exposes it with an AGGREGATION rule and associates it as `dsp_impressions`. Prints "loaded" when
it brought the data, "present" when it found it.

    python3 prepare_data.py impressions DATA_DIR URL INSTANCE_ID

It also gives the advertiser data of its own, for the console's Tables and data page and its
protected query editor: a CRM table uploaded with its email hashed, exposed as configured table
`customers` with an AGGREGATION rule, in a collaboration `Direct analysis` that the advertiser
created with the abilities to query and receive results, joined (results to adv-results/direct)
and associated (the account's keys in CR_ACCESS_KEY_ID and CR_SECRET_ACCESS_KEY):

    python3 prepare_data.py crm DATA_DIR URL ACCOUNT_ID
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
import harness  # noqa: E402

COLUMNS = ["user_id", "impression_dt_utc", "campaign_id", "campaign", "creative", "device_type",
           "impressions", "total_cost"]


def impressions_csv():
    rows = [",".join(COLUMNS)]
    # Two campaigns with enough users to pass every threshold, and one with too few.
    for i in range(160):
        rows.append(f"u{i},2025-03-0{1 + i % 7} 10:00:00,1,Spring Sale,banner_a,{'mobile' if i % 2 else 'desktop'},{1 + i % 3},0.{10 + i % 80}")
    for i in range(130):
        rows.append(f"v{i},2025-03-0{1 + i % 7} 12:00:00,2,Summer Launch,video_b,tv,2,0.50")
    for i in range(3):
        rows.append(f"w{i},2025-03-02 09:00:00,3,Tiny Test,banner_c,mobile,1,0.05")
    return "\n".join(rows) + "\n"


def impressions(server, instance_id):
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
                "dimensionColumns": ["impression_dt_utc", "campaign_id", "campaign", "creative",
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


if __name__ == "__main__":
    what, data_dir, url, arg = sys.argv[1:5]
    server = harness.Server(data_dir=data_dir)
    server.url = url
    {"impressions": impressions, "crm": crm}[what](server, arg)
