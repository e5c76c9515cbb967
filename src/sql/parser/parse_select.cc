// Queries: WITH, set operations, SELECT blocks, VALUES, FROM clauses, GROUP BY, ORDER BY / LIMIT.

#include "sql/parser/parser_internal.h"

namespace basin::sql {
namespace {

std::unique_ptr<SelectStatement> WrapBody(std::unique_ptr<QueryNode> body) {
  auto select = std::make_unique<SelectStatement>();
  select->location = body->location;
  select->body = std::move(body);
  return select;
}

std::unique_ptr<TableRef> MakeJoin(JoinType type, std::unique_ptr<TableRef> left,
                                   std::unique_ptr<TableRef> right) {
  auto join = std::make_unique<TableRef>();
  join->kind = TableRef::Kind::kJoin;
  join->location = left->location;
  join->join_type = type;
  join->left = std::move(left);
  join->right = std::move(right);
  return join;
}

}  // namespace

std::unique_ptr<SelectStatement> Parser::ParseQuery() {
  DepthGuard guard(this);
  int64_t location = Peek().location;
  bool recursive = false;
  std::vector<CommonTableExpr> ctes;
  if (AcceptKeyword("with")) {
    recursive = AcceptKeyword("recursive");
    SiblingScope scope(this);
    do {
      scope.Next();
      ctes.push_back(ParseCommonTableExpr());
    } while (AcceptOp(","));
  }
  std::unique_ptr<SelectStatement> select = ParseSetExpression();
  if (!ctes.empty()) {
    if (!select->ctes.empty()) throw ParserError("multiple WITH clauses not allowed", location);
    select->ctes = std::move(ctes);
    select->recursive = recursive;
  }
  ParseOrderAndLimit(select.get());
  select->location = location;
  return select;
}

CommonTableExpr Parser::ParseCommonTableExpr() {
  CommonTableExpr cte;
  cte.location = Peek().location;
  cte.name = ExpectColId("a name for the WITH query");
  if (IsOp("(")) cte.column_aliases = ParseNameList("a column name");
  ExpectKeyword("as");
  // [NOT] MATERIALIZED is a planner hint; the parse tree does not keep it.
  if (IsKeyword("not") && IsKeyword("materialized", 1)) {
    Advance();
    Advance();
  } else {
    AcceptKeyword("materialized");
  }
  int64_t open = ExpectOpenParen();
  cte.query = ParseQuery();
  ExpectCloseParen(open);
  return cte;
}

// UNION and EXCEPT bind equally, INTERSECT tighter; all are left-associative.
std::unique_ptr<SelectStatement> Parser::ParseSetExpression() {
  std::unique_ptr<SelectStatement> left = ParseSetTerm();
  while (IsKeyword("union") || IsKeyword("except")) {
    Deepen(Peek().location);
    bool is_union = Advance().text == "union";
    bool all = AcceptKeyword("all");
    if (!all) AcceptKeyword("distinct");
    auto node = std::make_unique<QueryNode>();
    node->kind = QueryNode::Kind::kSetOperation;
    node->location = left->location;
    node->set_op = is_union ? QueryNode::SetOp::kUnion : QueryNode::SetOp::kExcept;
    node->set_all = all;
    node->left = std::move(left);
    node->right = ParseSetTerm();
    left = WrapBody(std::move(node));
  }
  return left;
}

std::unique_ptr<SelectStatement> Parser::ParseSetTerm() {
  std::unique_ptr<SelectStatement> left = ParseSetPrimary();
  while (IsKeyword("intersect")) {
    Deepen(Advance().location);
    bool all = AcceptKeyword("all");
    if (!all) AcceptKeyword("distinct");
    auto node = std::make_unique<QueryNode>();
    node->kind = QueryNode::Kind::kSetOperation;
    node->location = left->location;
    node->set_op = QueryNode::SetOp::kIntersect;
    node->set_all = all;
    node->left = std::move(left);
    node->right = ParseSetPrimary();
    left = WrapBody(std::move(node));
  }
  return left;
}

std::unique_ptr<SelectStatement> Parser::ParseSetPrimary() {
  if (IsOp("(")) {
    int64_t open = ExpectOpenParen();
    std::unique_ptr<SelectStatement> inner = ParseQuery();
    ExpectCloseParen(open);
    inner->location = open;
    return inner;
  }
  if (IsKeyword("select")) return WrapBody(ParseSelectBlock());
  if (IsKeyword("values")) return WrapBody(ParseValues());
  if (IsKeyword("table")) {  // TABLE t is SELECT * FROM t
    auto node = std::make_unique<QueryNode>();
    node->location = Advance().location;
    node->select_list.push_back(ParsedExpr::Make(ExprKind::kStar, node->location));
    node->from = std::make_unique<TableRef>();
    node->from->location = Peek().location;
    node->from->names = ParseQualifiedName("a table name");
    return WrapBody(std::move(node));
  }
  Fail(Peek(), "expected SELECT, VALUES or '('");
}

void Parser::ParseOrderAndLimit(SelectStatement* select) {
  if (IsKeyword("order") && IsKeyword("by", 1)) {
    if (!select->order_by.empty())
      throw ParserError("multiple ORDER BY clauses not allowed", Peek().location);
    Advance();
    Advance();
    select->order_by = ParseOrderByList();
  }
  bool seen_limit = select->limit != nullptr;
  bool seen_offset = select->offset != nullptr;
  while (true) {
    const Token& t = Peek();
    if (IsKeyword("limit") || IsKeyword("fetch")) {
      if (seen_limit) throw ParserError("multiple LIMIT clauses not allowed", t.location);
      seen_limit = true;
      if (Advance().text == "limit") {
        if (!AcceptKeyword("all")) select->limit = ParseExpr();
        continue;
      }
      // FETCH FIRST|NEXT [n] ROW|ROWS ONLY
      if (!AcceptKeyword("first")) ExpectKeyword("next");
      if (IsKeyword("row") || IsKeyword("rows")) {
        select->limit = MakeConstant(ConstantKind::kInteger, "1", t.location);
      } else {
        select->limit = ParseBinary(kPrecAdd);
      }
      if (!AcceptKeyword("rows")) ExpectKeyword("row");
      if (IsKeyword("with") && IsKeyword("ties", 1)) NotSupported(Peek(), "FETCH ... WITH TIES");
      ExpectKeyword("only");
    } else if (IsKeyword("offset")) {
      if (seen_offset) throw ParserError("multiple OFFSET clauses not allowed", t.location);
      seen_offset = true;
      Advance();
      select->offset = ParseExpr();
      if (!AcceptKeyword("rows")) AcceptKeyword("row");
    } else {
      return;
    }
  }
}

std::unique_ptr<QueryNode> Parser::ParseSelectBlock() {
  DepthGuard guard(this);
  auto node = std::make_unique<QueryNode>();
  node->kind = QueryNode::Kind::kSelect;
  node->location = Peek().location;
  ExpectKeyword("select");
  if (AcceptKeyword("distinct")) {
    node->distinct = true;
    if (AcceptKeyword("on")) {
      int64_t open = ExpectOpenParen();
      node->distinct_on = ParseExprList();
      ExpectCloseParen(open);
    }
  } else {
    AcceptKeyword("all");
  }
  const Token& t = Peek();
  bool empty_list = t.type == TokenType::kEnd || IsOp(")") || IsOp(";") ||
                    (t.type == TokenType::kIdent &&
                     (t.text == "from" || t.text == "where" || t.text == "group" || t.text == "having" ||
                      t.text == "window" || t.text == "order" || t.text == "limit" || t.text == "offset" ||
                      t.text == "fetch" || t.text == "union" || t.text == "intersect" || t.text == "except"));
  if (!empty_list) node->select_list = ParseSelectList();
  if (IsKeyword("into")) NotSupported(Peek(), "SELECT INTO");
  if (AcceptKeyword("from")) node->from = ParseFromList();
  if (AcceptKeyword("where")) node->where = ParseExpr();
  if (IsKeyword("group")) ParseGroupBy(node.get());
  if (AcceptKeyword("having")) node->having = ParseExpr();
  if (AcceptKeyword("window")) {
    SiblingScope scope(this);
    do {
      scope.Next();
      int64_t location = Peek().location;
      std::string name = ExpectColId("a window name");
      ExpectKeyword("as");
      int64_t open = ExpectOpenParen();
      std::unique_ptr<WindowSpec> spec = ParseWindowBody(location);
      ExpectCloseParen(open);
      spec->name = std::move(name);
      node->windows.push_back(std::move(*spec));
    } while (AcceptOp(","));
  }
  if (AcceptKeyword("qualify")) node->qualify = ParseExpr();
  return node;
}

std::unique_ptr<QueryNode> Parser::ParseValues() {
  auto node = std::make_unique<QueryNode>();
  node->kind = QueryNode::Kind::kValues;
  node->location = Peek().location;
  ExpectKeyword("values");
  SiblingScope scope(this);
  do {
    scope.Next();
    int64_t open = ExpectOpenParen();
    node->values.push_back(ParseExprList());
    ExpectCloseParen(open);
  } while (AcceptOp(","));
  return node;
}

std::vector<ParsedExprPtr> Parser::ParseSelectList() {
  std::vector<ParsedExprPtr> items;
  SiblingScope scope(this);
  do {
    scope.Next();
    items.push_back(ParseSelectItem());
  } while (AcceptOp(","));
  return items;
}

ParsedExprPtr Parser::ParseSelectItem() {
  if (IsOp("*")) return ParsedExpr::Make(ExprKind::kStar, Advance().location);
  ParsedExprPtr expr = ParseExpr();
  if (AcceptKeyword("as")) {
    expr->alias = ExpectColLabel("an alias after AS");
  } else if (IsBareAlias(Peek())) {
    expr->alias = Advance().text;
  }
  return expr;
}

// Comma-separated FROM items are cross joins.
std::unique_ptr<TableRef> Parser::ParseFromList() {
  std::unique_ptr<TableRef> ref = ParseTableRef();
  while (AcceptOp(",")) {
    Deepen(Peek().location);
    ref = MakeJoin(JoinType::kCross, std::move(ref), ParseTableRef());
  }
  return ref;
}

std::unique_ptr<TableRef> Parser::ParseTableRef() {
  DepthGuard guard(this);
  std::unique_ptr<TableRef> left = ParseTablePrimary();
  while (true) {
    if (IsKeyword("cross") && IsKeyword("join", 1)) {
      Advance();
      Advance();
      Deepen(Peek().location);
      left = MakeJoin(JoinType::kCross, std::move(left), ParseTablePrimary());
      continue;
    }
    const Token& start = Peek();
    bool natural = AcceptKeyword("natural");
    JoinType type = JoinType::kInner;
    if (AcceptKeyword("inner")) {
      ExpectKeyword("join");
    } else if (IsKeyword("left") || IsKeyword("right") || IsKeyword("full")) {
      const std::string& w = Advance().text;
      type = w == "left" ? JoinType::kLeft : (w == "right" ? JoinType::kRight : JoinType::kFull);
      AcceptKeyword("outer");
      ExpectKeyword("join");
    } else if (!AcceptKeyword("join")) {
      if (natural) Fail(Peek(), "expected JOIN after NATURAL");
      return left;
    }
    Deepen(start.location);
    auto join = MakeJoin(type, std::move(left), ParseTablePrimary());
    join->natural = natural;
    if (!natural) {
      if (AcceptKeyword("on")) {
        join->condition = ParseExpr();
      } else if (AcceptKeyword("using")) {
        join->using_columns = ParseNameList("a column name");
      } else {
        Fail(Peek(), "expected ON or USING after JOIN");
      }
    }
    left = std::move(join);
  }
}

std::unique_ptr<TableRef> Parser::ParseTablePrimary() {
  int64_t location = Peek().location;
  bool lateral = AcceptKeyword("lateral");
  std::unique_ptr<TableRef> ref;
  if (IsOp("(")) {
    int64_t open = ExpectOpenParen();
    if (ParenStartsQuery(0) || IsKeyword("select") || IsKeyword("with") || IsKeyword("values")) {
      ref = std::make_unique<TableRef>();
      ref->kind = TableRef::Kind::kSubquery;
      ref->subquery = ParseQuery();
    } else {
      if (lateral) Fail(Peek(), "expected a subquery after LATERAL");
      ref = ParseTableRef();  // a parenthesised join
    }
    ExpectCloseParen(open);
  } else if (Peek().type == TokenType::kString) {  // FROM 'data/*.csv'
    if (lateral) Fail(Peek(), "expected a subquery or function after LATERAL");
    ref = std::make_unique<TableRef>();
    ref->names.push_back(Advance().text);
  } else {
    const Token& first = Peek();
    bool function = !IsReserved(first) && first.type == TokenType::kIdent && IsOp("(", 1);
    std::vector<std::string> names =
        function ? std::vector<std::string>{Advance().text} : ParseQualifiedName("a table name");
    ref = std::make_unique<TableRef>();
    if (IsOp("(")) {
      ref->kind = TableRef::Kind::kTableFunction;
      ref->function = ParseFunctionCall(std::move(names), location);
    } else {
      if (lateral) Fail(Peek(), "expected a subquery or function after LATERAL");
      ref->names = std::move(names);
      ParseTimeTravel(ref.get());
    }
  }
  ref->location = location;
  ref->lateral = lateral;
  ParseTableAlias(ref.get());
  return ref;
}

void Parser::ParseTableAlias(TableRef* ref) {
  if (AcceptKeyword("as")) {
    ref->alias = ExpectColId("an alias after AS");
  } else if (IsBareAlias(Peek())) {
    ref->alias = Advance().text;
  } else {
    return;
  }
  if (IsOp("(")) ref->column_aliases = ParseNameList("a column alias");
}

void Parser::ParseGroupBy(QueryNode* node) {
  Advance();
  ExpectKeyword("by");
  if (AcceptKeyword("all")) {
    node->group_by_all = true;
    return;
  }
  SiblingScope scope(this);
  do {
    scope.Next();
    node->group_by.push_back(ParseGroupingElement());
  } while (AcceptOp(","));
}

GroupingElement Parser::ParseGroupingElement() {
  GroupingElement element;
  if (IsOp("(") && IsOp(")", 1)) {
    Advance();
    Advance();
    element.kind = GroupingElement::Kind::kEmpty;
    return element;
  }
  bool rollup = IsKeyword("rollup") && IsOp("(", 1);
  bool cube = IsKeyword("cube") && IsOp("(", 1);
  bool sets = IsKeyword("grouping") && IsKeyword("sets", 1) && IsOp("(", 2);
  if (!rollup && !cube && !sets) {
    element.expr = ParseExpr();
    return element;
  }
  element.kind = rollup ? GroupingElement::Kind::kRollup
                        : (cube ? GroupingElement::Kind::kCube : GroupingElement::Kind::kGroupingSets);
  Advance();
  if (sets) Advance();
  int64_t open = ExpectOpenParen();
  SiblingScope scope(this);
  do {
    scope.Next();
    if (sets && IsOp("(") && IsOp(")", 1)) {
      Advance();
      Advance();
      element.sets.emplace_back();
      continue;
    }
    if (sets && (IsKeyword("rollup") || IsKeyword("cube")) && IsOp("(", 1)) {
      NotSupported(Peek(), "ROLLUP or CUBE inside GROUPING SETS");
    }
    element.sets.push_back(ParseGroupingSet());
  } while (AcceptOp(","));
  ExpectCloseParen(open);
  return element;
}

// One element of ROLLUP / CUBE / GROUPING SETS: `a` or `(a, b)`.
std::vector<ParsedExprPtr> Parser::ParseGroupingSet() {
  std::vector<ParsedExprPtr> set;
  ParsedExprPtr expr = ParseExpr();
  if (expr->kind == ExprKind::kRow) return std::move(expr->children);
  set.push_back(std::move(expr));
  return set;
}

}  // namespace basin::sql
