#include "main/stream_engine.h"

#include "main/client_context.h"

namespace basin {

namespace {

class ContextEngine : public stream::QueryEngine {
 public:
  explicit ContextEngine(Database& db) : context_(db) {}
  BoundQuery Bind(const std::string& sql) override { return context_.BindSelect(sql); }
  void Run(LogicalOperatorPtr plan, int64_t statement_time_us,
           const std::function<bool(const DataChunk&)>& rows) override {
    context_.RunPlan(std::move(plan), statement_time_us, rows);
  }

 private:
  ClientContext context_;
};

}  // namespace

std::unique_ptr<stream::QueryEngine> NewStreamEngine(Database& db) {
  return std::make_unique<ContextEngine>(db);
}

}  // namespace basin
