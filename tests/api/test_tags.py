"""Tags on Clean Rooms resources (issue 16, item 2): given at creation, TagResource,
UntagResource and ListTagsForResource, through boto3 and the aws CLI.

Only the account that owns a resource (the account in its ARN) reads or changes its tags; any
other account, like an ARN of nothing, gets the ResourceNotFoundException an unknown id gets.
"""
import unittest

import botocore.exceptions

from harness import ServerTestCase

ANALYST, OWNER, STRANGER = "302000000001", "302000000002", "302000000003"
UNKNOWN = "00000000-0000-0000-0000-000000000000"


class Tags(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds, cls.cr = cls.server.accounts(ANALYST, OWNER, STRANGER)
        cls.server.new_bucket(ANALYST, "tags-results")
        cls.server.upload_csv(OWNER, "shop.sales", "user_id,amount\nu1,10\nu2,20\n")

    def error(self, call, **kw):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call(**kw)
        return cm.exception.response

    def tags(self, account, arn):
        return self.cr[account].list_tags_for_resource(resourceArn=arn)["tags"]

    def collaboration(self, **extra):
        return self.cr[ANALYST].create_collaboration(
            name="tagged", description="d", creatorDisplayName="Analyst",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
            members=[{"accountId": OWNER, "displayName": "Owner", "memberAbilities": []}],
            queryLogStatus="ENABLED", **extra)["collaboration"]

    def test_tags_given_at_creation_are_kept_on_every_taggable_resource(self):
        c = self.collaboration(tags={"env": "test"})
        self.assertEqual(self.tags(ANALYST, c["arn"]), {"env": "test"})
        ms = self.cr[OWNER].create_membership(collaborationIdentifier=c["id"], queryLogStatus="ENABLED",
                                              tags={"owner": "me"})["membership"]
        self.assertEqual(self.tags(OWNER, ms["arn"]), {"owner": "me"})
        table = self.cr[OWNER].create_configured_table(
            name="sales", tableReference={"glue": {"databaseName": "shop", "tableName": "sales"}},
            allowedColumns=["user_id", "amount"], analysisMethod="DIRECT_QUERY",
            tags={"team": "data"})["configuredTable"]
        self.assertEqual(self.tags(OWNER, table["arn"]), {"team": "data"})
        assoc = self.cr[OWNER].create_configured_table_association(
            membershipIdentifier=ms["id"], configuredTableIdentifier=table["id"], name="sales",
            roleArn="arn:aws:iam::" + OWNER + ":role/cleanrooms", tags={"k": "v"})["configuredTableAssociation"]
        self.assertEqual(self.tags(OWNER, assoc["arn"]), {"k": "v"})
        budget = self.cr[OWNER].create_privacy_budget_template(
            membershipIdentifier=ms["id"], privacyBudgetType="ACCESS_BUDGET",
            parameters={"accessBudget": {"resourceArn": f"arn:aws:cleanrooms:us-east-1:{OWNER}:membership/"
                                                        f"{ms['id']}/configuredtableassociation/{assoc['id']}",
                                         "budgetParameters": [{"type": "LIFETIME", "budget": 10}]}},
            tags={"budget": "yes"})["privacyBudgetTemplate"]
        self.assertEqual(self.tags(OWNER, budget["arn"]), {"budget": "yes"})
        mine = self.cr[ANALYST].create_membership(collaborationIdentifier=c["id"], queryLogStatus="ENABLED")["membership"]
        self.assertEqual(self.tags(ANALYST, mine["arn"]), {})
        template = self.cr[ANALYST].create_analysis_template(
            membershipIdentifier=mine["id"], name="t", format="SQL",
            source={"text": "SELECT COUNT(DISTINCT user_id) FROM sales"}, tags={"sql": "1"})["analysisTemplate"]
        self.assertEqual(self.tags(ANALYST, template["arn"]), {"sql": "1"})

        # A resource's tags go with it: a new resource never shows an old one's tags.
        self.cr[OWNER].delete_privacy_budget_template(membershipIdentifier=ms["id"],
                                                      privacyBudgetTemplateIdentifier=budget["id"])
        resp = self.error(self.cr[OWNER].list_tags_for_resource, resourceArn=budget["arn"])
        self.assertEqual(resp["Error"]["Code"], "ResourceNotFoundException")
        self.cr[ANALYST].delete_collaboration(collaborationIdentifier=c["id"])
        resp = self.error(self.cr[ANALYST].list_tags_for_resource, resourceArn=c["arn"])
        self.assertEqual(resp["Error"]["Code"], "ResourceNotFoundException")

    def test_tag_and_untag(self):
        c = self.collaboration()
        cr = self.cr[ANALYST]
        self.assertEqual(self.tags(ANALYST, c["arn"]), {})
        cr.tag_resource(resourceArn=c["arn"], tags={"env": "test", "team": "data"})
        cr.tag_resource(resourceArn=c["arn"], tags={"env": "prod"})
        self.assertEqual(self.tags(ANALYST, c["arn"]), {"env": "prod", "team": "data"})
        cr.untag_resource(resourceArn=c["arn"], tagKeys=["env", "absent"])
        self.assertEqual(self.tags(ANALYST, c["arn"]), {"team": "data"})
        # The stock aws CLI, as users type it.
        rc, _, _ = self.server.aws(self.creds[ANALYST], "cleanrooms", "tag-resource", "--resource-arn", c["arn"],
                                "--tags", "cli=yes")
        self.assertEqual(rc, 0)
        rc, out, _ = self.server.aws(self.creds[ANALYST], "cleanrooms", "list-tags-for-resource",
                                  "--resource-arn", c["arn"])
        self.assertEqual((rc, out["tags"]), (0, {"team": "data", "cli": "yes"}))
        rc, _, _ = self.server.aws(self.creds[ANALYST], "cleanrooms", "untag-resource", "--resource-arn", c["arn"],
                                "--tag-keys", "cli", "team")
        self.assertEqual((rc, self.tags(ANALYST, c["arn"])), (0, {}))

    def test_only_the_owner_sees_or_changes_tags_and_others_learn_nothing(self):
        c = self.collaboration(tags={"secret": "plan"})
        self.cr[OWNER].create_membership(collaborationIdentifier=c["id"], queryLogStatus="ENABLED")
        unknown_arn = c["arn"].replace(c["id"], UNKNOWN)
        answers = []
        for account in (OWNER, STRANGER):  # a member of the collaboration, and an outsider
            for call, kw in ((self.cr[account].list_tags_for_resource, {}),
                             (self.cr[account].tag_resource, {"tags": {"x": "y"}}),
                             (self.cr[account].untag_resource, {"tagKeys": ["secret"]})):
                for arn in (c["arn"], unknown_arn):
                    resp = self.error(call, resourceArn=arn, **kw)
                    err = resp["Error"]
                    answers.append((account, arn == unknown_arn, err["Code"],
                                    err["Message"].replace(UNKNOWN, c["id"])))
        self.assertEqual({a[2] for a in answers}, {"ResourceNotFoundException"})
        by_arn = {}
        for account, unknown, _, message in answers:
            by_arn.setdefault((account, unknown), []).append(message)
        self.assertEqual(by_arn[(OWNER, False)], by_arn[(OWNER, True)], "the same words as for nothing")
        self.assertEqual(by_arn[(STRANGER, False)], by_arn[(STRANGER, True)])
        self.assertEqual(self.tags(ANALYST, c["arn"]), {"secret": "plan"}, "nothing changed")
        # The member's own membership ARN with the analyst's keys: not the analyst's either.
        ms = self.cr[OWNER].list_memberships()["membershipSummaries"][0]
        resp = self.error(self.cr[ANALYST].list_tags_for_resource, resourceArn=ms["arn"])
        self.assertEqual(resp["Error"]["Code"], "ResourceNotFoundException")

    def test_refusals(self):
        c = self.collaboration()
        cr = self.cr[ANALYST]
        cases = [
            ("reserved prefix", cr.tag_resource, {"resourceArn": c["arn"], "tags": {"AWS:x": "1"}}, "reserved"),
            ("too many at once", cr.tag_resource,
             {"resourceArn": c["arn"], "tags": {f"k{i}": "v" for i in range(51)}}, "at most 50"),
            ("not a taggable kind", cr.list_tags_for_resource,
             {"resourceArn": f"arn:aws:cleanrooms:us-east-1:{ANALYST}:widget/{UNKNOWN}"}, "no resource"),
            ("reserved at creation", cr.create_collaboration,
             dict(name="x", description="d", creatorDisplayName="A", creatorMemberAbilities=[],
                  members=[], queryLogStatus="ENABLED", tags={"aws:created": "1"}), "reserved"),
        ]
        for what, call, kw, text in cases:
            with self.subTest(what):
                resp = self.error(call, **kw)
                self.assertEqual(resp["Error"]["Code"], "ValidationException")
                self.assertIn(text, resp["Error"]["Message"])
        cr.tag_resource(resourceArn=c["arn"], tags={f"k{i}": "v" for i in range(50)})
        resp = self.error(cr.tag_resource, resourceArn=c["arn"], tags={"one-more": "v"})
        self.assertIn("at most 50", resp["Error"]["Message"])
        self.assertEqual(len(self.tags(ANALYST, c["arn"])), 50)
        names = [x["name"] for x in cr.list_collaborations()["collaborationList"]]
        self.assertNotIn("x", names, "a refused create leaves nothing")
        # Another region's ARN names nothing this server holds.
        resp = self.error(cr.list_tags_for_resource, resourceArn=c["arn"].replace("us-east-1", "us-east-2"))
        self.assertEqual(resp["Error"]["Code"], "ResourceNotFoundException")


if __name__ == "__main__":
    unittest.main()
