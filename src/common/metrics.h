#pragma once
// Counters, gauges and histograms rendered in the Prometheus text exposition format (version
// 0.0.4). A family has fixed label names; its label values must come from a bounded set (an
// operation's name, a route's pattern, a status code), never from a caller's ids or paths. As a
// guard, a family holds at most kMaxSeries label sets; later ones are counted under "other".
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace cleanroom::metrics {

constexpr size_t kMaxSeries = 2000;
using LabelValues = std::vector<std::string>;

class Counter {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> label_names);
  void add(const LabelValues& labels, double amount = 1);
  double value(const LabelValues& labels) const;
  void render(std::string& out) const;

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<LabelValues, double> values_;
};

class Histogram {
 public:
  // `bounds`: the upper bounds of the buckets, ascending; +Inf is added.
  Histogram(std::string name, std::string help, std::vector<std::string> label_names,
            std::vector<double> bounds);
  void observe(const LabelValues& labels, double value);
  void render(std::string& out) const;

 private:
  struct Series {
    std::vector<uint64_t> buckets;  // not cumulative; summed when rendered
    uint64_t count = 0;
    double sum = 0;
  };
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<LabelValues, Series> series_;
};

// One sample of a metric whose value is read when it is scraped.
struct Sample {
  LabelValues labels;
  double value = 0;
};

// A gauge or counter fed by a function called at each scrape (a queue's depth, a total kept by
// another subsystem). The function returns the samples; none is fine.
class Observed {
 public:
  enum class Type { Gauge, Counter };
  Observed(std::string name, std::string help, Type type, std::vector<std::string> label_names,
           std::function<std::vector<Sample>()> read);
  void render(std::string& out) const;

 private:
  const std::string name_, help_;
  const Type type_;
  const std::vector<std::string> label_names_;
  const std::function<std::vector<Sample>()> read_;
};

// The Content-Type of the exposition format.
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace cleanroom::metrics
