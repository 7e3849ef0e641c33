#include "api/cleanrooms/operation_dispatch.h"

namespace cleanroom::api::cleanrooms {

Response dispatch(const OperationTable& operations, Request& req, std::string_view raw_path,
                  const std::string& account, const MissingOperation& missing) {
  const auto& model = ServiceModel::instance();
  auto match = model.match(req.method, raw_path);
  if (match) req.operation = match->name;
  auto op = match ? operations.find(match->name) : operations.end();
  if (op == operations.end()) return error_response(missing(match));
  auto input = model.parse_input(*match, req.raw_query, req.headers, req.body);
  if (!input.ok()) return error_response(input.error());
  if (Status s = model.validate_input(match->name, *input); !s.ok())
    return error_response(s.error());
  auto output = op->second(account, *input);
  if (!output.ok()) return error_response(output.error());
  int code = model.response_code(match->name);
  if (code == 204) return Response::empty(204);
  return Response::json(code, *output);
}

}  // namespace cleanroom::api::cleanrooms
