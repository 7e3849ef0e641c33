// The AMC data set rules (reference/amc-api-facts.md, "Data upload") and their translation to an
// ordinary upload, checked on the core directly; the HTTP shapes are in
// tests/api/test_amc_data_upload.py.
#include "core/amc_data_upload.h"

#include <gtest/gtest.h>

namespace cleanroom::core {
namespace {
using catalog::AmcColumnDef;
using catalog::AmcDataSetRecord;

AmcColumnDef column(const std::string& name, const std::string& type, bool event_time = false,
                    const std::string& identifier = "") {
  AmcColumnDef c;
  c.name = name;
  c.data_type = type;
  c.column_type = "DIMENSION";
  c.main_event_time = event_time;
  c.identifier_type = identifier;
  return c;
}

AmcDataSetRecord data_set(std::vector<AmcColumnDef> columns, const std::string& type = "") {
  AmcDataSetRecord d;
  d.instance_id = "amcabcd1234";
  d.data_set_id = "purchases";
  d.data_set_type = type;
  d.columns = std::move(columns);
  return d;
}

std::string why(AmcDataSetRecord d) {
  Status s = check_amc_data_set(d);
  return s.ok() ? "" : s.error().message;
}

TEST(AmcDataSetRules, FactHasExactlyOneMainEventTimeAndDimensionNone) {
  auto fact = data_set({column("t", "TIMESTAMP", true), column("n", "LONG")});
  ASSERT_TRUE(check_amc_data_set(fact).ok());
  EXPECT_EQ(fact.data_set_type, "FACT");  // inferred from the main event time
  EXPECT_EQ(fact.period, "P1D");
  EXPECT_EQ(fact.file_format, DataFormat::Csv);

  auto dimension = data_set({column("n", "LONG")});
  ASSERT_TRUE(check_amc_data_set(dimension).ok());
  EXPECT_EQ(dimension.data_set_type, "DIMENSION");

  EXPECT_NE(why(data_set({column("t1", "TIMESTAMP", true), column("t2", "TIMESTAMP", true)}))
                .find("exactly one column with isMainEventTime, not 2"),
            std::string::npos);
  EXPECT_NE(why(data_set({column("n", "LONG")}, "FACT")).find("not 0"), std::string::npos);
  EXPECT_NE(why(data_set({column("t", "TIMESTAMP", true)}, "DIMENSION")).find("DIMENSION"),
            std::string::npos);
  EXPECT_NE(why(data_set({column("t", "STRING", true)})).find("TIMESTAMP or DATE"),
            std::string::npos);
  EXPECT_EQ(why(data_set({column("d", "DATE", true)})), "");
}

TEST(AmcDataSetRules, ColumnsAndIdentifiers) {
  EXPECT_NE(why(data_set({})).find("at least one column"), std::string::npos);
  EXPECT_NE(why(data_set({column("a", "LONG"), column("A", "LONG")})).find("defined twice"),
            std::string::npos);
  EXPECT_NE(why(data_set({column("a b", "LONG")})).find("letters, digits"), std::string::npos);
  EXPECT_NE(why(data_set({column("a", "FLOAT")})).find("dataType must be one of"),
            std::string::npos);
  EXPECT_NE(why(data_set({column("e", "LONG", false, "EMAIL")})).find("must be STRING"),
            std::string::npos);
  EXPECT_NE(why(data_set({column("e", "STRING", false, "MAID")})).find("not a supported"),
            std::string::npos);
  auto bad_id = data_set({column("a", "LONG")});
  bad_id.data_set_id = "has space";
  EXPECT_NE(why(bad_id).find("dataSetId"), std::string::npos);
  auto bad_period = data_set({column("a", "LONG")});
  bad_period.period = "P2D";
  EXPECT_NE(why(bad_period).find("period"), std::string::npos);
  auto country = data_set({column("a", "LONG")});
  country.country_code = "UK";
  ASSERT_TRUE(check_amc_data_set(country).ok());
  EXPECT_EQ(country.country_code, "GB");
}

TEST(AmcDataSetRules, AnUploadIsAnOrdinaryUploadOfTheInstancesTable) {
  auto d = data_set({column("t", "TIMESTAMP", true), column("email", "STRING", false, "EMAIL"),
                     column("zip", "STRING", false, "ZIP"), column("amount", "DECIMAL")});
  d.file_format = DataFormat::Json;
  d.country_code = "CA";
  auto req = amc_upload_request(d, {});
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_EQ(req->database_name, "amcabcd1234");
  EXPECT_EQ(req->table_name, "purchases");
  EXPECT_EQ(req->format, data::FileFormat::JsonLines);
  EXPECT_EQ(req->country, "CA");
  ASSERT_EQ(req->columns.size(), 4u);
  EXPECT_EQ(req->columns[0].type, "TIMESTAMP");
  EXPECT_EQ(req->columns[3].type, "DECIMAL(38,2)");
  EXPECT_EQ(req->pii.at("email"), data::PiiType::Email);
  EXPECT_EQ(req->pii.at("zip"), data::PiiType::PostalCode);
  EXPECT_EQ(req->pii.size(), 2u);

  AmcUploadSource source;
  source.file_format = DataFormat::Parquet;
  source.country_code = "DE";
  req = amc_upload_request(d, source);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->format, data::FileFormat::Parquet);
  EXPECT_EQ(req->country, "DE");
}

}  // namespace
}  // namespace cleanroom::core
