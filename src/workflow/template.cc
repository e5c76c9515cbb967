#include "workflow/template.h"

#include <stdexcept>

namespace basin::workflow {

namespace {

/// Call `on_name(name)` for each `{{ name }}` and `on_text(piece)` for the text between them.
template <class OnText, class OnName>
void Scan(const std::string& text, OnText on_text, OnName on_name) {
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find("{{", at);
    if (open == std::string::npos) {
      on_text(text.substr(at));
      return;
    }
    on_text(text.substr(at, open - at));
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      throw std::invalid_argument("unclosed \"{{\" in template \"" + text + "\"");
    }
    size_t b = open + 2, e = close;
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    if (b == e) throw std::invalid_argument("empty \"{{ }}\" in template \"" + text + "\"");
    on_name(text.substr(b, e - b));
    at = close + 2;
  }
}

}  // namespace

std::string RenderTemplate(const std::string& text, const TemplateVars& vars) {
  if (text.find("{{") == std::string::npos) return text;
  std::string out;
  Scan(
      text, [&](const std::string& piece) { out += piece; },
      [&](const std::string& name) {
        const auto found = vars.find(name);
        if (found == vars.end())
          throw std::invalid_argument("template variable \"" + name + "\" has no value");
        out += found->second;
      });
  return out;
}

std::vector<std::string> TemplateNames(const std::string& text) {
  std::vector<std::string> names;
  Scan(
      text, [](const std::string&) {}, [&](const std::string& name) { names.push_back(name); });
  return names;
}

}  // namespace basin::workflow
