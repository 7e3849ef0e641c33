#include "core/analysis_templates.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "common/arn.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "core/memberships.h"
#include "policy/parameters.h"

namespace cleanroom::core {
namespace repo = catalog::analysis_templates_repo;
namespace collab_repo = catalog::collaborations_repo;
using catalog::AnalysisTemplateRecord;
using catalog::MembershipRecord;
using catalog::Tx;
using nlohmann::json;

namespace {

// Limits of the service model (AnalysisTemplateText, AnalysisParameterList, ParameterValue) and
// the hosted service's quota of templates per membership (clean-rooms-semantics.md, "Quotas").
constexpr size_t kMaxTextChars = 500000;
constexpr size_t kMaxParameters = 50;
constexpr size_t kMaxParameterNameChars = 100;
constexpr size_t kMaxDefaultValueChars = 1000;
constexpr int64_t kMaxTemplatesPerMembership = 25;

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Copies `text`, replacing each `:name` outside literals, quoted identifiers and comments with
// what `replace(name)` returns. `::` (a cast) is not a parameter.
Result<std::string> substitute(
    const std::string& text,
    const std::function<Result<std::string>(const std::string&)>& replace) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  const size_t n = text.size();
  auto copy_until = [&](size_t end) {
    out.append(text, i, end - i);
    i = end;
  };
  while (i < n) {
    char c = text[i];
    if (c == '\'' || c == '"') {
      // A quote is escaped by doubling it; an unterminated literal runs to the end.
      size_t j = i + 1;
      while (j < n) {
        if (text[j] == c) {
          if (j + 1 < n && text[j + 1] == c) {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      copy_until(std::min(j, n));
    } else if (c == '-' && i + 1 < n && text[i + 1] == '-') {
      size_t j = text.find('\n', i);
      copy_until(j == std::string::npos ? n : j);
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      size_t j = text.find("*/", i + 2);
      copy_until(j == std::string::npos ? n : j + 2);
    } else if (c == ':' && i + 1 < n && text[i + 1] == ':') {
      copy_until(i + 2);
    } else if (c == ':' && i + 1 < n && is_name_char(text[i + 1])) {
      size_t j = i + 1;
      while (j < n && is_name_char(text[j])) ++j;
      CR_ASSIGN(auto value, replace(text.substr(i + 1, j - i - 1)));
      out += value;
      i = j;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  return out;
}

const json* declared(const json& parameters, const std::string& name) {
  for (const auto& p : parameters)
    if (p.value("name", "") == name) return &p;
  return nullptr;
}

Status check_request(const CreateAnalysisTemplateRequest& req) {
  if (req.format != "SQL")
    return Error::validation(
        "format " + req.format + " is not served; cleanroom runs analysis templates in SQL only",
        "format");
  if (req.source_text.empty())
    return Error::validation("source.text is required: the template's SQL", "source.text");
  if (req.source_text.size() > kMaxTextChars)
    return Error::validation("source.text is longer than 500,000 characters", "source.text");
  if (!req.parameters.is_array())
    return Error::validation("analysisParameters must be a list", "analysisParameters");
  if (req.parameters.size() > kMaxParameters)
    return Error::validation("a template has at most 50 analysisParameters", "analysisParameters");
  std::set<std::string> names;
  for (const auto& p : req.parameters) {
    std::string name = p.value("name", "");
    if (name.empty() || name.size() > kMaxParameterNameChars ||
        !std::all_of(name.begin(), name.end(), is_name_char))
      return Error::validation(
          "parameter name '" + name + "' must be 1-100 characters of [0-9a-zA-Z_]",
          "analysisParameters.name");
    if (!names.insert(name).second)
      return Error::validation("parameter '" + name + "' is declared twice",
                               "analysisParameters.name");
    if (p.contains("defaultValue") &&
        (!p["defaultValue"].is_string() ||
         p["defaultValue"].get<std::string>().size() > kMaxDefaultValueChars))
      return Error::validation("the default value of parameter '" + name +
                                   "' must be a string of at most 1,000 characters",
                               "analysisParameters.defaultValue");
  }
  // Every `:name` the text uses is declared, so a query from it never meets an unknown one.
  CR_TRY(status_of(substitute(req.source_text, [&](const std::string& name) -> Result<std::string> {
    if (!names.count(name))
      return Error::validation(
          "source.text uses parameter :" + name + ", which analysisParameters does not declare",
          "source.text");
    return std::string();
  })));
  return {};
}

Result<AnalysisTemplateRecord> template_in_membership(Tx& tx, const MembershipRecord& ms,
                                                      const std::string& id) {
  CR_ASSIGN(auto t, repo::find(tx, id));
  if (!t || t->membership_id != ms.id) return Error::not_found(Resource::AnalysisTemplate, id);
  return *t;
}

Result<AnalysisTemplateRecord> template_in_collaboration(Tx& tx,
                                                         const std::string& collaboration_id,
                                                         const std::string& arn) {
  CR_ASSIGN(auto t, repo::find_by_arn(tx, arn));
  if (!t || t->collaboration_id != collaboration_id)
    return Error::not_found(Resource::AnalysisTemplate, arn);
  return *t;
}

}  // namespace

Result<std::string> render_template(const AnalysisTemplateRecord& t,
                                    const std::map<std::string, std::string>& values) {
  for (const auto& [name, value] : values) {
    if (!declared(t.parameters, name))
      return Error::validation("analysis template " + t.id + " has no parameter '" + name + "'",
                               "sqlParameters.parameters");
    if (value.size() > kMaxDefaultValueChars)
      return Error::validation(
          "the value of parameter '" + name + "' is longer than 1,000 characters",
          "sqlParameters.parameters");
  }
  // `:name` becomes DuckDB's `$name` marker so that the parser finds it; the values are then
  // bound on the parse tree (policy/parameters.h). A marker misread inside a string or comment
  // only changes that string or comment: no value ever reaches the text.
  CR_ASSIGN(auto marked,
            substitute(t.source_text,
                       [](const std::string& name) -> Result<std::string> { return "$" + name; }));
  return policy::bind_in_tree(marked, [&](const json& node) -> Result<std::optional<json>> {
    if (node.value("class", "") != "PARAMETER") return std::optional<json>{};
    const std::string name = node.value("identifier", "");
    if (auto it = values.find(name); it != values.end())
      return std::optional<json>(policy::text_constant(it->second));
    const json* p = declared(t.parameters, name);
    if (p && p->contains("defaultValue"))
      return std::optional<json>(policy::text_constant((*p)["defaultValue"].get<std::string>()));
    return Error::validation(
        "parameter '" + name + "' of analysis template " + t.id +
            " has no value and no default; give it in sqlParameters.parameters",
        "sqlParameters.parameters");
  });
}

Result<AnalysisTemplateView> AnalysisTemplateService::create(
    const std::string& caller, const CreateAnalysisTemplateRequest& req) {
  CR_TRY(check_request(req));
  return ctx_.db.write<AnalysisTemplateView>([&](Tx& tx) -> Result<AnalysisTemplateView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, req.membership_id));
    CR_TRY(check_active_membership(ms, "analysis templates are changed"));
    CR_ASSIGN(auto c, find_collaboration(tx, ms.collaboration_id));
    CR_ASSIGN(auto count, repo::count_of_membership(tx, ms.id));
    if (count >= kMaxTemplatesPerMembership)
      return Error::quota_exceeded("membership " + ms.id +
                                   " already has 25 analysis templates, the limit");
    CR_ASSIGN(auto existing, repo::of_membership(tx, ms.id, "", kMaxTemplatesPerMembership));
    for (const auto& e : existing)
      if (e.name == req.name)
        return Error::conflict(
            "membership " + ms.id + " already has an analysis template named '" + req.name + "'",
            Cause::AlreadyExists, Resource::AnalysisTemplate, e.id);
    int64_t now = now_epoch_seconds();
    AnalysisTemplateRecord t;
    t.id = crypto::uuid4();
    t.arn = cleanrooms_arn(caller, "membership/" + ms.id + "/analysistemplate/" + t.id);
    t.collaboration_id = c.id;
    t.membership_id = ms.id;
    t.account_id = caller;
    t.name = req.name;
    t.description = req.description;
    t.format = req.format;
    t.source_text = req.source_text;
    t.parameters = req.parameters;
    t.created_at = now;
    t.updated_at = now;
    CR_TRY(repo::insert(tx, t));
    CR_TRY(tag_new_resource(tx, t.id, req.tags));
    return AnalysisTemplateView{t, c};
  });
}

Result<AnalysisTemplateView> AnalysisTemplateService::get(const std::string& caller,
                                                          const std::string& membership_id,
                                                          const std::string& id) {
  return ctx_.db.read<AnalysisTemplateView>([&](Tx& tx) -> Result<AnalysisTemplateView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto t, template_in_membership(tx, ms, id));
    CR_ASSIGN(auto c, collab_repo::find_including_deleted(tx, t.collaboration_id));
    if (!c) return Error::not_found(Resource::Collaboration, t.collaboration_id);
    return AnalysisTemplateView{t, *c};
  });
}

Result<std::pair<std::vector<AnalysisTemplateView>, std::string>> AnalysisTemplateService::list(
    const std::string& caller, const std::string& membership_id, const Page& page) {
  using Out = std::pair<std::vector<AnalysisTemplateView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto c, collab_repo::find_including_deleted(tx, ms.collaboration_id));
    if (!c) return Error::not_found(Resource::Collaboration, ms.collaboration_id);
    int limit = page.size();
    CR_ASSIGN(auto rows, repo::of_membership(tx, ms.id, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      out.first.push_back({rows[i], *c});
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().tmpl.id;
    return out;
  });
}

Result<AnalysisTemplateView> AnalysisTemplateService::update_description(
    const std::string& caller, const std::string& membership_id, const std::string& id,
    const std::string& description) {
  return ctx_.db.write<AnalysisTemplateView>([&](Tx& tx) -> Result<AnalysisTemplateView> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_TRY(check_active_membership(ms, "analysis templates are changed"));
    CR_ASSIGN(auto t, template_in_membership(tx, ms, id));
    CR_ASSIGN(auto c, find_collaboration(tx, t.collaboration_id));
    t.description = description;
    t.updated_at = now_epoch_seconds();
    CR_TRY(repo::update_description(tx, t.id, t.description, t.updated_at));
    return AnalysisTemplateView{t, c};
  });
}

Status AnalysisTemplateService::remove(const std::string& caller, const std::string& membership_id,
                                       const std::string& id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_ASSIGN(auto ms, own_membership(tx, caller, membership_id));
    CR_ASSIGN(auto t, template_in_membership(tx, ms, id));
    CR_TRY(repo::remove(tx, t.id));
    return true;
  }));
}

Result<AnalysisTemplateView> AnalysisTemplateService::get_in_collaboration(
    const std::string& caller, const std::string& collaboration_id, const std::string& arn) {
  return ctx_.db.read<AnalysisTemplateView>([&](Tx& tx) -> Result<AnalysisTemplateView> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    CR_ASSIGN(auto t, template_in_collaboration(tx, c.id, arn));
    return AnalysisTemplateView{t, c};
  });
}

Result<std::pair<std::vector<AnalysisTemplateView>, std::string>>
AnalysisTemplateService::list_in_collaboration(const std::string& caller,
                                               const std::string& collaboration_id,
                                               const Page& page) {
  using Out = std::pair<std::vector<AnalysisTemplateView>, std::string>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    int limit = page.size();
    CR_ASSIGN(auto rows, repo::of_collaboration(tx, c.id, page.next_token, limit + 1));
    Out out;
    for (size_t i = 0; i < rows.size() && static_cast<int>(i) < limit; ++i)
      out.first.push_back({rows[i], c});
    if (static_cast<int>(rows.size()) > limit) out.second = out.first.back().tmpl.id;
    return out;
  });
}

Result<std::vector<Result<AnalysisTemplateView>>>
AnalysisTemplateService::get_many_in_collaboration(const std::string& caller,
                                                   const std::string& collaboration_id,
                                                   const std::vector<std::string>& arns) {
  using Out = std::vector<Result<AnalysisTemplateView>>;
  return ctx_.db.read<Out>([&](Tx& tx) -> Result<Out> {
    CR_ASSIGN(auto c, readable_collaboration(tx, caller, collaboration_id));
    Out out;
    for (const auto& arn : arns) {
      auto t = template_in_collaboration(tx, c.id, arn);
      if (t.ok())
        out.push_back(AnalysisTemplateView{*t, c});
      else
        out.push_back(t.error());
    }
    return out;
  });
}

}  // namespace cleanroom::core
