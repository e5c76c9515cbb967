// Fuzz target for DAG files (workflow/dag.h), which POST /api/v1/dags takes from any client: YAML, cron
// expressions, time zones, durations and templates. Any input must parse or be rejected with a DagError,
// never crash or hang; a parsed DAG's tasks must be in an order where each comes after its upstream tasks,
// and its schedule must answer Next without throwing anything but "never fires".

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "workflow/dag.h"
#include "workflow/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto dag = basin::workflow::ParseDag(text, "fuzz.yaml");
    for (size_t i = 0; i < dag->tasks.size(); ++i) {
      for (int j : dag->upstream[i]) {
        if (j < 0 || static_cast<size_t>(j) >= i) std::abort();  // upstream first
      }
    }
    if (dag->schedule) {
      try {
        dag->schedule->Next(basin::workflow::TimePoint(std::chrono::milliseconds(1'700'000'000'000)),
                            dag->zone);
      } catch (const std::invalid_argument&) {
      }
    }
  } catch (const basin::workflow::DagError&) {
  }
  try {
    basin::workflow::RenderTemplate(text, {{"ds", "2024-01-01"}});
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
