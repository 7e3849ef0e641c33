// The upload job pool: bounds per account and in all, cancel before and while a job runs, what
// a stop does to waiting and running jobs, and that each job's end is told exactly once.
#include "core/upload_jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "test_support.h"

namespace cleanroom::core {
namespace {

using namespace std::chrono_literals;
using testing::expect_error;

// Work that reports progress until it is released or told to stop.
struct Gate {
  std::atomic<bool> open = false;
  std::atomic<bool> started = false;
  UploadWork work() {
    return [this](const data::ProgressCallback& progress) -> Result<catalog::DatasetRecord> {
      started = true;
      while (!open) {
        if (!progress({100, 50, 0.5})) return Error::cancelled("the upload was cancelled");
        std::this_thread::sleep_for(1ms);
      }
      catalog::DatasetRecord d;
      d.version = 7;
      return d;
    };
  }
};

UploadJob wait_ended(UploadJobs& jobs, const std::string& account, const std::string& id) {
  for (int i = 0; i < 5000; ++i) {
    auto j = jobs.get(account, id);
    if (j.ok() && j->status != UploadStatus::Pending && j->status != UploadStatus::Running)
      return *j;
    std::this_thread::sleep_for(1ms);
  }
  ADD_FAILURE() << "job " << id << " did not end";
  return {};
}

void wait_started(const Gate& g) {
  for (int i = 0; i < 5000 && !g.started; ++i) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(g.started);
}

TEST(UploadJobs, RunsAJobAndShowsItsProgressAndDataset) {
  UploadJobs jobs({1, 4, 4});
  Gate g;
  auto job = jobs.submit("a", "db", "t", g.work());
  ASSERT_TRUE(job.ok());
  wait_started(g);
  auto running = jobs.get("a", job->id);
  ASSERT_TRUE(running.ok());
  EXPECT_EQ(running->status, UploadStatus::Running);
  for (int i = 0; i < 1000 && jobs.get("a", job->id)->progress.fraction == 0; ++i)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(jobs.get("a", job->id)->progress.fraction, 0.5);
  g.open = true;
  UploadJob done = wait_ended(jobs, "a", job->id);
  EXPECT_EQ(done.status, UploadStatus::Succeeded);
  ASSERT_TRUE(done.dataset);
  EXPECT_EQ(done.dataset->version, 7);
  EXPECT_EQ(done.progress.fraction, 1);
}

TEST(UploadJobs, AnotherAccountsJobIsNotFoundLikeNoJob) {
  UploadJobs jobs({1, 4, 4});
  Gate g;
  g.open = true;
  auto job = jobs.submit("a", "db", "t", g.work());
  ASSERT_TRUE(job.ok());
  expect_error(jobs.get("b", job->id), ErrorKind::NotFound, "upload " + job->id + " not found");
  expect_error(jobs.cancel("b", job->id), ErrorKind::NotFound, "upload " + job->id + " not found");
  expect_error(jobs.get("b", "nope"), ErrorKind::NotFound, "upload nope not found");
  EXPECT_EQ(wait_ended(jobs, "a", job->id).status, UploadStatus::Succeeded);
}

TEST(UploadJobs, BoundsPerAccountAndInAll) {
  UploadJobs jobs({1, 1, 2});
  Gate running, waiting;
  auto first = jobs.submit("a", "db", "t1", running.work());
  ASSERT_TRUE(first.ok());
  wait_started(running);
  auto second = jobs.submit("a", "db", "t2", waiting.work());
  ASSERT_TRUE(second.ok());
  expect_error(jobs.submit("a", "db", "t3", waiting.work()), ErrorKind::Throttled,
               "this account already has 2 uploads waiting or running");
  expect_error(jobs.submit("b", "db", "t", waiting.work()), ErrorKind::Throttled,
               "the server's queue of 1 uploads waiting is full");
  EXPECT_EQ(jobs.counts().running, 1);
  EXPECT_EQ(jobs.counts().pending, 1);
  running.open = waiting.open = true;
  wait_ended(jobs, "a", first->id);
  wait_ended(jobs, "a", second->id);
  EXPECT_TRUE(jobs.submit("b", "db", "t", waiting.work()).ok()) << "room again once they ended";
}

TEST(UploadJobs, CancelEndsAWaitingJobAtOnceAndARunningOneAtItsNextReport) {
  UploadJobs jobs({1, 4, 4});
  Gate running, waiting;
  std::atomic<int> ends = 0;
  auto count = [&](const UploadJob&) { ends++; };
  auto first = jobs.submit("a", "db", "t1", running.work(), count);
  wait_started(running);
  auto second = jobs.submit("a", "db", "t2", waiting.work(), count);
  auto cancelled = jobs.cancel("a", second->id);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, UploadStatus::Cancelled);
  EXPECT_FALSE(waiting.started);
  ASSERT_TRUE(jobs.cancel("a", first->id).ok());
  UploadJob first_end = wait_ended(jobs, "a", first->id);
  EXPECT_EQ(first_end.status, UploadStatus::Cancelled);
  EXPECT_FALSE(first_end.dataset);
  expect_error(jobs.cancel("a", first->id), ErrorKind::Conflict, "has already ended (CANCELLED)");
  jobs.stop();
  EXPECT_EQ(ends, 2) << "each end is told once";
}

TEST(UploadJobs, StopFailsWaitingAndRunningJobsAndTellsTheirEnds) {
  UploadJobs jobs({1, 4, 4});
  Gate running, waiting;
  std::vector<UploadJob> ended;
  std::mutex mu;
  auto record = [&](const UploadJob& j) {
    std::lock_guard lock(mu);
    ended.push_back(j);
  };
  auto first = jobs.submit("a", "db", "t1", running.work(), record);
  wait_started(running);
  auto second = jobs.submit("b", "db", "t2", waiting.work(), record);
  jobs.stop();
  ASSERT_EQ(ended.size(), 2u);
  for (const auto& j : ended) {
    EXPECT_EQ(j.status, UploadStatus::Failed) << j.id;
    ASSERT_TRUE(j.error);
    EXPECT_NE(j.error->message.find("the server stopped"), std::string::npos);
  }
  expect_error(jobs.submit("a", "db", "t", waiting.work()), ErrorKind::Throttled, "stopping");
}

}  // namespace
}  // namespace cleanroom::core
