"""The reference's join-and-leave path over the Clean Rooms API, with the stock aws CLI and boto3.

amc-clean-rooms-collaboration-setup.md: an AMC instance brings a collaboration "AMC <instanceId>"
that the primary account finds under "Available to join"; creating its membership (results
destination, CSV or PARQUET) makes the instance ACTIVE; leaving shows the member as removed to the
others (API status LEFT, clean-rooms-semantics.md), the instance's collaboration as "Left", and
the same instance can never be joined again.

Also ordinary collaborations created over the API: the creator's own membership, joining, the
creator-only operations, deletion and pagination.
"""
import json
import unittest

import botocore.exceptions

from harness import ServerTestCase, advertiser_setup

REFERENCE_SAMPLE = {"instanceName": "my_collaboration_instance", "awsAccountId": "682015411111",
                    "acrBacked": "true"}

# The reference's member list: display name -> abilities (the advertiser receives the results).
SERVICE_MEMBERS = {
    "AMC service": [],
    "Amazon Advertising Data Provider": [],
    "Lookalike Audience Generator": [],
    "Advertiser Uploaded Data Provider": [],
    "Third-party Paid Data Provider": [],
    "AMC Results Receiver": ["CAN_RECEIVE_RESULTS"],
    "Query Submitter": ["CAN_QUERY"],
}


def s3_config(bucket, prefix="amc/results", fmt="CSV"):
    return {"outputConfiguration": {"s3": {"resultFormat": fmt, "bucket": bucket, "keyPrefix": prefix}}}


def error_code(exc):
    return exc.response["Error"]["Code"]


class AmcJoinAndLeave(ServerTestCase):
    """The reference's whole path, once with the aws CLI and once with boto3."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.submitter = cls.server.platform_account("QUERY_SUBMITTER")
        cls.service = cls.server.platform_account("SERVICE")

    # --- helpers -----------------------------------------------------------------------------
    def create_instance(self, amc, body):
        status, out, _ = amc.create_instance(body)
        self.assertEqual(status, 200, out)
        inst = out["instance"]
        self.assertEqual(inst["creationStatus"], "REQUESTED")
        self.assertEqual(inst["acrCollaboration"]["name"], "AMC " + inst["instanceId"])
        self.assertRegex(inst["acrCollaboration"]["id"], r"^[0-9a-f-]{36}$")
        return inst

    def get_instance(self, amc, instance_id):
        status, out, _ = amc.call("GET", "/amc/instances/" + instance_id)
        self.assertEqual(status, 200, out)
        return out["instance"] if "instance" in out else out

    def cli(self, creds, *args):
        rc, out, err = self.server.aws(creds, "cleanrooms", *args)
        self.assertEqual(rc, 0, err)
        return out

    def cli_error(self, creds, *args):
        rc, out, err = self.server.aws(creds, "cleanrooms", *args, check=False)
        self.assertNotEqual(rc, 0, f"aws cleanrooms {args} succeeded: {out}")
        return err

    def check_members(self, members, advertiser_account, advertiser_status):
        by_name = {m["displayName"]: m for m in members}
        self.assertEqual(len(members), 8, members)  # the advertiser and the seven service members
        for name, abilities in SERVICE_MEMBERS.items():
            self.assertIn(name, by_name)
            self.assertEqual(sorted(by_name[name]["abilities"]), abilities, name)
            self.assertEqual(by_name[name]["status"], "ACTIVE", name)
            self.assertIn("membershipId", by_name[name])
        platform = {a["accountId"] for a in self.server.credentials()["platformAccounts"]}
        self.assertEqual({by_name[n]["accountId"] for n in SERVICE_MEMBERS}, platform)
        adv = [m for m in members if m["accountId"] == advertiser_account]
        self.assertEqual(len(adv), 1, members)
        self.assertEqual(adv[0]["abilities"], ["CAN_RECEIVE_RESULTS"])
        self.assertEqual(adv[0]["status"], advertiser_status)
        self.assertEqual(adv[0]["displayName"], "Advertiser A")
        return adv[0]

    # --- the reference's path with the aws CLI ------------------------------------------------
    def test_join_and_leave_with_the_aws_cli(self):
        creds, amc = advertiser_setup(self.server, "682015411111")
        self.server.new_bucket(creds["accountId"], "advertiser-a-results")
        inst = self.create_instance(amc, REFERENCE_SAMPLE)
        collab_id = inst["acrCollaboration"]["id"]
        name = "AMC " + inst["instanceId"]

        # Available to join.
        out = self.cli(creds, "list-collaborations", "--member-status", "INVITED")
        self.assertEqual([(c["id"], c["name"], c["memberStatus"]) for c in out["collaborationList"]],
                         [(collab_id, name, "INVITED")])
        self.assertEqual(out["collaborationList"][0]["creatorAccountId"], self.service["accountId"])
        self.assertEqual(out["collaborationList"][0]["creatorDisplayName"], "AMC service")
        self.assertEqual(self.cli(creds, "list-collaborations", "--member-status", "ACTIVE")["collaborationList"], [])

        out = self.cli(creds, "list-members", "--collaboration-identifier", collab_id)
        me = self.check_members(out["memberSummaries"], creds["accountId"], "INVITED")
        self.assertNotIn("membershipId", me)

        # Join, with a CSV result destination.
        config = s3_config("advertiser-a-results", "amc/results")
        out = self.cli(creds, "create-membership", "--collaboration-identifier", collab_id,
                       "--query-log-status", "ENABLED", "--default-result-configuration", json.dumps(config))
        ms = out["membership"]
        ms_id = ms["id"]
        self.assertEqual(ms["status"], "ACTIVE")
        self.assertEqual(ms["collaborationId"], collab_id)
        self.assertEqual(ms["collaborationName"], name)
        self.assertEqual(ms["memberAbilities"], ["CAN_RECEIVE_RESULTS"])
        self.assertEqual(ms["queryLogStatus"], "ENABLED")
        self.assertEqual(ms["defaultResultConfiguration"], config)
        self.assertEqual(ms["arn"], f"arn:aws:cleanrooms:us-east-1:{creds['accountId']}:membership/{ms_id}")

        inst_now = self.get_instance(amc, inst["instanceId"])
        self.assertEqual(inst_now["creationStatus"], "ACTIVE")
        self.assertEqual(inst_now["acrCollaboration"]["status"], "Active")
        self.assertEqual(inst_now["acrCollaboration"]["id"], collab_id)

        out = self.cli(creds, "list-memberships")
        self.assertEqual([(m["id"], m["status"], m["collaborationId"]) for m in out["membershipSummaries"]],
                         [(ms_id, "ACTIVE", collab_id)])
        out = self.cli(creds, "get-membership", "--membership-identifier", ms_id)
        self.assertEqual(out["membership"]["defaultResultConfiguration"]["outputConfiguration"]["s3"]["resultFormat"],
                         "CSV")
        parquet = s3_config("advertiser-a-results", "amc/parquet", "PARQUET")
        out = self.cli(creds, "update-membership", "--membership-identifier", ms_id,
                       "--default-result-configuration", json.dumps(parquet))
        self.assertEqual(out["membership"]["defaultResultConfiguration"], parquet)
        out = self.cli(creds, "get-membership", "--membership-identifier", ms_id)
        self.assertEqual(out["membership"]["defaultResultConfiguration"], parquet)
        self.assertEqual(out["membership"]["queryLogStatus"], "ENABLED")

        out = self.cli(creds, "list-collaborations", "--member-status", "ACTIVE")
        self.assertEqual([(c["id"], c["memberStatus"], c.get("membershipId")) for c in out["collaborationList"]],
                         [(collab_id, "ACTIVE", ms_id)])
        self.assertEqual(self.cli(creds, "list-collaborations", "--member-status", "INVITED")["collaborationList"], [])
        out = self.cli(creds, "list-members", "--collaboration-identifier", collab_id)
        me = self.check_members(out["memberSummaries"], creds["accountId"], "ACTIVE")
        self.assertEqual(me["membershipId"], ms_id)

        # Leave.
        rc, out, err = self.server.aws(creds, "cleanrooms", "delete-membership", "--membership-identifier", ms_id)
        self.assertEqual((rc, out), (0, {}), err)

        # The others see the leaver as LEFT (the console's "Removed").
        out = self.cli(self.submitter, "list-members", "--collaboration-identifier", collab_id)
        self.check_members(out["memberSummaries"], creds["accountId"], "LEFT")
        # The membership itself reads REMOVED; the AMC instance shows "Left".
        out = self.cli(creds, "get-membership", "--membership-identifier", ms_id)
        self.assertEqual(out["membership"]["status"], "REMOVED")
        self.assertEqual(out["membership"]["defaultResultConfiguration"], parquet)  # results stay where they are
        inst_now = self.get_instance(amc, inst["instanceId"])
        self.assertEqual(inst_now["acrCollaboration"]["status"], "Left")

        # The leaver can no longer read or act.
        err = self.cli_error(creds, "get-collaboration", "--collaboration-identifier", collab_id)
        self.assertIn("AccessDeniedException", err)
        err = self.cli_error(creds, "list-members", "--collaboration-identifier", collab_id)
        self.assertIn("AccessDeniedException", err)
        err = self.cli_error(creds, "update-membership", "--membership-identifier", ms_id,
                             "--query-log-status", "DISABLED")
        self.assertIn("ConflictException", err)
        self.assertEqual(self.cli(creds, "list-collaborations")["collaborationList"], [])

        # ... and can never join the same instance again.
        err = self.cli_error(creds, "create-membership", "--collaboration-identifier", collab_id,
                             "--query-log-status", "ENABLED", "--default-result-configuration", json.dumps(config))
        self.assertIn("ConflictException", err)
        self.assertIn("new AMC instance", err)

        # Leaving twice is not an error (DeleteMembership is idempotent), and changes nothing.
        rc, _, err = self.server.aws(creds, "cleanrooms", "delete-membership", "--membership-identifier", ms_id)
        self.assertEqual(rc, 0, err)
        out = self.cli(creds, "list-memberships")
        self.assertEqual([(m["id"], m["status"]) for m in out["membershipSummaries"]], [(ms_id, "REMOVED")])

    # --- the same steps with boto3 ------------------------------------------------------------
    def test_join_and_leave_with_boto3(self):
        creds, amc = advertiser_setup(self.server, "682015422222")
        self.server.new_bucket(creds["accountId"], "advertiser-b-results")
        body = dict(REFERENCE_SAMPLE, awsAccountId=creds["accountId"])
        inst = self.create_instance(amc, body)
        collab_id = inst["acrCollaboration"]["id"]
        cr = self.server.cleanrooms(creds)
        submitter = self.server.cleanrooms(self.submitter)

        invited = cr.list_collaborations(memberStatus="INVITED")["collaborationList"]
        self.assertEqual([(c["id"], c["name"]) for c in invited], [(collab_id, "AMC " + inst["instanceId"])])
        got = cr.get_collaboration(collaborationIdentifier=collab_id)["collaboration"]
        self.assertEqual(got["memberStatus"], "INVITED")
        self.assertEqual(got["description"], "AMC Clean Room collaboration for instance " + inst["instanceId"])
        self.check_members(cr.list_members(collaborationIdentifier=collab_id)["memberSummaries"],
                           creds["accountId"], "INVITED")
        # The submitter (an ACTIVE service member) sees the advertiser as invited, too.
        self.check_members(submitter.list_members(collaborationIdentifier=collab_id)["memberSummaries"],
                           creds["accountId"], "INVITED")

        config = s3_config("advertiser-b-results", "results")
        ms = cr.create_membership(collaborationIdentifier=collab_id, queryLogStatus="ENABLED",
                                  defaultResultConfiguration=config)["membership"]
        self.assertEqual(ms["status"], "ACTIVE")
        self.assertEqual(self.get_instance(amc, inst["instanceId"])["creationStatus"], "ACTIVE")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cr.create_membership(collaborationIdentifier=collab_id, queryLogStatus="ENABLED")
        self.assertEqual(error_code(ctx.exception), "ConflictException")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 409)

        parquet = s3_config("advertiser-b-results", "results", "PARQUET")
        upd = cr.update_membership(membershipIdentifier=ms["id"], defaultResultConfiguration=parquet,
                                   queryLogStatus="DISABLED")["membership"]
        self.assertEqual((upd["defaultResultConfiguration"], upd["queryLogStatus"]), (parquet, "DISABLED"))
        self.assertEqual([c["id"] for c in cr.list_collaborations(memberStatus="ACTIVE")["collaborationList"]],
                         [collab_id])
        self.assertEqual([m["id"] for m in cr.list_memberships(status="ACTIVE")["membershipSummaries"]], [ms["id"]])

        resp = cr.delete_membership(membershipIdentifier=ms["id"])
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.check_members(submitter.list_members(collaborationIdentifier=collab_id)["memberSummaries"],
                           creds["accountId"], "LEFT")
        self.assertEqual(cr.get_membership(membershipIdentifier=ms["id"])["membership"]["status"], "REMOVED")
        self.assertEqual(cr.list_memberships(status="ACTIVE")["membershipSummaries"], [])
        self.assertEqual([m["id"] for m in cr.list_memberships(status="REMOVED")["membershipSummaries"]],
                         [ms["id"]])
        self.assertEqual(self.get_instance(amc, inst["instanceId"])["acrCollaboration"]["status"], "Left")
        for call in (lambda: cr.get_collaboration(collaborationIdentifier=collab_id),
                     lambda: cr.list_members(collaborationIdentifier=collab_id)):
            with self.assertRaises(botocore.exceptions.ClientError) as ctx:
                call()
            self.assertEqual(error_code(ctx.exception), "AccessDeniedException")
            self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cr.create_membership(collaborationIdentifier=collab_id, queryLogStatus="ENABLED",
                                 defaultResultConfiguration=config)
        self.assertEqual(error_code(ctx.exception), "ConflictException")
        self.assertIn("new AMC instance", ctx.exception.response["Error"]["Message"])
        self.assertEqual(ctx.exception.response["reason"], "INVALID_STATE")
        # Still left, not re-invited by the failed attempt.
        self.assertEqual(cr.list_collaborations(memberStatus="INVITED")["collaborationList"], [])
        self.assertEqual(self.get_instance(amc, inst["instanceId"])["acrCollaboration"]["status"], "Left")

    # --- a multi-party instance ---------------------------------------------------------------
    def test_partner_of_a_multi_party_instance_sees_it_and_joins(self):
        creds, amc = advertiser_setup(self.server, "123456789000")
        partner = self.server.new_account("123456789001", "Partner")
        self.server.new_bucket(creds["accountId"], "primary-results")
        # The reference's multi-party sample, verbatim (the primary account listed as a partner too).
        inst = self.create_instance(amc, {
            "instanceName": "myacrinstance", "advertiserName": "Advertiser A", "awsAccountId": "123456789000",
            "acrBacked": "true",
            "acrCustomerPartners": [{"awsAccountId": "123456789001", "displayName": "Source Data 1"},
                                    {"awsAccountId": "123456789000", "displayName": "Source Data 2"}]})
        collab_id = inst["acrCollaboration"]["id"]

        out = self.cli(partner, "list-collaborations", "--member-status", "INVITED")
        self.assertEqual([(c["id"], c["memberStatus"]) for c in out["collaborationList"]], [(collab_id, "INVITED")])
        cr = self.server.cleanrooms(partner)
        members = cr.list_members(collaborationIdentifier=collab_id)["memberSummaries"]
        self.assertEqual(len(members), 9, members)  # advertiser, seven service members, one partner
        mine = [m for m in members if m["accountId"] == partner["accountId"]]
        self.assertEqual([(m["displayName"], m["status"], m["abilities"]) for m in mine],
                         [("Source Data 1", "INVITED", [])])
        self.assertEqual(sum(m["accountId"] == "123456789000" for m in members), 1)

        # A partner that cannot receive results takes no result destination.
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            cr.create_membership(collaborationIdentifier=collab_id, queryLogStatus="ENABLED",
                                 defaultResultConfiguration=s3_config("partner-results"))
        self.assertEqual(error_code(ctx.exception), "ValidationException")

        out = self.cli(partner, "create-membership", "--collaboration-identifier", collab_id,
                       "--query-log-status", "ENABLED")
        self.assertEqual(out["membership"]["status"], "ACTIVE")
        self.assertEqual(out["membership"]["memberAbilities"], [])
        self.assertEqual([c["id"] for c in cr.list_collaborations(memberStatus="ACTIVE")["collaborationList"]],
                         [collab_id])
        # Only the primary account's membership makes the instance ACTIVE.
        inst_now = self.get_instance(amc, inst["instanceId"])
        self.assertEqual(inst_now["creationStatus"], "REQUESTED")
        self.assertEqual(inst_now["acrCollaboration"]["status"], "Invited")
        self.assertEqual([(p["awsAccountId"], p["status"]) for p in inst_now["acrCustomerPartners"]],
                         [("123456789001", "ACTIVE")])
        primary = self.server.cleanrooms(creds)
        primary.create_membership(collaborationIdentifier=collab_id, queryLogStatus="ENABLED",
                                  defaultResultConfiguration=s3_config("primary-results"))
        self.assertEqual(self.get_instance(amc, inst["instanceId"])["creationStatus"], "ACTIVE")


class OrdinaryCollaborations(ServerTestCase):
    """Collaborations created over the API by a customer account (boto3)."""

    CREATOR, JOINER, BYSTANDER, PAGER = "111111111111", "222222222222", "333333333333", "444444444444"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds = {a: cls.server.new_account(a, "Account " + a)
                     for a in (cls.CREATOR, cls.JOINER, cls.BYSTANDER, cls.PAGER)}
        cls.clients = {a: cls.server.cleanrooms(c) for a, c in cls.creds.items()}
        cls.server.new_bucket(cls.JOINER, "joiner-results")

    def create(self, creator=None, members=None, name="Ordinary", **extra):
        creator = creator or self.CREATOR
        if members is None:
            members = [{"accountId": self.JOINER, "displayName": "Joiner", "memberAbilities": ["CAN_RECEIVE_RESULTS"]},
                       {"accountId": self.BYSTANDER, "displayName": "Bystander", "memberAbilities": []}]
        return self.clients[creator].create_collaboration(
            name=name, description="An ordinary collaboration", members=members,
            creatorMemberAbilities=["CAN_QUERY"], creatorDisplayName="Creator", queryLogStatus="DISABLED",
            **extra)["collaboration"]

    def assertClientError(self, code, status, fn, /, *args, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(error_code(ctx.exception), code, ctx.exception.response)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        return ctx.exception.response

    def statuses(self, client, collab_id):
        return {m["accountId"]: m["status"]
                for m in client.list_members(collaborationIdentifier=collab_id)["memberSummaries"]}

    def test_creator_is_invited_until_it_joins_and_members_join(self):
        creator, joiner = self.clients[self.CREATOR], self.clients[self.JOINER]
        c = self.create()
        self.assertEqual(c["memberStatus"], "INVITED")
        self.assertEqual(c["creatorAccountId"], self.CREATOR)
        self.assertNotIn("membershipId", c)
        self.assertEqual(self.statuses(creator, c["id"]),
                         {self.CREATOR: "INVITED", self.JOINER: "INVITED", self.BYSTANDER: "INVITED"})
        self.assertIn(c["id"], [x["id"] for x in creator.list_collaborations(memberStatus="INVITED")["collaborationList"]])
        self.assertNotIn(c["id"], [x["id"] for x in creator.list_collaborations(memberStatus="ACTIVE")["collaborationList"]])

        mine = creator.create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED")["membership"]
        self.assertEqual((mine["status"], mine["memberAbilities"]), ("ACTIVE", ["CAN_QUERY"]))
        self.assertTrue(mine["paymentConfiguration"]["queryCompute"]["isResponsible"])  # the querier pays
        got = creator.get_collaboration(collaborationIdentifier=c["id"])["collaboration"]
        self.assertEqual((got["memberStatus"], got["membershipId"]), ("ACTIVE", mine["id"]))

        theirs = joiner.create_membership(collaborationIdentifier=c["id"], queryLogStatus="ENABLED",
                                          defaultResultConfiguration=s3_config("joiner-results"))["membership"]
        self.assertEqual((theirs["status"], theirs["memberAbilities"]), ("ACTIVE", ["CAN_RECEIVE_RESULTS"]))
        self.assertFalse(theirs["paymentConfiguration"]["queryCompute"]["isResponsible"])
        self.assertEqual(self.statuses(self.clients[self.BYSTANDER], c["id"]),
                         {self.CREATOR: "ACTIVE", self.JOINER: "ACTIVE", self.BYSTANDER: "INVITED"})
        members = {m["accountId"]: m for m in creator.list_members(collaborationIdentifier=c["id"])["memberSummaries"]}
        self.assertEqual(members[self.JOINER]["membershipId"], theirs["id"])
        self.assertEqual(members[self.JOINER]["abilities"], ["CAN_RECEIVE_RESULTS"])
        self.assertEqual(members[self.BYSTANDER]["displayName"], "Bystander")
        # The creator cannot leave; it can only delete the collaboration.
        self.assertClientError("ValidationException", 400, creator.delete_membership, membershipIdentifier=mine["id"])
        self.assertEqual(creator.get_membership(membershipIdentifier=mine["id"])["membership"]["status"], "ACTIVE")

    def test_only_the_creator_updates_removes_members_and_deletes(self):
        creator, joiner, bystander = (self.clients[a] for a in (self.CREATOR, self.JOINER, self.BYSTANDER))
        c = self.create(name="Creator only")
        cid = c["id"]
        creator_ms = creator.create_membership(collaborationIdentifier=cid, queryLogStatus="DISABLED")["membership"]
        joiner_ms = joiner.create_membership(collaborationIdentifier=cid, queryLogStatus="DISABLED")["membership"]

        # Update: name and description, by the creator only.
        self.assertClientError("AccessDeniedException", 403, joiner.update_collaboration,
                               collaborationIdentifier=cid, name="Hijacked")
        up = creator.update_collaboration(collaborationIdentifier=cid, name="Renamed",
                                          description="New words")["collaboration"]
        self.assertEqual((up["name"], up["description"]), ("Renamed", "New words"))
        seen = joiner.get_collaboration(collaborationIdentifier=cid)["collaboration"]
        self.assertEqual((seen["name"], seen["description"]), ("Renamed", "New words"))
        self.assertEqual(joiner.get_membership(membershipIdentifier=joiner_ms["id"])["membership"]["collaborationName"],
                         "Renamed")

        # DeleteMember: not by members, not the creator itself.
        self.assertClientError("AccessDeniedException", 403, joiner.delete_member,
                               collaborationIdentifier=cid, accountId=self.BYSTANDER)
        self.assertClientError("ValidationException", 400, creator.delete_member,
                               collaborationIdentifier=cid, accountId=self.CREATOR)
        self.assertEqual(self.statuses(creator, cid),
                         {self.CREATOR: "ACTIVE", self.JOINER: "ACTIVE", self.BYSTANDER: "INVITED"})
        resp = creator.delete_member(collaborationIdentifier=cid, accountId=self.JOINER)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(self.statuses(bystander, cid)[self.JOINER], "REMOVED")
        self.assertEqual(joiner.get_membership(membershipIdentifier=joiner_ms["id"])["membership"]["status"], "REMOVED")
        self.assertClientError("AccessDeniedException", 403, joiner.get_collaboration, collaborationIdentifier=cid)
        self.assertNotIn(cid, [x["id"] for x in joiner.list_collaborations()["collaborationList"]])
        self.assertClientError("ConflictException", 409, joiner.create_membership,
                               collaborationIdentifier=cid, queryLogStatus="DISABLED")
        # An invited member can be removed too, and then cannot join.
        creator.delete_member(collaborationIdentifier=cid, accountId=self.BYSTANDER)
        self.assertClientError("ConflictException", 409, bystander.create_membership,
                               collaborationIdentifier=cid, queryLogStatus="DISABLED")

        # DeleteCollaboration: the creator only.
        other = self.create(name="Second")
        self.assertClientError("AccessDeniedException", 403, bystander.delete_collaboration,
                               collaborationIdentifier=other["id"])
        self.assertEqual(bystander.get_collaboration(collaborationIdentifier=other["id"])["collaboration"]["name"],
                         "Second")
        resp = creator.delete_collaboration(collaborationIdentifier=cid)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(creator.get_membership(membershipIdentifier=creator_ms["id"])["membership"]["status"],
                         "COLLABORATION_DELETED")
        self.assertClientError("ResourceNotFoundException", 404, creator.get_collaboration, collaborationIdentifier=cid)
        self.assertClientError("ResourceNotFoundException", 404, creator.list_members, collaborationIdentifier=cid)
        self.assertNotIn(cid, [x["id"] for x in creator.list_collaborations()["collaborationList"]])
        self.assertIn(other["id"], [x["id"] for x in creator.list_collaborations()["collaborationList"]])
        self.assertIn(creator_ms["id"], [m["id"] for m in creator.list_memberships(
            status="COLLABORATION_DELETED")["membershipSummaries"]])
        self.assertNotIn(creator_ms["id"], [m["id"] for m in creator.list_memberships(
            status="ACTIVE")["membershipSummaries"]])

    def test_a_deleted_collaborations_membership_keeps_its_shape(self):
        # The COLLABORATION_DELETED membership keeps every field the model requires.
        creator = self.clients[self.CREATOR]
        c = self.create(name="Short-lived", members=[])
        ms = creator.create_membership(collaborationIdentifier=c["id"], queryLogStatus="DISABLED")["membership"]
        creator.delete_collaboration(collaborationIdentifier=c["id"])
        after = creator.get_membership(membershipIdentifier=ms["id"])["membership"]
        self.assertEqual(after["status"], "COLLABORATION_DELETED")
        for field in ("collaborationArn", "collaborationCreatorAccountId", "collaborationCreatorDisplayName",
                      "collaborationName", "memberAbilities"):
            self.assertEqual(after[field], ms[field], field)

    def collect(self, call, key, **kwargs):
        """Follows nextToken one item at a time; returns the items and the number of pages."""
        items, pages, token = [], 0, None
        while True:
            resp = call(maxResults=1, **({"nextToken": token} if token else {}), **kwargs)
            pages += 1
            self.assertLessEqual(len(resp[key]), 1)
            items += resp[key]
            token = resp.get("nextToken")
            if not token:
                return items, pages
            self.assertLess(pages, 50, "pagination does not end")

    def test_pagination_of_collaborations_and_members(self):
        pager = self.clients[self.PAGER]
        creator = self.clients[self.CREATOR]
        members = [{"accountId": a, "displayName": "M" + a, "memberAbilities": []}
                   for a in ("555555555501", "555555555502", "555555555503", "555555555504")]
        members.append({"accountId": self.PAGER, "displayName": "Pager", "memberAbilities": []})
        ids = sorted(self.create(name=f"Paged {i}", members=members)["id"] for i in range(4))
        # The pager leaves the second collaboration (in id order, which is the listing order): a
        # page boundary right before an entry the pager can no longer see must not end the list.
        ms = pager.create_membership(collaborationIdentifier=ids[1], queryLogStatus="DISABLED")["membership"]
        pager.delete_membership(membershipIdentifier=ms["id"])
        visible = [ids[0], ids[2], ids[3]]

        items, pages = self.collect(pager.list_collaborations, "collaborationList")
        self.assertEqual([c["id"] for c in items], visible)
        self.assertEqual(pages, len(visible))
        items, _ = self.collect(pager.list_collaborations, "collaborationList", memberStatus="INVITED")
        self.assertEqual([c["id"] for c in items], visible)
        paginated = [c["id"] for page in pager.get_paginator("list_collaborations").paginate(
            PaginationConfig={"PageSize": 2}) for c in page["collaborationList"]]
        self.assertEqual(paginated, visible)

        items, pages = self.collect(creator.list_members, "memberSummaries", collaborationIdentifier=ids[0])
        expected = [self.CREATOR] + [m["accountId"] for m in members]
        self.assertEqual([m["accountId"] for m in items], expected)
        self.assertEqual(pages, len(expected))
        self.assertEqual(len(set(m["accountId"] for m in items)), len(items))
        paginated = [m["accountId"] for page in creator.get_paginator("list_members").paginate(
            collaborationIdentifier=ids[0], PaginationConfig={"PageSize": 4}) for m in page["memberSummaries"]]
        self.assertEqual(paginated, expected)

        # Memberships page the same way.
        for cid in (ids[0], ids[2]):
            pager.create_membership(collaborationIdentifier=cid, queryLogStatus="DISABLED")
        items, pages = self.collect(pager.list_memberships, "membershipSummaries")
        self.assertEqual(len(items), 3)
        self.assertEqual(len({m["id"] for m in items}), 3)
        self.assertEqual(sorted(m["collaborationId"] for m in items), sorted([ids[0], ids[1], ids[2]]))


if __name__ == "__main__":
    unittest.main()
