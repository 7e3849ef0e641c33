"""Bad input to the Clean Rooms face: the service's own error shapes and statuses, no crash, and
nothing half-created.

boto3 runs with parameter_validation=False so that it sends what it would normally refuse; what
no SDK can send (malformed JSON, unknown members, unknown paths) goes as signed raw requests.
"""
import unittest

import botocore.exceptions

from harness import ServerTestCase

A, B = "111111111111", "222222222222"
MISSING = "00000000-0000-4000-8000-000000000000"


def new_collaboration(**override):
    body = {"name": "Bad", "description": "should not exist",
            "members": [{"accountId": B, "displayName": "B", "memberAbilities": ["CAN_RECEIVE_RESULTS"]}],
            "creatorMemberAbilities": ["CAN_QUERY"], "creatorDisplayName": "A", "queryLogStatus": "ENABLED"}
    body.update(override)
    return {k: v for k, v in body.items() if v is not None}


def s3(**override):
    s3 = {"resultFormat": "CSV", "bucket": "results-bucket", "keyPrefix": "out"}
    s3.update(override)
    return {"outputConfiguration": {"s3": {k: v for k, v in s3.items() if v is not None}}}


class BadInput(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds_a = cls.server.new_account(A, "A")
        cls.creds_b = cls.server.new_account(B, "B")
        cls.a = cls.server.cleanrooms(cls.creds_a, validate=False)
        cls.b = cls.server.cleanrooms(cls.creds_b, validate=False)
        cls.server.new_bucket(B, "results-bucket")
        # A collaboration that exists, for the membership cases: B is invited and cannot receive results.
        cls.good = cls.a.create_collaboration(**new_collaboration(
            name="Good", members=[{"accountId": B, "displayName": "B", "memberAbilities": []}]))["collaboration"]

    def tearDown(self):
        # Whatever a test sent, the server is still up and answering.
        self.assertIsNone(self.server.proc.poll(), "the server exited")
        self.assertEqual(self.server.signed_http(self.creds_a, "GET", "/memberships")[0], 200)

    # --- helpers -----------------------------------------------------------------------------
    def assertError(self, code, status, fn, /, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kwargs)
        resp = ctx.exception.response
        self.assertEqual(resp["Error"]["Code"], code, resp)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], status, resp)
        self.assertEqual(resp["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-errortype"), code)
        self.assertTrue(resp["Error"]["Message"])
        return resp

    def assertInvalid(self, field, fn, /, **kwargs):
        resp = self.assertError("ValidationException", 400, fn, **kwargs)
        self.assertEqual(resp["reason"], "FIELD_VALIDATION_FAILED")
        self.assertEqual(resp["fieldList"][0]["name"], field, resp)
        self.assertIn(field, resp["Error"]["Message"])
        return resp

    def assertRawError(self, result, code, status):
        got_status, body, headers = result
        self.assertEqual(got_status, status, body)
        self.assertEqual(headers.get("x-amzn-ErrorType"), code, body)
        self.assertIsInstance(body, dict, body)
        self.assertTrue(body.get("message"), body)
        return body

    def assertNothingHalfCreated(self):
        for client in (self.a, self.b):
            names = [c["name"] for c in client.list_collaborations()["collaborationList"]]
            self.assertEqual(names, ["Good"])
        self.assertEqual(self.a.list_memberships()["membershipSummaries"], [])
        self.assertEqual(self.b.list_memberships()["membershipSummaries"], [])
        members = self.a.list_members(collaborationIdentifier=self.good["id"])["memberSummaries"]
        self.assertEqual({m["accountId"]: m["status"] for m in members}, {A: "INVITED", B: "INVITED"})

    # --- required fields -----------------------------------------------------------------------
    def test_create_collaboration_without_each_required_field(self):
        for field in ("members", "name", "description", "creatorMemberAbilities", "creatorDisplayName",
                      "queryLogStatus"):
            with self.subTest(field=field):
                resp = self.assertInvalid(field, self.a.create_collaboration, **new_collaboration(**{field: None}))
                self.assertIn("must not be null", resp["Error"]["Message"])
        for field in ("accountId", "displayName", "memberAbilities"):
            with self.subTest(member_field=field):
                member = {"accountId": B, "displayName": "B", "memberAbilities": []}
                del member[field]
                self.assertInvalid(f"members[0].{field}", self.a.create_collaboration,
                                   **new_collaboration(members=[member]))
        self.assertNothingHalfCreated()

    def test_create_membership_without_each_required_field(self):
        self.assertInvalid("queryLogStatus", self.b.create_membership, collaborationIdentifier=self.good["id"])
        self.assertInvalid("collaborationIdentifier", self.b.create_membership, queryLogStatus="ENABLED")
        self.assertInvalid("defaultResultConfiguration.outputConfiguration", self.b.create_membership,
                           collaborationIdentifier=self.good["id"], queryLogStatus="ENABLED",
                           defaultResultConfiguration={"roleArn": "arn:aws:iam::222222222222:role/r"})
        for field in ("bucket", "resultFormat"):
            with self.subTest(field=field):
                self.assertInvalid(f"defaultResultConfiguration.outputConfiguration.s3.{field}",
                                   self.b.create_membership, collaborationIdentifier=self.good["id"],
                                   queryLogStatus="ENABLED", defaultResultConfiguration=s3(**{field: None}))
        self.assertNothingHalfCreated()

    # --- enums, lengths, ranges, patterns, types ----------------------------------------------------
    def test_enum_values_out_of_range(self):
        cases = [
            ("queryLogStatus", self.a.create_collaboration, new_collaboration(queryLogStatus="SOMETIMES")),
            ("creatorMemberAbilities[0]", self.a.create_collaboration,
             new_collaboration(creatorMemberAbilities=["CAN_DANCE"])),
            ("members[0].memberAbilities[0]", self.a.create_collaboration,
             new_collaboration(members=[{"accountId": B, "displayName": "B", "memberAbilities": ["ADMIN"]}])),
            ("queryLogStatus", self.b.create_membership,
             {"collaborationIdentifier": self.good["id"], "queryLogStatus": "enabled"}),
            ("defaultResultConfiguration.outputConfiguration.s3.resultFormat", self.b.create_membership,
             {"collaborationIdentifier": self.good["id"], "queryLogStatus": "ENABLED",
              "defaultResultConfiguration": s3(resultFormat="XLSX")}),
            ("memberStatus", self.a.list_collaborations, {"memberStatus": "LEFT"}),
            ("status", self.a.list_memberships, {"status": "LEFT"}),
        ]
        for field, fn, kwargs in cases:
            with self.subTest(field=field, op=fn.__name__):
                resp = self.assertInvalid(field, fn, **kwargs)
                self.assertIn("enum value set", resp["Error"]["Message"])
        self.assertNothingHalfCreated()

    def test_over_long_and_out_of_range_values(self):
        cid = self.good["id"]
        cases = [
            ("name", self.a.create_collaboration, new_collaboration(name="n" * 101)),
            ("description", self.a.create_collaboration, new_collaboration(description="d" * 256)),
            ("creatorDisplayName", self.a.create_collaboration, new_collaboration(creatorDisplayName="c" * 101)),
            ("members[0].displayName", self.a.create_collaboration,
             new_collaboration(members=[{"accountId": B, "displayName": "m" * 101, "memberAbilities": []}])),
            ("members[0].accountId", self.a.create_collaboration,
             new_collaboration(members=[{"accountId": "123", "displayName": "B", "memberAbilities": []}])),
            ("name", self.a.create_collaboration, new_collaboration(name="   ")),  # blank: pattern
            ("name", self.a.update_collaboration, {"collaborationIdentifier": cid, "name": "n" * 101}),
            ("description", self.a.update_collaboration, {"collaborationIdentifier": cid, "description": "d" * 256}),
            ("name", self.a.update_collaboration, {"collaborationIdentifier": cid, "name": ""}),
            ("defaultResultConfiguration.outputConfiguration.s3.bucket", self.b.create_membership,
             {"collaborationIdentifier": cid, "queryLogStatus": "ENABLED", "defaultResultConfiguration": s3(bucket="ab")}),
            ("maxResults", self.a.list_collaborations, {"maxResults": 0}),
            ("maxResults", self.a.list_collaborations, {"maxResults": 101}),
            ("maxResults", self.a.list_members, {"collaborationIdentifier": cid, "maxResults": 101}),
            ("collaborationIdentifier", self.a.get_collaboration, {"collaborationIdentifier": "not-a-uuid"}),
            ("membershipIdentifier", self.a.get_membership, {"membershipIdentifier": "Z" * 36}),
            ("accountId", self.a.delete_member, {"collaborationIdentifier": cid, "accountId": "12345678901x"}),
            ("name", self.a.create_collaboration, new_collaboration(name=5)),  # wrong type
        ]
        for field, fn, kwargs in cases:
            with self.subTest(field=field, op=fn.__name__, value=str(kwargs)[:60]):
                self.assertInvalid(field, fn, **kwargs)
        # The limits themselves are accepted (and the collaboration is unchanged by the failures).
        got = self.a.get_collaboration(collaborationIdentifier=cid)["collaboration"]
        self.assertEqual((got["name"], got["description"]), ("Good", "should not exist"))
        self.assertEqual(len(self.a.list_collaborations(maxResults=100)["collaborationList"]), 1)
        self.assertNothingHalfCreated()

    def test_longest_allowed_values_pass(self):
        c = self.a.create_collaboration(**new_collaboration(name="n" * 100, description="d" * 255,
                                                            members=[]))["collaboration"]
        try:
            self.assertEqual((len(c["name"]), len(c["description"])), (100, 255))
        finally:
            self.a.delete_collaboration(collaborationIdentifier=c["id"])
        self.assertNothingHalfCreated()

    # --- bodies no SDK sends -----------------------------------------------------------------------
    def test_malformed_and_unexpected_bodies(self):
        for raw in (b'{"name": ', b"not json", b"[1, 2]", b'"a string"', b"\xff\xfe{}"):
            with self.subTest(body=raw):
                body = self.assertRawError(self.server.signed_http(self.creds_a, "POST", "/collaborations",
                                                                   raw_body=raw),
                                           "ValidationException", 400)
                self.assertIn("JSON", body["message"])
        body = self.assertRawError(self.server.signed_http(self.creds_a, "POST", "/collaborations",
                                                           body=dict(new_collaboration(), bogus=1)),
                                   "ValidationException", 400)
        self.assertIn("bogus", body["message"])
        body = self.assertRawError(self.server.signed_http(self.creds_b, "POST", "/memberships",
                                                           body={"collaborationIdentifier": self.good["id"],
                                                                 "queryLogStatus": ["ENABLED"]}),
                                   "ValidationException", 400)
        self.assertEqual(body["fieldList"][0]["name"], "queryLogStatus")
        self.assertNothingHalfCreated()

    # --- unknown paths, unknown resources, unserved operations ---------------------------------------
    def test_unknown_path(self):
        for method, path in (("GET", "/no/such/path"), ("GET", "/collaborations/" + MISSING + "/nothing"),
                             ("POST", "/memberships/" + MISSING + "/nothing"), ("PUT", "/collaborations")):
            with self.subTest(method=method, path=path):
                self.assertRawError(self.server.signed_http(self.creds_a, method, path),
                                    "ResourceNotFoundException", 404)

    def test_unknown_resources(self):
        self.assertError("ResourceNotFoundException", 404, self.a.get_collaboration, collaborationIdentifier=MISSING)
        self.assertError("ResourceNotFoundException", 404, self.a.list_members, collaborationIdentifier=MISSING)
        self.assertError("ResourceNotFoundException", 404, self.a.get_membership, membershipIdentifier=MISSING)
        self.assertError("ResourceNotFoundException", 404, self.a.create_membership,
                         collaborationIdentifier=MISSING, queryLogStatus="ENABLED")
        self.assertNothingHalfCreated()

    def test_operation_of_the_model_that_is_not_served(self):
        resp = self.assertError("NotImplementedException", 501, self.a.list_protected_jobs,
                                membershipIdentifier=MISSING)
        self.assertIn("ListProtectedJobs", resp["Error"]["Message"])
        self.assertIn("not PySpark jobs", resp["Error"]["Message"], "the message says why")
        resp = self.assertError("NotImplementedException", 501, self.a.get_protected_job,
                                membershipIdentifier=MISSING, protectedJobIdentifier=MISSING)
        self.assertIn("GetProtectedJob", resp["Error"]["Message"])
        resp = self.assertError("NotImplementedException", 501,
                                self.a.list_configured_audience_model_associations,
                                membershipIdentifier=MISSING)
        self.assertIn("Clean Rooms ML audience models", resp["Error"]["Message"])

    # --- failures after model validation, in the core -------------------------------------------------
    def test_failed_creates_leave_nothing_behind(self):
        member = {"accountId": B, "displayName": "B", "memberAbilities": []}
        pays = {"queryCompute": {"isResponsible": True}}
        cases = [
            ("the creator listed as a member",
             new_collaboration(members=[{"accountId": A, "displayName": "Me again", "memberAbilities": []}])),
            ("a member listed twice", new_collaboration(members=[member, dict(member, displayName="B2")])),
            ("two payers", new_collaboration(members=[dict(member, paymentConfiguration=pays)],
                                             creatorPaymentConfiguration=pays)),
        ]
        for what, body in cases:
            with self.subTest(what):
                self.assertError("ValidationException", 400, self.a.create_collaboration, **body)
        # A member without CAN_RECEIVE_RESULTS takes no result destination: no membership, still invited.
        resp = self.assertError("ValidationException", 400, self.b.create_membership,
                                collaborationIdentifier=self.good["id"], queryLogStatus="ENABLED",
                                defaultResultConfiguration=s3())
        self.assertIn("cannot receive results", resp["Error"]["Message"])
        self.assertNothingHalfCreated()


if __name__ == "__main__":
    unittest.main()
