// The exposition format the metrics render, and the bound on their label sets.
#include "common/metrics.h"

#include <gtest/gtest.h>

namespace cleanroom {
namespace {

TEST(Metrics, ACounterRendersOneLinePerLabelSetWithItsValuesEscaped) {
  metrics::Counter c("x_total", "Things.", {"face", "status"});
  c.add({"amc", "200"});
  c.add({"amc", "200"}, 2);
  c.add({"a\"b\\c\nd", "500"});
  std::string out;
  c.render(out);
  EXPECT_EQ(out,
            "# HELP x_total Things.\n"
            "# TYPE x_total counter\n"
            "x_total{face=\"a\\\"b\\\\c\\nd\",status=\"500\"} 1\n"
            "x_total{face=\"amc\",status=\"200\"} 3\n");
  EXPECT_EQ(c.value({"amc", "200"}), 3);
}

TEST(Metrics, AHistogramsBucketsAreCumulativeAndEndInItsCount) {
  metrics::Histogram h("t_seconds", "Time.", {"op"}, {0.1, 1});
  h.observe({"a"}, 0.05);
  h.observe({"a"}, 0.5);
  h.observe({"a"}, 5);
  std::string out;
  h.render(out);
  EXPECT_EQ(out,
            "# HELP t_seconds Time.\n"
            "# TYPE t_seconds histogram\n"
            "t_seconds_bucket{op=\"a\",le=\"0.1\"} 1\n"
            "t_seconds_bucket{op=\"a\",le=\"1\"} 2\n"
            "t_seconds_bucket{op=\"a\",le=\"+Inf\"} 3\n"
            "t_seconds_sum{op=\"a\"} 5.55\n"
            "t_seconds_count{op=\"a\"} 3\n");
}

TEST(Metrics, LabelSetsPastTheBoundAreCountedAsOther) {
  metrics::Counter c("x_total", "Things.", {"op"});
  for (size_t i = 0; i < metrics::kMaxSeries + 10; ++i) c.add({"op" + std::to_string(i)});
  EXPECT_EQ(c.value({"op0"}), 1);
  EXPECT_EQ(c.value({"other"}), 10);  // the ten that came when the family was full
  c.add({"op1"});
  EXPECT_EQ(c.value({"op1"}), 2);  // a label set it holds keeps counting
}

TEST(Metrics, AnObservedGaugeReadsItsSourceAtEachScrape) {
  int depth = 2;
  metrics::Observed g("q", "Queue.", metrics::Observed::Type::Gauge, {}, [&] {
    return std::vector<metrics::Sample>{{{}, static_cast<double>(depth)}};
  });
  std::string out;
  g.render(out);
  EXPECT_EQ(out, "# HELP q Queue.\n# TYPE q gauge\nq 2\n");
  depth = 0;
  out.clear();
  g.render(out);
  EXPECT_EQ(out, "# HELP q Queue.\n# TYPE q gauge\nq 0\n");
}

}  // namespace
}  // namespace cleanroom
