"""The AMC instance API (issue 2, section 3), driven over HTTP against a real server.

Each rule of the issue has its own test. The reference is
shared/reference/amc-clean-rooms-collaboration-setup.md; docs/amc-api.md documents the shapes
the reference leaves open (collaboration view, advertisers, invitations).
"""
import copy
import re
import unittest

import harness
from harness import MARKETPLACE, AmcUser

# The reference's "Sample request", verbatim (acrBacked is the string "true").
SAMPLE_REQUEST = {
    "instanceName": "my_collaboration_instance",
    "awsAccountId": "682015411111",
    "acrBacked": "true",
}

# The reference's multi-party sample request, verbatim: its second partner is the primary account.
MULTI_PARTY_REQUEST = {
    "instanceName": "myacrinstance",
    "advertiserName": "Advertiser A",
    "awsAccountId": "123456789000",
    "acrBacked": "true",
    "acrCustomerPartners": [
        {"awsAccountId": "123456789001", "displayName": "Source Data 1"},
        {"awsAccountId": "123456789000", "displayName": "Source Data 2"},
    ],
}

# Every key of the `instance` object in the reference's "Sample response".
SAMPLE_RESPONSE_KEYS = {
    "instanceId", "instanceName", "instanceType", "customerCanonicalName", "creationStatus",
    "creationDatetime", "s3BucketName", "awsAccountId", "entities", "dataUploadAwsAccountId",
    "apiEndpoint", "acrCollaboration", "optionalDatasets", "advertiserTypes",
}

# The service members the reference lists, by the role names of credentials.json.
SERVICE_MEMBERS = {
    "ADVERTISING_DATA_PROVIDER": ("Amazon Advertising Data Provider", []),
    "LOOKALIKE_AUDIENCE_GENERATOR": ("Lookalike Audience Generator", []),
    "ADVERTISER_UPLOADED_DATA_PROVIDER": ("Advertiser Uploaded Data Provider", []),
    "THIRD_PARTY_PAID_DATA_PROVIDER": ("Third-party Paid Data Provider", []),
    "RESULTS_RECEIVER": ("AMC Results Receiver", ["CAN_RECEIVE_RESULTS"]),
    "QUERY_SUBMITTER": ("Query Submitter", ["CAN_QUERY"]),
    "SERVICE": ("AMC service", []),
}

INSTANCE_ID = re.compile(r"^amc[a-z0-9]{8}$")

CLIENT_ID = "Amazon-Advertising-API-ClientId"
MARKETPLACE_ID = "Amazon-Advertising-API-MarketplaceId"
ADVERTISER_ID = "Amazon-Advertising-API-AdvertiserId"


def sample(**changes):
    """The reference's sample request with some fields changed (None removes a field)."""
    body = copy.deepcopy(SAMPLE_REQUEST)
    for k, v in changes.items():
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return body


class AmcTestCase(harness.ServerTestCase):
    """Shared assertions for the AMC face."""

    def assertError(self, result, status, *names):
        """An AMC error: the status, exactly {message, requestId}, and a message naming each name."""
        code, body, headers = result
        self.assertEqual(code, status, body)
        self.assertIsInstance(body, dict, body)
        self.assertEqual(set(body), {"message", "requestId"}, body)
        self.assertTrue(body["requestId"])
        self.assertEqual(body["requestId"], headers.get("x-amzn-RequestId"))
        for name in names:
            self.assertIn(name, body["message"])
        return body

    def assertOk(self, result):
        code, body, _ = result
        self.assertEqual(code, 200, body)
        return body

    @staticmethod
    def all_instances(user):
        out, token = [], None
        while True:
            path = "/amc/instances?limit=100" + (f"&nextToken={token}" if token else "")
            code, body, _ = user.call("GET", path)
            assert code == 200, body
            out += body["instances"]
            token = body.get("nextToken")
            if not token:
                return out


class CreateInstanceTest(AmcTestCase):
    """POST /amc/instances: the sample request, the headers, the body rules, the permissions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.creds, cls.admin = harness.advertiser_setup(s, "682015411111", amc_name="Advertiser A")
        # A second advertiser: its user's ClientId and its AMC account are "another user's".
        cls.other_creds, cls.other = harness.advertiser_setup(s, "210987654321", amc_name="Advertiser B")
        # The multi-party sample's primary account, with its own admin.
        cls.mp_creds, cls.mp = harness.advertiser_setup(s, "123456789000", amc_name="Advertiser A")

    def create(self, body, user=None):
        return (user or self.admin).create_instance(body)

    def assertRejected(self, body, status, *names, user=None):
        """The create is refused with that error, and no instance appears."""
        user = user or self.admin
        before = len(self.all_instances(user))
        self.assertError(self.create(body, user), status, *names)
        self.assertEqual(len(self.all_instances(user)), before, "a refused request created an instance")

    # --- the reference's sample ---------------------------------------------------------------
    def test_reference_sample_request_returns_the_reference_response_shape(self):
        body = self.assertOk(self.create(SAMPLE_REQUEST))
        self.assertEqual(set(body), {"instance"})
        inst = body["instance"]
        # Every key of the sample response, and no other (acrCustomerPartners only when multi-party).
        self.assertEqual(set(inst), SAMPLE_RESPONSE_KEYS)
        iid = inst["instanceId"]
        self.assertRegex(iid, INSTANCE_ID)
        self.assertEqual(inst["instanceName"], "my_collaboration_instance")
        self.assertEqual(inst["instanceType"], "STANDARD")
        self.assertEqual(inst["customerCanonicalName"], "Advertiser A")  # the AMC account's name
        self.assertEqual(inst["creationStatus"], "REQUESTED")
        self.assertRegex(inst["creationDatetime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(inst["s3BucketName"], "")
        self.assertEqual(inst["awsAccountId"], "682015411111")
        self.assertEqual(inst["entities"], ["NA"])  # ATVPDKIKX0DER is a North American marketplace
        self.assertEqual(inst["dataUploadAwsAccountId"],
                         self.server.platform_account("ADVERTISER_UPLOADED_DATA_PROVIDER")["accountId"])
        self.assertIsNone(inst["apiEndpoint"])
        collab = inst["acrCollaboration"]
        # The reference's three keys, plus the documented status of the primary account's membership.
        self.assertEqual(set(collab), {"id", "name", "description", "status"})
        self.assertTrue(collab["id"])
        self.assertEqual(collab["name"], f"AMC {iid}")
        self.assertEqual(collab["description"], f"AMC Clean Room collaboration for instance {iid}")
        self.assertEqual(collab["status"], "Invited")
        self.assertEqual(inst["optionalDatasets"], [])
        self.assertEqual(inst["advertiserTypes"], [])
        # It was stored: reading it back gives the same instance.
        self.assertEqual(self.assertOk(self.admin.call("GET", f"/amc/instances/{iid}"))["instance"], inst)

    def test_acr_backed_boolean_true_is_accepted(self):
        inst = self.assertOk(self.create(sample(acrBacked=True)))["instance"]
        self.assertRegex(inst["instanceId"], INSTANCE_ID)
        self.assertEqual(inst["creationStatus"], "REQUESTED")

    def test_acr_backed_false_is_rejected(self):
        for value in (False, "false"):
            with self.subTest(acrBacked=value):
                self.assertRejected(sample(acrBacked=value), 400, "acrBacked")

    def test_acr_backed_of_another_type_is_rejected(self):
        for value in (1, None, "yes", ["true"]):
            with self.subTest(acrBacked=value):
                body = sample()
                body["acrBacked"] = value
                self.assertRejected(body, 400, "acrBacked")

    def test_each_instance_gets_its_own_id_and_collaboration(self):
        a = self.assertOk(self.create(sample()))["instance"]
        b = self.assertOk(self.create(sample()))["instance"]
        self.assertNotEqual(a["instanceId"], b["instanceId"])
        self.assertNotEqual(a["acrCollaboration"]["id"], b["acrCollaboration"]["id"])

    # --- headers: missing ---------------------------------------------------------------------
    def test_missing_client_id_is_400_naming_it(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST, client_id=None), 400, CLIENT_ID)

    def test_missing_marketplace_id_is_400_naming_it(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST, marketplace=None),
                         400, MARKETPLACE_ID)

    def test_missing_advertiser_id_is_400_naming_it(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST, advertiser=None),
                         400, ADVERTISER_ID)

    def test_missing_authorization_is_401_naming_it(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST, authorization=None),
                         401, "Authorization")

    def test_empty_header_counts_as_missing(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST, marketplace=""),
                         400, MARKETPLACE_ID)

    # --- headers: wrong -----------------------------------------------------------------------
    def test_authorization_that_is_not_bearer_is_401_naming_it(self):
        for value in ("Basic dXNlcjpwYXNz", "Bearer ", self.admin.user["bearerToken"]):
            with self.subTest(authorization=value):
                self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST, authorization=value),
                                 401, "Authorization")

    def test_unknown_bearer_token_is_401_naming_authorization(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST,
                                         authorization="Bearer crt_not-a-token"), 401, "Authorization")

    def test_client_id_of_another_user_is_401_naming_it(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST,
                                         client_id=self.other.user["clientId"]), 401, CLIENT_ID)

    def test_unknown_advertiser_id_is_403_naming_it(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST, advertiser="ENTITY000000000000"),
                         403, ADVERTISER_ID)

    def test_advertiser_id_of_another_amc_account_is_403_naming_it(self):
        # The account exists, but this user has no role in it.
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST,
                                         advertiser=self.other.advertiser_id), 403, ADVERTISER_ID)

    def test_marketplace_of_another_marketplace_is_400_naming_it(self):
        self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST, marketplace="A1PA6795UKMFR9"),
                         400, MARKETPLACE_ID)

    def test_bad_token_is_reported_before_other_headers(self):
        # docs/amc-api.md: the bearer token is checked first, so an anonymous caller learns
        # nothing about the other headers.
        for missing in ("marketplace", "advertiser"):
            with self.subTest(missing=missing):
                self.assertError(self.admin.call("POST", "/amc/instances", SAMPLE_REQUEST,
                                                 authorization="Bearer crt_not-a-token", **{missing: None}),
                                 401, "Authorization")

    # --- body: mandatory fields ---------------------------------------------------------------
    def test_missing_instance_name_is_400_naming_it(self):
        self.assertRejected(sample(instanceName=None), 400, "instanceName")

    def test_missing_aws_account_id_is_400_naming_it(self):
        self.assertRejected(sample(awsAccountId=None), 400, "awsAccountId")

    def test_missing_acr_backed_is_400_naming_it(self):
        self.assertRejected(sample(acrBacked=None), 400, "acrBacked")

    def test_s3_bucket_name_is_rejected(self):
        # The reference: requests with s3BucketName "will be rejected with a 400 error", whatever it holds.
        for value in ("my-bucket", ""):
            with self.subTest(s3BucketName=value):
                self.assertRejected(sample(s3BucketName=value), 400, "s3BucketName")

    # --- body: advertiserName -----------------------------------------------------------------
    def test_advertiser_name_of_letters_digits_and_spaces_is_accepted(self):
        for name in ("Advertiser A", "ACME 2024 Inc", "x", "abc123"):
            with self.subTest(advertiserName=name):
                inst = self.assertOk(self.create(sample(advertiserName=name)))["instance"]
                self.assertEqual(inst["customerCanonicalName"], name)

    def test_advertiser_name_with_special_characters_is_rejected(self):
        for name in ("Acme-Co", "Acme_Co", "Acme!", "Acme & Sons", "Acme.com", "Ac\tme", "Café"):
            with self.subTest(advertiserName=name):
                self.assertRejected(sample(advertiserName=name), 400, "advertiserName")

    def test_advertiser_name_starting_or_ending_with_a_space_is_rejected(self):
        for name in (" Acme", "Acme ", " ", "  Acme  "):
            with self.subTest(advertiserName=name):
                self.assertRejected(sample(advertiserName=name), 400, "advertiserName")

    # --- body: multi-party ----------------------------------------------------------------------
    def test_reference_multi_party_sample_makes_partners_members(self):
        inst = self.assertOk(self.mp.create_instance(MULTI_PARTY_REQUEST))["instance"]
        self.assertEqual(inst["instanceName"], "myacrinstance")
        self.assertEqual(inst["customerCanonicalName"], "Advertiser A")
        self.assertEqual(inst["awsAccountId"], "123456789000")
        self.assertEqual(SAMPLE_RESPONSE_KEYS | {"acrCustomerPartners"}, set(inst))
        partners = {p["awsAccountId"]: p for p in inst["acrCustomerPartners"]}
        self.assertIn("123456789001", partners)
        self.assertEqual(partners["123456789001"]["displayName"], "Source Data 1")

        collab = self.assertOk(self.mp.call("GET", f"/amc/instances/{inst['instanceId']}/collaboration"))
        members = collab["collaboration"]["members"]
        ids = [m["awsAccountId"] for m in members]
        # The primary account is listed once although the sample repeats it as a partner.
        self.assertEqual(ids.count("123456789000"), 1)
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len(members), 1 + len(SERVICE_MEMBERS) + 1)
        partner = next(m for m in members if m["awsAccountId"] == "123456789001")
        self.assertEqual(partner["displayName"], "Source Data 1")
        self.assertEqual(partner["status"], "INVITED")
        primary = next(m for m in members if m["awsAccountId"] == "123456789000")
        self.assertEqual(primary["status"], "INVITED")
        self.assertEqual(primary["abilities"], ["CAN_RECEIVE_RESULTS"])  # results go to the primary account

    def test_partner_listed_twice_is_rejected(self):
        body = sample(acrCustomerPartners=[{"awsAccountId": "123456789001", "displayName": "a"},
                                           {"awsAccountId": "123456789001", "displayName": "b"}])
        self.assertRejected(body, 400, "acrCustomerPartners[1].awsAccountId")

    def test_partner_with_a_bad_account_id_is_rejected(self):
        body = sample(acrCustomerPartners=[{"awsAccountId": "12345", "displayName": "a"}])
        self.assertRejected(body, 400, "acrCustomerPartners[0].awsAccountId")

    # --- body: unknown fields, types, JSON -------------------------------------------------------
    def test_unknown_field_is_400_naming_it(self):
        self.assertRejected(sample(instanceColour="blue"), 400, "instanceColour")

    def test_unknown_partner_field_is_400_naming_it(self):
        body = sample(acrCustomerPartners=[{"awsAccountId": "123456789001", "displayName": "a", "role": "x"}])
        self.assertRejected(body, 400, "acrCustomerPartners[0].role")

    def test_instance_name_as_a_number_is_400_naming_it(self):
        self.assertRejected(sample(instanceName=12345), 400, "instanceName")

    def test_aws_account_id_as_a_number_is_400_naming_it(self):
        self.assertRejected(sample(awsAccountId=682015411111), 400, "awsAccountId")

    def test_partners_not_a_list_is_400_naming_it(self):
        for value in ({"awsAccountId": "123456789001", "displayName": "a"}, "123456789001"):
            with self.subTest(acrCustomerPartners=value):
                self.assertRejected(sample(acrCustomerPartners=value), 400, "acrCustomerPartners")

    def test_partner_that_is_not_an_object_is_400_naming_it(self):
        self.assertRejected(sample(acrCustomerPartners=["123456789001"]), 400, "acrCustomerPartners[0]")

    def test_malformed_json_is_400(self):
        for raw in (b'{"instanceName": "my_collaboration_instance",', b"instanceName=x", b"{'a': 1}"):
            with self.subTest(body=raw):
                self.assertError(self.admin.call("POST", "/amc/instances", raw_body=raw), 400, "JSON")
        # The parser's position is in the message, so a hand-written body can be fixed.
        self.assertError(self.admin.call("POST", "/amc/instances", raw_body=b'{"instanceName": x}'), 400,
                         "at byte 18")  # 1-based, as the parser counts

    def test_body_that_is_not_an_object_is_400(self):
        for raw in (b"[]", b'"text"', b"42", b"null"):
            with self.subTest(body=raw):
                self.assertError(self.admin.call("POST", "/amc/instances", raw_body=raw), 400, "JSON object")

    def test_empty_body_is_400(self):
        self.assertError(self.admin.call("POST", "/amc/instances", raw_body=b""), 400, "body")

    # --- body: awsAccountId and instanceName ------------------------------------------------------
    def test_aws_account_id_that_is_not_12_digits_is_400(self):
        for value in ("68201541111", "6820154111110", "68201541111a", "", "682015-41111", " 682015411111"):
            with self.subTest(awsAccountId=value):
                self.assertRejected(sample(awsAccountId=value), 400, "awsAccountId")

    def test_instance_name_shorter_than_3_is_400(self):
        for name in ("", "a", "ab"):
            with self.subTest(instanceName=name):
                self.assertRejected(sample(instanceName=name), 400, "instanceName")

    def test_blank_instance_name_is_400(self):
        self.assertRejected(sample(instanceName="     "), 400, "instanceName", "blank")

    def test_instance_name_longer_than_50_is_400(self):
        self.assertRejected(sample(instanceName="n" * 51), 400, "instanceName")

    def test_instance_name_of_3_and_of_50_characters_is_accepted(self):
        for name in ("abc", "n" * 50):
            with self.subTest(length=len(name)):
                self.assertEqual(self.assertOk(self.create(sample(instanceName=name)))["instance"]["instanceName"],
                                 name)

    def test_instance_name_length_counts_characters_not_bytes(self):
        # 50 characters of two bytes each are 50 characters (docs/amc-api.md: "3-50 characters").
        name = "é" * 50
        self.assertEqual(self.assertOk(self.create(sample(instanceName=name)))["instance"]["instanceName"], name)
        self.assertRejected(sample(instanceName="é" * 51), 400, "instanceName")

    # --- permissions --------------------------------------------------------------------------
    def test_user_role_of_the_amc_account_cannot_create(self):
        user = self.server.new_user("user-role@example.com", amc_account=self.admin.advertiser_id, role="USER",
                                    aws_account="682015411111", aws_role="ADMIN")
        u = AmcUser(self.server, user, self.admin.advertiser_id)
        self.assertRejected(SAMPLE_REQUEST, 403, "ADMIN", user=u)
        # The role allows reading.
        self.assertOk(u.call("GET", "/amc/instances"))

    def test_amc_admin_who_is_not_admin_of_the_aws_account_cannot_create(self):
        amc = self.admin.advertiser_id
        cases = {
            "USER of awsAccountId": self.server.new_user("aws-user@example.com", amc_account=amc,
                                                         aws_account="682015411111", aws_role="USER"),
            "no role in awsAccountId": self.server.new_user("aws-none@example.com", amc_account=amc),
            "ADMIN of another account": self.server.new_user("aws-other@example.com", amc_account=amc,
                                                             aws_account="210987654321", aws_role="ADMIN"),
        }
        for case, user in cases.items():
            with self.subTest(case):
                self.assertRejected(SAMPLE_REQUEST, 403, "682015411111", user=AmcUser(self.server, user, amc))

    def test_aws_account_of_another_advertiser_is_403(self):
        # The admin of 682015411111 asks for an instance on 210987654321, which it does not administer.
        self.assertRejected(sample(awsAccountId="210987654321"), 403, "210987654321")


class ReadInstancesTest(AmcTestCase):
    """GET /amc/instances[/{id}[/collaboration]], idempotency and the advertisers of an instance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.creds, cls.admin = harness.advertiser_setup(s, "682015411111", amc_name="Advertiser A")
        cls.other_creds, cls.other = harness.advertiser_setup(s, "210987654321", amc_name="Advertiser B")
        cls.instance = cls.admin.create_instance(SAMPLE_REQUEST)[1]["instance"]
        cls.foreign = cls.other.create_instance(sample(awsAccountId="210987654321"))[1]["instance"]
        user = s.new_user("reader@example.com", amc_account=cls.admin.advertiser_id, role="USER",
                          aws_account="682015411111", aws_role="ADMIN")
        cls.reader = AmcUser(s, user, cls.admin.advertiser_id)

    # --- list -----------------------------------------------------------------------------------
    def test_list_shows_the_callers_instances_and_not_another_accounts(self):
        mine = {i["instanceId"] for i in self.all_instances(self.admin)}
        theirs = {i["instanceId"] for i in self.all_instances(self.other)}
        self.assertIn(self.instance["instanceId"], mine)
        self.assertNotIn(self.foreign["instanceId"], mine)
        self.assertIn(self.foreign["instanceId"], theirs)
        self.assertNotIn(self.instance["instanceId"], theirs)

    def test_list_items_have_the_instance_shape(self):
        listed = next(i for i in self.all_instances(self.admin) if i["instanceId"] == self.instance["instanceId"])
        self.assertEqual(listed, self.instance)

    def test_list_pages_with_limit_and_next_token(self):
        # A fresh AMC account with five instances, read two at a time.
        _, user = harness.advertiser_setup(self.server, "300000000003", amc_name="Pager")
        created = {self.assertOk(user.create_instance(sample(awsAccountId="300000000003")))["instance"]["instanceId"]
                   for _ in range(5)}
        seen, token, pages = [], None, 0
        while True:
            path = "/amc/instances?limit=2" + (f"&nextToken={token}" if token else "")
            body = self.assertOk(user.call("GET", path))
            self.assertLessEqual(len(body["instances"]), 2)
            seen += [i["instanceId"] for i in body["instances"]]
            pages += 1
            token = body.get("nextToken")
            if not token:
                break
            self.assertLess(pages, 10, "paging does not end")
        self.assertEqual(pages, 3)
        self.assertEqual(len(seen), 5)
        self.assertEqual(set(seen), created)

    def test_list_limit_out_of_range_is_400_naming_it(self):
        for limit in ("0", "101", "-1", "abc", ""):
            with self.subTest(limit=limit):
                self.assertError(self.admin.call("GET", f"/amc/instances?limit={limit}"), 400, "limit")

    def test_list_needs_the_headers(self):
        self.assertError(self.admin.call("GET", "/amc/instances", authorization=None), 401, "Authorization")
        self.assertError(self.admin.call("GET", "/amc/instances", advertiser=self.other.advertiser_id),
                         403, ADVERTISER_ID)

    # --- get --------------------------------------------------------------------------------------
    def test_get_returns_the_instance(self):
        body = self.assertOk(self.admin.call("GET", f"/amc/instances/{self.instance['instanceId']}"))
        self.assertEqual(body, {"instance": self.instance})

    def test_get_by_a_user_role_of_the_account_works(self):
        body = self.assertOk(self.reader.call("GET", f"/amc/instances/{self.instance['instanceId']}"))
        self.assertEqual(body["instance"]["instanceId"], self.instance["instanceId"])

    def test_get_unknown_instance_is_404(self):
        self.assertError(self.admin.call("GET", "/amc/instances/amc00000000"), 404, "amc00000000")

    def test_get_foreign_instance_is_404(self):
        fid = self.foreign["instanceId"]
        for path in (f"/amc/instances/{fid}", f"/amc/instances/{fid}/collaboration",
                     f"/amc/instances/{fid}/advertisers"):
            with self.subTest(path=path):
                self.assertError(self.admin.call("GET", path), 404, fid)

    # --- collaboration ---------------------------------------------------------------------------
    def test_collaboration_has_the_primary_account_and_the_service_members(self):
        iid = self.instance["instanceId"]
        collab = self.assertOk(self.admin.call("GET", f"/amc/instances/{iid}/collaboration"))["collaboration"]
        self.assertEqual(collab["id"], self.instance["acrCollaboration"]["id"])
        self.assertEqual(collab["name"], f"AMC {iid}")
        self.assertEqual(collab["description"], f"AMC Clean Room collaboration for instance {iid}")
        self.assertEqual(collab["instanceId"], iid)
        self.assertEqual(collab["status"], "Invited")
        members = {m["awsAccountId"]: m for m in collab["members"]}
        self.assertEqual(len(members), len(collab["members"]), "an account is listed twice")
        self.assertEqual(len(members), 1 + len(SERVICE_MEMBERS))

        primary = members.pop("682015411111")
        self.assertEqual(primary["status"], "INVITED")
        self.assertEqual(primary["displayName"], "Advertiser A")
        self.assertEqual(primary["abilities"], ["CAN_RECEIVE_RESULTS"])
        for role, (display_name, abilities) in SERVICE_MEMBERS.items():
            with self.subTest(role=role):
                account = self.server.platform_account(role)["accountId"]
                m = members.pop(account)
                self.assertEqual(m["displayName"], display_name)
                self.assertEqual(m["abilities"], abilities)
                self.assertEqual(m["status"], "ACTIVE")
        self.assertEqual(members, {})

    # --- idempotency ------------------------------------------------------------------------------
    def test_idempotency_token_returns_the_same_instance(self):
        before = len(self.all_instances(self.admin))
        body = sample(idempotencyToken="create-once-1")
        first = self.assertOk(self.admin.create_instance(body))["instance"]
        second = self.assertOk(self.admin.create_instance(body))["instance"]
        self.assertEqual(first, second)
        self.assertEqual(len(self.all_instances(self.admin)), before + 1)
        # Another token is another instance.
        third = self.assertOk(self.admin.create_instance(sample(idempotencyToken="create-once-2")))["instance"]
        self.assertNotEqual(third["instanceId"], first["instanceId"])

    def test_idempotency_token_is_per_amc_account(self):
        mine = self.assertOk(self.admin.create_instance(sample(idempotencyToken="shared-token")))["instance"]
        theirs = self.assertOk(self.other.create_instance(
            sample(awsAccountId="210987654321", idempotencyToken="shared-token")))["instance"]
        self.assertNotEqual(mine["instanceId"], theirs["instanceId"])
        self.assertEqual(theirs["awsAccountId"], "210987654321")

    # --- advertisers ------------------------------------------------------------------------------
    def advertisers_path(self, iid=None):
        return f"/amc/instances/{iid or self.instance['instanceId']}/advertisers"

    def test_add_list_and_remove_advertisers(self):
        iid = self.assertOk(self.admin.create_instance(sample()))["instance"]["instanceId"]
        path = self.advertisers_path(iid)
        self.assertEqual(self.assertOk(self.admin.call("GET", path)), {"advertisers": []})
        # Only advertisers the operator linked to the instance's AMC account can be added.
        for advertiser in ("5849200001", "5849200002"):
            self.server.link_advertiser(self.admin.advertiser_id, advertiser)
        a1 = {"id": "5849200001", "marketplaceId": MARKETPLACE, "type": "DISPLAY"}
        a2 = {"id": "5849200002", "marketplaceId": MARKETPLACE, "type": "SPONSORED_ADS"}
        upd = self.assertOk(self.admin.call("POST", path + "/updates", {"advertisersToAdd": [a1, a2]}))
        upd = upd["advertiserUpdate"]
        self.assertEqual(upd["status"], "COMPLETED")
        self.assertEqual(upd["advertisersToAdd"], [a1, a2])
        self.assertTrue(upd["updateId"])
        listed = self.assertOk(self.admin.call("GET", path))["advertisers"]
        self.assertEqual(sorted(listed, key=lambda a: a["id"]), [a1, a2])

        upd = self.assertOk(self.admin.call("POST", path + "/updates", {"advertisersToRemove": [a1]}))
        self.assertEqual(upd["advertiserUpdate"]["status"], "COMPLETED")
        self.assertEqual(self.assertOk(self.admin.call("GET", path))["advertisers"], [a2])
        # Both updates are recorded and can be read back.
        updates = self.assertOk(self.admin.call("GET", path + "/updates"))["advertiserUpdates"]
        self.assertEqual(len(updates), 2)
        one = self.assertOk(self.admin.call("GET", f"{path}/updates/{updates[0]['updateId']}"))
        self.assertEqual(one["advertiserUpdate"], updates[0])

    def test_removing_an_advertiser_not_on_the_instance_rejects_the_update(self):
        iid = self.assertOk(self.admin.create_instance(sample()))["instance"]["instanceId"]
        path = self.advertisers_path(iid)
        for advertiser in ("5849200003", "5849200004"):
            self.server.link_advertiser(self.admin.advertiser_id, advertiser)
        keep = {"id": "5849200003", "marketplaceId": MARKETPLACE, "type": "SAS"}
        self.assertOk(self.admin.call("POST", path + "/updates", {"advertisersToAdd": [keep]}))
        upd = self.assertOk(self.admin.call("POST", path + "/updates", {
            "advertisersToAdd": [{"id": "5849200004", "marketplaceId": MARKETPLACE, "type": "SAS"}],
            "advertisersToRemove": [{"id": "ABSENT", "marketplaceId": MARKETPLACE, "type": "SAS"}]}))
        self.assertEqual(upd["advertiserUpdate"]["status"], "REJECTED")
        self.assertIn("ABSENT", upd["advertiserUpdate"]["pendingVerificationReason"])
        # Nothing of a rejected update is applied.
        self.assertEqual(self.assertOk(self.admin.call("GET", path))["advertisers"], [keep])

    def test_advertiser_with_an_invalid_type_is_400(self):
        bad = {"advertisersToAdd": [{"id": "ADV1", "marketplaceId": MARKETPLACE, "type": "BILLBOARD"}]}
        self.assertError(self.admin.call("POST", self.advertisers_path() + "/updates", bad),
                         400, "advertisersToAdd[0].type")

    def test_advertiser_update_with_bad_fields_is_400(self):
        cases = [
            ({"advertisersToAdd": [{"id": "A", "marketplaceId": "NOPE", "type": "SAS"}]},
             "advertisersToAdd[0].marketplaceId"),
            ({"advertisersToAdd": [{"id": "A", "marketplaceId": MARKETPLACE}]}, "advertisersToAdd[0].type"),
            ({"advertisersToAdd": [{"id": "A", "marketplaceId": MARKETPLACE, "type": "SAS", "x": 1}]},
             "advertisersToAdd[0].x"),
            ({"advertisersToAdd": "A"}, "advertisersToAdd"),
            ({"advertisers": []}, "advertisers"),
            ({}, "advertisersToAdd"),
        ]
        for body, field in cases:
            with self.subTest(field=field):
                self.assertError(self.admin.call("POST", self.advertisers_path() + "/updates", body), 400, field)

    def test_advertiser_update_by_a_user_role_is_403(self):
        path = self.advertisers_path()
        before = self.assertOk(self.admin.call("GET", path))["advertisers"]
        body = {"advertisersToAdd": [{"id": "BYUSER", "marketplaceId": MARKETPLACE, "type": "DISPLAY"}]}
        self.assertError(self.reader.call("POST", path + "/updates", body), 403, "ADMIN")
        self.assertEqual(self.assertOk(self.admin.call("GET", path))["advertisers"], before)
        # Reading is allowed to the USER role.
        self.assertOk(self.reader.call("GET", path))

    def test_advertiser_update_of_a_foreign_instance_is_404(self):
        body = {"advertisersToAdd": [{"id": "X", "marketplaceId": MARKETPLACE, "type": "DISPLAY"}]}
        self.assertError(self.admin.call("POST", self.advertisers_path(self.foreign["instanceId"]) + "/updates",
                                         body), 404, self.foreign["instanceId"])


class AccountsAndInvitationsTest(AmcTestCase):
    """GET /amc/accounts, invitations, and unknown paths."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        s = cls.server
        cls.creds, cls.admin = harness.advertiser_setup(s, "682015411111", amc_name="Advertiser A")
        cls.other_creds, cls.other = harness.advertiser_setup(s, "210987654321", amc_name="Advertiser B")
        cls.instance = cls.admin.create_instance(SAMPLE_REQUEST)[1]["instance"]

    def invitations_path(self, account=None):
        return f"/amc/accounts/{account or self.admin.advertiser_id}/invitations"

    @staticmethod
    def signed_in(user):
        """Only the two headers a user without an AMC account can send."""
        return {"Authorization": "Bearer " + user["bearerToken"], CLIENT_ID: user["clientId"]}

    def test_invite_list_accept_and_use(self):
        invitee = self.server.new_user("invitee@example.com")  # no AMC account yet
        as_invitee = AmcUser(self.server, invitee, self.admin.advertiser_id)
        self.assertError(as_invitee.call("GET", "/amc/instances"), 403, ADVERTISER_ID)

        inv = self.assertOk(self.admin.call("POST", self.invitations_path(),
                                            {"email": "invitee@example.com", "role": "ADMIN"}))["invitation"]
        self.assertEqual(inv["accountId"], self.admin.advertiser_id)
        self.assertEqual(inv["email"], "invitee@example.com")
        self.assertEqual(inv["role"], "ADMIN")
        self.assertEqual(inv["status"], "PENDING")
        listed = self.assertOk(self.admin.call("GET", self.invitations_path()))["invitations"]
        self.assertIn(inv, listed)

        # The invitee sees it with only Authorization and ClientId.
        mine = self.assertOk(self.server.http("GET", "/amc/invitations", headers=self.signed_in(invitee)))
        self.assertEqual(mine["invitations"], [inv])
        accepted = self.assertOk(self.server.http("POST", f"/amc/invitations/{inv['invitationId']}/accept",
                                                  headers=self.signed_in(invitee)))["invitation"]
        self.assertEqual(accepted["status"], "ACCEPTED")
        self.assertEqual(accepted["invitationId"], inv["invitationId"])

        # Now the invitee works in the account.
        ids = {i["instanceId"] for i in self.assertOk(as_invitee.call("GET", "/amc/instances"))["instances"]}
        self.assertIn(self.instance["instanceId"], ids)
        accounts = self.assertOk(self.server.http("GET", "/amc/accounts", headers=self.signed_in(invitee)))
        self.assertEqual([a["accountId"] for a in accounts["amcAccounts"]], [self.admin.advertiser_id])
        users = self.assertOk(self.admin.call("GET", f"/amc/accounts/{self.admin.advertiser_id}/users"))["users"]
        self.assertIn({"email": "invitee@example.com", "role": "ADMIN"},
                      [{"email": u["email"], "role": u["role"]} for u in users])
        # No longer pending; the owner's list shows it accepted.
        self.assertEqual(self.assertOk(self.server.http("GET", "/amc/invitations",
                                                        headers=self.signed_in(invitee)))["invitations"], [])
        listed = self.assertOk(self.admin.call("GET", self.invitations_path()))["invitations"]
        self.assertEqual(next(i for i in listed if i["invitationId"] == inv["invitationId"])["status"], "ACCEPTED")
        # Accepting twice is refused.
        code, _, _ = self.server.http("POST", f"/amc/invitations/{inv['invitationId']}/accept",
                                      headers=self.signed_in(invitee))
        self.assertEqual(code, 409)

    def test_invited_user_role_gets_the_user_role(self):
        invitee = self.server.new_user("invited-user@example.com")
        inv = self.assertOk(self.admin.call("POST", self.invitations_path(),
                                            {"email": "invited-user@example.com", "role": "USER"}))["invitation"]
        self.assertOk(self.server.http("POST", f"/amc/invitations/{inv['invitationId']}/accept",
                                       headers=self.signed_in(invitee)))
        u = AmcUser(self.server, invitee, self.admin.advertiser_id)
        self.assertOk(u.call("GET", "/amc/instances"))
        self.assertError(u.call("POST", self.invitations_path(), {"email": "z@example.com", "role": "USER"}),
                         403, "ADMIN")

    def test_someone_elses_invitation_cannot_be_seen_or_accepted(self):
        self.server.new_user("meant@example.com")
        stranger = self.server.new_user("stranger@example.com")
        inv = self.assertOk(self.admin.call("POST", self.invitations_path(),
                                            {"email": "meant@example.com", "role": "ADMIN"}))["invitation"]
        mine = self.assertOk(self.server.http("GET", "/amc/invitations", headers=self.signed_in(stranger)))
        self.assertEqual(mine["invitations"], [])
        self.assertError(self.server.http("POST", f"/amc/invitations/{inv['invitationId']}/accept",
                                          headers=self.signed_in(stranger)), 404, inv["invitationId"])

    def test_pending_invitations_need_authentication(self):
        invitee = self.server.new_user("anon-check@example.com")
        self.assertError(self.server.http("GET", "/amc/invitations"), 401, "Authorization")
        self.assertError(self.server.http("GET", "/amc/invitations",
                                          headers={"Authorization": "Bearer " + invitee["bearerToken"]}),
                         400, CLIENT_ID)
        self.assertError(self.server.http("GET", "/amc/invitations", headers={
            "Authorization": "Bearer " + invitee["bearerToken"], CLIENT_ID: self.admin.user["clientId"]}),
            401, CLIENT_ID)

    def test_invitation_with_bad_fields_is_400_naming_them(self):
        cases = [({"email": "not-an-email", "role": "USER"}, "email"),
                 ({"email": "a@example.com", "role": "OWNER"}, "role"),
                 ({"email": "a@example.com"}, "role"),
                 ({"role": "USER"}, "email"),
                 ({"email": "a@example.com", "role": "USER", "note": "hi"}, "note")]
        for body, field in cases:
            with self.subTest(field=field):
                self.assertError(self.admin.call("POST", self.invitations_path(), body), 400, field)

    def test_invitation_by_a_user_role_is_403(self):
        user = self.server.new_user("plain-user@example.com", amc_account=self.admin.advertiser_id, role="USER")
        u = AmcUser(self.server, user, self.admin.advertiser_id)
        self.assertError(u.call("POST", self.invitations_path(), {"email": "q@example.com", "role": "USER"}),
                         403, "ADMIN")

    def test_invitation_to_another_account_than_the_header_is_403(self):
        self.assertError(self.admin.call("POST", self.invitations_path(self.other.advertiser_id),
                                         {"email": "q@example.com", "role": "USER"}), 403, ADVERTISER_ID)
        self.assertError(self.admin.call("GET", self.invitations_path(self.other.advertiser_id)), 403, ADVERTISER_ID)

    def test_inviting_a_member_of_the_account_is_409(self):
        code, body, _ = self.admin.call("POST", self.invitations_path(),
                                        {"email": self.admin.user["email"], "role": "USER"})
        self.assertEqual(code, 409, body)
        self.assertIn(self.admin.user["email"], body["message"])

    def test_inviting_twice_while_pending_is_409_with_a_plain_message(self):
        body = {"email": "twice@example.com", "role": "USER"}
        self.assertOk(self.admin.call("POST", self.invitations_path(), body))
        code, err, _ = self.admin.call("POST", self.invitations_path(), dict(body, email="TWICE@example.com"))
        self.assertEqual(code, 409, err)
        self.assertIn("twice@example.com", err["message"].lower())
        self.assertNotIn("constraint", err["message"].lower())  # no storage details on the wire

    def test_list_amc_accounts_of_the_user(self):
        user = self.server.new_user("two-accounts@example.com", amc_account=self.admin.advertiser_id)
        inv = self.assertOk(self.other.call("POST", self.invitations_path(self.other.advertiser_id),
                                            {"email": "two-accounts@example.com", "role": "USER"}))["invitation"]
        self.assertOk(self.server.http("POST", f"/amc/invitations/{inv['invitationId']}/accept",
                                       headers=self.signed_in(user)))
        accounts = self.assertOk(self.server.http("GET", "/amc/accounts", headers=self.signed_in(user)))
        self.assertEqual(set(accounts), {"amcAccounts"} | (set(accounts) & {"nextToken"}))
        got = sorted(accounts["amcAccounts"], key=lambda a: a["accountName"])
        self.assertEqual(got, [
            {"accountId": self.admin.advertiser_id, "accountName": "Advertiser A", "marketplaceId": MARKETPLACE},
            {"accountId": self.other.advertiser_id, "accountName": "Advertiser B", "marketplaceId": MARKETPLACE}])
        # Without any role, the list is empty.
        loner = self.server.new_user("loner@example.com")
        self.assertEqual(self.assertOk(self.server.http("GET", "/amc/accounts", headers=self.signed_in(loner))),
                         {"amcAccounts": []})

    def test_unknown_amc_path_is_404_json(self):
        for path in ("/amc/nothing-here", "/amc/instances/x/y/z", "/amc"):
            with self.subTest(path=path):
                self.assertError(self.admin.call("GET", path), 404)
        # Even without credentials, in the same shape.
        self.assertError(self.server.http("GET", "/amc/nothing-here"), 404)


if __name__ == "__main__":
    unittest.main()
