#include "workflow/dag.h"

#include <cctz/civil_time.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "common/http_client.h"
#include "workflow/template.h"

namespace basin::workflow {

namespace {

/// The arguments each kind takes; the first `required` of them must be present.
struct KindArgs {
  const char* kind;
  std::vector<const char*> required;
  std::vector<const char*> optional;
};
const std::vector<KindArgs>& Kinds() {
  static const std::vector<KindArgs> kinds = {
      {"sql", {"sql"}, {}},
      {"shell", {"command"}, {"cwd"}},
      {"http", {"url"}, {"method", "body", "content_type", "expect_status"}},
      {"copy", {"from", "into"}, {"format", "header"}},
      {"ingest", {"from", "into"}, {"format", "header"}},
      {"wait", {}, {"file", "table", "topic", "offset", "poke_interval"}},
      {"noop", {}, {}},
  };
  return kinds;
}
/// Keys every task takes, whatever its kind.
const std::set<std::string> kTaskKeys = {"kind",    "depends_on", "retries", "retry_delay", "max_retry_delay",
                                         "timeout", "trigger",    "pool",    "env",         "description"};
const std::set<std::string> kDefaultKeys = {"retries", "retry_delay", "max_retry_delay",
                                            "timeout", "trigger",     "pool"};
const std::set<std::string> kDagKeys = {
    "name",   "description", "schedule", "timezone", "start_date", "catchup",         "on_table",
    "params", "defaults",    "pools",    "tasks",    "sla",        "max_active_runs", "max_active_tasks",
    "sla_notify"};

/// Tasks one DAG may have (the cycle check recurses once per task in a chain).
constexpr size_t kMaxTasks = 10'000;

class Parser {
 public:
  Parser(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void Fail(const YAML::Node& at, const std::string& message) const {
    throw DagError(file_, at.IsDefined() ? at.Mark().line + 1 : 0, message);
  }

  std::string Scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) Fail(node, what + " must be a single value");
    return node.Scalar();
  }
  int Int(const YAML::Node& node, const std::string& what, int low) const {
    const std::string text = Scalar(node, what);
    try {
      size_t used = 0;
      const int value = std::stoi(text, &used);
      if (used == text.size() && value >= low) return value;
    } catch (const std::exception&) {
    }
    Fail(node, what + " must be an integer of at least " + std::to_string(low) + ", not \"" + text + "\"");
  }
  std::chrono::milliseconds Duration(const YAML::Node& node, const std::string& what) const {
    try {
      return ParseDuration(Scalar(node, what));
    } catch (const std::invalid_argument& e) {
      Fail(node, what + ": " + e.what());
    }
  }
  std::map<std::string, std::string> StringMap(const YAML::Node& node, const std::string& what) const {
    if (!node.IsMap()) Fail(node, what + " must be a mapping");
    std::map<std::string, std::string> out;
    for (const auto& entry : node)
      out[entry.first.as<std::string>()] = Scalar(entry.second, what + "." + entry.first.as<std::string>());
    return out;
  }
  void CheckKeys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& what,
                 const std::vector<const char*>& extra = {}) const {
    for (const auto& entry : map) {
      const std::string key = entry.first.as<std::string>();
      if (allowed.count(key)) continue;
      if (std::any_of(extra.begin(), extra.end(), [&](const char* e) { return key == e; })) continue;
      Fail(entry.first, "unknown key \"" + key + "\" in " + what);
    }
  }

  /// Task settings that `defaults` may give too.
  void Settings(const YAML::Node& map, TaskSpec& task) const {
    if (map["retries"]) task.retries = Int(map["retries"], "retries", 0);
    if (map["retry_delay"]) task.retry_delay = Duration(map["retry_delay"], "retry_delay");
    if (map["max_retry_delay"]) task.max_retry_delay = Duration(map["max_retry_delay"], "max_retry_delay");
    if (map["timeout"]) task.timeout = Duration(map["timeout"], "timeout");
    if (map["pool"]) task.pool = Scalar(map["pool"], "pool");
    if (const YAML::Node rule = map["trigger"]) {
      const std::string text = Scalar(rule, "trigger");
      if (text == "all_success")
        task.trigger = TriggerRule::kAllSuccess;
      else if (text == "all_done")
        task.trigger = TriggerRule::kAllDone;
      else if (text == "one_failed")
        task.trigger = TriggerRule::kOneFailed;
      else
        Fail(rule, "trigger must be all_success, all_done or one_failed, not \"" + text + "\"");
    }
  }

  TaskSpec Task(const std::string& id, const YAML::Node& node, const TaskSpec& defaults) const {
    if (!node.IsMap()) Fail(node, "task \"" + id + "\" must be a mapping with a kind");
    TaskSpec task = defaults;
    task.id = id;
    task.line = node.Mark().line + 1;
    const YAML::Node kind = node["kind"];
    if (!kind)
      Fail(node, "task \"" + id + "\" has no kind (one of sql, shell, http, copy, ingest, wait, noop)");
    task.kind = Scalar(kind, "kind");
    const auto found =
        std::find_if(Kinds().begin(), Kinds().end(), [&](const KindArgs& k) { return task.kind == k.kind; });
    if (found == Kinds().end()) {
      Fail(kind, "unknown task kind \"" + task.kind + "\" (sql, shell, http, copy, ingest, wait, noop)");
    }
    std::vector<const char*> args = found->required;
    args.insert(args.end(), found->optional.begin(), found->optional.end());
    CheckKeys(node, kTaskKeys, "task \"" + id + "\" (a " + task.kind + " task)", args);
    for (const char* name : args) {
      if (const YAML::Node value = node[name]) task.args[name] = Scalar(value, name);
    }
    for (const char* name : found->required) {
      if (!task.args.count(name))
        Fail(node, "task \"" + id + "\" (" + task.kind + ") needs \"" + name + "\"");
    }
    if (task.kind == "wait" && !task.args.count("file") && !task.args.count("table") &&
        !task.args.count("topic")) {
      Fail(node, "task \"" + id + "\" (wait) needs one of file, table or topic");
    }
    if (task.args.count("topic") && !task.args.count("offset"))
      Fail(node, "task \"" + id + "\" waits for a topic: give its offset");
    if (const YAML::Node deps = node["depends_on"]) {
      if (deps.IsScalar()) {
        task.depends_on.push_back(deps.Scalar());
      } else if (deps.IsSequence()) {
        for (const auto& d : deps) task.depends_on.push_back(Scalar(d, "depends_on"));
      } else {
        Fail(deps, "depends_on must be a task name or a list of them");
      }
    }
    if (const YAML::Node env = node["env"]) task.env = StringMap(env, "env");
    Settings(node, task);
    return task;
  }

  std::shared_ptr<Dag> Parse(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      throw DagError(file_, e.mark.line + 1, e.msg);
    }
    if (!root.IsMap()) throw DagError(file_, 1, "a DAG file is a mapping with name and tasks");
    auto dag = std::make_shared<Dag>();
    dag->file = file_;
    dag->source = text;
    CheckKeys(root, kDagKeys, "the DAG");
    dag->name = root["name"] ? Scalar(root["name"], "name") : std::filesystem::path(file_).stem().string();
    if (dag->name.empty() ||
        dag->name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
            std::string::npos) {
      Fail(root["name"], "a DAG name is letters, digits, '_', '-' and '.', not \"" + dag->name + "\"");
    }
    if (root["timezone"]) dag->timezone = Scalar(root["timezone"], "timezone");
    try {
      dag->zone = LoadZone(dag->timezone);
    } catch (const std::invalid_argument& e) {
      Fail(root["timezone"], e.what());
    }
    if (const YAML::Node schedule = root["schedule"]) {
      if (schedule.IsMap() && schedule["on_table"]) {
        dag->on_table = Scalar(schedule["on_table"], "on_table");
      } else if (!schedule.IsNull()) {
        try {
          dag->schedule = Cron::Parse(Scalar(schedule, "schedule"));
          dag->schedule->Next(TimePoint{}, dag->zone);  // throws for one that never fires (30 February)
        } catch (const std::invalid_argument& e) {
          Fail(schedule, e.what());
        }
      }
    }
    if (root["on_table"]) dag->on_table = Scalar(root["on_table"], "on_table");
    if (dag->schedule && !dag->on_table.empty())
      Fail(root["on_table"], "a DAG has a schedule or on_table, not both");
    if (const YAML::Node start = root["start_date"]) {
      try {
        dag->start_date = ParseTime(Scalar(start, "start_date"), dag->zone);
      } catch (const std::invalid_argument& e) {
        Fail(start, e.what());
      }
    }
    if (const YAML::Node catchup = root["catchup"]) {
      const std::string v = Scalar(catchup, "catchup");
      if (v != "true" && v != "false") Fail(catchup, "catchup must be true or false");
      dag->catchup = v == "true";
    }
    if (root["max_active_runs"]) dag->max_active_runs = Int(root["max_active_runs"], "max_active_runs", 1);
    if (root["max_active_tasks"])
      dag->max_active_tasks = Int(root["max_active_tasks"], "max_active_tasks", 1);
    if (root["sla"]) dag->sla = Duration(root["sla"], "sla");
    if (const YAML::Node notify = root["sla_notify"]) {
      const std::string v = Scalar(notify, "sla_notify");
      if (v.rfind("webhook:", 0) != 0) Fail(notify, "sla_notify must be webhook:http[s]://host:port/path");
      if (!root["sla"]) Fail(notify, "sla_notify needs an sla");
      dag->sla_notify = v.substr(std::string("webhook:").size());
      try {
        ParseHttpUrl(dag->sla_notify);
      } catch (const std::exception& e) {
        Fail(notify, e.what());
      }
    }
    if (root["params"]) dag->params = StringMap(root["params"], "params");
    if (const YAML::Node pools = root["pools"]) {
      if (!pools.IsMap()) Fail(pools, "pools must map pool names to sizes");
      for (const auto& p : pools) dag->pools[p.first.as<std::string>()] = Int(p.second, "pool size", 1);
    }
    TaskSpec defaults;
    if (const YAML::Node d = root["defaults"]) {
      if (!d.IsMap()) Fail(d, "defaults must be a mapping");
      CheckKeys(d, kDefaultKeys, "defaults");
      Settings(d, defaults);
    }
    const YAML::Node tasks = root["tasks"];
    if (!tasks || !tasks.IsMap() || tasks.size() == 0)
      Fail(tasks ? tasks : root, "a DAG needs tasks: a mapping of task names to tasks");
    if (tasks.size() > kMaxTasks) Fail(tasks, "a DAG has at most " + std::to_string(kMaxTasks) + " tasks");
    std::vector<TaskSpec> specs;
    std::map<std::string, YAML::Node> nodes;
    for (const auto& entry : tasks) {
      const std::string id = entry.first.as<std::string>();
      if (nodes.count(id)) Fail(entry.first, "task \"" + id + "\" is defined twice");
      nodes[id] = entry.second;
      specs.push_back(Task(id, entry.second, defaults));
    }
    Order(*dag, std::move(specs), nodes);
    CheckTemplates(*dag, nodes);
    return dag;
  }

 private:
  /// Put the tasks in a topological order, or name a cycle.
  void Order(Dag& dag, std::vector<TaskSpec> specs, std::map<std::string, YAML::Node>& nodes) const {
    std::map<std::string, int> index;
    for (size_t i = 0; i < specs.size(); ++i) index[specs[i].id] = static_cast<int>(i);
    for (const TaskSpec& t : specs) {
      for (const std::string& d : t.depends_on) {
        if (!index.count(d))
          Fail(nodes[t.id]["depends_on"],
               "task \"" + t.id + "\" depends on \"" + d + "\", which is not a task of this DAG");
        if (d == t.id) Fail(nodes[t.id]["depends_on"], "task \"" + t.id + "\" depends on itself");
      }
    }
    // Depth-first, with the path kept to name a cycle.
    std::vector<int> mark(specs.size(), 0);  // 0 new, 1 on the path, 2 done
    std::vector<int> path, order;
    std::function<void(int)> visit = [&](int i) {
      mark[i] = 1;
      path.push_back(i);
      for (const std::string& d : specs[i].depends_on) {
        const int j = index[d];
        if (mark[j] == 1) {
          std::string cycle;
          const auto from = std::find(path.begin(), path.end(), j);
          for (auto it = from; it != path.end(); ++it) cycle += specs[*it].id + " -> ";
          Fail(nodes[specs[j].id], "the dependencies form a cycle: " + cycle + specs[j].id);
        }
        if (mark[j] == 0) visit(j);
      }
      path.pop_back();
      mark[i] = 2;
      order.push_back(i);
    };
    for (size_t i = 0; i < specs.size(); ++i) {
      if (mark[i] == 0) visit(static_cast<int>(i));
    }
    for (int i : order) dag.tasks.push_back(std::move(specs[i]));
    dag.upstream.assign(dag.tasks.size(), {});
    dag.downstream.assign(dag.tasks.size(), {});
    for (size_t i = 0; i < dag.tasks.size(); ++i) {
      for (const std::string& d : dag.tasks[i].depends_on) {
        const int j = dag.TaskIndex(d);
        dag.upstream[i].push_back(j);
        dag.downstream[j].push_back(static_cast<int>(i));
      }
    }
  }

  /// Every template names a known variable; outputs.X names an upstream task of the one using it.
  void CheckTemplates(const Dag& dag, std::map<std::string, YAML::Node>& nodes) const {
    for (size_t i = 0; i < dag.tasks.size(); ++i) {
      const TaskSpec& task = dag.tasks[i];
      std::set<int> ancestors;
      std::vector<int> stack(dag.upstream[i]);
      while (!stack.empty()) {
        const int j = stack.back();
        stack.pop_back();
        if (ancestors.insert(j).second)
          stack.insert(stack.end(), dag.upstream[j].begin(), dag.upstream[j].end());
      }
      auto check = [&](const std::string& key, const std::string& text) {
        const YAML::Node at = nodes[task.id][key] ? nodes[task.id][key] : nodes[task.id];
        std::vector<std::string> names;
        try {
          names = TemplateNames(text);
        } catch (const std::invalid_argument& e) {
          Fail(at, e.what());
        }
        for (const std::string& name : names) {
          if (name.starts_with("params.")) continue;  // a trigger may bring more
          if (name.starts_with("outputs.")) {
            const int j = dag.TaskIndex(name.substr(8));
            if (j < 0 || !ancestors.count(j)) {
              Fail(at, "\"{{ " + name + " }}\": \"" + name.substr(8) + "\" is not upstream of task \"" +
                           task.id + "\"");
            }
            continue;
          }
          if (std::none_of(std::begin(kRunVariables), std::end(kRunVariables),
                           [&](const char* v) { return name == v; })) {
            Fail(at, "unknown template variable \"" + name +
                         "\" (ds, ds_nodash, ts, data_interval_start, data_interval_end, run_id, "
                         "params.NAME, outputs.TASK)");
          }
        }
      };
      for (const auto& [key, value] : task.args) check(key, value);
      for (const auto& [key, value] : task.env) check("env", value);
    }
  }

  std::string file_;
};

}  // namespace

int Dag::TaskIndex(const std::string& id) const {
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

std::shared_ptr<const Dag> ParseDag(const std::string& text, const std::string& file) {
  try {
    return Parser(file).Parse(text);
  } catch (const YAML::Exception& e) {
    throw DagError(file, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.msg);
  }
}

std::chrono::milliseconds ParseDuration(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.'))
    ++digits;
  if (digits == 0 || digits > 15)
    throw std::invalid_argument("\"" + text + "\" is not a duration (10s, 500ms, 2m, 1h, 1d)");
  const double value = std::stod(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  double ms = 0;
  if (unit.empty() || unit == "s")
    ms = value * 1000;
  else if (unit == "ms")
    ms = value;
  else if (unit == "m")
    ms = value * 60'000;
  else if (unit == "h")
    ms = value * 3'600'000;
  else if (unit == "d")
    ms = value * 86'400'000;
  else
    throw std::invalid_argument("\"" + text + "\" has an unknown unit (ms, s, m, h, d)");
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

TimePoint ParseTime(const std::string& text, const cctz::time_zone& zone) {
  static const char* kFormats[] = {
      "%Y-%m-%dT%H:%M:%E*S%Ez", "%Y-%m-%d %H:%M:%E*S%Ez", "%Y-%m-%dT%H:%M:%E*SZ", "%Y-%m-%dT%H:%M:%E*S",
      "%Y-%m-%d %H:%M:%E*S",    "%Y-%m-%dT%H:%M",         "%Y-%m-%d %H:%M",       "%Y-%m-%d"};
  for (const char* format : kFormats) {
    std::chrono::time_point<Clock, std::chrono::microseconds> t;
    const bool utc = std::string_view(format).ends_with("Z");
    if (cctz::parse(format, text, utc ? cctz::utc_time_zone() : zone, &t)) {
      return std::chrono::time_point_cast<std::chrono::milliseconds>(t);
    }
  }
  throw std::invalid_argument("\"" + text + "\" is not a date or time (2024-01-31, 2024-01-31T03:00:00)");
}

std::string FormatTime(TimePoint t, const cctz::time_zone& zone) {
  return cctz::format("%Y-%m-%dT%H:%M:%S%Ez", t, zone);
}

}  // namespace basin::workflow
