#pragma once

// The parse tree: what the SQL text says, before any name is resolved. Produced by Parser, consumed by the
// binder. Identifiers are already case-folded (unquoted ones lower-cased, quoted ones kept as written).
// Every node carries `location`, the byte offset of its first token in the statement text, for errors.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace basin::sql {

struct ParsedExpr;
struct SelectStatement;
struct TableRef;
using ParsedExprPtr = std::unique_ptr<ParsedExpr>;

/// `key = value, ...` of CREATE TOPIC ... WITH (...), ALTER TOPIC ... SET (...) and ALTER TABLE ... SET
/// (...): keys lower-cased (dotted ones joined: `segment.bytes`, or quoted), values as ParseOptionValue gives
/// them.
using OptionList = std::vector<std::pair<std::string, std::string>>;

/// A type as written: `varchar(10)`, `numeric(15, 2)`, `timestamp with time zone`, `int[]`.
/// `name` is lower-cased and multi-word names are normalised to one space between words
/// ("double precision", "character varying", "timestamp with time zone", "time without time zone").
struct TypeName {
  std::string name;
  std::vector<int64_t> modifiers;
  int array_bounds = 0;  // number of `[]` suffixes
  int64_t location = -1;
};

enum class ExprKind {
  kConstant,    // constant_kind + text
  kColumnRef,   // names: ["col"], ["tbl", "col"], ["schema", "tbl", "col"]
  kStar,        // `*` or `tbl.*` (names holds the qualifier)
  kParameter,   // $n: parameter_index
  kUnaryOp,     // op: "-", "+", "NOT", "~"; children[0]
  kBinaryOp,    // op: + - * / % ^ || = <> < > <= >= AND OR ~ ~* !~ !~* & | # << >>; children[0..1]
  kIsNull,      // children[0] IS [NOT] NULL (negated)
  kIsBool,      // children[0] IS [NOT] TRUE|FALSE|UNKNOWN; op: "TRUE", "FALSE", "UNKNOWN"
  kIsDistinct,  // children[0] IS [NOT] DISTINCT FROM children[1]; negated = IS NOT DISTINCT FROM
  kBetween,     // children: expr, low, high; negated; symmetric
  kInList,      // children[0] [NOT] IN (children[1..])
  kLike,        // op: "LIKE", "ILIKE", "SIMILAR TO"; children: expr, pattern, [escape]; negated
  kCase,      // case_operand (may be null), children: when1, then1, when2, then2...; case_else (may be null)
  kCast,      // children[0]::type_name; try_cast for TRY_CAST. Typed literals (DATE '...') are casts too.
  kFunction,  // function_name(children) with distinct, star (count(*)), agg_order_by, filter, window
  kSubquery,  // subquery_kind; subquery; for kAny/kAll: children[0] is the left side, op the comparison
              // (`x = ANY (array_expr)` has no subquery: children[1] is the array; `x IN (subquery)` is
              // kAny with op "=", and NOT IN wraps that in a NOT kUnaryOp)
  kArray,     // ARRAY[children...]
  kRow,       // (a, b, ...) row constructor with more than one element
  kDefault,   // DEFAULT in INSERT ... VALUES
  kFieldAccess,  // (children[0]).names[0]: a field of a composite value
};

enum class ConstantKind { kNull, kBoolean, kInteger, kNumeric, kString, kBitString };
enum class SubqueryKind { kScalar, kExists, kAny, kAll, kArray };
enum class NullOrder { kDefault, kFirst, kLast };

struct OrderByItem {
  ParsedExprPtr expr;
  bool descending = false;
  NullOrder nulls = NullOrder::kDefault;
};

enum class FrameMode { kRows, kRange, kGroups };
enum class FrameBoundKind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };

struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kUnboundedPreceding;
  ParsedExprPtr offset;  // for kPreceding / kFollowing
};

/// OVER (...) or a WINDOW clause entry. `has_frame` false means the default frame.
struct WindowSpec {
  std::string name;       // in a WINDOW clause: the defined name
  std::string base_name;  // OVER w / OVER (w ORDER BY ...): the window it refines
  std::vector<ParsedExprPtr> partition_by;
  std::vector<OrderByItem> order_by;
  bool has_frame = false;
  FrameMode frame_mode = FrameMode::kRange;
  FrameBound frame_start;
  FrameBound frame_end;  // frame_end.kind defaults to kCurrentRow when only a start is given
  int64_t location = -1;
};

struct ParsedExpr {
  ExprKind kind;
  int64_t location = -1;
  std::string alias;  // `AS alias` in a select list

  // kConstant: the literal as written (integer and numeric text, string contents without quotes; a
  // negative numeric literal keeps its sign: "-1"; bit strings as 0/1 digits, X'1F' expanded to "00011111").
  ConstantKind constant_kind = ConstantKind::kNull;
  std::string text;

  std::vector<std::string> names;  // kColumnRef, kStar qualifier
  std::string op;                  // operators, kIsBool, kLike, subquery comparison
  std::vector<ParsedExprPtr> children;
  bool negated = false;
  bool symmetric = false;

  ParsedExprPtr case_operand;
  ParsedExprPtr case_else;

  TypeName type_name;  // kCast
  bool try_cast = false;

  // kFunction: lower-cased name (schema-qualified names keep only the last part in function_name,
  // the qualifier in names). Special syntax is normalised into plain calls:
  //   EXTRACT(f FROM x) -> date_part('f', x); SUBSTRING(x FROM a FOR b) -> substring(x, a, b);
  //   POSITION(a IN b) -> position(a, b); TRIM([LEADING|TRAILING|BOTH] [c] FROM x) -> ltrim/rtrim/btrim(x[,
  //   c]); OVERLAY is not supported; CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, LOCALTIMESTAMP -> calls
  //   with no arguments named current_date, current_time, current_timestamp, localtimestamp; COALESCE,
  //   NULLIF, GREATEST, LEAST -> calls of those names.
  std::string function_name;
  std::vector<std::string> arg_names;  // `name => value` arguments: their names, "" for positional ones
  bool distinct = false;
  bool star = false;
  std::vector<OrderByItem> agg_order_by;  // string_agg(x, ',' ORDER BY y); WITHIN GROUP (ORDER BY ...)
  bool within_group = false;
  ParsedExprPtr filter;
  std::unique_ptr<WindowSpec> window;  // OVER ...
  bool ignore_nulls = false;

  SubqueryKind subquery_kind = SubqueryKind::kScalar;
  std::unique_ptr<SelectStatement> subquery;

  int parameter_index = 0;  // $n, 1-based

  static ParsedExprPtr Make(ExprKind kind, int64_t location) {
    auto e = std::make_unique<ParsedExpr>();
    e->kind = kind;
    e->location = location;
    return e;
  }
};

enum class JoinType { kInner, kLeft, kRight, kFull, kCross };

struct TableRef {
  enum class Kind { kBaseTable, kSubquery, kJoin, kTableFunction };
  Kind kind = Kind::kBaseTable;
  int64_t location = -1;
  std::string alias;
  std::vector<std::string> column_aliases;

  std::vector<std::string> names;  // kBaseTable: ["tbl"] or ["schema", "tbl"]; a quoted file path is one name

  std::unique_ptr<SelectStatement> subquery;  // kSubquery (VALUES lists in FROM are subqueries too)
  bool lateral = false;

  ParsedExprPtr function;  // kTableFunction: a kFunction expression

  // kBaseTable read as of an earlier version: FOR VERSION AS OF <snapshot id> or FOR TIMESTAMP AS OF <time>.
  ParsedExprPtr version_as_of;
  ParsedExprPtr timestamp_as_of;
  std::string as_of_sql;  // the AS OF expression as written (evaluated as a query when it has subqueries)

  // kJoin
  JoinType join_type = JoinType::kInner;
  std::unique_ptr<TableRef> left;
  std::unique_ptr<TableRef> right;
  ParsedExprPtr condition;                 // ON
  std::vector<std::string> using_columns;  // USING (...)
  bool natural = false;
};

/// One element of GROUP BY: an expression, `()`, ROLLUP(...), CUBE(...), or GROUPING SETS(...).
/// For ROLLUP and CUBE, `sets` holds the listed elements, each a list (a parenthesised group counts as one
/// element); for GROUPING SETS, `sets` holds the sets themselves (nested ROLLUP/CUBE inside GROUPING SETS are
/// not supported).
struct GroupingElement {
  enum class Kind { kExpr, kEmpty, kRollup, kCube, kGroupingSets };
  Kind kind = Kind::kExpr;
  ParsedExprPtr expr;
  std::vector<std::vector<ParsedExprPtr>> sets;
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_aliases;
  std::unique_ptr<SelectStatement> query;
  int64_t location = -1;
};

/// The body of a query: a SELECT block, a set operation, or a VALUES list.
struct QueryNode {
  enum class Kind { kSelect, kSetOperation, kValues };
  Kind kind = Kind::kSelect;
  int64_t location = -1;

  // kSelect
  bool distinct = false;
  std::vector<ParsedExprPtr> distinct_on;
  std::vector<ParsedExprPtr> select_list;
  std::unique_ptr<TableRef> from;  // null without FROM; comma-separated items become kCross joins
  ParsedExprPtr where;
  std::vector<GroupingElement> group_by;
  bool group_by_all = false;
  ParsedExprPtr having;
  std::vector<WindowSpec> windows;  // WINDOW clause
  ParsedExprPtr qualify;

  // kSetOperation
  enum class SetOp { kUnion, kIntersect, kExcept };
  SetOp set_op = SetOp::kUnion;
  bool set_all = false;
  std::unique_ptr<SelectStatement> left;
  std::unique_ptr<SelectStatement> right;

  // kValues
  std::vector<std::vector<ParsedExprPtr>> values;
};

/// A full query expression: WITH, body, ORDER BY, LIMIT/OFFSET (FETCH FIRST n ROWS ONLY becomes limit).
struct SelectStatement {
  bool recursive = false;
  std::vector<CommonTableExpr> ctes;
  std::unique_ptr<QueryNode> body;
  std::vector<OrderByItem> order_by;
  ParsedExprPtr limit;  // null: no limit (LIMIT ALL too)
  ParsedExprPtr offset;
  int64_t location = -1;
};

enum class StatementKind {
  kSelect,
  kInsert,
  kUpdate,
  kDelete,
  kMerge,
  kCreateTable,
  kCreateView,
  kCreateSchema,
  kDrop,
  kCopy,
  kShow,
  kDescribe,
  kExplain,
  kSet,
  kTransaction,
  kAlterTable,
  kComment,
  kMaintenance,
  kCall,
  kCreateTopic,
  kAlterTopic,
  kCreateSink,
  kCreateMaterializedView,
  kRefreshMaterializedView,
  kAlterMaterializedView,
};

struct Statement {
  explicit Statement(StatementKind k) : kind(k) {}
  virtual ~Statement() = default;
  StatementKind kind;
  int64_t location = -1;
  int parameter_count = 0;  // the highest $n the statement uses (0: none)
};

struct SelectStmt : Statement {
  SelectStmt() : Statement(StatementKind::kSelect) {}
  std::unique_ptr<SelectStatement> select;
};

struct InsertStmt : Statement {
  InsertStmt() : Statement(StatementKind::kInsert) {}
  std::vector<std::string> table;  // ["tbl"] or ["schema", "tbl"]
  std::string alias;
  std::vector<std::string> columns;         // empty: all, in order
  std::unique_ptr<SelectStatement> source;  // VALUES lists are a SelectStatement whose body is kValues
  bool default_values = false;
  std::vector<ParsedExprPtr> returning;
};

/// `column = value` of UPDATE ... SET; `location` is the column's.
struct Assignment {
  std::string column;
  ParsedExprPtr value;  // kDefault for `= DEFAULT`
  int64_t location = -1;
};

struct UpdateStmt : Statement {
  UpdateStmt() : Statement(StatementKind::kUpdate) {}
  std::vector<std::string> table;
  std::string alias;
  std::vector<Assignment> assignments;
  std::unique_ptr<TableRef> from;
  ParsedExprPtr where;
  std::vector<ParsedExprPtr> returning;
};

struct DeleteStmt : Statement {
  DeleteStmt() : Statement(StatementKind::kDelete) {}
  std::vector<std::string> table;
  std::string alias;
  std::unique_ptr<TableRef> using_clause;
  ParsedExprPtr where;
  std::vector<ParsedExprPtr> returning;
};

/// One WHEN clause of MERGE: the rows it is for, an optional AND condition, and its action.
struct MergeWhen {
  enum class Match { kMatched, kNotMatchedByTarget, kNotMatchedBySource };
  enum class Action { kUpdate, kDelete, kInsert, kDoNothing };
  Match match = Match::kMatched;
  Action action = Action::kDoNothing;
  ParsedExprPtr condition;              // null: unconditional
  std::vector<Assignment> assignments;  // kUpdate
  std::vector<std::string> columns;     // kInsert: target columns, empty: all, in order
  int64_t columns_location = -1;        // kInsert: the column list's '('
  std::vector<ParsedExprPtr> values;    // kInsert: VALUES (...), may hold kDefault; empty for DEFAULT VALUES
  bool default_values = false;
  int64_t location = -1;         // WHEN
  int64_t action_location = -1;  // UPDATE, DELETE, INSERT or DO
};

/// MERGE INTO table [AS alias] USING source ON condition WHEN ... (PostgreSQL 15; NOT MATCHED BY SOURCE
/// from PostgreSQL 17).
struct MergeStmt : Statement {
  MergeStmt() : Statement(StatementKind::kMerge) {}
  std::vector<std::string> table;
  std::string alias;
  std::unique_ptr<TableRef> source;
  ParsedExprPtr condition;  // ON
  std::vector<MergeWhen> clauses;
};

struct ColumnDef {
  std::string name;
  TypeName type;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  ParsedExprPtr default_value;
  std::string default_sql;  // the DEFAULT expression's text as written
  int64_t location = -1;
};

/// One element of PARTITIONED BY: a column, or a transform of one ("bucket(16, id)", "day(ts)").
struct PartitionDef {
  std::string transform = "identity";  // as written, lower-cased: identity, year(s), bucket, truncate, ...
  int64_t param = 0;                   // bucket count or truncate width
  std::string column;
  int64_t location = -1;
};

struct CreateTableStmt : Statement {
  CreateTableStmt() : Statement(StatementKind::kCreateTable) {}
  std::vector<std::string> name;
  std::vector<ColumnDef> columns;
  std::vector<std::string> primary_key;  // table constraint PRIMARY KEY (...)
  // Added for table constraints UNIQUE (a, b), one list per constraint (column-level UNIQUE sets
  // ColumnDef::unique instead); the other fields have no place for multi-column uniqueness.
  std::vector<std::vector<std::string>> unique_constraints;
  bool if_not_exists = false;
  bool or_replace = false;
  bool temporary = false;
  std::unique_ptr<SelectStatement> as_select;  // CREATE TABLE ... AS query
  std::vector<std::string> as_column_names;    // CREATE TABLE t(a, b) AS ...
  std::vector<PartitionDef> partitioned_by;    // PARTITIONED BY (...)
};

struct CreateViewStmt : Statement {
  CreateViewStmt() : Statement(StatementKind::kCreateView) {}
  std::vector<std::string> name;
  std::vector<std::string> column_aliases;
  std::unique_ptr<SelectStatement> query;
  std::string query_text;  // the SQL text of the query, as written, kept in the catalog
  bool or_replace = false;
  bool if_not_exists = false;
  bool temporary = false;
};

struct CreateSchemaStmt : Statement {
  CreateSchemaStmt() : Statement(StatementKind::kCreateSchema) {}
  std::string name;
  bool if_not_exists = false;
};

struct DropStmt : Statement {
  enum class ObjectKind { kTable, kView, kSchema, kTopic, kSink, kMaterializedView, kStream, kAlert };
  DropStmt() : Statement(StatementKind::kDrop) {}
  ObjectKind object_kind = ObjectKind::kTable;
  std::vector<std::vector<std::string>> names;  // DROP TABLE a, s.b
  bool if_exists = false;
  bool cascade = false;
};

/// COPY table [(cols)] FROM|TO 'file' [(options)] | COPY (query) TO 'file' [(options)].
/// Options in both the parenthesised form `(FORMAT csv, HEADER, DELIMITER '|')` and the legacy form
/// `WITH CSV HEADER DELIMITER '|' NULL ''`; names lower-cased, values as text ("" when only the name is
/// given, "true"/"false" for booleans written as such).
struct CopyStmt : Statement {
  CopyStmt() : Statement(StatementKind::kCopy) {}
  std::vector<std::string> table;
  std::vector<std::string> columns;
  std::unique_ptr<SelectStatement> query;
  bool is_from = true;
  std::string file;  // "STDIN"/"STDOUT" are kept as those words with is_stdio set
  bool is_stdio = false;
  std::vector<std::pair<std::string, std::string>> options;
};

/// SHOW TABLES [FROM schema] | SHOW TOPICS | SHOW ALL | SHOW name.
struct ShowStmt : Statement {
  ShowStmt() : Statement(StatementKind::kShow) {}
  std::string what;  // "tables", "topics", "sinks", "materialized views", "all", or the setting name, lower-cased
  std::string schema;
};

/// DESCRIBE table | DESCRIBE query (also `\d`-less spellings: DESC table).
struct DescribeStmt : Statement {
  DescribeStmt() : Statement(StatementKind::kDescribe) {}
  std::vector<std::string> table;
  std::unique_ptr<SelectStatement> query;
};

struct ExplainStmt : Statement {
  ExplainStmt() : Statement(StatementKind::kExplain) {}
  bool analyze = false;
  std::unique_ptr<Statement> statement;
};

/// SET [SESSION|LOCAL] name = value | TO value; RESET name; RESET ALL; SET [SESSION CHARACTERISTICS AS]
/// TRANSACTION modes (name "transaction", no value).
struct SetStmt : Statement {
  SetStmt() : Statement(StatementKind::kSet) {}
  std::string name;   // lower-cased; "all" for RESET ALL
  std::string value;  // the value as text: quoted strings unquoted, numbers and words as written
  bool reset = false;
};

struct TransactionStmt : Statement {
  enum class Kind { kBegin, kCommit, kRollback };
  TransactionStmt() : Statement(StatementKind::kTransaction) {}
  Kind txn_kind = Kind::kBegin;
};

/// ALTER TABLE t <action>: one action per statement.
struct AlterTableStmt : Statement {
  enum class Action {
    kAddColumn,     // ADD [COLUMN] [IF NOT EXISTS] column_def
    kDropColumn,    // DROP [COLUMN] [IF EXISTS] name
    kRenameColumn,  // RENAME [COLUMN] name TO new_name
    kRenameTable,   // RENAME TO new_name
    kSetType,       // ALTER [COLUMN] name [SET DATA] TYPE type
    kSetNotNull,    // ALTER [COLUMN] name SET NOT NULL
    kDropNotNull,   // ALTER [COLUMN] name DROP NOT NULL
    kSetDefault,    // ALTER [COLUMN] name SET DEFAULT expr
    kDropDefault,   // ALTER [COLUMN] name DROP DEFAULT
    kSetProperties, // SET (key = 'value', ...): table properties (Iceberg's)
    kExecute,       // EXECUTE procedure [(args)]: rollback_to_snapshot(id), optimize, expire_snapshots
  };
  AlterTableStmt() : Statement(StatementKind::kAlterTable) {}
  std::vector<std::string> table;
  bool if_exists = false;         // ALTER TABLE IF EXISTS
  Action action = Action::kAddColumn;
  bool if_object_exists = false;  // ADD COLUMN IF NOT EXISTS / DROP COLUMN IF EXISTS
  ColumnDef column;               // kAddColumn
  std::string column_name;        // the column acted on
  std::string new_name;           // renames
  TypeName type;                  // kSetType
  ParsedExprPtr default_value;    // kSetDefault
  std::string default_sql;
  OptionList properties;                                        // kSetProperties
  std::string procedure;                                        // kExecute
  std::vector<ParsedExprPtr> arguments;
  std::vector<std::string> argument_sql;  // as written, evaluated as queries
};

/// COMMENT ON TABLE t IS '...' | COMMENT ON COLUMN t.c IS '...' (NULL removes the comment).
struct CommentStmt : Statement {
  CommentStmt() : Statement(StatementKind::kComment) {}
  bool on_column = false;
  std::vector<std::string> target;  // the table's name, then the column for COMMENT ON COLUMN
  std::string comment;              // empty with is_null
  bool is_null = false;
};

/// CALL [catalog.][system.]procedure(args): Iceberg's procedures as Spark names them (register_table,
/// rollback_to_snapshot, expire_snapshots, remove_orphan_files, rewrite_data_files). Arguments are kept as
/// written, positional or `name => value`.
struct CallStmt : Statement {
  CallStmt() : Statement(StatementKind::kCall) {}
  std::string procedure;
  std::vector<std::pair<std::string, std::string>> arguments;  // (name or "", expression text)
};

/// OPTIMIZE t (compact small files, fold deletes in) and VACUUM [t] (expire old snapshots, remove files
/// nothing references). Without a table, VACUUM covers every table.
struct MaintenanceStmt : Statement {
  enum class Kind { kOptimize, kVacuum };
  MaintenanceStmt() : Statement(StatementKind::kMaintenance) {}
  Kind maintenance = Kind::kVacuum;
  std::vector<std::string> table;
};

/// CREATE TOPIC [IF NOT EXISTS] name [(column type [NOT NULL], ..., [WATERMARK FOR column AS expr])]
/// [WITH (partitions = 3, retention = '7 days', key = 'column', ...)].
struct CreateTopicStmt : Statement {
  CreateTopicStmt() : Statement(StatementKind::kCreateTopic) {}
  std::string name;
  bool if_not_exists = false;
  std::vector<ColumnDef> columns;
  std::string watermark_column;
  ParsedExprPtr watermark;    // the expression after AS
  std::string watermark_sql;  // as written
  int64_t watermark_location = -1;
  OptionList options;
};

/// ALTER TOPIC [IF EXISTS] name SET (option = value, ...) | ADD [COLUMN] [IF NOT EXISTS] column_def |
/// DROP [COLUMN] [IF EXISTS] column.
struct AlterTopicStmt : Statement {
  enum class Action { kSetOptions, kAddColumn, kDropColumn };
  AlterTopicStmt() : Statement(StatementKind::kAlterTopic) {}
  std::string name;
  bool if_exists = false;
  Action action = Action::kSetOptions;
  OptionList options;             // kSetOptions
  ColumnDef column;               // kAddColumn
  std::string column_name;        // kDropColumn
  bool if_column_exists = false;  // ADD COLUMN IF NOT EXISTS / DROP COLUMN IF EXISTS
};

/// CREATE SINK [IF NOT EXISTS] name FROM topic INTO table [WITH (commit_interval = '5 seconds', ...)].
struct CreateSinkStmt : Statement {
  CreateSinkStmt() : Statement(StatementKind::kCreateSink) {}
  std::vector<std::string> name;  // ["sink"] or ["schema", "sink"]
  bool if_not_exists = false;
  std::string topic;
  std::vector<std::string> table;
  int64_t topic_location = -1;
  int64_t table_location = -1;
  OptionList options;
};

/// CREATE MATERIALIZED VIEW [IF NOT EXISTS] name [WITH (options)] AS query: a continuous query over a topic
/// whose results the stream processor keeps in a table of the view's name.
struct CreateMaterializedViewStmt : Statement {
  CreateMaterializedViewStmt() : Statement(StatementKind::kCreateMaterializedView) {}
  std::vector<std::string> name;
  bool stream = false;  ///< CREATE STREAM: the results go to a topic of the name instead of a table
  bool alert = false;   ///< CREATE ALERT: a stream whose rows are also notified (its `notify` option)
  bool if_not_exists = false;
  OptionList options;
  std::unique_ptr<SelectStatement> query;
  std::string query_text;  // as written, kept in the catalog
  int64_t query_location = -1;
};

/// REFRESH MATERIALIZED VIEW name: bring the view up to the records its topic holds now. REFRESH SINK name:
/// land the records its topic holds now, as the server's sink runner would.
struct RefreshMaterializedViewStmt : Statement {
  RefreshMaterializedViewStmt() : Statement(StatementKind::kRefreshMaterializedView) {}
  std::vector<std::string> name;
  bool sink = false;
};

/// ALTER MATERIALIZED VIEW | STREAM name PAUSE | RESUME: stop running the job's epochs, or start again.
struct AlterMaterializedViewStmt : Statement {
  AlterMaterializedViewStmt() : Statement(StatementKind::kAlterMaterializedView) {}
  std::vector<std::string> name;
  bool pause = false;
};

}  // namespace basin::sql
