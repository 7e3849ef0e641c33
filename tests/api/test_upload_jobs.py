"""Uploads run as jobs (core/upload_jobs.h): a PUT queues the ingest and answers at once (202);
GET on the job shows its progress; its owner can cancel it and nobody else can see it; the queue
is bounded per account and in all (429 ThrottlingException); and a SIGTERM or a SIGKILL in the
middle of an AMC upload leaves its state written."""
import os
import shutil
import signal
import time
import unittest

from harness import Server, advertiser_setup, AmcUser

A = "111122223333"
B = "444455556666"
C = "777788889999"


def big_csv(rows):
    return ("id,email,score\n" + "".join(
        f"{i},user{i}@example.com,{i * 7 % 1000}\n" for i in range(rows))).encode()


class UploadJobsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # One ingest at a time, one upload per account, one waiting in all: small enough to reach
        # every bound.
        cls.server = Server(extra_args=["--uploads", "1", "--uploads-per-account", "1",
                                        "--upload-queue", "1"]).start()
        cls.a = cls.server.new_account(A, "Advertiser A")
        cls.b = cls.server.new_account(B, "Partner B")
        cls.c = cls.server.new_account(C, "Partner C")
        cls.big = big_csv(1_500_000)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.data_dir, ignore_errors=True)

    def put(self, creds, table, body, query="?pii=email%3Aemail"):
        return self.server.signed_http(creds, "PUT", f"/datasets/{table}{query}", raw_body=body,
                                       headers={"Content-Type": "text/csv"})

    def job(self, creds, table, upload_id, method="GET"):
        return self.server.signed_http(creds, method, f"/datasets/{table}/uploads/{upload_id}")

    def ended(self, creds, table, upload_id):
        return self.server.ended_dataset_upload(creds, f"/datasets/{table}", upload_id, timeout=120)

    def test_a_job_shows_its_progress_and_its_dataset(self):
        status, job, _ = self.put(self.a, "crm/progress", self.big)
        self.assertEqual(status, 202, job)
        self.assertIn(job["status"], ("PENDING", "RUNNING"))
        self.assertEqual((job["databaseName"], job["tableName"]), ("crm", "progress"))
        seen = []
        deadline = time.time() + 120
        while job["status"] in ("PENDING", "RUNNING") and time.time() < deadline:
            status, job, _ = self.job(self.a, "crm/progress", job["uploadId"])
            seen.append(job["progress"]["fraction"])
            time.sleep(0.05)
        self.assertEqual(job["status"], "SUCCEEDED", job)
        self.assertEqual((job["dataset"]["rowCount"], job["dataset"]["version"]), (1_500_000, 1))
        self.assertEqual(job["progress"]["fraction"], 1)
        self.assertTrue(any(0 < f < 1 for f in seen), f"no progress was seen between 0 and 1: {seen[:20]}")
        self.assertEqual(job["progress"]["bytesTotal"], len(self.big))

    def test_cancel_ends_the_job_and_keeps_the_previous_version(self):
        status, job, _ = self.put(self.a, "crm/cancelled", b"id,email\n1,a@example.com\n")
        self.assertEqual(status, 202, job)
        self.assertEqual(self.ended(self.a, "crm/cancelled", job["uploadId"])["status"], "SUCCEEDED")
        status, job, _ = self.put(self.a, "crm/cancelled", self.big)
        self.assertEqual(status, 202, job)
        status, cancelled, _ = self.job(self.a, "crm/cancelled", job["uploadId"], "DELETE")
        self.assertEqual(status, 200, cancelled)
        job = self.ended(self.a, "crm/cancelled", job["uploadId"])
        self.assertEqual(job["status"], "CANCELLED", job)
        self.assertNotIn("dataset", job)
        status, d, _ = self.server.signed_http(self.a, "GET", "/datasets/crm/cancelled")
        self.assertEqual((status, d["version"], d["rowCount"]), (200, 1, 1))
        # An ended job cannot be cancelled again.
        status, body, headers = self.job(self.a, "crm/cancelled", job["uploadId"], "DELETE")
        self.assertEqual((status, headers["x-amzn-ErrorType"]), (409, "ConflictException"), body)

    def test_no_one_else_sees_or_cancels_a_job(self):
        status, job, _ = self.put(self.a, "crm/private", b"id,email\n1,a@example.com\n")
        self.assertEqual(status, 202, job)
        upload_id = job["uploadId"]
        status, unknown, _ = self.job(self.b, "crm/private", "00000000-0000-4000-8000-000000000000")
        self.assertEqual(status, 404, unknown)
        for method in ("GET", "DELETE"):
            with self.subTest(method):
                status, body, headers = self.job(self.b, "crm/private", upload_id, method)
                self.assertEqual((status, headers["x-amzn-ErrorType"]), (404, "ResourceNotFoundException"))
                # The same answer as for an id that does not exist.
                self.assertEqual(body["message"].replace(upload_id, "ID"),
                                 unknown["message"].replace("00000000-0000-4000-8000-000000000000", "ID"))
        # The owner finds it under its own table only.
        status, _, _ = self.job(self.a, "crm/other", upload_id)
        self.assertEqual(status, 404)
        self.assertEqual(self.ended(self.a, "crm/private", upload_id)["status"], "SUCCEEDED")

    def test_the_queue_is_bounded_per_account_and_in_all(self):
        status, running, _ = self.put(self.a, "crm/flood", self.big)
        self.assertEqual(status, 202, running)
        jobs = [(self.a, "crm/flood", running["uploadId"])]
        try:
            # A's one upload is still being ingested (it takes seconds): A may not queue another.
            status, body, headers = self.put(self.a, "crm/more", b"id,email\n1,a@example.com\n")
            self.assertEqual((status, headers["x-amzn-ErrorType"]), (429, "ThrottlingException"), body)
            self.assertIn("this account already has 1 uploads waiting or running", body["message"])
            self.assertEqual(self.job(self.a, "crm/flood", running["uploadId"])[1]["status"], "RUNNING")
            # Another account is not held back by A's bound, but waits behind A's upload ...
            status, waiting, _ = self.put(self.b, "crm/mine", b"id,email\n1,b@example.com\n")
            self.assertEqual((status, waiting["status"]), (202, "PENDING"), waiting)
            jobs.append((self.b, "crm/mine", waiting["uploadId"]))
            # ... and the queue holds one: a third account is refused.
            status, body, headers = self.put(self.c, "crm/third", b"id,email\n1,c@example.com\n")
            self.assertEqual((status, headers["x-amzn-ErrorType"]), (429, "ThrottlingException"), body)
            self.assertIn("the server's queue of 1 uploads waiting is full", body["message"])
        finally:
            for creds, table, upload_id in jobs:
                self.job(creds, table, upload_id, "DELETE")
            for creds, table, upload_id in jobs:
                self.assertIn(self.ended(creds, table, upload_id)["status"], ("CANCELLED", "SUCCEEDED"))


class AmcUploadStopsTest(unittest.TestCase):
    """An AMC upload's record says what happened to it, whatever stops the server."""

    def start(self, data_dir=None):
        server = Server(data_dir).start()
        self.addCleanup(server.stop)
        return server

    def setUp(self):
        self.server = self.start()
        self.addCleanup(shutil.rmtree, self.server.data_dir, True)
        creds, user = advertiser_setup(self.server, A)
        status, body, _ = user.create_instance({"instanceName": "stops", "awsAccountId": A, "acrBacked": True})
        self.assertEqual(status, 200, body)
        self.instance = body["instance"]["instanceId"]
        self.base = f"/amc/advertiserData/{self.instance}"
        self.user = user
        self.creds = creds
        status, body, _ = user.call("POST", self.base + "/dataSets", {"dataSetId": "crm", "columns": [
            {"name": "id", "dataType": "INTEGER", "columnType": "DIMENSION"},
            {"name": "email", "dataType": "STRING", "columnType": "DIMENSION",
             "externalUserIdType": {"hashedPii": "EMAIL"}},
            {"name": "score", "dataType": "INTEGER", "columnType": "METRIC"}]})
        self.assertEqual(status, 200, body)

    def running_upload(self, server):
        headers = AmcUser(server, self.user.user, self.user.advertiser_id).headers()
        headers["Content-Type"] = "text/csv"
        status, up, _ = server.http("POST", self.base + "/uploads/crm", raw_body=big_csv(1_500_000),
                                    headers=headers)
        self.assertEqual((status, up["status"]), (200, "PENDING"), up)
        deadline = time.time() + 60
        while time.time() < deadline:
            status, body, _ = self.user.call("GET", f"{self.base}/uploads/crm/{up['uploadId']}")
            if body["upload"]["status"] == "RUNNING":
                return up["uploadId"]
            self.assertEqual(body["upload"]["status"], "PENDING", body)
            time.sleep(0.02)
        self.fail("the upload never started")

    def upload_after_restart(self, upload_id):
        server = self.start(self.server.data_dir)
        user = AmcUser(server, self.user.user, self.user.advertiser_id)
        # After a kill, the new server ends it once the killed one has been silent for 10 s
        # (core/node_presence.h); after a clean stop it has ended already.
        deadline = time.time() + 60
        while True:
            status, body, _ = user.call("GET", f"{self.base}/uploads/crm/{upload_id}")
            self.assertEqual(status, 200, body)
            if body["upload"]["status"] not in ("PENDING", "RUNNING") or time.time() > deadline:
                break
            time.sleep(0.2)
        status, d, _ = server.signed_http(self.creds, "GET", f"/datasets/{self.instance}/crm")
        self.assertEqual(status, 404, "a stopped upload stores nothing")
        return body["upload"]

    def test_sigterm_mid_upload_exits_0_and_records_the_upload_failed(self):
        upload_id = self.running_upload(self.server)
        self.assertEqual(self.server.stop(), 0, "".join(self.server.banner))
        up = self.upload_after_restart(upload_id)
        self.assertEqual(up["status"], "FAILED", up)
        self.assertIn("server stopped", up["message"])

    def test_sigkill_mid_upload_is_failed_by_the_next_server(self):
        upload_id = self.running_upload(self.server)
        self.server.proc.send_signal(signal.SIGKILL)
        self.server.proc.wait()
        up = self.upload_after_restart(upload_id)
        self.assertEqual(up["status"], "FAILED", up)
        self.assertIn("server stopped", up["message"])
        staging = os.path.join(self.server.data_dir, "datasets", A, self.instance, "crm")
        self.assertFalse(os.path.isdir(staging) and os.listdir(staging), "no staged file is left")


if __name__ == "__main__":
    unittest.main()
