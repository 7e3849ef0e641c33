"""ID namespaces and ID mapping tables through boto3 (docs/id-mapping-tables.md): the 13 operations,
each success and refusal, the mapping as an ID_MAPPING_TABLE schema, queries joined through it,
and the attacks of a member that controls its own identity rows."""
import csv
import io
import os
import re

import botocore.exceptions

from harness import ServerTestCase

A, B, C, D, E = "111111111111", "222222222222", "333333333333", "444444444444", "555555555555"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
OTHER_TABLE = "00000000-0000-4000-8000-000000000000"

OVERLAP = ("SELECT p.segment, COUNT(DISTINCT a.bid) AS users FROM purchases p "
           "JOIN {m} m ON p.cid = m.source_id JOIN audience a ON a.bid = m.target_id "
           "GROUP BY p.segment")
MATCHED = ("SELECT COUNT(DISTINCT m.source_id) AS matched FROM purchases p "
           "JOIN {m} m ON p.cid = m.source_id JOIN audience a ON a.bid = m.target_id")


def aggregation(join, dimension, minimum, extra=()):
    return {"v1": {"aggregation": {
        "aggregateColumns": [{"columnNames": [join], "function": "COUNT_DISTINCT"}, *extra],
        "joinColumns": [join], "dimensionColumns": [dimension], "scalarFunctions": [],
        "outputConstraints": [{"columnName": join, "minimum": minimum, "type": "COUNT_DISTINCT"}]}}}


def namespace_arn(account, kind, table_id, region="us-east-1"):
    return f"arn:aws:entityresolution:{region}:{account}:idnamespace/{kind}-{table_id}"


def workflow_arn(account, source, target):
    return f"arn:aws:entityresolution:us-east-1:{account}:idmappingworkflow/{source}/{target}"


class IdMappingTablesTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds, cls.cr = cls.server.accounts(A, B, C, D, E)
        cls.server.new_bucket(A, "a-results")
        up = cls.server.upload_csv
        up(A, "crm.ids", "cid,email\nc1,ann@example.com\nc2,bob@example.com\nc3,cy@example.com\n"
           "c4,dee@example.com\nc5,eve@example.com\nc6,fay@example.com\n", "email:email")
        up(A, "crm.purchases", "cid,segment,amount\nc1,gold,10\nc2,gold,20\nc3,gold,30\nc4,gold,40\n"
           "c5,silver,5\nc6,silver,6\n")
        up(A, "crm.one", "cid,email\nc1,ann@example.com\n", "email:email")
        up(A, "crm.two_ids", "cid,other,email\nc1,x,ann@example.com\n", "email:email")
        up(A, "crm.no_identity", "cid,note\nc1,x\n")
        up(B, "b.ids", "bid,email\nb1,Ann@Example.com\nb2,bob@example.com\nb3,cy@example.com\n"
           "b4,zed@example.com\nb5,eve@example.com\nb6,yan@example.com\n", "email:email")
        up(B, "b.ids2", "bid,email\nb1,ann@example.com\n", "email:email")
        up(B, "b.audience", "bid,interest\nb1,golf\nb2,golf\nb3,tennis\nb4,golf\nb5,golf\nb6,tennis\n")
        c = cls.cr[A].create_collaboration(
            name="idmap", description="d", creatorDisplayName="A",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="ENABLED",
            members=[{"accountId": B, "memberAbilities": [], "displayName": "B"},
                     {"accountId": D, "memberAbilities": [], "displayName": "D"},
                     # E is invited and never joins.
                     {"accountId": E, "memberAbilities": [], "displayName": "E"}])["collaboration"]
        cls.collaboration_id = c["id"]
        cls.ms = {}
        cls.ms[A] = cls.cr[A].create_membership(
            collaborationIdentifier=c["id"], queryLogStatus="ENABLED",
            defaultResultConfiguration={"outputConfiguration": {"s3": {
                "bucket": "a-results", "keyPrefix": "q", "resultFormat": "CSV"}}})["membership"]["id"]
        for acct in (B, D):
            cls.ms[acct] = cls.cr[acct].create_membership(
                collaborationIdentifier=c["id"], queryLogStatus="ENABLED")["membership"]["id"]
        cls.tables = {}
        for acct, db, table, cols in [(A, "crm", "ids", ["cid", "email"]),
                                      (A, "crm", "one", ["cid", "email"]),
                                      (A, "crm", "two_ids", ["cid", "other", "email"]),
                                      (A, "crm", "no_identity", ["cid"]),
                                      (B, "b", "ids", ["bid", "email"]),
                                      (B, "b", "ids2", ["bid", "email"])]:
            cls.tables[(acct, table)] = cls.configured(acct, db, table, cols)
        purchases = cls.configured(A, "crm", "purchases", ["cid", "segment", "amount"])
        cls.rule_and_associate(A, purchases, "purchases", aggregation(
            "cid", "segment", 2, [{"columnNames": ["amount"], "function": "SUM"}]))
        audience = cls.configured(B, "b", "audience", ["bid", "interest"])
        cls.rule_and_associate(B, audience, "audience", aggregation("bid", "interest", 3))
        cls.ns_a = cls.associate_namespace(A, "source", cls.tables[(A, "ids")], "A ids")
        cls.ns_b = cls.associate_namespace(B, "target", cls.tables[(B, "ids")], "B ids")
        # A SOURCE namespace over A's one-identity table, for the attacks.
        cls.ns_probe = cls.associate_namespace(A, "source", cls.tables[(A, "one")], "probe")
        cls.mapping = cls.create_mapping(A, "idmap", cls.ns_a["id"], cls.ns_b["id"])
        cls.cr[A].populate_id_mapping_table(membershipIdentifier=cls.ms[A],
                                            idMappingTableIdentifier=cls.mapping["id"])

    # --- setup helpers ---------------------------------------------------------------------------
    @classmethod
    def configured(cls, account, db, table, columns):
        return cls.cr[account].create_configured_table(
            name=f"{db}_{table}", tableReference={"glue": {"databaseName": db, "tableName": table}},
            allowedColumns=columns, analysisMethod="DIRECT_QUERY")["configuredTable"]["id"]

    @classmethod
    def rule_and_associate(cls, account, table_id, name, rule):
        cls.cr[account].create_configured_table_analysis_rule(
            configuredTableIdentifier=table_id, analysisRuleType="AGGREGATION", analysisRulePolicy=rule)
        cls.cr[account].create_configured_table_association(
            membershipIdentifier=cls.ms[account], configuredTableIdentifier=table_id, name=name,
            roleArn=f"arn:aws:iam::{account}:role/cleanrooms")

    @classmethod
    def associate_namespace(cls, account, kind, table_id, name, **extra):
        return cls.cr[account].create_id_namespace_association(
            membershipIdentifier=cls.ms[account], name=name,
            inputReferenceConfig={"inputReferenceArn": namespace_arn(account, kind, table_id),
                                  "manageResourcePolicies": True}, **extra)["idNamespaceAssociation"]

    @classmethod
    def create_mapping(cls, account, name, source, target, **extra):
        return cls.cr[account].create_id_mapping_table(
            membershipIdentifier=cls.ms[account], name=name,
            inputReferenceConfig={"inputReferenceArn": workflow_arn(account, source, target),
                                  "manageResourcePolicies": True}, **extra)["idMappingTable"]

    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call(**kwargs)
        return cm.exception.response

    def refused(self, code, call, **kwargs):
        err = self.error(call, **kwargs)
        self.assertEqual(err["Error"]["Code"], code, err)
        return err

    def run_query(self, sql):
        started = self.cr[A].start_protected_query(
            type="SQL", membershipIdentifier=self.ms[A],
            sqlParameters={"queryString": sql})["protectedQuery"]
        q = self.finished_query(self.cr[A], self.ms[A], started)
        self.assertEqual(q["status"], "SUCCESS", q.get("error"))
        location = q["result"]["output"]["s3"]["location"]
        with open(os.path.join(self.server.data_dir, "buckets", location[5:])) as f:
            return list(csv.reader(io.StringIO(f.read())))

    def mapping_file(self, mapping_id):
        """The populated mapping's bytes, as the operator (and only the operator) can read them."""
        folder = os.path.join(self.server.data_dir, "idmappings", self.collaboration_id, mapping_id)
        files = [f for f in os.listdir(folder) if f.endswith(".parquet")]
        self.assertEqual(len(files), 1, files)  # the previous mapping is removed
        with open(os.path.join(folder, files[0]), "rb") as f:
            return f.read()

    def populate(self, mapping_id, account=A):
        return self.cr[account].populate_id_mapping_table(
            membershipIdentifier=self.ms[account], idMappingTableIdentifier=mapping_id)

    # --- ID namespace associations ---------------------------------------------------------------
    def test_namespace_association_create_get_list_update_delete(self):
        a = self.ns_a
        self.assertRegex(a["id"], UUID)
        self.assertEqual(a["arn"], f"arn:aws:cleanrooms:us-east-1:{A}:membership/{self.ms[A]}"
                                   f"/idnamespaceassociation/{a['id']}")
        self.assertEqual((a["membershipId"], a["collaborationId"]), (self.ms[A], self.collaboration_id))
        self.assertEqual(a["inputReferenceProperties"]["idNamespaceType"], "SOURCE")
        self.assertEqual(self.ns_b["inputReferenceProperties"]["idNamespaceType"], "TARGET")
        got = self.cr[A].get_id_namespace_association(
            membershipIdentifier=self.ms[A], idNamespaceAssociationIdentifier=a["id"])
        self.assertEqual(got["idNamespaceAssociation"]["name"], "A ids")
        listed = self.cr[A].list_id_namespace_associations(membershipIdentifier=self.ms[A])
        self.assertIn(a["id"], [s["id"] for s in listed["idNamespaceAssociationSummaries"]])
        # A new one, changed and deleted.
        n = self.associate_namespace(A, "target", self.tables[(A, "one")], "probe target",
                                     description="first")
        updated = self.cr[A].update_id_namespace_association(
            membershipIdentifier=self.ms[A], idNamespaceAssociationIdentifier=n["id"],
            name="renamed", description="second",
            idMappingConfig={"allowUseAsDimensionColumn": False})["idNamespaceAssociation"]
        self.assertEqual((updated["name"], updated["description"]), ("renamed", "second"))
        self.assertEqual(updated["idMappingConfig"], {"allowUseAsDimensionColumn": False})
        self.cr[A].delete_id_namespace_association(membershipIdentifier=self.ms[A],
                                                   idNamespaceAssociationIdentifier=n["id"])
        self.refused("ResourceNotFoundException", self.cr[A].get_id_namespace_association,
                     membershipIdentifier=self.ms[A], idNamespaceAssociationIdentifier=n["id"])

    def test_every_member_reads_the_collaborations_namespace_associations(self):
        for acct in (B, D):
            got = self.cr[acct].get_collaboration_id_namespace_association(
                collaborationIdentifier=self.collaboration_id,
                idNamespaceAssociationIdentifier=self.ns_a["id"])["collaborationIdNamespaceAssociation"]
            self.assertEqual((got["creatorAccountId"], got["inputReferenceProperties"]["idNamespaceType"]),
                             (A, "SOURCE"))
            listed = self.cr[acct].list_collaboration_id_namespace_associations(
                collaborationIdentifier=self.collaboration_id)
            ids = {s["id"]: s for s in listed["collaborationIdNamespaceAssociationSummaries"]}
            self.assertEqual(ids[self.ns_b["id"]]["creatorAccountId"], B)
        # paging
        page = self.cr[A].list_collaboration_id_namespace_associations(
            collaborationIdentifier=self.collaboration_id, maxResults=1)
        self.assertEqual(len(page["collaborationIdNamespaceAssociationSummaries"]), 1)
        self.assertIn("nextToken", page)
        # a non-member learns nothing
        for call, kw in [(self.cr[C].get_collaboration_id_namespace_association,
                          {"idNamespaceAssociationIdentifier": self.ns_a["id"]}),
                         (self.cr[C].list_collaboration_id_namespace_associations, {})]:
            self.refused("ResourceNotFoundException", call,
                         collaborationIdentifier=self.collaboration_id, **kw)
        # a member that has not joined is denied
        for call, kw in [(self.cr[E].get_collaboration_id_namespace_association,
                          {"idNamespaceAssociationIdentifier": self.ns_a["id"]}),
                         (self.cr[E].list_collaboration_id_namespace_associations, {}),
                         (self.cr[E].list_schemas, {"schemaType": "ID_MAPPING_TABLE"}),
                         (self.cr[E].get_schema, {"name": "idmap"})]:
            self.refused("AccessDeniedException", call, collaborationIdentifier=self.collaboration_id, **kw)
        self.refused("ResourceNotFoundException", self.cr[A].get_collaboration_id_namespace_association,
                     collaborationIdentifier=self.collaboration_id, idNamespaceAssociationIdentifier=OTHER_TABLE)

    def test_a_namespace_of_another_account_is_refused_in_the_same_words_whether_it_exists_or_not(self):
        def attempt(arn):
            return self.refused("AccessDeniedException", self.cr[A].create_id_namespace_association,
                                membershipIdentifier=self.ms[A], name="x",
                                inputReferenceConfig={"inputReferenceArn": arn,
                                                      "manageResourcePolicies": False})
        existing = attempt(namespace_arn(B, "source", self.tables[(B, "ids")]))
        missing = attempt(namespace_arn(B, "source", OTHER_TABLE))
        own_missing = attempt(namespace_arn(A, "source", OTHER_TABLE))
        self.assertEqual(existing["message"], missing["message"])
        self.assertEqual(existing["message"], own_missing["message"])
        self.assertNotIn(self.tables[(B, "ids")], existing["message"])

    def test_namespace_association_refusals(self):
        create = self.cr[A].create_id_namespace_association

        def ref(arn):
            return {"inputReferenceArn": arn, "manageResourcePolicies": False}
        table = self.tables[(A, "ids")]
        # our form of ARN (the model's pattern passes, ours does not), other regions
        err = self.refused("ValidationException", create, membershipIdentifier=self.ms[A], name="x",
                           inputReferenceConfig=ref(f"arn:aws:entityresolution:us-east-1:{A}:idnamespace/mine"))
        self.assertIn("idnamespace/{source|target}-", err["message"])
        self.refused("ValidationException", create, membershipIdentifier=self.ms[A], name="x",
                     inputReferenceConfig=ref(namespace_arn(A, "source", table, region="eu-west-1")))
        # the model's own pattern
        self.refused("ValidationException", create, membershipIdentifier=self.ms[A], name="x",
                     inputReferenceConfig=ref(f"arn:aws:glue:us-east-1:{A}:table/crm/ids"))
        # tables matching cannot read
        for t, words in [("two_ids", "exactly one column that is not an identity"),
                         ("no_identity", "nothing to match on")]:
            err = self.refused("ValidationException", create, membershipIdentifier=self.ms[A], name="x",
                               inputReferenceConfig=ref(namespace_arn(A, "source", self.tables[(A, t)])))
            self.assertIn(words, err["message"])
            self.assertEqual(err["reason"], "INVALID_CONFIGURATION")
        # the mapping's ids are never dimensions
        err = self.refused("ValidationException", create, membershipIdentifier=self.ms[A], name="x",
                           inputReferenceConfig=ref(namespace_arn(A, "source", table)),
                           idMappingConfig={"allowUseAsDimensionColumn": True})
        self.assertIn("VERY_HIGH", err["message"])
        # the same namespace twice
        err = self.refused("ConflictException", create, membershipIdentifier=self.ms[A], name="x",
                           inputReferenceConfig=ref(namespace_arn(A, "source", table)))
        self.assertEqual((err["reason"], err["resourceId"]), ("ALREADY_EXISTS", self.ns_a["id"]))
        # another account's membership does not exist for the caller
        self.refused("ResourceNotFoundException", create, membershipIdentifier=self.ms[B], name="x",
                     inputReferenceConfig=ref(namespace_arn(A, "source", table)))
        # another membership's association through one's own membership
        for call in (self.cr[B].get_id_namespace_association, self.cr[B].delete_id_namespace_association):
            self.refused("ResourceNotFoundException", call, membershipIdentifier=self.ms[B],
                         idNamespaceAssociationIdentifier=self.ns_a["id"])
        self.refused("ResourceNotFoundException", self.cr[B].update_id_namespace_association,
                     membershipIdentifier=self.ms[B], idNamespaceAssociationIdentifier=self.ns_a["id"],
                     name="stolen")
        self.refused("ResourceNotFoundException", self.cr[B].list_id_namespace_associations,
                     membershipIdentifier=self.ms[A])
        err = self.refused("ValidationException", self.cr[A].update_id_namespace_association,
                           membershipIdentifier=self.ms[A], idNamespaceAssociationIdentifier=self.ns_a["id"],
                           idMappingConfig={"allowUseAsDimensionColumn": True})
        self.assertIn("VERY_HIGH", err["message"])
        # a namespace an ID mapping table reads stays
        err = self.refused("ConflictException", self.cr[B].delete_id_namespace_association,
                           membershipIdentifier=self.ms[B], idNamespaceAssociationIdentifier=self.ns_b["id"])
        self.assertEqual(err["reason"], "SUBRESOURCES_EXIST")

    # --- ID mapping tables ---------------------------------------------------------------------
    def test_id_mapping_table_create_get_list_update_delete(self):
        m = self.mapping
        self.assertEqual(m["arn"], f"arn:aws:cleanrooms:us-east-1:{A}:membership/{self.ms[A]}"
                                   f"/idmappingtable/{m['id']}")
        self.assertEqual(m["inputReferenceProperties"]["idMappingTableInputSource"],
                         [{"idNamespaceAssociationId": self.ns_a["id"], "type": "SOURCE"},
                          {"idNamespaceAssociationId": self.ns_b["id"], "type": "TARGET"}])
        listed = self.cr[A].list_id_mapping_tables(membershipIdentifier=self.ms[A])
        self.assertIn(m["id"], [s["id"] for s in listed["idMappingTableSummaries"]])
        t = self.create_mapping(A, "scratch", self.ns_a["id"], self.ns_b["id"], description="one",
                                kmsKeyArn=f"arn:aws:kms:us-east-1:{A}:key/abc")
        self.assertEqual(t["kmsKeyArn"], f"arn:aws:kms:us-east-1:{A}:key/abc")
        u = self.cr[A].update_id_mapping_table(membershipIdentifier=self.ms[A],
                                               idMappingTableIdentifier=t["id"],
                                               description="two")["idMappingTable"]
        self.assertEqual(u["description"], "two")
        got = self.cr[A].get_id_mapping_table(membershipIdentifier=self.ms[A],
                                              idMappingTableIdentifier=t["id"])["idMappingTable"]
        self.assertEqual(got["description"], "two")
        self.cr[A].delete_id_mapping_table(membershipIdentifier=self.ms[A], idMappingTableIdentifier=t["id"])
        for call in (self.cr[A].get_id_mapping_table, self.cr[A].delete_id_mapping_table,
                     self.cr[A].populate_id_mapping_table):
            self.refused("ResourceNotFoundException", call, membershipIdentifier=self.ms[A],
                         idMappingTableIdentifier=t["id"])

    def test_id_mapping_table_refusals(self):
        src, tgt = self.ns_a["id"], self.ns_b["id"]

        def create(account, arn, name="x"):
            return self.cr[account].create_id_mapping_table(
                membershipIdentifier=self.ms[account], name=name,
                inputReferenceConfig={"inputReferenceArn": arn, "manageResourcePolicies": False})
        # the workflow is always the caller's own
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create(A, workflow_arn(B, src, tgt))
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDeniedException")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create(A, f"arn:aws:entityresolution:us-east-1:{A}:idmappingworkflow/mine")
        self.assertEqual(cm.exception.response["Error"]["Code"], "ValidationException")
        # SOURCE to TARGET only, two different members
        for arn, words in [(workflow_arn(A, tgt, src), "maps a SOURCE ID namespace association to a TARGET"),
                           (workflow_arn(A, src, src), "maps a SOURCE ID namespace association to a TARGET")]:
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                create(A, arn)
            self.assertIn(words, cm.exception.response["message"])
        own_target = self.associate_namespace(A, "target", self.tables[(A, "one")], "own target")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create(A, workflow_arn(A, src, own_target["id"]))
        self.assertIn("two different members", cm.exception.response["message"])
        self.cr[A].delete_id_namespace_association(membershipIdentifier=self.ms[A],
                                                   idNamespaceAssociationIdentifier=own_target["id"])
        # an association not in the collaboration
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create(A, workflow_arn(A, src, OTHER_TABLE))
        self.assertEqual(cm.exception.response["Error"]["Code"], "ResourceNotFoundException")
        # a member that owns neither namespace cannot map them
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            create(D, workflow_arn(D, src, tgt))
        self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDeniedException")
        # a table's name is its SQL name: an association's or another mapping's name is taken
        for taken in ("PURCHASES", "idmap"):
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                create(A, workflow_arn(A, src, tgt), name=taken)
            self.assertEqual(cm.exception.response["reason"], "ALREADY_EXISTS")
        # only the creator's membership reaches the table
        for call in (self.cr[B].get_id_mapping_table, self.cr[B].populate_id_mapping_table,
                     self.cr[B].delete_id_mapping_table):
            self.refused("ResourceNotFoundException", call, membershipIdentifier=self.ms[B],
                         idMappingTableIdentifier=self.mapping["id"])
        self.refused("ResourceNotFoundException", self.cr[B].update_id_mapping_table,
                     membershipIdentifier=self.ms[B], idMappingTableIdentifier=self.mapping["id"],
                     description="x")
        self.refused("ResourceNotFoundException", self.cr[C].list_id_mapping_tables,
                     membershipIdentifier=self.ms[A])
        # only BATCH jobs
        err = self.refused("ValidationException", self.cr[A].populate_id_mapping_table,
                           membershipIdentifier=self.ms[A], idMappingTableIdentifier=self.mapping["id"],
                           jobType="INCREMENTAL")
        self.assertIn("BATCH", err["message"])

    def test_the_aws_cli_reaches_the_operations(self):
        code, out, err = self.server.aws(
            self.creds[B], "cleanrooms", "list-collaboration-id-namespace-associations",
            "--collaboration-identifier", self.collaboration_id)
        self.assertEqual(code, 0, err)
        self.assertIn(self.ns_a["id"],
                      [s["id"] for s in out["collaborationIdNamespaceAssociationSummaries"]])
        code, out, err = self.server.aws(
            self.creds[A], "cleanrooms", "populate-id-mapping-table", "--membership-identifier",
            self.ms[A], "--id-mapping-table-identifier", self.mapping["id"])
        self.assertEqual(code, 0, err)
        self.assertRegex(out["idMappingJobId"], UUID)
        code, out, err = self.server.aws(
            self.creds[A], "cleanrooms", "get-schema-analysis-rule", "--collaboration-identifier",
            self.collaboration_id, "--name", "idmap", "--type", "ID_MAPPING_TABLE")
        self.assertEqual(code, 0, err)
        self.assertEqual(out["analysisRule"]["type"], "ID_MAPPING_TABLE")

    # --- the mapping as a schema ---------------------------------------------------------------
    def test_the_mapping_is_an_id_mapping_table_schema(self):
        for acct in (A, B, D):
            listed = self.cr[acct].list_schemas(collaborationIdentifier=self.collaboration_id,
                                                schemaType="ID_MAPPING_TABLE")["schemaSummaries"]
            self.assertIn("idmap", [s["name"] for s in listed])
        s = self.cr[B].get_schema(collaborationIdentifier=self.collaboration_id, name="idmap")["schema"]
        self.assertEqual((s["type"], s["analysisRuleTypes"], s["creatorAccountId"]),
                         ("ID_MAPPING_TABLE", ["ID_MAPPING_TABLE"], A))
        self.assertEqual([c["name"] for c in s["columns"]], ["source_id", "target_id"])
        self.assertEqual(s["schemaStatusDetails"][0]["status"], "READY")
        self.assertEqual(s["schemaTypeProperties"]["idMappingTable"]["idMappingTableInputSource"][1],
                         {"idNamespaceAssociationId": self.ns_b["id"], "type": "TARGET"})
        rule = self.cr[B].get_schema_analysis_rule(collaborationIdentifier=self.collaboration_id,
                                                   name="idmap", type="ID_MAPPING_TABLE")["analysisRule"]
        self.assertEqual(rule["policy"]["v1"]["idMappingTable"]["joinColumns"], ["source_id", "target_id"])
        self.assertEqual(rule["policy"]["v1"]["idMappingTable"]["queryConstraints"],
                         [{"requireOverlap": {"columns": ["source_id", "target_id"]}}])
        self.refused("ResourceNotFoundException", self.cr[B].get_schema_analysis_rule,
                     collaborationIdentifier=self.collaboration_id, name="idmap", type="AGGREGATION")
        self.refused("ResourceNotFoundException", self.cr[B].get_schema_analysis_rule,
                     collaborationIdentifier=self.collaboration_id, name="purchases", type="ID_MAPPING_TABLE")
        batch = self.cr[A].batch_get_schema(collaborationIdentifier=self.collaboration_id,
                                            names=["idmap", "purchases", "nope"])
        self.assertEqual(sorted(x["name"] for x in batch["schemas"]), ["idmap", "purchases"])
        self.assertEqual(batch["errors"][0]["code"], "ResourceNotFoundException")
        rules = self.cr[A].batch_get_schema_analysis_rule(
            collaborationIdentifier=self.collaboration_id,
            schemaAnalysisRuleRequests=[{"name": "idmap", "type": "ID_MAPPING_TABLE"},
                                        {"name": "idmap", "type": "LIST"}])
        self.assertEqual([r["type"] for r in rules["analysisRules"]], ["ID_MAPPING_TABLE"])
        self.assertEqual(rules["errors"][0]["code"], "ResourceNotFoundException")
        # without a schemaType: the tables, then the ID mapping tables
        names, token = [], None
        while True:
            kw = {"nextToken": token} if token else {}
            page = self.cr[A].list_schemas(collaborationIdentifier=self.collaboration_id,
                                           maxResults=1, **kw)
            names += [(s["name"], s["type"]) for s in page["schemaSummaries"]]
            token = page.get("nextToken")
            if not token:
                break
        self.assertIn(("audience", "TABLE"), names)
        self.assertIn(("idmap", "ID_MAPPING_TABLE"), names)
        tables_only = self.cr[A].list_schemas(collaborationIdentifier=self.collaboration_id,
                                              schemaType="TABLE")["schemaSummaries"]
        self.assertNotIn("idmap", [s["name"] for s in tables_only])
        self.refused("ResourceNotFoundException", self.cr[C].list_schemas,
                     collaborationIdentifier=self.collaboration_id, schemaType="ID_MAPPING_TABLE")

    def test_an_unpopulated_mapping_is_not_ready_and_cannot_be_queried(self):
        m = self.create_mapping(A, "later", self.ns_a["id"], self.ns_b["id"])
        s = self.cr[A].get_schema(collaborationIdentifier=self.collaboration_id, name="later")["schema"]
        status = s["schemaStatusDetails"][0]
        self.assertEqual((status["status"], status["reasons"][0]["code"]),
                         ("NOT_READY", "ID_MAPPING_TABLE_NOT_POPULATED"))
        err = self.refused("ValidationException", self.cr[A].start_protected_query, type="SQL",
                           membershipIdentifier=self.ms[A],
                           sqlParameters={"queryString": OVERLAP.format(m="later")})
        self.assertEqual(err["reason"], "INVALID_QUERY")
        self.cr[A].delete_id_mapping_table(membershipIdentifier=self.ms[A], idMappingTableIdentifier=m["id"])

    # --- queries -------------------------------------------------------------------------------
    def test_a_query_joins_the_two_members_through_the_mapping(self):
        # gold: c1, c2, c3 matched B's b1, b2, b3 by e-mail (3 >= B's minimum of 3); silver: c5
        # alone, under every minimum.
        self.assertEqual(self.run_query(OVERLAP.format(m="idmap")), [["segment", "users"], ["gold", "3"]])

    def test_queries_the_mapping_rule_refuses(self):
        j = ("FROM purchases p JOIN idmap m ON p.cid = m.source_id "
             "JOIN audience a ON a.bid = m.target_id")
        for sql, words in [
                (f"SELECT m.source_id, COUNT(DISTINCT a.bid) AS n {j} GROUP BY m.source_id", "join column"),
                (f"SELECT COUNT(DISTINCT a.bid) AS n {j} WHERE m.target_id = 'x'", "join column"),
                ("SELECT COUNT(DISTINCT source_id) AS n FROM idmap", "must be INNER-joined on source_id"),
                ("SELECT p.segment, COUNT(DISTINCT m.target_id) AS n FROM purchases p "
                 "JOIN idmap m ON p.cid = m.source_id GROUP BY p.segment", "must be INNER-joined on target_id"),
                ("SELECT COUNT(DISTINCT a.bid) AS n FROM audience a JOIN idmap m ON a.bid = m.source_id "
                 "JOIN purchases p ON p.cid = m.target_id", "SOURCE ID namespace"),
                (f"SELECT SUM(m.target_id) AS n {j}", "may not be aggregated with SUM")]:
            err = self.refused("ValidationException", self.cr[A].start_protected_query, type="SQL",
                               membershipIdentifier=self.ms[A], sqlParameters={"queryString": sql})
            self.assertIn(words, err["message"], sql)

    # --- attacks of a member that controls its own identity rows -------------------------------
    def test_a_one_row_source_table_cannot_tell_whether_its_identity_matched(self):
        m = self.create_mapping(A, "probe", self.ns_probe["id"], self.ns_b["id"])
        self.populate(m["id"])  # ann@example.com: in B's table
        matched = self.run_query(MATCHED.format(m="probe"))
        with_match = self.mapping_file(m["id"])
        self.server.upload_csv(A, "crm.one", "cid,email\nc1,nobody@example.com\n", "email:email")
        self.populate(m["id"])  # not in B's table
        unmatched = self.run_query(MATCHED.format(m="probe"))
        # The two mappings differ (one pair, none), the answers do not.
        self.assertNotEqual(with_match, self.mapping_file(m["id"]))
        self.assertEqual(matched, unmatched)
        self.assertEqual(matched, [["matched"]])  # the one-person row is under the threshold

    def test_populating_again_with_one_more_identity_is_caught_by_the_difference_checks(self):
        # Three of A's identities are in B's table; then the same three and eve: the second
        # group differs from the first by one person, so it is not answered (the residual: that
        # it is withheld is itself one bit, docs/difference-checks.md).
        m = self.create_mapping(A, "probe3", self.ns_probe["id"], self.ns_b["id"])
        three = "cid,email\nc1,ann@example.com\nc2,bob@example.com\nc3,cy@example.com\n"
        self.server.upload_csv(A, "crm.one", three, "email:email")
        self.populate(m["id"])
        self.assertEqual(self.run_query(MATCHED.format(m="probe3")), [["matched"], ["3"]])
        self.server.upload_csv(A, "crm.one", three + "c5,eve@example.com\n", "email:email")
        self.populate(m["id"])
        self.assertEqual(self.run_query(MATCHED.format(m="probe3")), [["matched"]])

    def test_populate_reports_nothing_about_the_matches(self):
        m = self.create_mapping(A, "probe2", self.ns_probe["id"], self.ns_b["id"])
        first = self.populate(m["id"])
        del first["ResponseMetadata"]
        self.assertEqual(list(first), ["idMappingJobId"])
        self.assertRegex(first["idMappingJobId"], UUID)
        before = self.cr[A].get_id_mapping_table(membershipIdentifier=self.ms[A],
                                                 idMappingTableIdentifier=m["id"])["idMappingTable"]
        self.server.upload_csv(A, "crm.one", "cid,email\nc1,bob@example.com\n", "email:email")
        second = self.populate(m["id"])
        self.assertNotEqual(second["idMappingJobId"], first["idMappingJobId"])
        after = self.cr[A].get_id_mapping_table(membershipIdentifier=self.ms[A],
                                                idMappingTableIdentifier=m["id"])["idMappingTable"]
        for v in (before, after):
            v.pop("updateTime")
        self.assertEqual(before, after)
        # The schema other members see has the model's members and no figure about the matches.
        for other in (B, D):
            s = self.cr[other].get_schema(collaborationIdentifier=self.collaboration_id, name="probe2")
            self.assertLessEqual(set(s["schema"]), {
                "columns", "partitionKeys", "analysisRuleTypes", "analysisMethod", "creatorAccountId",
                "name", "collaborationId", "collaborationArn", "description", "createTime",
                "updateTime", "type", "schemaStatusDetails", "resourceArn", "schemaTypeProperties"})

    def test_the_mapping_cannot_be_read_or_counted_by_either_member(self):
        # B, whose identities are the targets, cannot query at all; A can only aggregate across
        # both members' tables. Neither account's datasets hold the mapping.
        err = self.refused("AccessDeniedException", self.cr[B].start_protected_query, type="SQL",
                           membershipIdentifier=self.ms[B],
                           sqlParameters={"queryString": "SELECT COUNT(target_id) AS n FROM idmap"})
        for acct in (A, B):
            folder = os.path.join(self.server.data_dir, "datasets", acct)
            for _, _, files in os.walk(folder):
                for f in files:
                    self.assertNotIn(self.mapping["id"], f)
        self.assertTrue(err["message"])

    def test_errors_say_nothing_about_the_other_members_table(self):
        ns_b2 = self.associate_namespace(B, "target", self.tables[(B, "ids2")], "B ids 2")
        m = self.create_mapping(A, "fragile", self.ns_a["id"], ns_b2["id"])
        self.populate(m["id"])
        # B's table changes under it: no identity column any more.
        self.server.upload_csv(B, "b.ids2", "bid,secret_column\nb1,x\n")
        err = self.refused("ValidationException", self.cr[A].populate_id_mapping_table,
                           membershipIdentifier=self.ms[A], idMappingTableIdentifier=m["id"])
        self.assertIn("its owner must correct", err["message"])
        for word in ("secret_column", "bid", "email", self.tables[(B, "ids2")]):
            self.assertNotIn(word, err["message"])

    def test_a_member_that_owns_neither_namespace_cannot_map_them(self):
        err = self.refused("AccessDeniedException", self.cr[D].create_id_mapping_table,
                           membershipIdentifier=self.ms[D], name="spy",
                           inputReferenceConfig={"inputReferenceArn": workflow_arn(
                               D, self.ns_a["id"], self.ns_b["id"]), "manageResourcePolicies": False})
        self.assertIn("only the member", err["message"])


class LeavingTest(ServerTestCase):
    """A member that leaves takes the mapping made from its data with it."""

    def test_the_target_member_leaving_removes_the_mapping(self):
        creds, cr = self.server.accounts(A, B)
        self.server.new_bucket(A, "a-results")
        self.server.upload_csv(A, "crm.ids", "cid,email\nc1,ann@example.com\n", "email:email")
        self.server.upload_csv(B, "b.ids", "bid,email\nb1,ann@example.com\n", "email:email")
        c = cr[A].create_collaboration(
            name="leave", description="d", creatorDisplayName="A",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="ENABLED",
            members=[{"accountId": B, "memberAbilities": [], "displayName": "B"}])["collaboration"]
        ms_a = cr[A].create_membership(collaborationIdentifier=c["id"], queryLogStatus="ENABLED")["membership"]["id"]
        ms_b = cr[B].create_membership(collaborationIdentifier=c["id"], queryLogStatus="ENABLED")["membership"]["id"]
        ids = {}
        for acct, db in ((A, "crm"), (B, "b")):
            col = "cid" if acct == A else "bid"
            ids[acct] = cr[acct].create_configured_table(
                name="ids", tableReference={"glue": {"databaseName": db, "tableName": "ids"}},
                allowedColumns=[col, "email"], analysisMethod="DIRECT_QUERY")["configuredTable"]["id"]
        ns = {}
        for acct, ms, kind in ((A, ms_a, "source"), (B, ms_b, "target")):
            ns[acct] = cr[acct].create_id_namespace_association(
                membershipIdentifier=ms, name="n",
                inputReferenceConfig={"inputReferenceArn": namespace_arn(acct, kind, ids[acct]),
                                      "manageResourcePolicies": True})["idNamespaceAssociation"]["id"]
        m = cr[A].create_id_mapping_table(
            membershipIdentifier=ms_a, name="idmap",
            inputReferenceConfig={"inputReferenceArn": workflow_arn(A, ns[A], ns[B]),
                                  "manageResourcePolicies": True})["idMappingTable"]
        cr[A].populate_id_mapping_table(membershipIdentifier=ms_a, idMappingTableIdentifier=m["id"])
        self.assertEqual(len(cr[A].list_schemas(collaborationIdentifier=c["id"],
                                                schemaType="ID_MAPPING_TABLE")["schemaSummaries"]), 1)
        cr[B].delete_membership(membershipIdentifier=ms_b)
        self.assertEqual(cr[A].list_schemas(collaborationIdentifier=c["id"],
                                            schemaType="ID_MAPPING_TABLE")["schemaSummaries"], [])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            cr[A].populate_id_mapping_table(membershipIdentifier=ms_a, idMappingTableIdentifier=m["id"])
        self.assertEqual(cm.exception.response["reason"], "INVALID_STATE")
        # B still sees its own association after leaving, and changes nothing any more
        got = cr[B].get_id_namespace_association(membershipIdentifier=ms_b,
                                                 idNamespaceAssociationIdentifier=ns[B])
        self.assertEqual(got["idNamespaceAssociation"]["id"], ns[B])
        for call, kw in [(cr[B].update_id_namespace_association,
                          {"idNamespaceAssociationIdentifier": ns[B], "name": "again"}),
                         (cr[B].create_id_namespace_association,
                          {"name": "again", "inputReferenceConfig": {
                              "inputReferenceArn": namespace_arn(B, "source", ids[B]),
                              "manageResourcePolicies": True}})]:
            with self.assertRaises(botocore.exceptions.ClientError) as cm:
                call(membershipIdentifier=ms_b, **kw)
            self.assertEqual(cm.exception.response["reason"], "INVALID_STATE")
        # Deleting still works: A deletes the mapping, then B, gone, its association.
        cr[A].delete_id_mapping_table(membershipIdentifier=ms_a, idMappingTableIdentifier=m["id"])
        cr[B].delete_id_namespace_association(membershipIdentifier=ms_b,
                                              idNamespaceAssociationIdentifier=ns[B])
        self.assertEqual(cr[B].list_id_namespace_associations(
            membershipIdentifier=ms_b)["idNamespaceAssociationSummaries"], [])
