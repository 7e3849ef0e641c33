#pragma once
// How the process logs (spdlog's default logger): one line per event, as text or as JSON
// (`serve --log-format`), each line carrying the context its thread works in, so every line
// about a request names its request id (docs/operations.md, "Logs").
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace cleanroom::logging {

enum class LogFormat { Text, Json };

// "text" or "json"; nullopt for anything else.
std::optional<LogFormat> log_format_named(std::string_view name);

// Sets the default logger's format. Text: `[time] [level] requestId=... message`; JSON: one
// object per line with time, level, the context's fields and message.
void configure(LogFormat format);

// A field a log line carries: its thread's context (`in_text`: shown in the text format too), or
// a line's own structured fields, which the text format already has in its message.
struct Field {
  std::string key;
  nlohmann::json value;
  bool in_text = true;
};

// Adds fields to every line logged on this thread while it lives (nested scopes add up). A
// request's scope holds its requestId; core code that logs on the request's thread needs nothing.
class Scope {
 public:
  explicit Scope(std::initializer_list<Field> fields);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  size_t added_;
};

// The value of a field of this thread's context; "" when no scope set it.
std::string context_value(std::string_view key);

// Text a caller chose (a path, a header), safe for one log line and any JSON: control bytes,
// backslashes and bytes that are not UTF-8 are written as \xNN.
std::string printable(std::string_view text);

}  // namespace cleanroom::logging
