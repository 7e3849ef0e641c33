"""Configured tables, analysis rules, associations and schemas through boto3 and the aws CLI.

A owns the collaboration and brings a table; B joins and reads the schemas; C is never a member.
Each test builds its own collaboration, since leaving one is permanent.
"""
import json
import unittest
import uuid

import botocore.exceptions

from harness import ServerTestCase

A, B, C = "111111111111", "222222222222", "333333333333"
CUSTOMER_COLUMNS = [{"name": "hashed_email", "type": "VARCHAR"}, {"name": "segment", "type": "VARCHAR"},
                    {"name": "spend", "type": "DOUBLE"}, {"name": "ssn", "type": "VARCHAR"}]
AUDIENCE_COLUMNS = [{"name": "hashed_email", "type": "VARCHAR"}, {"name": "region", "type": "VARCHAR"}]


def role(account):
    return f"arn:aws:iam::{account}:role/cleanrooms-read"


def aggregation(dimensions=("segment",), join=("hashed_email",)):
    return {"v1": {"aggregation": {
        "aggregateColumns": [{"columnNames": ["spend"], "function": "SUM"},
                             {"columnNames": ["hashed_email"], "function": "COUNT_DISTINCT"}],
        "joinColumns": list(join),
        "dimensionColumns": list(dimensions),
        "scalarFunctions": ["TRUNC"],
        "outputConstraints": [{"columnName": "hashed_email", "minimum": 100, "type": "COUNT_DISTINCT"}]}}}


class ConfiguredTablesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds = {a: cls.server.new_account(a, "Account " + a) for a in (A, B, C)}
        cls.cr = {a: cls.server.cleanrooms(c) for a, c in cls.creds.items()}
        cls.upload(A, "sales.customers", CUSTOMER_COLUMNS,
                   ["a1b2,retail,12.5,123-45-6789", "c3d4,travel,40.0,987-65-4321"])
        cls.upload(B, "crm.audience", AUDIENCE_COLUMNS, ["a1b2,north", "e5f6,south"])

    @classmethod
    def upload(cls, account, table, columns, rows):
        """`rows` (CSV lines) under a header of `columns`, declared with their types."""
        spec = ",".join(f"{c['name']}:{c['type']}" for c in columns)
        header = ",".join(c["name"] for c in columns)
        cls.server.upload_csv(account, table, "\n".join([header, *rows]) + "\n",
                              extra_args=("--columns", spec))

    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call(**kwargs)
        return cm.exception.response

    def collaboration(self):
        """A fresh collaboration of A and B, both joined; returns (id, A's membership, B's)."""
        c = self.cr[A].create_collaboration(
            name="tables " + uuid.uuid4().hex[:6], description="d", creatorDisplayName="A",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
            members=[{"accountId": B, "memberAbilities": [], "displayName": "B"}])["collaboration"]
        ms = {a: self.cr[a].create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED")
              ["membership"]["id"] for a in (A, B)}
        return c["id"], ms[A], ms[B]

    def configured_table(self, account=A, db="sales", table="customers",
                         columns=("hashed_email", "segment", "spend")):
        return self.cr[account].create_configured_table(
            name="customers", tableReference={"glue": {"databaseName": db, "tableName": table}},
            allowedColumns=list(columns), analysisMethod="DIRECT_QUERY")["configuredTable"]

    def associate(self, account, membership, table_id, name):
        return self.cr[account].create_configured_table_association(
            membershipIdentifier=membership, configuredTableIdentifier=table_id, name=name,
            roleArn=role(account))["configuredTableAssociation"]

    def test_table_rule_association_then_another_member_sees_the_schema(self):
        collab, ms_a, _ = self.collaboration()
        table = self.configured_table()
        self.assertEqual(table["analysisRuleTypes"], [])
        self.assertEqual(table["tableReference"], {"glue": {"databaseName": "sales", "tableName": "customers"}})
        self.assertTrue(table["arn"].endswith(f":{A}:configuredtable/{table['id']}"))

        rule = self.cr[A].create_configured_table_analysis_rule(
            configuredTableIdentifier=table["id"], analysisRuleType="AGGREGATION",
            analysisRulePolicy=aggregation())["analysisRule"]
        self.assertEqual(rule["policy"], aggregation())
        self.assertEqual(self.cr[A].get_configured_table(configuredTableIdentifier=table["id"])
                         ["configuredTable"]["analysisRuleTypes"], ["AGGREGATION"])

        assoc = self.associate(A, ms_a, table["id"], "customers")
        self.assertEqual(assoc["configuredTableId"], table["id"])
        self.assertEqual(assoc["roleArn"], role(A))
        listed = self.cr[A].list_configured_table_associations(membershipIdentifier=ms_a)
        self.assertEqual([s["id"] for s in listed["configuredTableAssociationSummaries"]], [assoc["id"]])

        summaries = self.cr[B].list_schemas(collaborationIdentifier=collab)["schemaSummaries"]
        self.assertEqual([(s["name"], s["creatorAccountId"], s["analysisRuleTypes"]) for s in summaries],
                         [("customers", A, ["AGGREGATION"])])
        schema = self.cr[B].get_schema(collaborationIdentifier=collab, name="customers")["schema"]
        self.assertEqual(schema["columns"], [{"name": "hashed_email", "type": "VARCHAR"},
                                             {"name": "segment", "type": "VARCHAR"},
                                             {"name": "spend", "type": "DOUBLE"}])
        self.assertEqual(schema["type"], "TABLE")
        self.assertEqual(schema["schemaStatusDetails"][0]["status"], "READY")
        self.assertNotIn("sales", json.dumps(schema, default=str))  # the dataset's own name stays private

        seen = self.cr[B].get_schema_analysis_rule(collaborationIdentifier=collab, name="customers",
                                                   type="AGGREGATION")["analysisRule"]
        self.assertEqual((seen["type"], seen["policy"]), ("AGGREGATION", aggregation()))
        batch = self.cr[B].batch_get_schema(collaborationIdentifier=collab, names=["customers", "nothing"])
        self.assertEqual([s["name"] for s in batch["schemas"]], ["customers"])
        self.assertEqual([(e["name"], e["code"]) for e in batch["errors"]],
                         [("nothing", "ResourceNotFoundException")])
        rules = self.cr[B].batch_get_schema_analysis_rule(
            collaborationIdentifier=collab,
            schemaAnalysisRuleRequests=[{"name": "customers", "type": "AGGREGATION"},
                                        {"name": "customers", "type": "LIST"}])
        self.assertEqual([r["type"] for r in rules["analysisRules"]], ["AGGREGATION"])
        self.assertEqual([(e["name"], e["type"]) for e in rules["errors"]], [("customers", "LIST")])

    def test_the_aws_cli_configures_and_reads_a_table(self):
        collab, ms_a, _ = self.collaboration()
        _, out, _ = self.server.aws(
            self.creds[A], "cleanrooms", "create-configured-table", "--name", "cli table",
            "--table-reference", json.dumps({"glue": {"databaseName": "sales", "tableName": "customers"}}),
            "--allowed-columns", "hashed_email", "segment", "spend", "--analysis-method", "DIRECT_QUERY")
        table_id = out["configuredTable"]["id"]
        self.server.aws(self.creds[A], "cleanrooms", "create-configured-table-analysis-rule",
                        "--configured-table-identifier", table_id, "--analysis-rule-type", "AGGREGATION",
                        "--analysis-rule-policy", json.dumps(aggregation()))
        self.server.aws(self.creds[A], "cleanrooms", "create-configured-table-association",
                        "--membership-identifier", ms_a, "--configured-table-identifier", table_id,
                        "--name", "cli_customers", "--role-arn", role(A))
        _, out, _ = self.server.aws(self.creds[A], "cleanrooms", "list-configured-tables")
        self.assertIn(table_id, [t["id"] for t in out["configuredTableSummaries"]])
        _, out, _ = self.server.aws(self.creds[B], "cleanrooms", "get-schema",
                                    "--collaboration-identifier", collab, "--name", "cli_customers")
        self.assertEqual([c["name"] for c in out["schema"]["columns"]], ["hashed_email", "segment", "spend"])
        code, _, err = self.server.aws(self.creds[B], "cleanrooms", "get-configured-table",
                                       "--configured-table-identifier", table_id, check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("ResourceNotFoundException", err)

    def test_bad_tables_and_rules_are_refused_with_the_reason(self):
        r = self.error(self.cr[A].create_configured_table, name="t",
                       tableReference={"glue": {"databaseName": "sales", "tableName": "missing"}},
                       allowedColumns=["segment"], analysisMethod="DIRECT_QUERY")
        self.assertEqual(r["Error"]["Code"], "ValidationException")
        self.assertIn("sales.missing, which is not a dataset", r["Error"]["Message"])
        r = self.error(self.cr[A].create_configured_table, name="t",
                       tableReference={"glue": {"databaseName": "sales", "tableName": "customers"}},
                       allowedColumns=["segment", "salary"], analysisMethod="DIRECT_QUERY")
        self.assertIn("'salary' is not a column of dataset sales.customers", r["Error"]["Message"])

        table = self.configured_table()
        cases = [
            ("AGGREGATION", aggregation(dimensions=("ssn",)), "column 'ssn'", "is not an allowed column"),
            ("LIST", aggregation(), "analysisRuleType is LIST but the policy is a AGGREGATION rule", ""),
            ("AGGREGATION", aggregation(dimensions=("segment", "hashed_email")),
             "cannot be both a join column and a dimension column", ""),
        ]
        for rule_type, policy, fragment, more in cases:
            with self.subTest(fragment):
                r = self.error(self.cr[A].create_configured_table_analysis_rule,
                               configuredTableIdentifier=table["id"], analysisRuleType=rule_type,
                               analysisRulePolicy=policy)
                self.assertEqual(r["Error"]["Code"], "ValidationException")
                self.assertIn(fragment, r["Error"]["Message"])
                self.assertIn(more, r["Error"]["Message"])
                self.assertTrue(r["fieldList"])
        # Nothing was stored by the refused attempts.
        self.assertEqual(self.cr[A].get_configured_table(configuredTableIdentifier=table["id"])
                         ["configuredTable"]["analysisRuleTypes"], [])

    def test_one_rule_per_table_and_no_delete_while_associated(self):
        _, ms_a, _ = self.collaboration()
        table = self.configured_table()
        self.cr[A].create_configured_table_analysis_rule(
            configuredTableIdentifier=table["id"], analysisRuleType="AGGREGATION", analysisRulePolicy=aggregation())
        r = self.error(self.cr[A].create_configured_table_analysis_rule, configuredTableIdentifier=table["id"],
                       analysisRuleType="AGGREGATION", analysisRulePolicy=aggregation())
        self.assertEqual((r["Error"]["Code"], r["reason"]), ("ConflictException", "ALREADY_EXISTS"))
        assoc = self.associate(A, ms_a, table["id"], "customers")
        r = self.error(self.cr[A].delete_configured_table, configuredTableIdentifier=table["id"])
        self.assertEqual((r["Error"]["Code"], r["reason"]), ("ConflictException", "SUBRESOURCES_EXIST"))
        self.cr[A].delete_configured_table_association(membershipIdentifier=ms_a,
                                                       configuredTableAssociationIdentifier=assoc["id"])
        self.cr[A].delete_configured_table(configuredTableIdentifier=table["id"])
        r = self.error(self.cr[A].get_configured_table, configuredTableIdentifier=table["id"])
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")

    def test_b_cannot_read_or_associate_the_table_of_a(self):
        _, ms_a, ms_b = self.collaboration()
        table = self.configured_table()
        r = self.error(self.cr[B].get_configured_table, configuredTableIdentifier=table["id"])
        self.assertEqual((r["Error"]["Code"], r["resourceType"]), ("ResourceNotFoundException", "CONFIGURED_TABLE"))
        self.assertNotIn(table["id"], [t["id"] for t in
                                       self.cr[B].list_configured_tables()["configuredTableSummaries"]])
        r = self.error(self.cr[B].create_configured_table_analysis_rule, configuredTableIdentifier=table["id"],
                       analysisRuleType="AGGREGATION", analysisRulePolicy=aggregation())
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        # Not into B's own membership, and A not into B's membership either.
        r = self.error(self.cr[B].create_configured_table_association, membershipIdentifier=ms_b,
                       configuredTableIdentifier=table["id"], name="stolen", roleArn=role(B))
        self.assertEqual((r["Error"]["Code"], r["resourceType"]), ("ResourceNotFoundException", "CONFIGURED_TABLE"))
        r = self.error(self.cr[A].create_configured_table_association, membershipIdentifier=ms_b,
                       configuredTableIdentifier=table["id"], name="pushed", roleArn=role(A))
        self.assertEqual((r["Error"]["Code"], r["resourceType"]), ("ResourceNotFoundException", "MEMBERSHIP"))
        # B cannot use the name A's table holds in the collaboration either.
        self.associate(A, ms_a, table["id"], "customers")
        b_table = self.configured_table(account=B, db="crm", table="audience", columns=("hashed_email", "region"))
        r = self.error(self.cr[B].create_configured_table_association, membershipIdentifier=ms_b,
                       configuredTableIdentifier=b_table["id"], name="Customers", roleArn=role(B))
        self.assertEqual((r["Error"]["Code"], r["reason"]), ("ConflictException", "ALREADY_EXISTS"))

    def test_schemas_are_hidden_from_non_members_and_from_a_member_that_left(self):
        collab, ms_a, ms_b = self.collaboration()
        self.associate(A, ms_a, self.configured_table()["id"], "customers")
        b_table = self.configured_table(account=B, db="crm", table="audience", columns=("hashed_email", "region"))
        self.associate(B, ms_b, b_table["id"], "audience")

        r = self.error(self.cr[C].list_schemas, collaborationIdentifier=collab)
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")
        r = self.error(self.cr[C].get_schema, collaborationIdentifier=collab, name="customers")
        self.assertEqual(r["Error"]["Code"], "ResourceNotFoundException")

        self.cr[B].delete_membership(membershipIdentifier=ms_b)
        r = self.error(self.cr[B].list_schemas, collaborationIdentifier=collab)
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException")
        r = self.error(self.cr[B].batch_get_schema, collaborationIdentifier=collab, names=["customers"])
        self.assertEqual(r["Error"]["Code"], "AccessDeniedException")
        names = [s["name"] for s in self.cr[A].list_schemas(collaborationIdentifier=collab)["schemaSummaries"]]
        self.assertEqual(names, ["customers"])  # the leaver's table is gone for everyone
        r = self.error(self.cr[B].create_configured_table_association, membershipIdentifier=ms_b,
                       configuredTableIdentifier=b_table["id"], name="again", roleArn=role(B))
        self.assertEqual((r["Error"]["Code"], r["reason"]), ("ConflictException", "INVALID_STATE"))


if __name__ == "__main__":
    unittest.main()
