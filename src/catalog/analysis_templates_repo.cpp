#include "catalog/analysis_templates_repo.h"

#include "catalog/row_mapping.h"

namespace cleanroom::catalog::analysis_templates_repo {
namespace {
using nlohmann::json;

AnalysisTemplateRecord template_from(const Row& r) {
  AnalysisTemplateRecord t;
  t.id = r.str("analysis_template_id");
  t.arn = r.str("arn");
  t.collaboration_id = r.str("collaboration_id");
  t.membership_id = r.str("membership_id");
  t.account_id = r.str("account_id");
  t.name = r.str("name");
  t.description = r.str("description");
  t.format = r.str("format");
  t.source_text = r.str("source_text");
  t.parameters = json::parse(r.str("parameters"));
  t.created_at = r.integer("created_at");
  t.updated_at = r.integer("updated_at");
  return t;
}

}  // namespace

Status insert(Tx& tx, const AnalysisTemplateRecord& t) {
  return tx.exec(
      "INSERT INTO analysis_templates (analysis_template_id, arn, collaboration_id, membership_id, "
      "account_id, name, description, format, source_text, parameters, created_at, updated_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
      {t.id, t.arn, t.collaboration_id, t.membership_id, t.account_id, t.name, t.description,
       t.format, t.source_text, t.parameters.dump(), t.created_at, t.updated_at});
}

Result<std::optional<AnalysisTemplateRecord>> find(Tx& tx, const std::string& id) {
  return fetch_one<AnalysisTemplateRecord>(
      tx, "SELECT * FROM analysis_templates WHERE analysis_template_id = ?", {id}, template_from);
}

Result<std::optional<AnalysisTemplateRecord>> find_by_arn(Tx& tx, const std::string& arn) {
  return fetch_one<AnalysisTemplateRecord>(tx, "SELECT * FROM analysis_templates WHERE arn = ?",
                                           {arn}, template_from);
}

Result<std::vector<AnalysisTemplateRecord>> of_membership(Tx& tx, const std::string& membership_id,
                                                          const std::string& after, int limit) {
  return fetch_all<AnalysisTemplateRecord>(
      tx,
      "SELECT * FROM analysis_templates WHERE membership_id = ? AND analysis_template_id > ? "
      "ORDER BY analysis_template_id LIMIT ?",
      {membership_id, after, static_cast<int64_t>(limit)}, template_from);
}

Result<std::vector<AnalysisTemplateRecord>> of_collaboration(Tx& tx,
                                                             const std::string& collaboration_id,
                                                             const std::string& after, int limit) {
  return fetch_all<AnalysisTemplateRecord>(
      tx,
      "SELECT * FROM analysis_templates WHERE collaboration_id = ? AND analysis_template_id > ? "
      "ORDER BY analysis_template_id LIMIT ?",
      {collaboration_id, after, static_cast<int64_t>(limit)}, template_from);
}

Result<int64_t> count_of_membership(Tx& tx, const std::string& membership_id) {
  CR_ASSIGN(auto row,
            tx.query_one("SELECT COUNT(*) AS n FROM analysis_templates WHERE membership_id = ?",
                         {membership_id}));
  return row ? row->integer("n") : 0;
}

Status update_description(Tx& tx, const std::string& id, const std::string& description,
                          int64_t updated_at) {
  return tx.exec(
      "UPDATE analysis_templates SET description = ?, updated_at = ? WHERE analysis_template_id = "
      "?",
      {description, updated_at, id});
}

Status remove(Tx& tx, const std::string& id) {
  return tx.exec("DELETE FROM analysis_templates WHERE analysis_template_id = ?", {id});
}

}  // namespace cleanroom::catalog::analysis_templates_repo
