// Readers of the trace files a link can replay: per-packet delay/loss CSV and Mahimahi
// delivery-opportunity schedules. Errors name the file and "byte N (line L)".
#include <cmath>

#include "common/error.h"
#include "common/file_read.h"
#include "common/text_parse.h"
#include "sim/random.h"
#include "scenario/link_json.h"
#include "sim/net/fate_log.h"

namespace callsim::scenario {
namespace net = sim::net;
namespace {

using Line = ContentLine;

// Values a trace may hold (README.md, "Limits"): delays up to a minute, times up to a day.
constexpr double kMaxTraceDelayMs = 60000.0;
constexpr double kMaxTraceTimeMs = 86400000.0;

[[noreturn]] void fail_at(const std::string& path, const Line& l, const std::string& message) {
  throw InputError(path, location(l), message);
}

// A live relay's fate log (sim/net/fate_log.h) as an index trace: each original copy's fate, its
// delay = due - arrival (the link's whole delay, queueing included); duplicate copies are skipped.
std::shared_ptr<const net::PacketTrace> fate_log_trace(const std::string& path, const std::vector<Line>& lines) {
  auto trace = std::make_shared<net::PacketTrace>();
  trace->file = path;
  trace->key = net::PacketTrace::Key::kIndex;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string error;
    const auto r = net::parse_fate_line(lines[i].text, error);
    if (!r) fail_at(path, lines[i], error);
    if (r->duplicate) continue;
    if (r->index != trace->entries.size())
      fail_at(path, lines[i], "expected packet index " + std::to_string(trace->entries.size()));
    net::PacketTraceEntry e;
    e.key = static_cast<int64_t>(r->index);
    e.lost = r->fate != net::DropCause::kNone;
    if (!e.lost) e.delay = r->due - r->arrival;
    if (!e.lost && !(e.delay >= sim::Duration::zero() && e.delay.to_ms() <= kMaxTraceDelayMs))
      fail_at(path, lines[i], "due_ms - arrival_ms must be a delay of 0 to 60000 ms");
    trace->entries.push_back(e);
  }
  if (trace->entries.empty()) throw InputError(path, "", "the fate log has a header but no packets");
  return trace;
}

}  // namespace

// The parsers build the trace as a mutable object; the readers add the hash of the bytes they read
// (the trace's part of the scenario fingerprint) before anyone else holds it.
std::shared_ptr<const net::PacketTrace> read_packet_trace(const std::string& path) {
  const std::string text = read_regular_file(path, kMaxTraceFileBytes, "trace file");
  auto trace = std::const_pointer_cast<net::PacketTrace>(parse_packet_trace(text, path));
  trace->content_hash = sim::stable_hash(text);
  return trace;
}

std::shared_ptr<const net::DeliveryTrace> read_delivery_trace(const std::string& path) {
  const std::string text = read_regular_file(path, kMaxTraceFileBytes, "trace file");
  auto trace = std::const_pointer_cast<net::DeliveryTrace>(parse_delivery_trace(text, path));
  trace->content_hash = sim::stable_hash(text);
  return trace;
}

std::shared_ptr<const net::PacketTrace> parse_packet_trace(const std::string& text, const std::string& path) {
  const auto lines = content_lines(text, kMaxTraceEntries + 2);
  if (lines.size() > kMaxTraceEntries + 1)
    fail_at(path, lines[kMaxTraceEntries + 1], "more than " + std::to_string(kMaxTraceEntries) + " packets");
  if (lines.empty())
    throw InputError(path, "",
                     "empty trace: expected a header \"index,delay_ms\" or \"send_time_ms,delay_ms\"");
  if (lines[0].text == net::kFateLogHeader) return fate_log_trace(path, lines);
  auto trace = std::make_shared<net::PacketTrace>();
  trace->file = path;
  if (lines[0].text == "index,delay_ms") {
    trace->key = net::PacketTrace::Key::kIndex;
  } else if (lines[0].text == "send_time_ms,delay_ms") {
    trace->key = net::PacketTrace::Key::kSendTime;
  } else {
    fail_at(path, lines[0], "expected the header \"index,delay_ms\" or \"send_time_ms,delay_ms\"");
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const Line& l = lines[i];
    const size_t comma = l.text.find(',');
    if (comma == std::string_view::npos) fail_at(path, l, "expected \"<key>,<delay_ms or lost>\"");
    const std::string_view key = l.text.substr(0, comma), value = l.text.substr(comma + 1);
    net::PacketTraceEntry e;
    if (trace->key == net::PacketTrace::Key::kIndex) {
      if (!parse_whole_number(key, e.key) || e.key != static_cast<int64_t>(trace->entries.size()))
        fail_at(path, l, "expected packet index " + std::to_string(trace->entries.size()));
    } else {
      double ms = 0;
      if (!parse_whole_number(key, ms) || !(ms >= 0 && ms <= kMaxTraceTimeMs))
        fail_at(path, l, "expected a send time in ms (0 to 86400000)");
      e.key = sim::Duration::from_ms(ms).ns();
      if (!trace->entries.empty() && e.key <= trace->entries.back().key)
        fail_at(path, l, "send times must increase");
    }
    if (value == "lost") {
      e.lost = true;
    } else {
      double ms = 0;
      if (!parse_whole_number(value, ms) || !(ms >= 0 && ms <= kMaxTraceDelayMs))
        fail_at(path, l, "expected a delay in ms (0 to 60000) or \"lost\"");
      e.delay = sim::Duration::from_ms(ms);
    }
    trace->entries.push_back(e);
  }
  if (trace->entries.empty()) throw InputError(path, "", "the trace has a header but no packets");
  return trace;
}

std::shared_ptr<const net::DeliveryTrace> parse_delivery_trace(const std::string& text,
                                                               const std::string& path) {
  auto trace = std::make_shared<net::DeliveryTrace>();
  trace->file = path;
  int64_t previous = 0;
  const auto lines = content_lines(text, kMaxTraceEntries + 1);
  if (lines.size() > kMaxTraceEntries)
    fail_at(path, lines[kMaxTraceEntries], "more than " + std::to_string(kMaxTraceEntries) + " timestamps");
  for (const Line& l : lines) {
    int64_t ms = 0;
    if (!parse_whole_number(l.text, ms) || ms < 0 || ms > static_cast<int64_t>(kMaxTraceTimeMs))
      fail_at(path, l, "expected a millisecond timestamp (integer, 0 to 86400000)");
    if (ms < previous) fail_at(path, l, "timestamps must not decrease");
    previous = ms;
    trace->opportunities.push_back(sim::Duration::millis(ms));
  }
  if (trace->opportunities.empty()) throw InputError(path, "", "empty Mahimahi trace");
  if (previous == 0) throw InputError(path, "", "the trace must last longer than 0 ms (last timestamp > 0)");
  return trace;
}

}  // namespace callsim::scenario
