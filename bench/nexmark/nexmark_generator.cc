#include "nexmark_generator.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace basin::nexmark {

namespace {

constexpr int64_t kNumActivePeople = 1000;   // sellers and bidders are mostly among the last 1,000 people
constexpr int64_t kPersonIdLead = 10;        // ... and a few not created yet
constexpr int64_t kNumInFlightAuctions = 100;
constexpr int64_t kAuctionIdLead = 10;
constexpr int64_t kNumCategories = 5;
constexpr int64_t kHotAuctionRatio = 100, kHotSellerRatio = 100, kHotBidderRatio = 100;
// nexmark-flink's configuration: 1 in 2 bids to a hot auction, 1 in 4 sellers and bidders not hot.
constexpr int64_t kHotAuctionsOneIn = 2, kHotSellersOneIn = 4, kHotBiddersOneIn = 4, kHotChannelsOneIn = 2;
constexpr int64_t kChannels = 10000;
constexpr size_t kPersonBytes = 200, kAuctionBytes = 500, kBidBytes = 100;

constexpr const char* kStates[] = {"AZ", "CA", "ID", "OR", "WA", "WY"};
constexpr const char* kCities[] = {"Phoenix",  "Los Angeles", "San Francisco", "Boise", "Portland",
                                   "Bend",     "Redmond",     "Seattle",       "Kent",  "Cheyenne"};
constexpr const char* kFirstNames[] = {"Peter", "Paul",  "Luke",  "John",   "Saul",  "Vicky",
                                       "Kate",  "Julie", "Sarah", "Deiter", "Walter"};
constexpr const char* kLastNames[] = {"Shultz", "Abrams", "Spencer", "White", "Bartels",
                                      "Walton", "Smith",  "Jones",   "Noris"};
constexpr const char* kHotChannels[] = {"Google", "Facebook", "Baidu", "Apple"};

template <class T, size_t N>
constexpr int64_t Count(const T (&)[N]) {
  return static_cast<int64_t>(N);
}

/// A JSON string without characters to escape (the generator's strings are letters, digits and spaces).
void AppendField(std::string& out, const char* name, const std::string& value) {
  out += '"';
  out += name;
  out += "\":\"";
  out += value;
  out += "\",";
}

void AppendField(std::string& out, const char* name, int64_t value) {
  out += '"';
  out += name;
  out += "\":";
  out += std::to_string(value);
  out += ',';
}

}  // namespace

/// Event n's own random sequence (splitmix64 seeded by n): any event can be generated alone.
class NexmarkGenerator::Random {
 public:
  explicit Random(int64_t seed) : state_(static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ULL + 1) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  int64_t Below(int64_t n) { return n <= 1 ? 0 : static_cast<int64_t>(Next() % static_cast<uint64_t>(n)); }
  double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }

  /// Cents: 100 * 10^U(0, 6), rounded.
  int64_t Price() { return std::llround(std::pow(10.0, Unit() * 6) * 100.0); }
  /// Lower-case letters with a space now and then, 3 to max_length - 1 long.
  std::string String(int64_t max_length) { return Exact(3 + Below(max_length - 3)); }
  std::string Exact(int64_t length) {
    std::string s(static_cast<size_t>(length), ' ');
    for (char& c : s) c = Below(13) == 0 ? ' ' : static_cast<char>('a' + Below(26));
    return s;
  }
  /// Padding that brings an event of `current` bytes to `average` bytes on average (within 20%).
  std::string Extra(size_t current, size_t average) {
    if (current > average) return "";
    const int64_t wanted = static_cast<int64_t>(average - current);
    const int64_t delta = std::llround(static_cast<double>(wanted) * 0.2);
    return Exact(wanted - delta + (delta == 0 ? 0 : Below(2 * delta)));
  }

 private:
  uint64_t state_;
};

EventKind NexmarkGenerator::KindOf(int64_t event_id) {
  const int64_t offset = event_id % kTotalProportion;
  if (offset < kPersonProportion) return EventKind::kPerson;
  if (offset < kPersonProportion + kAuctionProportion) return EventKind::kAuction;
  return EventKind::kBid;
}

int64_t NexmarkGenerator::TimestampMs(int64_t event_id) const {
  return config_.base_time_ms +
         static_cast<int64_t>(static_cast<double>(event_id) * 1000.0 / config_.events_per_second);
}

int64_t NexmarkGenerator::LastBase0PersonId(int64_t event_id) {
  const int64_t epoch = event_id / kTotalProportion;
  const int64_t offset = std::min(event_id % kTotalProportion, kPersonProportion - 1);
  return epoch * kPersonProportion + offset;
}

int64_t NexmarkGenerator::LastBase0AuctionId(int64_t event_id) {
  int64_t epoch = event_id / kTotalProportion;
  int64_t offset = event_id % kTotalProportion;
  if (offset < kPersonProportion) {
    epoch--;  // no auction yet in this round: the last of the previous one
    offset = kAuctionProportion - 1;
  } else if (offset >= kPersonProportion + kAuctionProportion) {
    offset = kAuctionProportion - 1;
  } else {
    offset -= kPersonProportion;
  }
  return epoch * kAuctionProportion + offset;
}

int64_t NexmarkGenerator::NextBase0PersonId(int64_t event_id, Random& random) {
  const int64_t people = LastBase0PersonId(event_id) + 1;
  const int64_t active = std::min(people, kNumActivePeople);
  return people - active + random.Below(active + kPersonIdLead);
}

int64_t NexmarkGenerator::NextBase0AuctionId(int64_t event_id, Random& random) {
  const int64_t last = std::max<int64_t>(LastBase0AuctionId(event_id), 0);
  const int64_t first = std::max<int64_t>(last - kNumInFlightAuctions, 0);
  return first + random.Below(last - first + 1 + kAuctionIdLead);
}

EventKind NexmarkGenerator::Generate(int64_t event_id, int64_t time_ms, std::string& out) const {
  Random random(event_id);
  const EventKind kind = KindOf(event_id);
  switch (kind) {
    case EventKind::kPerson:
      Person(event_id, time_ms, random, out);
      break;
    case EventKind::kAuction:
      Auction(event_id, time_ms, random, out);
      break;
    case EventKind::kBid:
      Bid(event_id, time_ms, random, out);
      break;
  }
  return kind;
}

void NexmarkGenerator::Person(int64_t event_id, int64_t time_ms, Random& random, std::string& out) const {
  const std::string name =
      std::string(kFirstNames[random.Below(Count(kFirstNames))]) + " " + kLastNames[random.Below(Count(kLastNames))];
  const std::string email = random.String(7) + "@" + random.String(5) + ".com";
  char card[20];
  std::snprintf(card, sizeof(card), "%04d %04d %04d %04d", static_cast<int>(random.Below(10000)),
                static_cast<int>(random.Below(10000)), static_cast<int>(random.Below(10000)),
                static_cast<int>(random.Below(10000)));
  const std::string city = kCities[random.Below(Count(kCities))];
  const std::string state = kStates[random.Below(Count(kStates))];
  const size_t size = 8 + name.size() + email.size() + 19 + city.size() + state.size() + 8;
  out += '{';
  AppendField(out, "id", LastBase0PersonId(event_id) + kFirstPersonId);
  AppendField(out, "name", name);
  AppendField(out, "emailaddress", email);
  AppendField(out, "creditcard", card);
  AppendField(out, "city", city);
  AppendField(out, "state", state);
  AppendField(out, "datetime", time_ms);
  AppendField(out, "extra", random.Extra(size, kPersonBytes));
  out.back() = '}';
}

void NexmarkGenerator::Auction(int64_t event_id, int64_t time_ms, Random& random, std::string& out) const {
  int64_t seller;
  if (random.Below(kHotSellersOneIn) > 0) {
    seller = (LastBase0PersonId(event_id) / kHotSellerRatio) * kHotSellerRatio;
  } else {
    seller = NextBase0PersonId(event_id, random);
  }
  seller += kFirstPersonId;
  const int64_t category = kFirstCategoryId + random.Below(kNumCategories);
  const int64_t initial_bid = random.Price();
  const int64_t reserve = initial_bid + random.Price();
  // Expires within twice the event time 100 auctions take to be created.
  const int64_t events_for_auctions = kNumInFlightAuctions * kTotalProportion / kAuctionProportion;
  const int64_t horizon_ms = TimestampMs(event_id + events_for_auctions) - TimestampMs(event_id);
  const int64_t expires = time_ms + 1 + random.Below(std::max<int64_t>(horizon_ms * 2, 1));
  const std::string item = random.String(20), description = random.String(100);
  const size_t size = 8 + item.size() + description.size() + 8 * 5;
  out += '{';
  AppendField(out, "id", LastBase0AuctionId(event_id) + kFirstAuctionId);
  AppendField(out, "itemname", item);
  AppendField(out, "description", description);
  AppendField(out, "initialbid", initial_bid);
  AppendField(out, "reserve", reserve);
  AppendField(out, "datetime", time_ms);
  AppendField(out, "expires", expires);
  AppendField(out, "seller", seller);
  AppendField(out, "category", category);
  AppendField(out, "extra", random.Extra(size, kAuctionBytes));
  out.back() = '}';
}

void NexmarkGenerator::Bid(int64_t event_id, int64_t time_ms, Random& random, std::string& out) const {
  int64_t auction, bidder;
  if (random.Below(kHotAuctionsOneIn) > 0) {
    auction = (LastBase0AuctionId(event_id) / kHotAuctionRatio) * kHotAuctionRatio;
  } else {
    auction = NextBase0AuctionId(event_id, random);
  }
  auction += kFirstAuctionId;
  if (random.Below(kHotBiddersOneIn) > 0) {
    bidder = (LastBase0PersonId(event_id) / kHotBidderRatio) * kHotBidderRatio + 1;
  } else {
    bidder = NextBase0PersonId(event_id, random);
  }
  bidder += kFirstPersonId;
  const int64_t price = random.Price();
  std::string channel, url = "https://www.nexmark.com/" + random.String(5) + "/" + random.String(5) + "/" +
                             random.String(5) + "/item.htm?query=1";
  if (random.Below(kHotChannelsOneIn) > 0) {
    channel = kHotChannels[random.Below(Count(kHotChannels))];
  } else {
    const int64_t id = random.Below(kChannels);
    channel = "channel-" + std::to_string(id);
    url += "&channel_id=" + std::to_string(id);
  }
  const size_t size = 8 * 4 + channel.size() + url.size();
  out += '{';
  AppendField(out, "auction", auction);
  AppendField(out, "bidder", bidder);
  AppendField(out, "price", price);
  AppendField(out, "channel", channel);
  AppendField(out, "url", url);
  AppendField(out, "datetime", time_ms);
  AppendField(out, "extra", random.Extra(size, kBidBytes));
  out.back() = '}';
}

}  // namespace basin::nexmark
