// The fate log of one link direction of a live relay (src/live): one CSV line per copy of every
// packet the relay gave to the link — arrival (link time), size, the link's fate and due time, and
// when the relay actually released it — plus comment lines for run-time control. It is the record
// from which a live call is reproduced: the same link, seed and arrival sequence give the same
// fates (`callsim relay verify`), and a scenario link accepts it as a per-packet trace
// ({"trace": {"file": "...fates.csv"}}, read by scenario::read_packet_trace) so `callsim run`
// replays what the live endpoints went through. Times are exact: milliseconds with 6 decimals
// (integer nanoseconds), never floating point.
//
//   # callsim relay fate log            (comment lines start with '#')
//   index,arrival_ms,size_bytes,rtp_seq,fate,due_ms,release_ms,duplicate,corrupted,note
//   0,0.000000,172,4711,delivered,41.250000,41.262113,0,0,
//   1,20.001250,172,4712,random_loss,,,0,0,
//   #control index=2 t_ms=25.000000 loss 0.05
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/net/link.h"
#include "sim/time.h"

namespace callsim::sim::net {

inline constexpr std::string_view kFateLogHeader =
    "index,arrival_ms,size_bytes,rtp_seq,fate,due_ms,release_ms,duplicate,corrupted,note";
inline constexpr std::string_view kFateLogControlPrefix = "#control ";

struct FateRecord {
  uint64_t index = 0;  // position in the direction's arrival sequence (0, 1, ...); copies share it
  Timestamp arrival;   // link time the packet was given to Link::send
  int64_t size_bytes = 0;
  int32_t rtp_seq = -1;                      // RTP sequence number, -1 when the datagram is not RTP
  DropCause fate = DropCause::kNone;         // kNone = delivered ("delivered" in the file)
  Timestamp due = Timestamp::infinite();     // the link's arrival time; infinite when dropped
  Timestamp release = Timestamp::infinite(); // when the relay sent it (link time); infinite if not sent
  bool duplicate = false, corrupted = false;
  std::string note;  // why a delivered copy was not sent ("send_error:ECONNREFUSED", "stopped", ...)
};

// A control line: before the packet with `index` was sent, at link time `time`, `command` applied.
struct FateControl {
  uint64_t index = 0;
  Timestamp time;
  std::string command;
};

// Exact decimal milliseconds of a nanosecond count ("-1.000001" for -1000001 ns).
void append_exact_ms(std::string& out, int64_t ns);
// Parses what append_exact_ms writes (up to 9 decimals; more is an error); nullopt when malformed.
std::optional<int64_t> parse_exact_ms(std::string_view text);

// Appends one record as a CSV line (with '\n').
void append_fate_line(std::string& out, const FateRecord& r);
void append_control_line(std::string& out, const FateControl& c);

// Parses one record line; on failure returns nullopt and sets `error` (which field, why).
std::optional<FateRecord> parse_fate_line(std::string_view line, std::string& error);
// Parses a line starting with kFateLogControlPrefix.
std::optional<FateControl> parse_control_line(std::string_view line, std::string& error);

const char* fate_name(DropCause cause);  // "delivered" for kNone, else to_string(cause)

}  // namespace callsim::sim::net
