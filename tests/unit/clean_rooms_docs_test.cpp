// docs/clean-rooms-api.md lists every operation of the service model and says which are served;
// this keeps that table equal to the server's operation table.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "api/cleanrooms/cleanrooms_face.h"
#include "api/cleanrooms/service_model.h"
#include "test_support.h"

namespace cleanroom {
namespace {

std::map<std::string, std::string> documented_operations() {
  std::ifstream in(std::string(CLEANROOM_SOURCE_DIR) + "/docs/clean-rooms-api.md");
  std::stringstream text;
  text << in.rdbuf();
  std::map<std::string, std::string> out;
  static const std::regex row(R"(\| (\w+) \| `[A-Z]+ [^`]+` \| (served|not served) \|)");
  std::string s = text.str();
  for (std::sregex_iterator it(s.begin(), s.end(), row), end; it != end; ++it)
    out[(*it)[1]] = (*it)[2];
  return out;
}

TEST(CleanRoomsDocs, TableListsEveryOperationWithItsServedStatus) {
  testing::TestCore core;
  api::cleanrooms::CleanRoomsFace face(core.s());
  auto served_list = face.served_operations();
  std::set<std::string> served(served_list.begin(), served_list.end());
  auto docs = documented_operations();
  auto names = api::cleanrooms::ServiceModel::instance().operation_names();
  ASSERT_EQ(docs.size(), names.size());
  for (const auto& name : names) {
    ASSERT_TRUE(docs.count(name)) << name << " is missing from docs/clean-rooms-api.md";
    EXPECT_EQ(docs[name], served.count(name) ? "served" : "not served") << name;
  }
}

}  // namespace
}  // namespace cleanroom
