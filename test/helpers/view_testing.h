#pragma once

// A fixture for the stream processor's tests: a database in the test's folder (reopened to play a
// restart), statements and rows as text, and epochs stopped at a crash point.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "helpers/temp_dir.h"
#include "main/database.h"
#include "stream/view_job.h"
#include "stream/view_manager.h"

namespace basin::test {

class ViewTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    Open();
  }
  void TearDown() override {
    connection_.reset();
    db_.reset();
    TempDirTest::TearDown();
  }
  /// (Re)open the database: a restart.
  void Open() {
    connection_.reset();
    db_.reset();
    db_ = std::make_unique<Database>(DatabaseConfig{.data_dir = Path("data"), .threads = 2});
    connection_ = std::make_unique<Connection>(*db_);
  }
  void Ok(const std::string& sql) {
    auto r = connection_->Query(sql);
    ASSERT_FALSE(r->HasError()) << sql << ": " << r->error().message;
  }
  /// Every row of a query, one line each.
  std::string Rows(const std::string& sql) {
    auto r = connection_->Query(sql);
    if (r->HasError()) return "error: " + r->error().message;
    std::string out;
    for (size_t row = 0; row < r->RowCount(); row++) {
      for (size_t c = 0; c < r->ColumnCount(); c++) out += (c ? "|" : "") + r->GetValue(c, row).ToString();
      out += "\n";
    }
    return out;
  }
  std::shared_ptr<MaterializedViewEntry> View(const std::string& name) {
    return db_->catalog().GetMaterializedView("public", name);
  }
  /// Refresh `view` with its next epoch stopping at `point`; the statement fails as the crash would end it.
  void CrashDuringRefresh(const std::string& view, stream::ViewJob::CrashPoint point) {
    db_->views().WithJobForTesting(*View(view), [&](stream::ViewJob& job) { job.CrashForTesting(point); });
    auto r = connection_->Query("REFRESH MATERIALIZED VIEW " + view);
    ASSERT_TRUE(r->HasError());
    EXPECT_NE(r->error().message.find("stopped for a test"), std::string::npos) << r->error().message;
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace basin::test
