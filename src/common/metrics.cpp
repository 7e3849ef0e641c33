#include "common/metrics.h"

#include <charconv>
#include <cmath>

namespace cleanroom::metrics {
namespace {

// A label value in the exposition format's quotes: backslash, quote and newline escaped.
std::string quoted(const std::string& v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + "\"";
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "NaN";
}

// {a="x",b="y"} plus an extra pair (a histogram's le); "" without labels.
std::string label_set(const std::vector<std::string>& names, const LabelValues& values,
                      const std::string& extra_name = "", const std::string& extra_value = "") {
  std::string out;
  for (size_t i = 0; i < names.size() && i < values.size(); ++i)
    out += (out.empty() ? "" : ",") + names[i] + "=" + quoted(values[i]);
  if (!extra_name.empty()) out += (out.empty() ? "" : ",") + extra_name + "=" + quoted(extra_value);
  return out.empty() ? "" : "{" + out + "}";
}

void header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

// The key a label set is stored under: itself, or "other" in every label once the family is full.
template <typename Map>
LabelValues bounded(const Map& series, const LabelValues& labels) {
  if (series.size() < kMaxSeries || series.count(labels)) return labels;
  return LabelValues(labels.size(), "other");
}

}  // namespace

Counter::Counter(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Counter::add(const LabelValues& labels, double amount) {
  std::lock_guard lock(mu_);
  values_[bounded(values_, labels)] += amount;
}

double Counter::value(const LabelValues& labels) const {
  std::lock_guard lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void Counter::render(std::string& out) const {
  header(out, name_, help_, "counter");
  std::lock_guard lock(mu_);
  for (const auto& [labels, v] : values_)
    out += name_ + label_set(label_names_, labels) + " " + number(v) + "\n";
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

void Histogram::observe(const LabelValues& labels, double value) {
  std::lock_guard lock(mu_);
  Series& s = series_[bounded(series_, labels)];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size(), 0);
  for (size_t i = 0; i < bounds_.size(); ++i)
    if (value <= bounds_[i]) {
      ++s.buckets[i];
      break;
    }
  ++s.count;
  s.sum += value;
}

void Histogram::render(std::string& out) const {
  header(out, name_, help_, "histogram");
  std::lock_guard lock(mu_);
  for (const auto& [labels, s] : series_) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      out += name_ + "_bucket" + label_set(label_names_, labels, "le", number(bounds_[i])) + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name_ + "_bucket" + label_set(label_names_, labels, "le", "+Inf") + " " +
           std::to_string(s.count) + "\n";
    out += name_ + "_sum" + label_set(label_names_, labels) + " " + number(s.sum) + "\n";
    out +=
        name_ + "_count" + label_set(label_names_, labels) + " " + std::to_string(s.count) + "\n";
  }
}

Observed::Observed(std::string name, std::string help, Type type,
                   std::vector<std::string> label_names, std::function<std::vector<Sample>()> read)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      read_(std::move(read)) {}

void Observed::render(std::string& out) const {
  header(out, name_, help_, type_ == Type::Gauge ? "gauge" : "counter");
  for (const auto& s : read_())
    out += name_ + label_set(label_names_, s.labels) + " " + number(s.value) + "\n";
}

}  // namespace cleanroom::metrics
