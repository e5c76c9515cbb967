// A standalone driver for fuzz targets, used when not building with libFuzzer: runs
// LLVMFuzzerTestOneInput on every file named (directories are walked), then on `--random N` deterministic
// pseudo-random mutations of those inputs. A crash is the failure; returning means every input passed.
//
//   sql_parser_fuzz [--random N] [--seed S] FILE_OR_DIR...

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void RunOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

void Collect(const std::filesystem::path& path, std::vector<std::string>* inputs) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path, error)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());  // directory order varies; keep runs reproducible
    for (const auto& file : files) Collect(file, inputs);
    return;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(2);
  }
  inputs->emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Byte-level edits plus splicing with another input, the mutations libFuzzer starts from.
std::string Mutate(const std::vector<std::string>& inputs, std::mt19937_64& rng) {
  std::string data = inputs[rng() % inputs.size()];
  static const char kInteresting[] = "()[]'\"$;:-/*+.,\\\n \x00\xff";
  int edits = 1 + static_cast<int>(rng() % 8);
  for (int i = 0; i < edits; ++i) {
    size_t at = data.empty() ? 0 : rng() % data.size();
    switch (rng() % 7) {
      case 0:
        if (!data.empty()) data[at] = static_cast<char>(rng());
        break;
      case 1:
        if (!data.empty()) data.erase(at, 1 + rng() % 8);
        break;
      case 2:
        data.insert(at, 1, kInteresting[rng() % (sizeof(kInteresting) - 1)]);
        break;
      case 3:
        if (!data.empty()) data.insert(at, data.substr(rng() % data.size(), 1 + rng() % 16));
        break;
      case 4: {
        const std::string& other = inputs[rng() % inputs.size()];
        if (!other.empty()) data.insert(at, other.substr(rng() % other.size(), 1 + rng() % 32));
        break;
      }
      case 5:
        data.resize(at);
        break;
      default:
        if (!data.empty()) data[at] = static_cast<char>(data[at] ^ (1 << (rng() % 8)));
        break;
    }
    if (data.size() > 1 << 16) data.resize(1 << 16);
  }
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  long random_runs = 0;
  uint64_t seed = 1;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--random" && i + 1 < argc) {
      random_runs = std::strtol(argv[++i], nullptr, 10);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      Collect(arg, &inputs);
    }
  }
  for (const std::string& input : inputs) RunOne(input);
  if (inputs.empty()) inputs.emplace_back();
  std::mt19937_64 rng(seed);
  for (long i = 0; i < random_runs; ++i) RunOne(Mutate(inputs, rng));
  std::printf("ran %zu inputs and %ld mutations: no crash\n", inputs.size(), random_runs);
  return 0;
}
