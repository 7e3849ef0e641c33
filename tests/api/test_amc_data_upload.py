"""AMC advertiser data upload (docs/amc-api.md, "Advertiser data upload"), over HTTP against a
real server: data sets defined in AMC's vocabulary, uploads landing as datasets of the
instance's AWS account (so the dataset API sees them, hashed), the FACT/DIMENSION rules, an
upload that fails storing nothing, and another advertiser seeing nothing.
"""
import hashlib
import json
import os
import unittest

import harness
from harness import advertiser_setup

ACCOUNT_A = "682015411111"
ACCOUNT_B = "682015422222"


def sha(s):
    return hashlib.sha256(s.encode()).hexdigest()


PURCHASES = {
    "dataSetId": "purchases",
    "description": "Offline purchases",
    "dataSetType": "FACT",
    "period": "P1D",
    "fileFormat": "CSV",
    "columns": [
        {"name": "purchase_time", "dataType": "TIMESTAMP", "columnType": "DIMENSION",
         "isMainEventTime": True},
        {"name": "email", "dataType": "STRING", "columnType": "DIMENSION",
         "externalUserIdType": {"type": "HashedIdentifier", "identifierType": "EMAIL"}},
        {"name": "phone", "dataType": "STRING", "columnType": "DIMENSION",
         "externalUserIdType": {"hashedPii": "PHONE"}},
        {"name": "zip", "dataType": "STRING", "columnType": "DIMENSION",
         "externalUserIdType": {"type": "HashedIdentifier", "identifierType": "ZIP"}},
        {"name": "amount", "dataType": "DECIMAL", "columnType": "METRIC"},
        {"name": "units", "dataType": "LONG", "columnType": "METRIC", "nullable": False},
    ],
}

PURCHASES_CSV = (b"purchase_time,email,phone,zip,amount,units\n"
                 b"2024-01-05T10:00:00Z,Ann@Example.com,+1 206 555 0100,98101-1234,12.50,2\n"
                 b"2024-01-06T11:30:00Z,bob@example.org,,02134,3,1\n")


class AmcDataUploadTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds, cls.user = advertiser_setup(cls.server, ACCOUNT_A)
        status, body, _ = cls.user.create_instance(
            {"instanceName": "uploads", "awsAccountId": ACCOUNT_A, "acrBacked": True})
        assert status == 200, body
        cls.instance = body["instance"]["instanceId"]
        cls.base = f"/amc/advertiserData/{cls.instance}"
        _, cls.other = advertiser_setup(cls.server, ACCOUNT_B, amc_name="Advertiser B")

    def define(self, definition, user=None):
        return (user or self.user).call("POST", self.base + "/dataSets", definition)

    def send_data(self, data_set_id, data, content_type="text/csv", query="", user=None):
        headers = (user or self.user).headers()
        headers["Content-Type"] = content_type
        return self.server.http("POST", f"{self.base}/uploads/{data_set_id}{query}",
                                raw_body=data, headers=headers)

    def dataset(self, data_set_id):
        """The dataset behind a data set, as the dataset API shows it to the instance's account."""
        return self.server.signed_http(self.creds, "GET", f"/datasets/{self.instance}/{data_set_id}")

    def stored(self, relative):
        with open(os.path.join(self.server.data_dir, relative), "rb") as f:
            return f.read()

    def test_define_upload_and_see_the_data_hashed(self):
        status, body, _ = self.define(PURCHASES)
        self.assertEqual(status, 200, body)
        self.assertEqual(body, {"dataSetId": "purchases", "instanceId": self.instance})
        status, body, _ = self.define(PURCHASES)
        self.assertEqual(status, 409, body)
        self.assertIn("requestId", body)

        status, body, _ = self.user.call("GET", f"{self.base}/dataSets/purchases")
        self.assertEqual(status, 200, body)
        ds = body["dataSet"]
        self.assertEqual((ds["dataSetType"], ds["period"], ds["fileFormat"]), ("FACT", "P1D", "CSV"))
        self.assertEqual(ds["columns"][2]["externalUserIdType"],
                         {"type": "HashedIdentifier", "identifierType": "PHONE"})
        self.assertFalse(ds["columns"][5]["nullable"])
        status, body, _ = self.user.call("POST", f"{self.base}/dataSets/list")
        self.assertEqual(status, 200, body)
        self.assertIn("purchases", [d["dataSetId"] for d in body["dataSets"]])

        status, up, _ = self.send_data("purchases", PURCHASES_CSV)
        self.assertEqual((status, up["status"]), (200, "PENDING"), up)
        up = self.user.ended_upload(f"{self.base}/uploads/purchases", up)
        self.assertEqual(up["status"], "SUCCEEDED", up)
        status, body, _ = self.user.call("GET", f"{self.base}/uploads/purchases/{up['uploadId']}")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["upload"]["metrics"], {"OutputRowCount": 2})
        self.assertEqual((body["upload"]["fileFormat"], body["upload"]["countryCode"]), ("CSV", "US"))

        status, d, _ = self.dataset("purchases")
        self.assertEqual(status, 200, d)
        self.assertEqual((d["accountId"], d["rowCount"], d["version"]), (ACCOUNT_A, 2, 1))
        self.assertEqual([(c["name"], c["type"], c.get("pii")) for c in d["columns"]],
                         [("purchase_time", "TIMESTAMP", None), ("email", "VARCHAR", "email"),
                          ("phone", "VARCHAR", "phone"), ("zip", "VARCHAR", "postal_code"),
                          ("amount", "DECIMAL(38,2)", None), ("units", "BIGINT", None)])
        data = self.stored(d["path"])
        for raw in (b"Ann@", b"bob@example", b"555 0100", b"98101"):
            self.assertNotIn(raw, data)
        for hashed in ("ann@example.com", "12065550100", "98101", "02134"):
            self.assertIn(sha(hashed).encode(), data)

        status, body, _ = self.user.call("POST", f"{self.base}/uploads/list?dataSetId=purchases")
        self.assertEqual(status, 200, body)
        self.assertEqual([u["uploadId"] for u in body["uploads"]], [up["uploadId"]])

    def test_json_lines_and_bucket_sources(self):
        definition = {"dataSetId": "customers", "fileFormat": "JSON", "columns": [
            {"name": "email", "dataType": "STRING", "columnType": "DIMENSION",
             "externalUserIdType": {"hashedPii": "EMAIL"}},
            {"name": "tier", "dataType": "INTEGER", "columnType": "DIMENSION"}]}
        status, body, _ = self.define({"dataSet": definition})  # the current API's wrapper
        self.assertEqual(status, 200, body)
        status, body, _ = self.user.call("GET", f"{self.base}/dataSets/customers")
        self.assertEqual(body["dataSet"]["dataSetType"], "DIMENSION")

        status, up, _ = self.send_data("customers", b'{"email": "a@example.com", "tier": 1}\n',
                                       content_type="application/x-ndjson",
                                       query="?updateStrategy=ADDITIVE")
        self.assertEqual(status, 200, up)
        up = self.user.ended_upload(f"{self.base}/uploads/customers", up)
        self.assertEqual(up["status"], "SUCCEEDED", up)
        # ADDITIVE adds the rows to the data already there (test_amc_data_modes.py has the rest).
        status, up, _ = self.send_data("customers", b'{"email": "b@example.com", "tier": 2}\n',
                                       content_type="application/x-ndjson",
                                       query="?updateStrategy=ADDITIVE")
        self.assertEqual(status, 200, up)
        up = self.user.ended_upload(f"{self.base}/uploads/customers", up)
        self.assertEqual((up["status"], up["metrics"]), ("SUCCEEDED", {"OutputRowCount": 2}), up)

        self.server.new_bucket(ACCOUNT_A, "adv-data")
        bucket = os.path.join(self.server.data_dir, "buckets", "adv-data", "in")
        os.makedirs(bucket, exist_ok=True)
        with open(os.path.join(bucket, "customers.csv"), "w") as f:
            f.write("email,tier\nc@example.com,3\nd@example.com,4\ne@example.com,5\n")
        request = {"updateStrategy": "FULL_REPLACE", "countryCode": "US", "compressionFormat": "NONE",
                   "dataSource": {"sourceS3Bucket": "adv-data", "sourceFileS3Key": "in/customers.csv"},
                   "fileFormat": {"csvDataFormat": {"fieldDelimiter": ","}}}
        status, up, _ = self.user.call("POST", f"{self.base}/uploads/customers", request)
        self.assertEqual(status, 200, up)
        up = self.user.ended_upload(f"{self.base}/uploads/customers", up)
        self.assertEqual(up["status"], "SUCCEEDED", up)
        status, body, _ = self.user.call("GET", f"{self.base}/uploads/customers/{up['uploadId']}")
        self.assertEqual(body["upload"]["dataSource"],
                         {"sourceS3Bucket": "adv-data", "sourceFileS3Key": "in/customers.csv"})
        status, d, _ = self.dataset("customers")
        self.assertEqual((d["version"], d["rowCount"], d["sourceBucket"]), (3, 3, "adv-data"))

        request["dataSource"]["sourceFileS3Key"] = "in/missing.csv"
        status, up, _ = self.user.call("POST", f"{self.base}/uploads/customers", request)
        self.assertEqual(status, 200, up)
        up = self.user.ended_upload(f"{self.base}/uploads/customers", up)
        self.assertEqual(up["status"], "FAILED", up)
        request["fileFormat"] = {"csvDataFormat": {"fieldDelimiter": "|"}}
        status, body, _ = self.user.call("POST", f"{self.base}/uploads/customers", request)
        self.assertEqual(status, 400, body)

        status, body, _ = self.user.call("DELETE", f"{self.base}/dataSets/customers")
        self.assertEqual((status, body["dataSetId"]), (200, "customers"), body)
        status, _, _ = self.user.call("GET", f"{self.base}/dataSets/customers")
        self.assertEqual(status, 404)
        status, _, _ = self.dataset("customers")
        self.assertEqual(status, 404)

    def test_bad_definitions_are_rejected(self):
        def column(name, **extra):
            return {"name": name, "dataType": "TIMESTAMP", "columnType": "DIMENSION", **extra}

        cases = {
            "two main event times": {"dataSetId": "bad1", "columns": [
                column("t1", isMainEventTime=True), column("t2", isMainEventTime=True)]},
            "FACT without one": {"dataSetId": "bad2", "dataSetType": "FACT",
                                 "columns": [column("t1")]},
            "DIMENSION with one": {"dataSetId": "bad3", "dataSetType": "DIMENSION",
                                   "columns": [column("t1", isMainEventTime=True)]},
            "identity not STRING": {"dataSetId": "bad4", "columns": [
                {"name": "e", "dataType": "LONG", "columnType": "DIMENSION",
                 "externalUserIdType": {"hashedPii": "EMAIL"}}]},
            "unknown identifier": {"dataSetId": "bad5", "columns": [
                {"name": "e", "dataType": "STRING", "columnType": "DIMENSION",
                 "externalUserIdType": {"hashedPii": "SSN"}}]},
            "unknown data type": {"dataSetId": "bad6", "columns": [
                {"name": "e", "dataType": "BLOB", "columnType": "DIMENSION"}]},
            "spaces in the id": {"dataSetId": "bad 7", "columns": [column("t1")]},
            "unknown field": {"dataSetId": "bad8", "columns": [column("t1")], "owner": "me"},
        }
        for why, definition in cases.items():
            status, body, _ = self.define(definition)
            self.assertEqual(status, 400, (why, body))
            self.assertEqual(set(body), {"message", "requestId"}, why)
        status, body, _ = self.define(cases["two main event times"])
        self.assertIn("exactly one column with isMainEventTime, not 2", body["message"])

    def test_file_formats_are_named_and_unknown_names_refused(self):
        """A data set's fileFormat is CSV or JSON (the default of its uploads); an upload's is CSV,
        JSON or PARQUET; any other name is refused at fileFormat, before anything is stored."""
        definition = {"dataSetId": "formats", "columns": [
            {"name": "t", "dataType": "TIMESTAMP", "columnType": "DIMENSION"}]}
        for name, message in (("XML", "fileFormat must be CSV, JSON or PARQUET, not 'XML'"),
                              ("csv", "fileFormat must be CSV, JSON or PARQUET, not 'csv'"),
                              ("PARQUET", "fileFormat must be CSV or JSON")):
            status, body, _ = self.define(dict(definition, fileFormat=name))
            self.assertEqual((status, body["message"]), (400, message), name)
            self.assertEqual(set(body), {"message", "requestId"}, name)
        status, body, _ = self.user.call("GET", f"{self.base}/dataSets/formats")
        self.assertEqual(status, 404, body)
        status, body, _ = self.define(dict(definition, fileFormat="JSON"))
        self.assertEqual(status, 200, body)
        status, body, _ = self.user.call("GET", f"{self.base}/dataSets/formats")
        self.assertEqual((status, body["dataSet"]["fileFormat"]), (200, "JSON"), body)
        status, body, _ = self.send_data("formats", b"t\n2026-01-01 00:00:00\n", query="?fileFormat=XML")
        self.assertEqual((status, body["message"]),
                         (400, "fileFormat must be CSV, JSON or PARQUET, not 'XML'"), body)
        status, up, _ = self.send_data("formats", b"t\n2026-01-01 00:00:00\n", query="?fileFormat=CSV")
        self.assertEqual(status, 200, up)
        up = self.user.ended_upload(f"{self.base}/uploads/formats", up)
        self.assertEqual(up["status"], "SUCCEEDED", up)
        status, body, _ = self.user.call("GET", f"{self.base}/uploads/formats/{up['uploadId']}")
        self.assertEqual(body["upload"]["fileFormat"], "CSV", "the upload's own format over the data set's")

    def test_a_ragged_row_fails_with_its_line_and_stores_nothing(self):
        definition = {"dataSetId": "visits", "columns": [
            {"name": "email", "dataType": "STRING", "columnType": "DIMENSION",
             "externalUserIdType": {"hashedPii": "EMAIL"}},
            {"name": "n", "dataType": "INTEGER", "columnType": "METRIC"}]}
        status, body, _ = self.define(definition)
        self.assertEqual(status, 200, body)
        status, up, _ = self.send_data("visits", b"email,n\na@example.com,1\nb@example.com,2,3\n")
        self.assertEqual(status, 200, up)
        up = self.user.ended_upload(f"{self.base}/uploads/visits", up)
        self.assertEqual(up["status"], "FAILED", up)
        self.assertTrue(up["message"].startswith("line 3: "), up)
        self.assertNotIn("b@example.com", up["message"])
        status, body, _ = self.user.call("GET", f"{self.base}/uploads/visits/{up['uploadId']}")
        self.assertEqual((body["upload"]["status"], body["upload"]["metrics"]), ("FAILED", {}))
        status, _, _ = self.dataset("visits")
        self.assertEqual(status, 404)
        folder = os.path.join(self.server.data_dir, "datasets", ACCOUNT_A, self.instance, "visits")
        self.assertFalse(os.path.isdir(folder) and os.listdir(folder))

    def test_another_advertiser_cannot_see_or_upload(self):
        definition = {"dataSetId": "private", "columns": [
            {"name": "n", "dataType": "INTEGER", "columnType": "METRIC"}]}
        status, body, _ = self.define(definition)
        self.assertEqual(status, 200, body)
        for method, path, body in (("GET", "/dataSets", None), ("GET", "/dataSets/private", None),
                                   ("POST", "/dataSets", definition),
                                   ("DELETE", "/dataSets/private", None),
                                   ("POST", "/uploads/list", None)):
            status, answer, _ = self.other.call(method, self.base + path, body)
            self.assertEqual(status, 404, (method, path, answer))
        status, answer, _ = self.send_data("private", b"n\n1\n", user=self.other)
        self.assertEqual(status, 404, answer)
        status, _, _ = self.dataset("private")
        self.assertEqual(status, 404, "nothing was uploaded")
        status, answer, _ = self.server.http("GET", self.base + "/dataSets")
        self.assertEqual(status, 401, answer)


if __name__ == "__main__":
    unittest.main()
