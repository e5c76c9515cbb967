#pragma once

// Task templates: `{{ name }}` replaced by a variable's value (Jinja's syntax for the simple case Airflow
// users write): ds, ds_nodash, ts, logical_date, data_interval_start, data_interval_end, run_id, dag, task,
// params.NAME, outputs.TASK (an upstream task's output).

#include <map>
#include <string>
#include <vector>

namespace basin::workflow {

using TemplateVars = std::map<std::string, std::string>;

/// Replace every `{{ name }}` in `text`. Throws std::invalid_argument for an unclosed `{{` or a name with
/// no value (saying which).
std::string RenderTemplate(const std::string& text, const TemplateVars& vars);

/// The names `text` uses, in order. Throws std::invalid_argument for an unclosed `{{` or an empty name.
std::vector<std::string> TemplateNames(const std::string& text);

/// The names every run defines (params.* and outputs.* aside).
inline constexpr const char* kRunVariables[] = {
    "ds",     "ds_nodash", "ts",  "logical_date", "data_interval_start", "data_interval_end",
    "run_id", "dag",       "task"};

}  // namespace basin::workflow
