#pragma once

// The recursive-descent parser behind parser.h. One Parser parses one statement; its methods are spread
// over parser.cc (tokens, errors, dispatch), parse_expression.cc, parse_function.cc, parse_select.cc and
// parse_statement.cc.

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/exception.h"
#include "sql/parser/ast.h"
#include "sql/parser/lexer.h"

namespace basin::sql {

/// Deepest recursion the parser allows (nested parentheses, subqueries, NOT NOT ...).
inline constexpr int kMaxDepth = 1000;
/// Upper bound on the height of any tree the parser builds. Long operator chains (a + b + c ...) build
/// trees as deep as they are long without recursing in the parser, and whoever walks or frees such a tree
/// recurses; this bound keeps them all within a thread's stack.
inline constexpr int64_t kMaxHeight = 10000;

/// Binding strength of operators, weakest first (PostgreSQL's gram.y precedence table).
enum Precedence : int {
  kPrecNone = 0,
  kPrecOr,
  kPrecAnd,
  kPrecNot,
  kPrecIs,
  kPrecCompare,
  kPrecLike,  // BETWEEN, IN, LIKE, ILIKE, SIMILAR
  kPrecOp,    // any other operator: || ~ & ...
  kPrecAdd,
  kPrecMul,
  kPrecPow,
  kPrecAt,  // AT TIME ZONE
  kPrecUnary,
  kPrecPostfix,  // :: and [ ]
};

/// Parses the tokens of one statement. Owns its tokens; not thread-safe, used once.
class Parser {
 public:
  explicit Parser(std::string_view sql);

  std::unique_ptr<Statement> ParseSingleStatement();
  ParsedExprPtr ParseSingleExpression();

 private:
  // Counts recursion depth and tree height for the current frame; throws past the limits.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser* parser);
    ~DepthGuard() { --parser_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser* parser_;
  };

  // Items of one list are siblings: the list is as high as its highest item, not as the sum of them.
  // Call Next() before each item.
  class SiblingScope {
   public:
    explicit SiblingScope(Parser* parser) : parser_(parser), start_(parser->height_), max_(parser->height_) {}
    ~SiblingScope() { parser_->height_ = std::max(max_, parser_->height_); }
    void Next() {
      max_ = std::max(max_, parser_->height_);
      parser_->height_ = start_;
    }

   private:
    Parser* parser_;
    int64_t start_;
    int64_t max_;
  };

  // ---- tokens and errors (parser.cc)
  const Token& Peek(size_t ahead = 0) const;
  const Token& Advance();
  bool IsKeyword(std::string_view word, size_t ahead = 0) const;
  bool AcceptKeyword(std::string_view word);
  void ExpectKeyword(std::string_view word);
  bool IsOp(std::string_view op, size_t ahead = 0) const;
  bool AcceptOp(std::string_view op);
  void ExpectOp(std::string_view op);
  int64_t ExpectOpenParen();
  void ExpectCloseParen(int64_t open_location);
  bool AtEnd() const { return Peek().type == TokenType::kEnd; }
  [[noreturn]] void Fail(const Token& token, std::string_view expected = {}) const;
  [[noreturn]] void NotSupported(const Token& token, std::string_view what) const;
  void Deepen(int64_t location);

  bool IsColId(const Token& token) const;
  bool IsBareAlias(const Token& token) const;
  bool IsReserved(const Token& token) const;
  std::string ExpectColId(std::string_view what);
  std::string ExpectColLabel(std::string_view what);
  std::vector<std::string> ParseQualifiedName(std::string_view what);
  std::vector<std::string> ParseNameList(std::string_view what);
  bool ParenStartsQuery(size_t ahead = 0) const;
  size_t MatchingParen(size_t index) const;

  std::unique_ptr<Statement> ParseStatementBody();

  // ---- expressions (parse_expression.cc)
  ParsedExprPtr ParseExpr() { return ParseBinary(kPrecOr); }
  ParsedExprPtr ParseBinary(int min_precedence);
  int InfixPrecedence() const;
  ParsedExprPtr ParseInfix(ParsedExprPtr left, int precedence);
  ParsedExprPtr ParsePrefix();
  ParsedExprPtr ParseSubscript(ParsedExprPtr left);
  ParsedExprPtr ParseComparison(ParsedExprPtr left, std::string op);
  ParsedExprPtr ParseIs(ParsedExprPtr left);
  ParsedExprPtr ParseIn(ParsedExprPtr left, bool negated);
  ParsedExprPtr ParsePrimary();
  ParsedExprPtr ParseParenthesized();
  ParsedExprPtr ParseNamePrimary();
  ParsedExprPtr ParseKeywordPrimary(bool* handled);
  ParsedExprPtr ParseCase();
  ParsedExprPtr ParseArray(int64_t location);
  ParsedExprPtr ParseSubqueryExpr(SubqueryKind kind, int64_t location);
  ParsedExprPtr ParseCollate(ParsedExprPtr left, int64_t location);
  std::vector<ParsedExprPtr> ParseExprList();
  ParsedExprPtr MakeConstant(ConstantKind kind, std::string text, int64_t location);

  // ---- functions, literals, types, windows (parse_function.cc)
  ParsedExprPtr ParseFunctionCall(std::vector<std::string> names, int64_t location);
  ParsedExprPtr ParseSpecialFunction(bool* handled);
  ParsedExprPtr ParseTypedLiteral(bool* handled);
  ParsedExprPtr ParseInterval(int64_t location);
  TypeName ParseTypeName();
  std::unique_ptr<WindowSpec> ParseWindowBody(int64_t location);
  FrameBound ParseFrameBound();
  std::vector<OrderByItem> ParseOrderByList();

  // ---- queries (parse_select.cc)
  std::unique_ptr<SelectStatement> ParseQuery();
  /// ParseQuery, keeping the query's text as written in `text` (views store it).
  std::unique_ptr<SelectStatement> ParseQueryKeepingText(std::string& text);
  CommonTableExpr ParseCommonTableExpr();
  std::unique_ptr<SelectStatement> ParseSetExpression();
  std::unique_ptr<SelectStatement> ParseSetTerm();
  std::unique_ptr<SelectStatement> ParseSetPrimary();
  void ParseOrderAndLimit(SelectStatement* select);
  std::unique_ptr<QueryNode> ParseSelectBlock();
  std::unique_ptr<QueryNode> ParseValues();
  std::vector<ParsedExprPtr> ParseSelectList();
  ParsedExprPtr ParseSelectItem();
  std::unique_ptr<TableRef> ParseFromList();
  std::unique_ptr<TableRef> ParseTableRef();
  std::unique_ptr<TableRef> ParseTablePrimary();
  void ParseTableAlias(TableRef* ref);
  void ParseGroupBy(QueryNode* node);
  GroupingElement ParseGroupingElement();
  std::vector<ParsedExprPtr> ParseGroupingSet();

  // ---- other statements (parse_statement.cc)
  std::unique_ptr<Statement> ParseInsert();
  std::unique_ptr<Statement> ParseUpdate();
  std::unique_ptr<Statement> ParseDelete();
  std::vector<Assignment> ParseAssignments();
  std::unique_ptr<Statement> ParseMerge();
  MergeWhen ParseMergeWhen();
  std::vector<ParsedExprPtr> ParseReturning();
  std::string ParseDmlAlias();
  std::unique_ptr<Statement> ParseCreate();
  std::unique_ptr<Statement> ParseCreateTable(bool or_replace, bool temporary);
  void ParseTableElements(CreateTableStmt* stmt);
  std::vector<PartitionDef> ParsePartitionedBy();
  ColumnDef ParseColumnDef();
  // parse_alter.cc
  std::unique_ptr<Statement> ParseAlterTable();
  std::unique_ptr<Statement> ParseComment();
  std::unique_ptr<Statement> ParseMaintenance();
  std::unique_ptr<Statement> ParseCall();
  /// `(key = value, ...)`: keys as names (dotted ones joined) or strings, `=` optional.
  OptionList ParseOptionList();
  // parse_topic.cc
  std::unique_ptr<Statement> ParseCreateTopic();
  std::unique_ptr<Statement> ParseCreateSink();
  std::unique_ptr<Statement> ParseCreateMaterializedView();
  /// ALTER MATERIALIZED VIEW name PAUSE | RESUME.
  std::unique_ptr<Statement> ParseAlterMaterializedView();
  std::unique_ptr<Statement> ParseRefresh();
  std::unique_ptr<Statement> ParseAlterTopic();
  std::string ParseTopicName();
  /// FOR VERSION AS OF / FOR TIMESTAMP AS OF after a table name.
  void ParseTimeTravel(TableRef* ref);
  std::unique_ptr<Statement> ParseCreateView(bool or_replace, bool temporary);
  std::unique_ptr<Statement> ParseDrop();
  std::unique_ptr<Statement> ParseCopy();
  void ParseCopyOptions(CopyStmt* stmt);
  std::string ParseOptionValue();
  std::unique_ptr<Statement> ParseShow();
  std::unique_ptr<Statement> ParseDescribe();
  std::unique_ptr<Statement> ParseExplain();
  std::unique_ptr<Statement> ParseSet();
  std::unique_ptr<Statement> ParseReset();
  std::unique_ptr<Statement> ParseTransaction();
  void SkipTransactionModes();

  std::string_view sql_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  int max_parameter_ = 0;  // the highest $n seen
  int64_t height_ = 0;  // an upper bound on the height of the tree being built (see kMaxHeight)
};

}  // namespace basin::sql
