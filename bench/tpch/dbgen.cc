// TPC-H data generator, written from the TPC-H specification (clause 4.2: schema, key relationships, value
// domains and formulas). Usage: dbgen --sf 1 --out DIR. Writes DIR/<table>.tbl, '|'-delimited, one row a
// line. Deterministic: every table draws from its own seeded stream, so the same SF always gives the same
// bytes.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace basin::bench {
namespace {

using Words = std::vector<std::string_view>;

// Spec 4.2.2.13: the word lists of the text grammar.
const Words kNouns = {
    "foxes",      "ideas",          "theodolites", "pinto beans", "instructions", "dependencies", "excuses",
    "platelets",  "asymptotes",     "courts",      "dolphins",    "multipliers",  "sauternes",    "warthogs",
    "frets",      "dinos",          "attainments", "somas",       "Tiresias'",    "patterns",     "forges",
    "braids",     "hockey players", "frays",       "warhorses",   "dugouts",      "notornis",     "epitaphs",
    "pearls",     "tithes",         "waters",      "orbits",      "gifts",        "sheaves",      "depths",
    "sentiments", "decoys",         "realms",      "pains",       "grouches",     "escapades"};
const Words kVerbs = {"sleep",  "wake",   "are",       "cajole",   "haggle", "nag",   "use",     "boost",
                      "affix",  "detect", "integrate", "maintain", "nod",    "was",   "lose",    "sublate",
                      "solve",  "thrash", "promise",   "engage",   "hinder", "print", "x-ray",   "breach",
                      "eat",    "grow",   "impress",   "mold",     "poach",  "serve", "run",     "dazzle",
                      "snooze", "doze",   "unwind",    "kindle",   "play",   "hang",  "believe", "doubt"};
const Words kAdjectives = {"furious",  "sly",       "careful",  "blithe", "quick",  "fluffy",  "slow",
                           "quiet",    "ruthless",  "thin",     "close",  "dogged", "daring",  "brave",
                           "stealthy", "permanent", "enticing", "idle",   "busy",   "regular", "final",
                           "ironic",   "even",      "bold",     "silent"};
const Words kAdverbs = {"sometimes",   "always",     "never",    "furiously", "slyly",     "carefully",
                        "blithely",    "quickly",    "fluffily", "slowly",    "quietly",   "ruthlessly",
                        "thinly",      "closely",    "doggedly", "daringly",  "bravely",   "stealthily",
                        "permanently", "enticingly", "idly",     "busily",    "regularly", "finally",
                        "ironically",  "evenly",     "boldly",   "silently"};
const Words kPrepositions = {"about",   "above",        "according to", "across",     "after",   "against",
                             "along",   "alongside of", "among",        "around",     "at",      "atop",
                             "before",  "behind",       "beneath",      "beside",     "besides", "between",
                             "beyond",  "by",           "despite",      "during",     "except",  "for",
                             "from",    "in place of",  "inside",       "instead of", "into",    "near",
                             "of",      "on",           "outside",      "over",       "past",    "since",
                             "through", "throughout",   "to",           "toward",     "under",   "until",
                             "up",      "upon",         "without",      "with",       "within"};
const Words kAuxiliaries = {
    "do",           "may",          "might",         "shall",         "will",
    "would",        "can",          "could",         "should",        "ought to",
    "must",         "will have to", "shall have to", "could have to", "should have to",
    "must have to", "need to",      "try to"};
const Words kTerminators = {".", ";", ":", "?", "!", "--"};

// Spec 4.2.3: the 92 words p_name is made of.
const Words kColors = {
    "almond",    "antique",    "aquamarine", "azure",     "beige",     "bisque",     "black",     "blanched",
    "blue",      "blush",      "brown",      "burlywood", "burnished", "chartreuse", "chiffon",   "chocolate",
    "coral",     "cornflower", "cornsilk",   "cream",     "cyan",      "dark",       "deep",      "dim",
    "dodger",    "drab",       "firebrick",  "floral",    "forest",    "frosted",    "gainsboro", "ghost",
    "goldenrod", "green",      "grey",       "honeydew",  "hot",       "indian",     "ivory",     "khaki",
    "lace",      "lavender",   "lawn",       "lemon",     "light",     "lime",       "linen",     "magenta",
    "maroon",    "medium",     "metallic",   "midnight",  "mint",      "misty",      "moccasin",  "navajo",
    "navy",      "olive",      "orange",     "orchid",    "pale",      "papaya",     "peach",     "peru",
    "pink",      "plum",       "powder",     "puff",      "purple",    "red",        "rose",      "rosy",
    "royal",     "saddle",     "salmon",     "sandy",     "seashell",  "sienna",     "sky",       "slate",
    "smoke",     "snow",       "spring",     "steel",     "tan",       "thistle",    "tomato",    "turquoise",
    "violet",    "wheat",      "white",      "yellow"};

const Words kTypeSyllable1 = {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"};
const Words kTypeSyllable2 = {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"};
const Words kTypeSyllable3 = {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"};
const Words kContainerSyllable1 = {"SM", "LG", "MED", "JUMBO", "WRAP"};
const Words kContainerSyllable2 = {"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"};
const Words kSegments = {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"};
const Words kPriorities = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"};
const Words kInstructions = {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"};
const Words kShipModes = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};

struct Nation {
  std::string_view name;
  int region;
};
const std::array<Nation, 25> kNations = {
    {{"ALGERIA", 0},      {"ARGENTINA", 1},  {"BRAZIL", 1},  {"CANADA", 1},         {"EGYPT", 4},
     {"ETHIOPIA", 0},     {"FRANCE", 3},     {"GERMANY", 3}, {"INDIA", 2},          {"INDONESIA", 2},
     {"IRAN", 4},         {"IRAQ", 4},       {"JAPAN", 2},   {"JORDAN", 4},         {"KENYA", 0},
     {"MOROCCO", 0},      {"MOZAMBIQUE", 0}, {"PERU", 1},    {"CHINA", 2},          {"ROMANIA", 3},
     {"SAUDI ARABIA", 4}, {"VIETNAM", 2},    {"RUSSIA", 3},  {"UNITED KINGDOM", 3}, {"UNITED STATES", 1}}};
const Words kRegions = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};

// Days since 1992-01-01 (STARTDATE) of the spec's CURRENTDATE 1995-06-17 and ENDDATE 1998-12-31.
constexpr int kCurrentDate = 1263;
constexpr int kEndDate = 2556;

/// A seeded splitmix64 stream; one per table keeps tables independent of each other.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Return a uniform integer in [lo, hi].
  int64_t Uniform(int64_t lo, int64_t hi) {
    auto span = static_cast<unsigned __int128>(hi - lo + 1);
    return lo + static_cast<int64_t>((span * Next()) >> 64);
  }
  std::string_view Pick(const Words& words) { return words[Uniform(0, words.size() - 1)]; }

 private:
  uint64_t state_;
};

/// Buffers one .tbl file; fields are appended in column order and EndRow closes the line.
class TableWriter {
 public:
  explicit TableWriter(const std::filesystem::path& path) : file_(std::fopen(path.c_str(), "wb")) {
    if (file_ == nullptr) {
      std::perror(path.c_str());
      std::exit(1);
    }
    buffer_.reserve(kFlushAt + 4096);
  }
  ~TableWriter() {
    Flush();
    std::fclose(file_);
  }
  TableWriter(const TableWriter&) = delete;
  TableWriter& operator=(const TableWriter&) = delete;

  void Str(std::string_view s) {
    buffer_.append(s);
    buffer_.push_back('|');
  }
  void Char(char c) { Str(std::string_view(&c, 1)); }
  void Int(int64_t v) {
    AppendDigits(v);
    buffer_.push_back('|');
  }
  /// Append a money amount given in cents as [-]D.CC.
  void Money(int64_t cents) {
    if (cents < 0) {
      buffer_.push_back('-');
      cents = -cents;
    }
    AppendDigits(cents / 100);
    buffer_.push_back('.');
    buffer_.push_back(static_cast<char>('0' + cents % 100 / 10));
    buffer_.push_back(static_cast<char>('0' + cents % 10));
    buffer_.push_back('|');
  }
  /// Append "<prefix>#" and n zero-padded to 9 digits, as in "Customer#000000042".
  void Numbered(std::string_view prefix, int64_t n) {
    char digits[32];
    std::snprintf(digits, sizeof(digits), "#%09lld", static_cast<long long>(n));
    buffer_.append(prefix);
    Str(digits);
  }
  void EndRow() {
    buffer_.back() = '\n';
    if (buffer_.size() >= kFlushAt) Flush();
  }

 private:
  static constexpr size_t kFlushAt = 1 << 20;

  void AppendDigits(int64_t v) {
    if (v < 0) {
      buffer_.push_back('-');
      v = -v;
    }
    char digits[20];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) buffer_.push_back(digits[--n]);
  }
  void Flush() {
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      std::perror("write");
      std::exit(1);
    }
    buffer_.clear();
  }

  std::FILE* file_;
  std::string buffer_;
};

/// A pool of sentences from the spec's text grammar (4.2.2.14); comments are random substrings of it.
class TextPool {
 public:
  explicit TextPool(size_t size) {
    Random random(19920101);
    text_.reserve(size + 256);
    while (text_.size() < size) AppendSentence(random);
  }
  /// Return random text whose length is uniform in [min_length, max_length].
  std::string_view Text(Random& random, int min_length, int max_length) const {
    int64_t length = random.Uniform(min_length, max_length);
    int64_t offset = random.Uniform(0, text_.size() - length);
    return std::string_view(text_).substr(offset, length);
  }

 private:
  void Word(std::string_view w) {
    text_.append(w);
    text_.push_back(' ');
  }
  void NounPhrase(Random& r) {
    switch (r.Uniform(0, 3)) {
      case 0:
        break;
      case 1:
        Word(r.Pick(kAdjectives));
        break;
      case 2:
        text_.append(r.Pick(kAdjectives));
        text_.append(", ");
        Word(r.Pick(kAdjectives));
        break;
      case 3:
        Word(r.Pick(kAdverbs));
        Word(r.Pick(kAdjectives));
        break;
    }
    Word(r.Pick(kNouns));
  }
  void VerbPhrase(Random& r) {
    int form = static_cast<int>(r.Uniform(0, 3));
    if (form == 1 || form == 3) Word(r.Pick(kAuxiliaries));
    Word(r.Pick(kVerbs));
    if (form >= 2) Word(r.Pick(kAdverbs));
  }
  void PrepositionalPhrase(Random& r) {
    Word(r.Pick(kPrepositions));
    Word("the");
    NounPhrase(r);
  }
  void AppendSentence(Random& r) {
    NounPhrase(r);
    switch (r.Uniform(0, 4)) {
      case 0:
        VerbPhrase(r);
        break;
      case 1:
        VerbPhrase(r);
        PrepositionalPhrase(r);
        break;
      case 2:
        VerbPhrase(r);
        NounPhrase(r);
        break;
      case 3:
        PrepositionalPhrase(r);
        VerbPhrase(r);
        NounPhrase(r);
        break;
      case 4:
        PrepositionalPhrase(r);
        VerbPhrase(r);
        PrepositionalPhrase(r);
        break;
    }
    text_.pop_back();  // The terminator follows the last word directly.
    Word(r.Pick(kTerminators));
  }

  std::string text_;
};

/// Date strings indexed by days since 1992-01-01, up to ENDDATE.
std::vector<std::string> MakeDates() {
  static constexpr int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::vector<std::string> dates;
  for (int year = 1992; year <= 1998; ++year) {
    for (int month = 1; month <= 12; ++month) {
      int days = kMonthDays[month - 1] + (month == 2 && year % 4 == 0 ? 1 : 0);
      for (int day = 1; day <= days; ++day) {
        char s[32];
        std::snprintf(s, sizeof(s), "%04d-%02d-%02d", year, month, day);
        dates.emplace_back(s);
      }
    }
  }
  return dates;
}

/// The generator of one scale factor; each Write* method writes one or two tables.
class Generator {
 public:
  Generator(double sf, std::filesystem::path out)
      : out_(std::move(out)),
        sf_(sf),
        parts_(Scaled(200000)),
        suppliers_(Scaled(10000)),
        customers_(Scaled(150000)),
        orders_(Scaled(1500000)),
        clerks_(Scaled(1000)),
        pool_(8 << 20),
        dates_(MakeDates()) {}

  void WriteRegionAndNation() {
    Random random(1);
    TableWriter region(out_ / "region.tbl");
    for (int i = 0; i < 5; ++i) {
      region.Int(i);
      region.Str(kRegions[i]);
      region.Str(pool_.Text(random, 31, 115));
      region.EndRow();
    }
    TableWriter nation(out_ / "nation.tbl");
    for (int i = 0; i < 25; ++i) {
      nation.Int(i);
      nation.Str(kNations[i].name);
      nation.Int(kNations[i].region);
      nation.Str(pool_.Text(random, 31, 114));
      nation.EndRow();
    }
  }

  void WriteSupplier() {
    Random random(2);
    // Spec 4.2.3: SF*5 comments carry "Customer ... Complaints" (Q16 filters them) and SF*5 "... Recommends".
    std::vector<char> special(suppliers_ + 1, 0);
    int64_t count = std::max<int64_t>(1, std::llround(sf_ * 5));
    for (char kind : {'C', 'R'}) {
      for (int64_t placed = 0; placed < count && placed < suppliers_ / 2;) {
        int64_t key = random.Uniform(1, suppliers_);
        if (special[key] == 0) special[key] = kind, ++placed;
      }
    }
    TableWriter out(out_ / "supplier.tbl");
    std::string comment;
    for (int64_t key = 1; key <= suppliers_; ++key) {
      int64_t nation = random.Uniform(0, 24);
      out.Int(key);
      out.Numbered("Supplier", key);
      out.Str(VString(random, 10, 40));
      out.Int(nation);
      out.Str(Phone(random, nation));
      out.Money(random.Uniform(-99999, 999999));
      if (special[key] == 0) {
        out.Str(pool_.Text(random, 25, 100));
      } else {
        std::string_view last = special[key] == 'C' ? "Complaints" : "Recommends";
        int64_t filler = random.Uniform(25, 100) - 10 - static_cast<int64_t>(last.size());
        int64_t before = random.Uniform(0, filler), between = random.Uniform(0, filler - before);
        comment.assign(pool_.Text(random, before, before));
        comment.append(" Customer ");
        comment.append(pool_.Text(random, between, between));
        comment.append(last);
        comment.append(pool_.Text(random, filler - before - between, filler - before - between));
        out.Str(comment);
      }
      out.EndRow();
    }
  }

  void WritePartAndPartsupp() {
    Random random(3);
    TableWriter part(out_ / "part.tbl");
    TableWriter partsupp(out_ / "partsupp.tbl");
    std::string name;
    for (int64_t key = 1; key <= parts_; ++key) {
      int64_t mfgr = random.Uniform(1, 5);
      part.Int(key);
      part.Str(PartName(random, name));
      part.Str("Manufacturer#" + std::to_string(mfgr));
      part.Str("Brand#" + std::to_string(mfgr * 10 + random.Uniform(1, 5)));
      name.assign(random.Pick(kTypeSyllable1)).append(" ").append(random.Pick(kTypeSyllable2));
      part.Str(name.append(" ").append(random.Pick(kTypeSyllable3)));
      part.Int(random.Uniform(1, 50));
      name.assign(random.Pick(kContainerSyllable1)).append(" ").append(random.Pick(kContainerSyllable2));
      part.Str(name);
      part.Money(RetailPrice(key));
      part.Str(pool_.Text(random, 5, 22));
      part.EndRow();
      for (int i = 0; i < 4; ++i) {
        partsupp.Int(key);
        partsupp.Int(PartSupplier(key, i));
        partsupp.Int(random.Uniform(1, 9999));
        partsupp.Money(random.Uniform(100, 100000));
        partsupp.Str(pool_.Text(random, 49, 198));
        partsupp.EndRow();
      }
    }
  }

  void WriteCustomer() {
    Random random(4);
    TableWriter out(out_ / "customer.tbl");
    for (int64_t key = 1; key <= customers_; ++key) {
      int64_t nation = random.Uniform(0, 24);
      out.Int(key);
      out.Numbered("Customer", key);
      out.Str(VString(random, 10, 40));
      out.Int(nation);
      out.Str(Phone(random, nation));
      out.Money(random.Uniform(-99999, 999999));
      out.Str(random.Pick(kSegments));
      out.Str(pool_.Text(random, 29, 116));
      out.EndRow();
    }
  }

  void WriteOrdersAndLineitem() {
    Random random(5);
    TableWriter orders(out_ / "orders.tbl");
    TableWriter lineitem(out_ / "lineitem.tbl");
    for (int64_t i = 1; i <= orders_; ++i) {
      int64_t key = (i >> 3 << 5) | (i & 7);  // Spec 4.2.3: only 8 of every 32 keys are used.
      int64_t customer;
      do customer = random.Uniform(1, customers_);
      while (customer % 3 == 0 && customers_ >= 3);  // A third of the customers never order.
      int order_date = static_cast<int>(random.Uniform(0, kEndDate - 151));
      int64_t total_cents = 0;
      int shipped = 0, lines = static_cast<int>(random.Uniform(1, 7));
      for (int line = 1; line <= lines; ++line) {
        int64_t part = random.Uniform(1, parts_);
        int64_t quantity = random.Uniform(1, 50);
        int64_t price = quantity * RetailPrice(part);
        int64_t discount = random.Uniform(0, 10), tax = random.Uniform(0, 8);
        int ship_date = order_date + static_cast<int>(random.Uniform(1, 121));
        int commit_date = order_date + static_cast<int>(random.Uniform(30, 90));
        int receipt_date = ship_date + static_cast<int>(random.Uniform(1, 30));
        total_cents += (price * (100 + tax) * (100 - discount) + 5000) / 10000;
        shipped += ship_date <= kCurrentDate;
        lineitem.Int(key);
        lineitem.Int(part);
        lineitem.Int(PartSupplier(part, static_cast<int>(random.Uniform(0, 3))));
        lineitem.Int(line);
        lineitem.Int(quantity);
        lineitem.Money(price);
        lineitem.Money(discount);
        lineitem.Money(tax);
        lineitem.Char(receipt_date <= kCurrentDate ? (random.Uniform(0, 1) ? 'R' : 'A') : 'N');
        lineitem.Char(ship_date > kCurrentDate ? 'O' : 'F');
        lineitem.Str(dates_[ship_date]);
        lineitem.Str(dates_[commit_date]);
        lineitem.Str(dates_[receipt_date]);
        lineitem.Str(random.Pick(kInstructions));
        lineitem.Str(random.Pick(kShipModes));
        lineitem.Str(pool_.Text(random, 10, 43));
        lineitem.EndRow();
      }
      orders.Int(key);
      orders.Int(customer);
      orders.Char(shipped == lines ? 'F' : shipped == 0 ? 'O' : 'P');
      orders.Money(total_cents);
      orders.Str(dates_[order_date]);
      orders.Str(random.Pick(kPriorities));
      orders.Numbered("Clerk", random.Uniform(1, clerks_));
      orders.Int(0);
      orders.Str(pool_.Text(random, 19, 78));
      orders.EndRow();
    }
  }

 private:
  int64_t Scaled(int64_t rows) const { return std::max<int64_t>(1, std::llround(sf_ * rows)); }

  /// Spec 4.2.3: p_retailprice in cents.
  static int64_t RetailPrice(int64_t part) { return 90000 + (part / 10) % 20001 + 100 * (part % 1000); }

  /// Spec 4.2.3: the i-th (0..3) supplier of a part.
  int64_t PartSupplier(int64_t part, int i) const {
    int64_t s = suppliers_;
    return (part + i * (s / 4 + (part - 1) / s)) % s + 1;
  }

  /// Spec 4.2.2.9: "CC-LLL-LLL-LLLL" with country code nationkey + 10.
  static std::string_view Phone(Random& random, int64_t nation) {
    static char phone[64];
    std::snprintf(phone, sizeof(phone), "%02d-%03d-%03d-%04d", static_cast<int>(nation + 10),
                  static_cast<int>(random.Uniform(100, 999)), static_cast<int>(random.Uniform(100, 999)),
                  static_cast<int>(random.Uniform(1000, 9999)));
    return phone;
  }

  /// Spec 4.2.2.7: random alphanumeric string of length uniform in [min_length, max_length].
  static std::string_view VString(Random& random, int min_length, int max_length) {
    static constexpr std::string_view kAlphabet =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,.";
    static char s[64];
    int64_t length = random.Uniform(min_length, max_length);
    for (int64_t i = 0; i < length; ++i) s[i] = kAlphabet[random.Uniform(0, kAlphabet.size() - 1)];
    return std::string_view(s, length);
  }

  /// Five distinct color words separated by spaces.
  static const std::string& PartName(Random& random, std::string& name) {
    int picked[5];
    name.clear();
    for (int i = 0; i < 5; ++i) {
      bool repeated;
      do {
        picked[i] = static_cast<int>(random.Uniform(0, kColors.size() - 1));
        repeated = false;
        for (int j = 0; j < i; ++j) repeated |= picked[j] == picked[i];
      } while (repeated);
      if (i > 0) name.push_back(' ');
      name.append(kColors[picked[i]]);
    }
    return name;
  }

  std::filesystem::path out_;
  double sf_;
  int64_t parts_, suppliers_, customers_, orders_, clerks_;
  TextPool pool_;
  std::vector<std::string> dates_;
};

int Main(int argc, char** argv) {
  double sf = 1;
  std::string out = ".";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--sf" && i + 1 < argc) {
      sf = std::atof(argv[++i]);
    } else if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else {
      std::fprintf(stderr, "usage: dbgen --sf SCALE_FACTOR --out DIR\n");
      return 2;
    }
  }
  if (!(sf > 0)) {
    std::fprintf(stderr, "dbgen: --sf must be positive\n");
    return 2;
  }
  std::filesystem::create_directories(out);
  Generator generator(sf, out);
  generator.WriteRegionAndNation();
  generator.WriteSupplier();
  generator.WritePartAndPartsupp();
  generator.WriteCustomer();
  generator.WriteOrdersAndLineitem();
  return 0;
}

}  // namespace
}  // namespace basin::bench

int main(int argc, char** argv) {
  return basin::bench::Main(argc, argv);
}
