"""SigV4 and cross-account scoping of the Clean Rooms face.

Every failed signature check answers 403 with the AWS error shape: an x-amzn-ErrorType header and a
JSON body with a `message`. The signing account is the principal; another account's memberships
and collaborations do not exist for it.
"""
import datetime
import hashlib
import json
import unittest
from unittest import mock

import botocore.exceptions

from harness import ServerTestCase

A, B = "111111111111", "222222222222"
NEW_COLLABORATION = {
    "name": "Auth", "description": "signature tests", "creatorMemberAbilities": ["CAN_QUERY"],
    "creatorDisplayName": "A", "queryLogStatus": "DISABLED", "members": []}


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class Signatures(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds = cls.server.new_account(A, "A")

    def assertAwsError(self, result, error_type, message_part=None):
        status, body, headers = result
        self.assertEqual(status, 403, body)
        self.assertEqual(headers.get("x-amzn-ErrorType"), error_type, body)
        self.assertIsInstance(body, dict, body)
        self.assertIsInstance(body.get("message"), str)
        self.assertTrue(body["message"])
        if message_part:
            self.assertIn(message_part, body["message"])

    def assertNothingCreated(self):
        names = [c["name"] for c in self.server.cleanrooms(self.creds).list_collaborations()["collaborationList"]]
        self.assertNotIn("Tampered", names)
        self.assertNotIn("Stale", names)

    def test_a_correctly_signed_request_passes(self):
        # The control for every test below: the same helper, unaltered, is accepted.
        status, body, _ = self.server.signed_http(self.creds, "GET", "/collaborations?maxResults=5")
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"collaborationList": []})
        status, body, _ = self.server.signed_http(
            self.creds, "GET", "/collaborations", at=utcnow() - datetime.timedelta(minutes=10))
        self.assertEqual(status, 200, body)  # within the 15-minute skew

    def test_wrong_secret(self):
        wrong = dict(self.creds, secretAccessKey="x" * 40)
        self.assertAwsError(self.server.signed_http(wrong, "GET", "/collaborations"),
                            "InvalidSignatureException", "signature")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.server.cleanrooms(wrong).list_collaborations()
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(err["Error"]["Code"], "InvalidSignatureException")
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"], "InvalidSignatureException")

    def test_region_other_than_us_east_1(self):
        self.assertAwsError(self.server.signed_http(self.creds, "GET", "/collaborations", region="eu-west-1"),
                            "InvalidSignatureException", "us-east-1")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.server.cleanrooms(self.creds, region="eu-west-1").list_collaborations()
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(err["Error"]["Code"], "InvalidSignatureException")
        self.assertIn("eu-west-1", err["Error"]["Message"])

    def test_stale_date(self):
        stale = utcnow() - datetime.timedelta(minutes=20)
        self.assertAwsError(self.server.signed_http(self.creds, "POST", "/collaborations",
                                                    body=dict(NEW_COLLABORATION, name="Stale"), at=stale),
                            "InvalidSignatureException", "Signature expired")
        # The same through boto3, its clock set back 20 minutes.
        client = self.server.cleanrooms(self.creds)
        with mock.patch("botocore.auth.get_current_datetime", return_value=stale):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                client.create_collaboration(**dict(NEW_COLLABORATION, name="Stale"))
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "InvalidSignatureException")
        # And from the future.
        self.assertAwsError(self.server.signed_http(self.creds, "GET", "/collaborations",
                                                    at=utcnow() + datetime.timedelta(minutes=20)),
                            "InvalidSignatureException", "not yet current")
        self.assertNothingCreated()

    def test_tampered_body(self):
        signed = json.dumps(dict(NEW_COLLABORATION, name="Signed")).encode()
        sent = json.dumps(dict(NEW_COLLABORATION, name="Tampered")).encode()
        self.assertAwsError(self.server.signed_http(self.creds, "POST", "/collaborations", raw_body=signed,
                                                    send_body=sent),
                            "InvalidSignatureException", "signature")
        # With the body's hash signed as a header, the swapped body no longer matches that header.
        self.assertAwsError(self.server.signed_http(
            self.creds, "POST", "/collaborations", raw_body=signed, send_body=sent,
            headers={"x-amz-content-sha256": hashlib.sha256(signed).hexdigest()}),
            "InvalidSignatureException")
        self.assertNothingCreated()

    def test_tampered_query_and_path(self):
        headers = self.server.sign(self.creds, "GET", "/collaborations?memberStatus=ACTIVE")
        self.assertAwsError(self.server.http("GET", "/collaborations?memberStatus=INVITED", headers=headers),
                            "InvalidSignatureException")
        headers = self.server.sign(self.creds, "GET", "/memberships")
        self.assertAwsError(self.server.http("GET", "/collaborations", headers=headers),
                            "InvalidSignatureException")

    def test_unknown_access_key(self):
        unknown = {"accessKeyId": "AKIAUNKNOWNUNKNOWN00", "secretAccessKey": self.creds["secretAccessKey"]}
        self.assertAwsError(self.server.signed_http(unknown, "GET", "/collaborations"),
                            "UnrecognizedClientException")

    def test_no_authorization(self):
        self.assertAwsError(self.server.http("GET", "/collaborations"), "MissingAuthenticationTokenException")
        # Unsigned requests learn nothing, not even whether a path exists.
        self.assertAwsError(self.server.http("GET", "/no/such/path"), "MissingAuthenticationTokenException")
        self.assertAwsError(self.server.http("POST", "/collaborations", body=NEW_COLLABORATION),
                            "MissingAuthenticationTokenException")

    def test_malformed_authorization(self):
        self.assertAwsError(self.server.http("GET", "/collaborations", headers={"Authorization": "Bearer abc"}),
                            "IncompleteSignatureException")
        headers = self.server.sign(self.creds, "GET", "/collaborations")
        headers.pop("X-Amz-Date")
        self.assertAwsError(self.server.http("GET", "/collaborations", headers=headers),
                            "IncompleteSignatureException")

    def test_the_server_is_still_up(self):
        for _ in range(3):
            self.server.http("GET", "/collaborations", headers={"Authorization": "AWS4-HMAC-SHA256 ,,,"})
        self.assertIsNone(self.server.proc.poll())
        self.assertEqual(self.server.signed_http(self.creds, "GET", "/memberships")[0], 200)


class CrossAccount(ServerTestCase):
    """Account B against account A's collaboration and membership."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a = cls.server.cleanrooms(cls.server.new_account(A, "A"))
        cls.b = cls.server.cleanrooms(cls.server.new_account(B, "B"))
        cls.server.new_bucket(A, "a-results")
        collab = cls.a.create_collaboration(
            name="A's own", description="A alone", members=[], creatorMemberAbilities=["CAN_QUERY",
                                                                                      "CAN_RECEIVE_RESULTS"],
            creatorDisplayName="A", queryLogStatus="ENABLED")["collaboration"]
        cls.collab_id = collab["id"]
        cls.membership = cls.a.create_membership(
            collaborationIdentifier=cls.collab_id, queryLogStatus="ENABLED",
            defaultResultConfiguration={"outputConfiguration": {"s3": {"resultFormat": "CSV", "bucket": "a-results"}}},
        )["membership"]

    def assertClientError(self, codes, fn, /, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(**kwargs)
        resp = ctx.exception.response
        self.assertIn(resp["Error"]["Code"], codes, resp)
        status = {"ResourceNotFoundException": 404, "AccessDeniedException": 403}[resp["Error"]["Code"]]
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], status)
        # Nothing of A's leaks into the error.
        self.assertNotIn("a-results", json.dumps(resp, default=str))
        return resp

    def test_b_cannot_read_or_change_as_membership(self):
        ms_id = self.membership["id"]
        resp = self.assertClientError({"ResourceNotFoundException"}, self.b.get_membership, membershipIdentifier=ms_id)
        self.assertEqual(resp["resourceType"], "MEMBERSHIP")
        self.assertClientError({"ResourceNotFoundException"}, self.b.update_membership, membershipIdentifier=ms_id,
                               queryLogStatus="DISABLED")
        self.assertClientError({"ResourceNotFoundException"}, self.b.delete_membership, membershipIdentifier=ms_id)
        self.assertEqual(self.b.list_memberships()["membershipSummaries"], [])
        mine = self.a.get_membership(membershipIdentifier=ms_id)["membership"]
        self.assertEqual((mine["status"], mine["queryLogStatus"]), ("ACTIVE", "ENABLED"))

    def test_b_cannot_see_or_change_a_collaboration_it_is_not_in(self):
        cid = self.collab_id
        self.assertClientError({"ResourceNotFoundException"}, self.b.get_collaboration, collaborationIdentifier=cid)
        self.assertClientError({"ResourceNotFoundException"}, self.b.list_members, collaborationIdentifier=cid)
        self.assertClientError({"ResourceNotFoundException", "AccessDeniedException"}, self.b.update_collaboration,
                               collaborationIdentifier=cid, name="B was here")
        self.assertClientError({"ResourceNotFoundException", "AccessDeniedException"}, self.b.delete_member,
                               collaborationIdentifier=cid, accountId=A)
        self.assertClientError({"ResourceNotFoundException", "AccessDeniedException"}, self.b.delete_collaboration,
                               collaborationIdentifier=cid)
        self.assertClientError({"ResourceNotFoundException", "AccessDeniedException"}, self.b.create_membership,
                               collaborationIdentifier=cid, queryLogStatus="ENABLED")
        got = self.a.get_collaboration(collaborationIdentifier=cid)["collaboration"]
        self.assertEqual(got["name"], "A's own")
        self.assertEqual([m["accountId"] for m in self.a.list_members(collaborationIdentifier=cid)["memberSummaries"]],
                         [A])

    def test_a_non_members_lists_do_not_include_others_collaborations(self):
        for status in (None, "INVITED", "ACTIVE"):
            kwargs = {"memberStatus": status} if status else {}
            self.assertEqual(self.b.list_collaborations(**kwargs)["collaborationList"], [], status)
        self.assertEqual([c["id"] for c in self.a.list_collaborations()["collaborationList"]], [self.collab_id])

    def test_a_missing_identifier_looks_the_same_as_anothers(self):
        missing = "00000000-0000-4000-8000-000000000000"
        r1 = self.assertClientError({"ResourceNotFoundException"}, self.b.get_membership,
                                    membershipIdentifier=missing)
        r2 = self.assertClientError({"ResourceNotFoundException"}, self.b.get_membership,
                                    membershipIdentifier=self.membership["id"])
        self.assertEqual(r1["resourceType"], r2["resourceType"])


if __name__ == "__main__":
    unittest.main()
