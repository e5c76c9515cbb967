#include "catalog/saved_objects.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "catalog/catalog_store.h"
#include "common/exception.h"
#include "helpers/temp_dir.h"

namespace basin {
namespace {

using Kind = SavedObjectKind;

/// The SQLSTATE `call` throws, "" when it throws none.
template <typename F>
std::string SqlstateOf(F call) {
  try {
    call();
  } catch (const Exception& e) {
    return e.sqlstate();
  }
  return "";
}

class SavedObjectsTest : public test::TempDirTest {};

TEST_F(SavedObjectsTest, CrudRoundTripInMemory) {
  SavedObjects saved(nullptr);
  const SavedObject q = saved.Create(Kind::kQuery, "daily users", R"({"sql": "SELECT 1",  "note": "x"})");
  EXPECT_EQ(q.id, 1);
  EXPECT_EQ(q.name, "daily users");
  EXPECT_EQ(q.document, R"({"note":"x","sql":"SELECT 1"})");  // compact, as stored
  EXPECT_GT(q.created_ms, 0);
  EXPECT_EQ(q.created_ms, q.updated_ms);

  const SavedObject q2 = saved.Create(Kind::kQuery, "other", R"({"sql": "SELECT 2"})");
  EXPECT_EQ(q2.id, 2);
  // Kinds have their own ids and names.
  EXPECT_EQ(saved.Create(Kind::kChart, "daily users", R"({"sql": "SELECT 1", "type": "bar"})").id, 1);

  const SavedObject updated = saved.Update(Kind::kQuery, 1, "daily users v2", R"({"sql": "SELECT 3"})");
  EXPECT_EQ(updated.created_ms, q.created_ms);
  EXPECT_GE(updated.updated_ms, q.updated_ms);
  EXPECT_EQ(saved.Get(Kind::kQuery, 1).name, "daily users v2");
  EXPECT_EQ(saved.Get(Kind::kQuery, 1).document, R"({"sql":"SELECT 3"})");

  saved.Delete(Kind::kQuery, 1);
  ASSERT_EQ(saved.List(Kind::kQuery).size(), 1u);
  EXPECT_EQ(saved.List(Kind::kQuery)[0].id, 2);
  EXPECT_EQ(saved.Create(Kind::kQuery, "third", R"({"sql": "SELECT 4"})").id, 3);  // ids are not reused
}

TEST_F(SavedObjectsTest, ErrorsCarryTheirSqlstate) {
  SavedObjects saved(nullptr);
  saved.Create(Kind::kQuery, "a", R"({"sql": "SELECT 1"})");
  saved.Create(Kind::kQuery, "b", R"({"sql": "SELECT 1"})");
  EXPECT_EQ(SqlstateOf([&] { saved.Create(Kind::kQuery, "a", R"({"sql": "SELECT 2"})"); }), "42710");
  EXPECT_EQ(SqlstateOf([&] { saved.Update(Kind::kQuery, 2, "a", R"({"sql": "SELECT 2"})"); }), "42710");
  EXPECT_EQ(SqlstateOf([&] { saved.Update(Kind::kQuery, 2, "b", R"({"sql": "SELECT 2"})"); }),
            "");  // own name
  EXPECT_EQ(SqlstateOf([&] { saved.Get(Kind::kQuery, 9); }), "42704");
  EXPECT_EQ(SqlstateOf([&] { saved.Update(Kind::kQuery, 9, "z", R"({"sql": "SELECT 2"})"); }), "42704");
  EXPECT_EQ(SqlstateOf([&] { saved.Delete(Kind::kChart, 1); }), "42704");

  // Names and documents each kind requires.
  for (const auto& [kind, name, document] : std::vector<std::tuple<Kind, std::string, std::string>>{
           {Kind::kQuery, "", R"({"sql": "SELECT 1"})"},
           {Kind::kQuery, std::string(201, 'n'), R"({"sql": "SELECT 1"})"},
           {Kind::kQuery, "tab\there", R"({"sql": "SELECT 1"})"},
           {Kind::kQuery, "q", "not json"},
           {Kind::kQuery, "q", R"(["SELECT 1"])"},
           {Kind::kQuery, "q", R"({"sql": 1})"},
           {Kind::kChart, "c", R"({"sql": "SELECT 1"})"},
           {Kind::kChart, "c", R"({"sql": "SELECT 1", "type": "donut"})"},
           {Kind::kChart, "c", R"({"sql": "SELECT 1", "type": "bar", "y": "v"})"},
           {Kind::kDashboard, "d", R"({})"},
           {Kind::kDashboard, "d", R"({"charts": [{"chart": 1}]})"},
       }) {
    EXPECT_EQ(SqlstateOf([&] { saved.Create(kind, name, document); }), "22023") << name << " " << document;
  }
  EXPECT_EQ(saved.List(Kind::kChart).size(), 0u);
  EXPECT_EQ(saved.Create(Kind::kDashboard, "d", R"({"charts": [{"chart_id": 1, "w": 6}]})").id, 1);
}

TEST_F(SavedObjectsTest, PersistInTheCatalogDatabase) {
  int64_t created_ms = 0;
  {
    Catalog catalog(dir_.string());
    SavedObjects& saved = catalog.saved_objects();
    saved.Create(Kind::kQuery, "first", R"({"sql": "SELECT 1"})");
    created_ms =
        saved.Create(Kind::kChart, "users by day", R"({"sql": "SELECT 1 AS n", "type": "line"})").created_ms;
    saved.Create(Kind::kDashboard, "home", R"({"charts": [{"chart_id": 1}]})");
    saved.Create(Kind::kQuery, "second", R"({"sql": "SELECT 2"})");
    saved.Delete(Kind::kQuery, 1);
    saved.Update(Kind::kDashboard, 1, "home page", R"({"charts": []})");
  }
  Catalog catalog(dir_.string());
  SavedObjects& saved = catalog.saved_objects();
  ASSERT_EQ(saved.List(Kind::kQuery).size(), 1u);
  EXPECT_EQ(saved.List(Kind::kQuery)[0].name, "second");
  const SavedObject chart = saved.Get(Kind::kChart, 1);
  EXPECT_EQ(chart.name, "users by day");
  EXPECT_EQ(chart.created_ms, created_ms);
  EXPECT_EQ(nlohmann::json::parse(chart.document)["type"], "line");
  EXPECT_EQ(saved.Get(Kind::kDashboard, 1).name, "home page");
  EXPECT_EQ(saved.Get(Kind::kDashboard, 1).document, R"({"charts":[]})");
  // Ids go on after the highest one stored; names stay taken.
  EXPECT_EQ(saved.Create(Kind::kQuery, "third", R"({"sql": "SELECT 3"})").id, 3);
  EXPECT_EQ(SqlstateOf(
                [&] { saved.Create(Kind::kChart, "users by day", R"({"sql": "SELECT 1", "type": "pie"})"); }),
            "42710");
  // The rows are where the README says, for other tools to read.
  CatalogStore store(Path("catalog.db"));
  EXPECT_EQ(store.SavedObjectRows("basin_charts").size(), 1u);
  EXPECT_EQ(store.SavedObjectRows("basin_saved_queries").size(), 2u);
}

}  // namespace
}  // namespace basin
