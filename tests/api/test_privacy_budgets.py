"""Privacy budget templates and budgets through boto3 and the stock aws CLI: the differential
privacy policy set by the member whose data it protects, a table owner's access budget, who sees
which view, the service's error shapes, and PreviewPrivacyImpact's counts."""
import json
import math
import uuid

import botocore.exceptions

from harness import ServerTestCase

A, B, C, D = "111111111111", "222222222222", "333333333333", "444444444444"
AGGREGATIONS = ["AVG", "COUNT", "COUNT_DISTINCT", "SUM", "STDDEV"]
NOISED_SUMS = {"AVG": 2, "COUNT": 1, "COUNT_DISTINCT": 1, "SUM": 1, "STDDEV": 3}


def max_count(kind, epsilon, noise):
    """src/policy/dp_accounting.h: each noised sum spends 1/usersNoisePerQuery of epsilon."""
    return math.floor(epsilon * noise / NOISED_SUMS[kind] + 1e-9)


def dp(epsilon, noise):
    return {"differentialPrivacy": {"epsilon": epsilon, "usersNoisePerQuery": noise}}


class PrivacyBudgetsTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds = {a: cls.server.new_account(a, "Account " + a) for a in (A, B, C, D)}
        cls.cr = {a: cls.server.cleanrooms(c) for a, c in cls.creds.items()}
        cls.loose = {a: cls.server.cleanrooms(c, validate=False) for a, c in cls.creds.items()}
        cls.server.upload_csv(B, "crm.audience", "email,region\na@example.com,n\nb@example.com,s\n")
        cls.table_b = cls.cr[B].create_configured_table(
            name="audience", tableReference={"glue": {"databaseName": "crm", "tableName": "audience"}},
            allowedColumns=["email", "region"], analysisMethod="DIRECT_QUERY")["configuredTable"]["id"]

    def collaboration(self):
        """A fresh collaboration: A can query and receive results, B brings `audience`, C is
        invited and never joins. Returns (collaboration id, A's membership, B's membership, the
        resourceArn of B's table as ListSchemas shows it)."""
        c = self.cr[A].create_collaboration(
            name="budgets", description="d", creatorDisplayName="A",
            creatorMemberAbilities=["CAN_QUERY", "CAN_RECEIVE_RESULTS"], queryLogStatus="DISABLED",
            members=[{"accountId": B, "memberAbilities": [], "displayName": "B"},
                     {"accountId": C, "memberAbilities": [], "displayName": "C"}])["collaboration"]
        ms_a = self.cr[A].create_membership(collaborationIdentifier=c["id"],
                                            queryLogStatus="DISABLED")["membership"]["id"]
        ms_b = self.cr[B].create_membership(collaborationIdentifier=c["id"],
                                            queryLogStatus="DISABLED")["membership"]["id"]
        self.cr[B].create_configured_table_association(
            membershipIdentifier=ms_b, configuredTableIdentifier=self.table_b, name="audience",
            roleArn=f"arn:aws:iam::{B}:role/cleanrooms")
        schema = self.cr[A].get_schema(collaborationIdentifier=c["id"], name="audience")["schema"]
        return c["id"], ms_a, ms_b, schema["resourceArn"]

    def error(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            call(**kwargs)
        return cm.exception.response

    def cli(self, account, *args):
        rc, out, err = self.server.aws(self.creds[account], "cleanrooms", *args)
        self.assertEqual(rc, 0, err)
        return out

    # --- differential privacy --------------------------------------------------------------------
    def test_the_data_owner_sets_the_differential_privacy_policy(self):
        collab, ms_a, ms_b, _ = self.collaboration()
        err = self.error(self.cr[A].create_privacy_budget_template, membershipIdentifier=ms_a,
                         privacyBudgetType="DIFFERENTIAL_PRIVACY", autoRefresh="NONE",
                         parameters=dp(5, 20))
        self.assertEqual(err["Error"]["Code"], "AccessDeniedException")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(err["reason"], "INSUFFICIENT_PERMISSIONS")

        t = self.cr[B].create_privacy_budget_template(
            membershipIdentifier=ms_b, privacyBudgetType="DIFFERENTIAL_PRIVACY",
            autoRefresh="CALENDAR_MONTH", parameters=dp(2, 20),
            tags={"team": "privacy"})["privacyBudgetTemplate"]
        self.assertEqual(t["arn"], f"arn:aws:cleanrooms:us-east-1:{B}:privacybudgettemplate/{t['id']}")
        self.assertEqual((t["membershipId"], t["collaborationId"]), (ms_b, collab))
        self.assertEqual(t["membershipArn"], f"arn:aws:cleanrooms:us-east-1:{B}:membership/{ms_b}")
        self.assertEqual(t["collaborationArn"], f"arn:aws:cleanrooms:us-east-1:{A}:collaboration/{collab}")
        self.assertEqual((t["privacyBudgetType"], t["autoRefresh"], t["parameters"]),
                         ("DIFFERENTIAL_PRIVACY", "CALENDAR_MONTH", dp(2, 20)))

        err = self.error(self.cr[B].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="DIFFERENTIAL_PRIVACY", parameters=dp(3, 20))
        self.assertEqual(err["Error"]["Code"], "ConflictException")
        self.assertEqual((err["reason"], err["resourceId"]), ("ALREADY_EXISTS", t["id"]))

        got = self.cr[B].get_privacy_budget_template(
            membershipIdentifier=ms_b, privacyBudgetTemplateIdentifier=t["id"])["privacyBudgetTemplate"]
        self.assertEqual(got["parameters"], dp(2, 20))
        listed = self.cr[B].list_privacy_budget_templates(membershipIdentifier=ms_b)
        self.assertEqual([s["id"] for s in listed["privacyBudgetTemplateSummaries"]], [t["id"]])
        self.assertNotIn("parameters", listed["privacyBudgetTemplateSummaries"][0])

        # Membership-scoped views are the creator's; the collaboration's views are every member's.
        self.assertEqual(self.cr[A].list_privacy_budget_templates(
            membershipIdentifier=ms_a)["privacyBudgetTemplateSummaries"], [])
        err = self.error(self.cr[A].get_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetTemplateIdentifier=t["id"])
        self.assertEqual(err["Error"]["Code"], "ResourceNotFoundException")
        seen = self.cr[A].get_collaboration_privacy_budget_template(
            collaborationIdentifier=collab,
            privacyBudgetTemplateIdentifier=t["id"])["collaborationPrivacyBudgetTemplate"]
        self.assertEqual((seen["creatorAccountId"], seen["parameters"], seen["autoRefresh"]),
                         (B, dp(2, 20), "CALENDAR_MONTH"))
        self.assertNotIn("membershipId", seen)
        summaries = self.cr[A].list_collaboration_privacy_budget_templates(
            collaborationIdentifier=collab)["collaborationPrivacyBudgetTemplateSummaries"]
        self.assertEqual([(s["id"], s["creatorAccountId"]) for s in summaries], [(t["id"], B)])

        budgets = self.cr[A].list_collaboration_privacy_budgets(
            collaborationIdentifier=collab,
            privacyBudgetType="DIFFERENTIAL_PRIVACY")["collaborationPrivacyBudgetSummaries"]
        self.assertEqual(len(budgets), 1)
        b = budgets[0]
        self.assertEqual((b["privacyBudgetTemplateId"], b["privacyBudgetTemplateArn"], b["creatorAccountId"],
                          b["type"]), (t["id"], t["arn"], B, "DIFFERENTIAL_PRIVACY"))
        self.assertRegex(b["id"], r"^[0-9a-f-]{36}$")
        self.assertNotEqual(b["id"], t["id"])
        self.assertEqual(b["budget"]["differentialPrivacy"]["epsilon"], 2)
        self.assertEqual(b["budget"]["differentialPrivacy"]["aggregations"],
                         [{"type": k, "maxCount": max_count(k, 2, 20), "remainingCount": max_count(k, 2, 20)}
                          for k in AGGREGATIONS])
        own = self.cr[B].list_privacy_budgets(membershipIdentifier=ms_b,
                                              privacyBudgetType="DIFFERENTIAL_PRIVACY")["privacyBudgetSummaries"]
        self.assertEqual([(x["id"], x["membershipId"]) for x in own], [(b["id"], ms_b)])
        self.assertEqual(self.cr[B].list_privacy_budgets(
            membershipIdentifier=ms_b, privacyBudgetType="ACCESS_BUDGET")["privacyBudgetSummaries"], [])

        # Raised before any query spent it; the noise changes the counts.
        updated = self.cr[B].update_privacy_budget_template(
            membershipIdentifier=ms_b, privacyBudgetTemplateIdentifier=t["id"],
            privacyBudgetType="DIFFERENTIAL_PRIVACY",
            parameters={"differentialPrivacy": {"epsilon": 4, "usersNoisePerQuery": 30}})["privacyBudgetTemplate"]
        self.assertEqual(updated["parameters"], dp(4, 30))
        self.assertGreaterEqual(updated["updateTime"], t["updateTime"])
        b = self.cr[A].list_collaboration_privacy_budgets(
            collaborationIdentifier=collab,
            privacyBudgetType="DIFFERENTIAL_PRIVACY")["collaborationPrivacyBudgetSummaries"][0]
        self.assertEqual({a["type"]: a["maxCount"] for a in b["budget"]["differentialPrivacy"]["aggregations"]},
                         {k: max_count(k, 4, 30) for k in AGGREGATIONS})
        err = self.error(self.cr[B].update_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetTemplateIdentifier=t["id"], privacyBudgetType="ACCESS_BUDGET")
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertEqual(err["reason"], "INVALID_CONFIGURATION")

        self.cr[B].delete_privacy_budget_template(membershipIdentifier=ms_b,
                                                  privacyBudgetTemplateIdentifier=t["id"])
        err = self.error(self.cr[A].get_collaboration_privacy_budget_template,
                         collaborationIdentifier=collab, privacyBudgetTemplateIdentifier=t["id"])
        self.assertEqual(err["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_ranges_and_unions_are_the_models(self):
        _, _, ms_b, resource = self.collaboration()
        err = self.error(self.loose[B].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="DIFFERENTIAL_PRIVACY", parameters=dp(21, 20))
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertEqual(err["reason"], "FIELD_VALIDATION_FAILED")
        self.assertEqual(err["fieldList"][0]["name"], "parameters.differentialPrivacy.epsilon")
        err = self.error(self.loose[B].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="DIFFERENTIAL_PRIVACY", parameters=dp(5, 101))
        self.assertEqual(err["fieldList"][0]["name"], "parameters.differentialPrivacy.usersNoisePerQuery")
        # Both members of the union.
        err = self.error(self.loose[B].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="DIFFERENTIAL_PRIVACY",
                         parameters={**dp(5, 20), "accessBudget": {
                             "resourceArn": resource, "budgetParameters": [{"type": "LIFETIME", "budget": 1}]}})
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        # The member of the other type.
        err = self.error(self.cr[B].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="ACCESS_BUDGET", parameters=dp(5, 20))
        self.assertEqual((err["Error"]["Code"], err["reason"]), ("ValidationException", "INVALID_CONFIGURATION"))
        self.assertEqual(err["fieldList"][0]["name"], "parameters")
        # A membership that is not the caller's does not exist for it.
        err = self.error(self.cr[D].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="DIFFERENTIAL_PRIVACY", parameters=dp(5, 20))
        self.assertEqual((err["Error"]["Code"], err["resourceType"], err["resourceId"]),
                         ("ResourceNotFoundException", "MEMBERSHIP", ms_b))

    def test_who_reads_the_collaboration_views(self):
        collab, _, ms_b, _ = self.collaboration()
        self.cr[B].create_privacy_budget_template(membershipIdentifier=ms_b,
                                                  privacyBudgetType="DIFFERENTIAL_PRIVACY",
                                                  parameters=dp(1, 10))
        err = self.error(self.cr[C].list_collaboration_privacy_budget_templates,
                         collaborationIdentifier=collab)
        self.assertEqual(err["Error"]["Code"], "AccessDeniedException")
        err = self.error(self.cr[D].list_collaboration_privacy_budgets, collaborationIdentifier=collab,
                         privacyBudgetType="DIFFERENTIAL_PRIVACY")
        self.assertEqual((err["Error"]["Code"], err["resourceType"]), ("ResourceNotFoundException", "COLLABORATION"))
        # A member that left can no longer change its template, but still reads and deletes it.
        t = self.cr[B].list_privacy_budget_templates(membershipIdentifier=ms_b)["privacyBudgetTemplateSummaries"][0]
        self.cr[B].delete_membership(membershipIdentifier=ms_b)
        err = self.error(self.cr[B].update_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetTemplateIdentifier=t["id"], privacyBudgetType="DIFFERENTIAL_PRIVACY",
                         parameters=dp(2, 10))
        self.assertEqual((err["Error"]["Code"], err["reason"]), ("ConflictException", "INVALID_STATE"))
        err = self.error(self.cr[B].list_collaboration_privacy_budget_templates, collaborationIdentifier=collab)
        self.assertEqual(err["Error"]["Code"], "AccessDeniedException")
        self.cr[B].delete_privacy_budget_template(membershipIdentifier=ms_b,
                                                  privacyBudgetTemplateIdentifier=t["id"])
        self.assertEqual(self.cr[B].list_privacy_budget_templates(
            membershipIdentifier=ms_b)["privacyBudgetTemplateSummaries"], [])

    # --- access budgets --------------------------------------------------------------------------
    def test_the_table_owner_sets_its_access_budget(self):
        collab, ms_a, ms_b, resource = self.collaboration()
        self.assertEqual(resource, f"arn:aws:cleanrooms:us-east-1:{B}:membership/{ms_b}"
                                   f"/configuredtableassociation/{resource.rsplit('/', 1)[1]}")
        params = {"accessBudget": {"resourceArn": resource, "budgetParameters": [
            {"type": "CALENDAR_DAY", "budget": 5, "autoRefresh": "ENABLED"},
            {"type": "LIFETIME", "budget": 100}]}}
        err = self.error(self.cr[A].create_privacy_budget_template, membershipIdentifier=ms_a,
                         privacyBudgetType="ACCESS_BUDGET", parameters=params)
        self.assertEqual(err["Error"]["Code"], "AccessDeniedException")
        missing = resource.rsplit("/", 1)[0] + "/" + str(uuid.uuid4())
        err = self.error(self.cr[B].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="ACCESS_BUDGET",
                         parameters={"accessBudget": {**params["accessBudget"], "resourceArn": missing}})
        self.assertEqual((err["Error"]["Code"], err["resourceType"]),
                         ("ResourceNotFoundException", "CONFIGURED_TABLE_ASSOCIATION"))
        err = self.error(self.cr[B].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="ACCESS_BUDGET", parameters={"accessBudget": {
                             "resourceArn": resource, "budgetParameters": [
                                 {"type": "CALENDAR_DAY", "budget": 5}, {"type": "CALENDAR_WEEK", "budget": 9}]}})
        self.assertEqual((err["Error"]["Code"], err["reason"]), ("ValidationException", "INVALID_CONFIGURATION"))
        self.assertEqual(err["fieldList"][0]["name"], "parameters.accessBudget.budgetParameters")

        t = self.cr[B].create_privacy_budget_template(
            membershipIdentifier=ms_b, privacyBudgetType="ACCESS_BUDGET",
            parameters=params)["privacyBudgetTemplate"]
        self.assertEqual((t["privacyBudgetType"], t["autoRefresh"], t["parameters"]),
                         ("ACCESS_BUDGET", "NONE", params))
        err = self.error(self.cr[B].create_privacy_budget_template, membershipIdentifier=ms_b,
                         privacyBudgetType="ACCESS_BUDGET", parameters=params)
        self.assertEqual((err["Error"]["Code"], err["reason"]), ("ConflictException", "ALREADY_EXISTS"))

        budgets = self.cr[A].list_collaboration_privacy_budgets(
            collaborationIdentifier=collab, privacyBudgetType="ACCESS_BUDGET",
            accessBudgetResourceArn=resource)["collaborationPrivacyBudgetSummaries"]
        self.assertEqual(len(budgets), 1)
        access = budgets[0]["budget"]["accessBudget"]
        self.assertEqual((access["resourceArn"], access["aggregateRemainingBudget"]), (resource, 5))
        day, lifetime = access["details"]
        self.assertEqual((day["budgetType"], day["budget"], day["remainingBudget"], day["autoRefresh"]),
                         ("CALENDAR_DAY", 5, 5, "ENABLED"))
        self.assertEqual((day["endTime"] - day["startTime"]).total_seconds(), 86400)
        self.assertEqual(day["startTime"].timestamp() % 86400, 0)
        self.assertEqual((lifetime["budgetType"], lifetime["remainingBudget"]), ("LIFETIME", 100))
        self.assertNotIn("endTime", lifetime)
        self.assertEqual(self.cr[A].list_collaboration_privacy_budgets(
            collaborationIdentifier=collab, privacyBudgetType="DIFFERENTIAL_PRIVACY",
        )["collaborationPrivacyBudgetSummaries"], [])
        own = self.cr[B].list_privacy_budgets(membershipIdentifier=ms_b, privacyBudgetType="ACCESS_BUDGET")
        self.assertEqual([b["privacyBudgetTemplateId"] for b in own["privacyBudgetSummaries"]], [t["id"]])

        updated = self.cr[B].update_privacy_budget_template(
            membershipIdentifier=ms_b, privacyBudgetTemplateIdentifier=t["id"],
            privacyBudgetType="ACCESS_BUDGET",
            parameters={"accessBudget": {"budgetParameters": [{"type": "CALENDAR_MONTH", "budget": 40}]}},
        )["privacyBudgetTemplate"]
        self.assertEqual(updated["parameters"]["accessBudget"],
                         {"resourceArn": resource, "budgetParameters": [{"type": "CALENDAR_MONTH", "budget": 40}]})
        access = self.cr[B].list_privacy_budgets(
            membershipIdentifier=ms_b, privacyBudgetType="ACCESS_BUDGET",
        )["privacyBudgetSummaries"][0]["budget"]["accessBudget"]
        self.assertEqual([(d["budgetType"], d["remainingBudget"], d["autoRefresh"]) for d in access["details"]],
                         [("CALENDAR_MONTH", 40, "DISABLED")])

        # The budget goes with the table's association.
        self.cr[B].delete_configured_table_association(membershipIdentifier=ms_b,
                                                       configuredTableAssociationIdentifier=resource.rsplit("/", 1)[1])
        self.assertEqual(self.cr[B].list_privacy_budget_templates(
            membershipIdentifier=ms_b)["privacyBudgetTemplateSummaries"], [])

    # --- preview ---------------------------------------------------------------------------------
    def test_preview_counts_aggregations_without_a_template(self):
        _, ms_a, _, _ = self.collaboration()
        impact = self.cr[A].preview_privacy_impact(membershipIdentifier=ms_a, parameters=dp(20, 100))
        self.assertEqual(impact["privacyImpact"]["differentialPrivacy"]["aggregations"],
                         [{"type": k, "maxCount": max_count(k, 20, 100)} for k in AGGREGATIONS])
        impact = self.cr[A].preview_privacy_impact(membershipIdentifier=ms_a, parameters=dp(1, 10))
        self.assertEqual({a["type"]: a["maxCount"] for a in impact["privacyImpact"]["differentialPrivacy"]["aggregations"]},
                         {"AVG": 5, "COUNT": 10, "COUNT_DISTINCT": 10, "SUM": 10, "STDDEV": 3})
        err = self.error(self.loose[A].preview_privacy_impact, membershipIdentifier=ms_a, parameters=dp(0, 10))
        self.assertEqual(err["Error"]["Code"], "ValidationException")

    # --- the stock CLI ---------------------------------------------------------------------------
    def test_the_aws_cli_drives_every_budget_operation(self):
        collab, ms_a, ms_b, resource = self.collaboration()
        out = self.cli(B, "create-privacy-budget-template", "--membership-identifier", ms_b,
                       "--privacy-budget-type", "DIFFERENTIAL_PRIVACY", "--auto-refresh", "NONE",
                       "--parameters", json.dumps(dp(3, 50)))
        dp_id = out["privacyBudgetTemplate"]["id"]
        out = self.cli(B, "create-privacy-budget-template", "--membership-identifier", ms_b,
                       "--privacy-budget-type", "ACCESS_BUDGET", "--parameters", json.dumps(
                           {"accessBudget": {"resourceArn": resource,
                                             "budgetParameters": [{"type": "LIFETIME", "budget": 7}]}}))
        access_id = out["privacyBudgetTemplate"]["id"]
        out = self.cli(B, "get-privacy-budget-template", "--membership-identifier", ms_b,
                       "--privacy-budget-template-identifier", dp_id)
        self.assertEqual(out["privacyBudgetTemplate"]["parameters"], dp(3, 50))
        out = self.cli(B, "update-privacy-budget-template", "--membership-identifier", ms_b,
                       "--privacy-budget-template-identifier", dp_id, "--privacy-budget-type",
                       "DIFFERENTIAL_PRIVACY", "--parameters",
                       json.dumps({"differentialPrivacy": {"epsilon": 6}}))
        self.assertEqual(out["privacyBudgetTemplate"]["parameters"], dp(6, 50))
        out = self.cli(B, "list-privacy-budget-templates", "--membership-identifier", ms_b)
        self.assertEqual(sorted(s["id"] for s in out["privacyBudgetTemplateSummaries"]), sorted([dp_id, access_id]))
        out = self.cli(A, "get-collaboration-privacy-budget-template", "--collaboration-identifier", collab,
                       "--privacy-budget-template-identifier", access_id)
        self.assertEqual(out["collaborationPrivacyBudgetTemplate"]["creatorAccountId"], B)
        out = self.cli(A, "list-collaboration-privacy-budget-templates", "--collaboration-identifier", collab)
        self.assertEqual(len(out["collaborationPrivacyBudgetTemplateSummaries"]), 2)
        out = self.cli(B, "list-privacy-budgets", "--membership-identifier", ms_b,
                       "--privacy-budget-type", "DIFFERENTIAL_PRIVACY")
        counts = {a["type"]: a["remainingCount"]
                  for a in out["privacyBudgetSummaries"][0]["budget"]["differentialPrivacy"]["aggregations"]}
        self.assertEqual(counts, {k: max_count(k, 6, 50) for k in AGGREGATIONS})
        out = self.cli(A, "list-collaboration-privacy-budgets", "--collaboration-identifier", collab,
                       "--privacy-budget-type", "ACCESS_BUDGET", "--access-budget-resource-arn", resource)
        self.assertEqual(out["collaborationPrivacyBudgetSummaries"][0]["budget"]["accessBudget"]
                         ["aggregateRemainingBudget"], 7)
        out = self.cli(A, "preview-privacy-impact", "--membership-identifier", ms_a,
                       "--parameters", json.dumps(dp(6, 50)))
        self.assertEqual(out["privacyImpact"]["differentialPrivacy"]["aggregations"][1],
                         {"type": "COUNT", "maxCount": 300})
        for template in (dp_id, access_id):
            self.cli(B, "delete-privacy-budget-template", "--membership-identifier", ms_b,
                     "--privacy-budget-template-identifier", template)
        out = self.cli(B, "list-privacy-budget-templates", "--membership-identifier", ms_b)
        self.assertEqual(out["privacyBudgetTemplateSummaries"], [])
        rc, _, err = self.server.aws(self.creds[A], "cleanrooms", "create-privacy-budget-template",
                                     "--membership-identifier", ms_a, "--privacy-budget-type",
                                     "DIFFERENTIAL_PRIVACY", "--parameters", json.dumps(dp(3, 50)), check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("AccessDeniedException", err)
