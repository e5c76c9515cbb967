// Fuzz target for what Basin reads of an Iceberg table before any data: Avro container files (manifests,
// manifest lists) and metadata JSON. Any byte string must parse or fail with a basin::Exception, never crash
// or hang. The first byte picks the parser; a parsed metadata file must survive a write and a second read.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/exception.h"
#include "formats/avro/avro.h"
#include "lake/iceberg_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] & 1) {
      basin::avro::ContainerFile file = basin::avro::ReadContainer(input, "fuzz.avro");
      for (const auto& r : file.records) (void)r.FieldString("manifest_path");
    } else {
      basin::iceberg::TableMetadata md = basin::iceberg::ParseTableMetadata(input, "fuzz.metadata.json");
      basin::iceberg::TableMetadata again = basin::iceberg::ParseTableMetadata(md.ToJson(), "rewritten");
      if (again.snapshots.size() != md.snapshots.size() || again.CurrentSchema().fields.size() != md.CurrentSchema().fields.size()) {
        std::abort();
      }
    }
  } catch (const basin::Exception&) {
  }
  return 0;
}
