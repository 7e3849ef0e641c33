// Log lines name the context their thread works in, and never carry a caller's bytes raw.
#include "common/logging.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace cleanroom {
namespace {

TEST(Logging, PrintableEscapesControlsBackslashesAndBytesThatAreNotUtf8) {
  EXPECT_EQ(logging::printable("/collaborations/abc"), "/collaborations/abc");
  EXPECT_EQ(logging::printable("a\nb\r\x1b[31m\\"), "a\\x0ab\\x0d\\x1b[31m\\x5c");
  EXPECT_EQ(logging::printable("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_EQ(logging::printable("\xff\xc3(\xc0\xaf\xed\xa0\x80"),
            "\\xff\\xc3(\\xc0\\xaf\\xed\\xa0\\x80");
}

TEST(Logging, ScopesNestOnTheirThreadAndEndWithIt) {
  EXPECT_EQ(logging::context_value("requestId"), "");
  {
    logging::Scope outer({{"requestId", "r1"}});
    {
      logging::Scope inner({{"queryId", "q1"}});
      EXPECT_EQ(logging::context_value("requestId"), "r1");
      EXPECT_EQ(logging::context_value("queryId"), "q1");
    }
    EXPECT_EQ(logging::context_value("queryId"), "");
  }
  EXPECT_EQ(logging::context_value("requestId"), "");
}

class LogLines : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  void TearDown() override {
    spdlog::set_default_logger(previous_);
    logging::configure(logging::LogFormat::Text);
  }
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST_F(LogLines, JsonLinesHoldTheContextAndTheLinesFieldsAndSurviveBadBytes) {
  logging::configure(logging::LogFormat::Json);
  logging::Scope request({{"requestId", "r1"}});
  logging::Scope line({{"status", 404, false}});
  spdlog::warn("GET /x\xff {}", 404);
  auto doc = nlohmann::json::parse(out_.str());
  EXPECT_EQ(doc["level"], "warning");
  EXPECT_EQ(doc["requestId"], "r1");
  EXPECT_EQ(doc["status"], 404);
  EXPECT_EQ(doc["message"], "GET /x\xef\xbf\xbd 404");
  EXPECT_EQ(out_.str().back(), '\n');
}

TEST_F(LogLines, TextLinesShowTheContextButNotTheLinesOwnFields) {
  logging::configure(logging::LogFormat::Text);
  logging::Scope request({{"requestId", "r1"}});
  logging::Scope line({{"status", 404, false}});
  spdlog::info("GET /x 404");
  std::string text = out_.str();
  EXPECT_NE(text.find("[info] requestId=r1 GET /x 404\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("status="), std::string::npos) << text;
}

}  // namespace
}  // namespace cleanroom
