#include "cli/shell.h"

#include <editline/readline.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/version.h"
#include "sql/parser/parser.h"

namespace basin::cli {
namespace {

constexpr const char* kPrompt = "basin> ";
constexpr const char* kContinuationPrompt = "   ...> ";
constexpr int kHistorySize = 2000;

constexpr const char* kShellHelp =
    "Statements end with ';' and may span lines. Meta commands:\n"
    "  .help, \\?              Show this help\n"
    "  .quit, .exit, \\q       Leave the shell (or press Ctrl-D)\n"
    "  .tables, \\dt           List tables (SHOW TABLES)\n"
    "  .schema T, .describe T, \\d T\n"
    "                         Describe table T (DESCRIBE T)\n"
    "  .timer on|off, \\timing  Report each statement's time\n"
    "  .mode table|csv|json   Choose the output format\n"
    "Ctrl-C discards the statement being typed.\n";

volatile std::sig_atomic_t g_interrupted = 0;

void OnInterrupt(int) {
  g_interrupted = 1;
}

// Ctrl-C at the prompt must discard the typed text, not end the session. No SA_RESTART, so that the
// terminal read inside readline() is interrupted and returns.
void CatchInterrupts() {
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? std::string(home) + "/.basin_history" : "";
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string Trim(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

/// The shell's state between lines: the statement being typed and the history file.
class Shell {
 public:
  explicit Shell(StatementRunner& runner) : runner_(runner), history_path_(HistoryPath()) {}

  void Run() {
    using_history();
    stifle_history(kHistorySize);
    if (!history_path_.empty()) read_history(history_path_.c_str());
    std::cout << "basin " << kVersion << ". Enter \".help\" for help.\n";
    CatchInterrupts();
    while (true) {
      g_interrupted = 0;
      char* raw = readline(buffer_.empty() ? kPrompt : kContinuationPrompt);
      if (g_interrupted) {
        // Ctrl-C: drop what was typed, and go on with a fresh prompt.
        std::free(raw);
        buffer_.clear();
        std::cout << "^C\n";
        continue;
      }
      if (raw == nullptr) {  // Ctrl-D or end of input
        std::cout << "\n";
        break;
      }
      std::string line(raw);
      std::free(raw);
      if (!HandleLine(line)) break;
    }
  }

 private:
  // Return false when the shell should end.
  bool HandleLine(const std::string& line) {
    const std::string trimmed = Trim(line);
    if (buffer_.empty()) {
      if (trimmed.empty()) return true;
      if (trimmed[0] == '.' || trimmed[0] == '\\') {
        Remember(trimmed);
        return RunMeta(trimmed);
      }
    }
    buffer_ += line;
    buffer_ += '\n';
    if (!sql::IsStatementComplete(buffer_)) return true;
    Remember(Trim(buffer_));
    RunSql(buffer_);
    buffer_.clear();
    return true;
  }

  // Add an entry to the history and save the file at once, so that a killed session keeps it.
  void Remember(std::string entry) {
    for (char& c : entry) {
      if (c == '\n') c = ' ';  // one history entry per statement, recalled as one editable line
    }
    add_history(entry.c_str());
    if (!history_path_.empty()) write_history(history_path_.c_str());
  }

  void RunSql(const std::string& sql) {
    // While SQL runs, Ctrl-C ends the process as usual: the engine has no way to cancel a statement yet,
    // and a shell that ignores Ctrl-C during a runaway query is worse than one that exits.
    std::signal(SIGINT, SIG_DFL);
    runner_.RunScript(sql);
    CatchInterrupts();
  }

  // Return false for the commands that end the shell.
  bool RunMeta(const std::string& line) {
    const std::vector<std::string> words = Words(line);
    const std::string& command = words[0];
    const std::string argument =
        words.size() > 1 ? Trim(line.substr(line.find(command) + command.size())) : "";
    if (command == ".quit" || command == ".exit" || command == "\\q") return false;
    if (command == ".help" || command == "\\?" || command == "\\h") {
      std::cout << kShellHelp;
    } else if (command == ".tables" || command == "\\dt" || (command == "\\d" && argument.empty())) {
      RunSql("SHOW TABLES");
    } else if (command == ".schema" || command == ".describe" || command == "\\d") {
      if (argument.empty()) {
        std::cerr << "Usage: " << command << " TABLE\n";
      } else {
        RunSql("DESCRIBE " + argument);
      }
    } else if (command == ".timer" || command == "\\timing") {
      SetTimer(command, argument);
    } else if (command == ".mode") {
      const auto format = ParseOutputFormat(argument);
      if (format) {
        runner_.options().format = *format;
      } else {
        std::cerr << "Usage: .mode table|csv|json\n";
      }
    } else {
      std::cerr << "Unknown command " << command << ". Enter \".help\" for help.\n";
    }
    return true;
  }

  void SetTimer(const std::string& command, const std::string& argument) {
    bool& timer = runner_.options().timer;
    if (argument == "on") {
      timer = true;
    } else if (argument == "off") {
      timer = false;
    } else if (argument.empty() && command == "\\timing") {
      timer = !timer;  // psql's \timing toggles
    } else {
      std::cerr << "Usage: .timer on|off\n";
      return;
    }
    std::cout << "Timing is " << (timer ? "on" : "off") << ".\n";
  }

  StatementRunner& runner_;
  std::string history_path_;
  std::string buffer_;
};

}  // namespace

void RunShell(StatementRunner& runner) {
  Shell(runner).Run();
}

}  // namespace basin::cli
