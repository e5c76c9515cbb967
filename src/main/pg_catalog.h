#pragma once

#include "catalog/system_catalog.h"
#include "lake/table_storage.h"

namespace basin {

class ClientContext;

/// The rows of a pg_catalog or information_schema relation (catalog/system_catalog.h), made from the
/// catalog as `context` sees it now (pg_catalog.cc): schemas, tables and views with their columns,
/// defaults and comments, Basin's types, the settings, the one database and its owner. Catalogs of what
/// Basin does not have (indexes, constraints, triggers, policies, publications, ...) are empty.
MetadataRows SystemTableRows(ClientContext& context, const SystemTableDef& def);

}  // namespace basin
