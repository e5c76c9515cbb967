// Function calls (with their aggregate and window decorations), special-syntax functions, typed literals,
// type names and window specifications.

#include <charconv>

#include "sql/parser/parser_internal.h"

namespace basin::sql {
namespace {

bool IsIntervalUnit(std::string_view w) {
  return w == "year" || w == "month" || w == "day" || w == "hour" || w == "minute" || w == "second" ||
         w == "years" || w == "months" || w == "days" || w == "hours" || w == "minutes" || w == "seconds";
}

// Words that can begin a multi-word or parameterised type name in a typed literal (TIMESTAMP(3) '...').
bool StartsTypedLiteral(std::string_view w) {
  return w == "timestamp" || w == "time" || w == "double" || w == "character" || w == "char" ||
         w == "varchar" || w == "bit" || w == "national" || w == "nchar" || w == "numeric" ||
         w == "decimal" || w == "dec" || w == "float";
}

}  // namespace

ParsedExprPtr Parser::ParseFunctionCall(std::vector<std::string> names, int64_t location) {
  auto f = ParsedExpr::Make(ExprKind::kFunction, location);
  for (char& c : names.back()) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  f->function_name = std::move(names.back());
  names.pop_back();
  f->names = std::move(names);
  int64_t open = ExpectOpenParen();
  if (IsOp("*") && IsOp(")", 1)) {
    Advance();
    f->star = true;
  } else if (!IsOp(")")) {
    if (AcceptKeyword("distinct")) {
      f->distinct = true;
    } else {
      AcceptKeyword("all");
    }
    // Arguments, each optionally named as PostgreSQL writes it (`name => value`, `name := value`).
    SiblingScope scope(this);
    do {
      scope.Next();
      if (Peek().type == TokenType::kIdent && (IsOp("=>", 1) || IsOp(":=", 1))) {
        f->arg_names.resize(f->children.size());
        f->arg_names.push_back(Advance().text);
        Advance();
      }
      f->children.push_back(ParseExpr());
    } while (AcceptOp(","));
    if (!f->arg_names.empty()) f->arg_names.resize(f->children.size());
    if (IsKeyword("order") && IsKeyword("by", 1)) {
      Advance();
      Advance();
      f->agg_order_by = ParseOrderByList();
    }
  }
  // first(x IGNORE NULLS), as DuckDB writes it.
  if ((IsKeyword("ignore") || IsKeyword("respect")) && IsKeyword("nulls", 1)) {
    f->ignore_nulls = Advance().text == "ignore";
    Advance();
  }
  ExpectCloseParen(open);
  if (IsKeyword("within") && IsKeyword("group", 1)) {
    if (!f->agg_order_by.empty()) Fail(Peek(), "cannot use both ORDER BY in the arguments and WITHIN GROUP");
    Advance();
    Advance();
    int64_t group_open = ExpectOpenParen();
    ExpectKeyword("order");
    ExpectKeyword("by");
    f->agg_order_by = ParseOrderByList();
    f->within_group = true;
    ExpectCloseParen(group_open);
  }
  if (IsKeyword("filter") && IsOp("(", 1)) {
    Advance();
    int64_t filter_open = ExpectOpenParen();
    ExpectKeyword("where");
    f->filter = ParseExpr();
    ExpectCloseParen(filter_open);
  }
  if ((IsKeyword("ignore") || IsKeyword("respect")) && IsKeyword("nulls", 1)) {
    f->ignore_nulls = Advance().text == "ignore";
    Advance();
  }
  if (IsKeyword("over")) {
    int64_t over = Advance().location;
    if (IsOp("(")) {
      int64_t window_open = ExpectOpenParen();
      f->window = ParseWindowBody(over);
      ExpectCloseParen(window_open);
    } else {
      f->window = std::make_unique<WindowSpec>();
      f->window->location = over;
      f->window->base_name = ExpectColId("a window name or '(' after OVER");
    }
  }
  return f;
}

// SQL's keyword-argument functions, normalised to plain calls (see ast.h), and the niladic
// CURRENT_DATE-style functions.
ParsedExprPtr Parser::ParseSpecialFunction(bool* handled) {
  *handled = true;
  const Token& t = Peek();
  const std::string& w = t.text;
  auto call = [&](std::string name) {
    auto f = ParsedExpr::Make(ExprKind::kFunction, t.location);
    f->function_name = std::move(name);
    return f;
  };
  if (w == "current_date" || w == "current_time" || w == "current_timestamp" || w == "localtime" ||
      w == "localtimestamp" || w == "current_user" || w == "session_user" || w == "user" ||
      w == "current_role" || w == "current_catalog" || (w == "current_schema" && !IsOp("(", 1))) {
    Advance();
    // CURRENT_TIMESTAMP(3): the precision is accepted and ignored.
    if ((w == "current_time" || w == "current_timestamp" || w == "localtime" || w == "localtimestamp") &&
        IsOp("(")) {
      int64_t open = ExpectOpenParen();
      if (Peek().type != TokenType::kInteger) Fail(Peek(), "expected a precision");
      Advance();
      ExpectCloseParen(open);
    }
    return call(w);
  }
  if (!IsOp("(", 1) ||
      !(w == "extract" || w == "substring" || w == "position" || w == "trim" || w == "overlay")) {
    *handled = false;
    return nullptr;
  }
  if (w == "overlay") NotSupported(t, "OVERLAY");
  Advance();
  int64_t open = ExpectOpenParen();
  ParsedExprPtr f;
  if (w == "extract") {
    f = call("date_part");
    const Token& field = Peek();
    if (field.type != TokenType::kIdent && field.type != TokenType::kString &&
        field.type != TokenType::kQuotedIdent) {
      Fail(field, "expected a date part such as YEAR");
    }
    Advance();
    std::string name = field.text;
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    f->children.push_back(MakeConstant(ConstantKind::kString, name, field.location));
    ExpectKeyword("from");
    f->children.push_back(ParseExpr());
  } else if (w == "position") {
    f = call("position");
    f->children.push_back(ParseBinary(kPrecLike + 1));  // b_expr: IN belongs to POSITION, not to the operand
    ExpectKeyword("in");
    f->children.push_back(ParseBinary(kPrecLike + 1));
  } else if (w == "substring") {
    f = call("substring");
    f->children.push_back(ParseExpr());
    if (AcceptOp(",")) {
      for (auto& arg : ParseExprList()) f->children.push_back(std::move(arg));
    } else {
      bool from = AcceptKeyword("from");
      if (from) f->children.push_back(ParseExpr());
      if (AcceptKeyword("for")) {
        if (!from) f->children.push_back(MakeConstant(ConstantKind::kInteger, "1", t.location));
        f->children.push_back(ParseExpr());
      }
    }
  } else {  // trim
    std::string name = "btrim";
    if (AcceptKeyword("leading")) {
      name = "ltrim";
    } else if (AcceptKeyword("trailing")) {
      name = "rtrim";
    } else {
      AcceptKeyword("both");
    }
    f = call(name);
    ParsedExprPtr chars;
    if (!IsKeyword("from")) chars = ParseExpr();
    if (AcceptKeyword("from")) {
      f->children = ParseExprList();
    } else if (AcceptOp(",")) {  // trim(x, 'chars')
      f->children.push_back(std::move(chars));
      for (auto& arg : ParseExprList()) f->children.push_back(std::move(arg));
      chars = nullptr;
    } else {
      if (!chars) Fail(Peek(), "expected an expression");
      f->children.push_back(std::move(chars));
    }
    if (chars && !f->children.empty()) f->children.insert(f->children.begin() + 1, std::move(chars));
  }
  ExpectCloseParen(open);
  return f;
}

// DATE '2024-01-01', TIMESTAMP(3) WITH TIME ZONE '...', INTERVAL '1' DAY, any `typename 'string'`.
ParsedExprPtr Parser::ParseTypedLiteral(bool* handled) {
  *handled = true;
  const Token& t = Peek();
  if (t.text == "interval" &&
      (Peek(1).type == TokenType::kString || Peek(1).type == TokenType::kInteger || IsOp("(", 1))) {
    return ParseInterval(t.location);
  }
  if (!IsReserved(t) && Peek(1).type == TokenType::kString) {
    auto cast = ParsedExpr::Make(ExprKind::kCast, t.location);
    cast->type_name = ParseTypeName();
    cast->children.push_back(MakeConstant(ConstantKind::kString, Advance().text, Peek().location));
    cast->children.back()->location = tokens_[pos_ - 1].location;
    return cast;
  }
  if (StartsTypedLiteral(t.text) && !IsOp(".", 1) && Peek(1).type != TokenType::kEnd) {
    // Try the longer type forms; backtrack (cheaply: type names never recurse) when no string follows.
    size_t saved = pos_;
    try {
      TypeName type = ParseTypeName();
      if (Peek().type == TokenType::kString) {
        auto cast = ParsedExpr::Make(ExprKind::kCast, t.location);
        cast->type_name = std::move(type);
        const Token& s = Advance();
        cast->children.push_back(MakeConstant(ConstantKind::kString, s.text, s.location));
        return cast;
      }
    } catch (const ParserError&) {
    }
    pos_ = saved;
  }
  *handled = false;
  return nullptr;
}

// INTERVAL 'n' UNIT is normalised to CAST('n unit' AS interval); INTERVAL 'text' to CAST('text' AS interval).
ParsedExprPtr Parser::ParseInterval(int64_t location) {
  auto cast = ParsedExpr::Make(ExprKind::kCast, location);
  cast->type_name = ParseTypeName();  // `interval` or `interval(p)`
  const Token& value = Peek();
  if (value.type != TokenType::kString && value.type != TokenType::kInteger) Fail(value, "expected a string");
  Advance();
  std::string text = value.text;
  if (Peek().type == TokenType::kIdent && IsIntervalUnit(Peek().text)) {
    std::string unit = Advance().text;
    if (unit.back() == 's') unit.pop_back();
    if (IsKeyword("to")) NotSupported(Peek(), "INTERVAL ... TO ...");
    text += " " + unit;
  } else if (value.type == TokenType::kInteger) {
    Fail(Peek(), "expected a unit such as DAY after INTERVAL " + value.text);
  }
  cast->children.push_back(MakeConstant(ConstantKind::kString, std::move(text), value.location));
  return cast;
}

TypeName Parser::ParseTypeName() {
  TypeName type;
  const Token& t = Peek();
  type.location = t.location;
  if (t.type == TokenType::kQuotedIdent || (t.type == TokenType::kIdent && !IsReserved(t))) {
    type.name = Advance().text;
  } else {
    Fail(t, "expected a type name");
  }
  std::string& name = type.name;
  if (t.type == TokenType::kIdent) {
    if (name == "double" && AcceptKeyword("precision")) {
      name = "double precision";
    } else if (name == "national") {
      if (!IsKeyword("character") && !IsKeyword("char")) Fail(Peek(), "expected CHARACTER");
      name += " " + Advance().text;
    }
    if ((name == "character" || name == "char" || name == "nchar" || name == "bit" ||
         name == "national character" || name == "national char") &&
        AcceptKeyword("varying")) {
      name += " varying";
    }
  }
  while (IsOp(".") && (Peek(1).type == TokenType::kIdent || Peek(1).type == TokenType::kQuotedIdent)) {
    Advance();
    name += "." + Advance().text;
  }
  if (IsOp("(")) {
    int64_t open = ExpectOpenParen();
    do {
      bool negative = AcceptOp("-");
      const Token& m = Peek();
      if (m.type != TokenType::kInteger) Fail(m, "expected an integer type modifier");
      int64_t value = 0;
      auto [ptr, ec] = std::from_chars(m.text.data(), m.text.data() + m.text.size(), value);
      if (ec != std::errc()) throw ParserError("type modifier out of range", m.location);
      Advance();
      type.modifiers.push_back(negative ? -value : value);
    } while (AcceptOp(","));
    ExpectCloseParen(open);
  }
  if ((name == "timestamp" || name == "time") && (IsKeyword("with") || IsKeyword("without")) &&
      IsKeyword("time", 1) && IsKeyword("zone", 2)) {
    name += Advance().text == "with" ? " with time zone" : " without time zone";
    Advance();
    Advance();
  }
  while (true) {
    if (IsOp("[")) {
      Advance();
      if (Peek().type == TokenType::kInteger) Advance();
      ExpectOp("]");
    } else if (IsKeyword("array") && !IsOp("(", 1)) {  // int ARRAY [n]
      Advance();
      if (IsOp("[") && Peek(1).type == TokenType::kInteger && IsOp("]", 2)) {
        Advance();
        Advance();
        Advance();
      }
    } else {
      break;
    }
    if (++type.array_bounds > 6) throw ParserError("too many array dimensions", t.location);
  }
  return type;
}

// Inside OVER ( ... ) or WINDOW w AS ( ... ); the caller consumes the parentheses.
std::unique_ptr<WindowSpec> Parser::ParseWindowBody(int64_t location) {
  auto w = std::make_unique<WindowSpec>();
  w->location = location;
  if (IsColId(Peek()) && !IsKeyword("partition") && !IsKeyword("rows") && !IsKeyword("range") &&
      !IsKeyword("groups")) {
    w->base_name = Advance().text;
  }
  if (AcceptKeyword("partition")) {
    ExpectKeyword("by");
    w->partition_by = ParseExprList();
  }
  if (AcceptKeyword("order")) {
    ExpectKeyword("by");
    w->order_by = ParseOrderByList();
  }
  if (IsKeyword("rows") || IsKeyword("range") || IsKeyword("groups")) {
    const std::string& mode = Advance().text;
    w->has_frame = true;
    w->frame_mode =
        mode == "rows" ? FrameMode::kRows : (mode == "range" ? FrameMode::kRange : FrameMode::kGroups);
    if (AcceptKeyword("between")) {
      w->frame_start = ParseFrameBound();
      ExpectKeyword("and");
      w->frame_end = ParseFrameBound();
    } else {
      w->frame_start = ParseFrameBound();
      w->frame_end.kind = FrameBoundKind::kCurrentRow;
    }
    if (IsKeyword("exclude")) NotSupported(Peek(), "EXCLUDE in a window frame");
  }
  return w;
}

FrameBound Parser::ParseFrameBound() {
  FrameBound bound;
  if (AcceptKeyword("unbounded")) {
    if (AcceptKeyword("preceding")) {
      bound.kind = FrameBoundKind::kUnboundedPreceding;
    } else {
      ExpectKeyword("following");
      bound.kind = FrameBoundKind::kUnboundedFollowing;
    }
    return bound;
  }
  if (IsKeyword("current") && IsKeyword("row", 1)) {
    Advance();
    Advance();
    bound.kind = FrameBoundKind::kCurrentRow;
    return bound;
  }
  bound.offset = ParseBinary(kPrecAnd + 1);  // AND separates the two bounds
  if (AcceptKeyword("preceding")) {
    bound.kind = FrameBoundKind::kPreceding;
  } else {
    ExpectKeyword("following");
    bound.kind = FrameBoundKind::kFollowing;
  }
  return bound;
}

std::vector<OrderByItem> Parser::ParseOrderByList() {
  std::vector<OrderByItem> items;
  SiblingScope scope(this);
  do {
    scope.Next();
    OrderByItem item;
    item.expr = ParseExpr();
    if (AcceptKeyword("desc")) {
      item.descending = true;
    } else {
      AcceptKeyword("asc");
    }
    if (IsKeyword("using")) NotSupported(Peek(), "ORDER BY ... USING");
    if (AcceptKeyword("nulls")) {
      if (AcceptKeyword("first")) {
        item.nulls = NullOrder::kFirst;
      } else {
        ExpectKeyword("last");
        item.nulls = NullOrder::kLast;
      }
    }
    items.push_back(std::move(item));
  } while (AcceptOp(","));
  return items;
}

}  // namespace basin::sql
