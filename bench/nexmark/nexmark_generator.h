#pragma once

// The Nexmark event generator (persons, auctions, bids), following the Nexmark specification as its Flink
// implementation (nexmark-flink's NexmarkGenerator and GeneratorConfig) defines it:
//
// - Event n is a person, an auction or a bid in the proportions 1 : 3 : 46 of every 50 events.
// - Ids are dense: the k-th person has id 1000 + k, the k-th auction 1000 + k. A new auction's seller and a
//   bid's bidder are people that exist (mostly among the last 1,000, a few not created yet); a bid's auction
//   is one of the last 100 auctions (a few not created yet). Hot items: half the bids go to one auction of
//   each hundred, three quarters of sellers and bidders are one person of each hundred.
// - Prices are 100 * 10^U(0, 6) cents rounded (log-uniform, 1 dollar to 1 million); an auction's reserve is
//   its initial bid plus another such price; categories 10..14; an auction expires within about twice the
//   event-time span of 100 auctions.
// - Events have the average sizes 200 (person), 500 (auction) and 100 (bid) bytes, padded by `extra`.
// - Event n's time is base + n / rate; each event draws from its own random sequence seeded by n, so any
//   range of events is generated alone, the same every time.
//
// The values are written as the JSON records of Basin's topics person, auction and bid, times in milliseconds
// since the epoch (what a JSON TIMESTAMP column reads).

#include <cstdint>
#include <string>

namespace basin::nexmark {

enum class EventKind { kPerson, kAuction, kBid };

struct GeneratorConfig {
  int64_t base_time_ms = 1'700'000'000'000;
  double events_per_second = 10'000'000;  ///< of event time: nexmark-flink's default rate
};

class NexmarkGenerator {
 public:
  static constexpr int64_t kPersonProportion = 1, kAuctionProportion = 3, kBidProportion = 46;
  static constexpr int64_t kTotalProportion = kPersonProportion + kAuctionProportion + kBidProportion;
  static constexpr int64_t kFirstPersonId = 1000, kFirstAuctionId = 1000, kFirstCategoryId = 10;

  explicit NexmarkGenerator(GeneratorConfig config = {}) : config_(config) {}

  static EventKind KindOf(int64_t event_id);
  /// Event `event_id`'s time by the configured rate.
  int64_t TimestampMs(int64_t event_id) const;
  /// Append event `event_id`'s JSON value to `out`, with event time `time_ms` (TimestampMs, or the wall
  /// clock when events are generated live); returns its kind.
  EventKind Generate(int64_t event_id, int64_t time_ms, std::string& out) const;

  /// The number of persons and auctions created by the events before `event_id` (the last ids, base 0).
  static int64_t LastBase0PersonId(int64_t event_id);
  static int64_t LastBase0AuctionId(int64_t event_id);

 private:
  class Random;
  void Person(int64_t event_id, int64_t time_ms, Random& random, std::string& out) const;
  void Auction(int64_t event_id, int64_t time_ms, Random& random, std::string& out) const;
  void Bid(int64_t event_id, int64_t time_ms, Random& random, std::string& out) const;
  static int64_t NextBase0PersonId(int64_t event_id, Random& random);
  static int64_t NextBase0AuctionId(int64_t event_id, Random& random);

  GeneratorConfig config_;
};

}  // namespace basin::nexmark
