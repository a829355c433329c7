#include "live/verify.h"

#include <array>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/file_read.h"
#include "live/control.h"
#include "sim/net/link.h"

namespace callsim::live {
namespace net = sim::net;

FateLog read_fate_log(const std::filesystem::path& path) {
  require_regular_file(path.string(), "fate log");  // streamed: a long call's log may be large
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "", "cannot open the fate log");
  FateLog log;
  log.file = path.string();
  std::string line, error;
  bool header = false;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string where = "line " + std::to_string(number);
    if (line.starts_with(net::kFateLogControlPrefix)) {
      auto c = net::parse_control_line(line, error);
      if (!c) throw InputError(path.string(), where, error);
      log.controls.push_back(*c);
    } else if (line.empty() || line.front() == '#') {
      continue;
    } else if (!header) {
      if (line != net::kFateLogHeader)
        throw InputError(path.string(), where, "expected the header \"" + std::string(net::kFateLogHeader) + "\"");
      header = true;
    } else {
      auto r = net::parse_fate_line(line, error);
      if (!r) throw InputError(path.string(), where, error);
      log.records.push_back(std::move(*r));
    }
  }
  if (!header) throw InputError(path.string(), "", "not a fate log (no header line)");
  return log;
}

namespace {

std::string describe(const net::FateRecord& r) {
  std::string s = "index " + std::to_string(r.index) + (r.duplicate ? " (duplicate)" : "") + ": " + net::fate_name(r.fate);
  if (!r.due.is_infinite()) {
    s += " due ";
    net::append_exact_ms(s, r.due.ns());
    s += " ms";
  }
  return s + (r.corrupted ? " corrupted" : "");
}

bool same(const net::FateRecord& r, const net::Delivery& d) {
  return r.fate == d.cause && r.duplicate == d.duplicate && r.corrupted == d.corrupted &&
         (r.fate != net::DropCause::kNone || r.due == d.arrival);
}

}  // namespace

VerifyOutcome verify_fate_log(const FateLog& log, const net::LinkConfig& config, uint64_t seed,
                              const std::string& link_name) {
  net::Link link(config, seed, link_name);
  VerifyOutcome out;
  std::vector<net::Delivery> deliveries;
  size_t next_control = 0, i = 0;
  auto mismatch = [&](const std::string& text) {
    ++out.mismatches;
    if (out.first_mismatches.size() < 10) out.first_mismatches.push_back(text);
  };
  while (i < log.records.size()) {
    const net::FateRecord& first = log.records[i];
    while (next_control < log.controls.size() && log.controls[next_control].index <= first.index) {
      const net::FateControl& c = log.controls[next_control++];
      std::string error;
      const auto command = parse_link_command(c.command, error);
      if (!command) throw InputError(log.file, "control index=" + std::to_string(c.index), error);
      if (c.time < link.last_send_time())
        throw InputError(log.file, "control index=" + std::to_string(c.index), "time goes backwards");
      const std::string failed = apply_link_command(*command, link, c.time);
      if (!failed.empty()) mismatch("control '" + c.command + "': " + failed);
    }
    if (first.arrival < link.last_send_time())
      throw InputError(log.file, "index " + std::to_string(first.index), "arrival time goes backwards");
    deliveries.clear();
    link.send(first.arrival, {first.index, first.size_bytes}, deliveries);
    ++out.packets;
    size_t k = 0;
    for (; i < log.records.size() && log.records[i].index == first.index; ++i, ++k) {
      ++out.copies;
      if (k >= deliveries.size()) {
        mismatch(describe(log.records[i]) + " — the model made no such copy");
      } else if (!same(log.records[i], deliveries[k])) {
        net::FateRecord model = log.records[i];
        model.fate = deliveries[k].cause;
        model.due = deliveries[k].arrival;
        model.duplicate = deliveries[k].duplicate;
        model.corrupted = deliveries[k].corrupted;
        mismatch(describe(log.records[i]) + " — the model says " + describe(model));
      }
    }
    if (k < deliveries.size()) mismatch("index " + std::to_string(first.index) + ": the model made another copy");
  }
  return out;
}

std::vector<std::string> compare_with_record(const FateLog& log, const JsonNode& recorded) {
  std::vector<std::string> out;
  auto compare = [&](const std::string& what, uint64_t in_log, const JsonNode& node) {
    const uint64_t expected = node.unsigned_integer();
    if (in_log != expected)
      out.push_back(what + ": " + std::to_string(in_log) + " in the log, " + std::to_string(expected) + " recorded");
  };
  uint64_t packets = 0, duplicates = 0, released = 0, send_errors = 0, forgotten = 0, stopped = 0, other = 0;
  std::array<uint64_t, net::kDropCauseCount> fates{};
  for (size_t i = 0; i < log.records.size(); ++i) {
    const net::FateRecord& r = log.records[i];
    const bool new_packet = i == 0 || r.index != log.records[i - 1].index;
    if (new_packet && r.index != packets) {
      out.push_back("packet indices: " + std::to_string(r.index) + " where " + std::to_string(packets) +
                    " was next (lines missing or out of order)");
      return out;
    }
    packets += new_packet;
    duplicates += r.duplicate;
    ++fates[static_cast<size_t>(r.fate)];
    if (r.fate != net::DropCause::kNone) continue;
    if (!r.release.is_infinite()) {
      ++released;
    } else if (r.note.starts_with("send_error")) {
      ++send_errors;
    } else if (r.note == "destination_forgotten") {
      ++forgotten;
    } else if (r.note == "stopped") {
      ++stopped;
    } else {
      ++other;
    }
  }
  compare("packets", packets, recorded.at("packets"));
  compare("duplicates", duplicates, recorded.at("duplicates"));
  const JsonNode recorded_fates = recorded.at("fates");
  for (size_t c = 0; c < net::kDropCauseCount; ++c) {
    const auto cause = static_cast<net::DropCause>(c);
    const char* name = net::fate_name(cause);
    // relay.json names the model's "delivered" verdict delivered_by_model (not all were sent).
    compare(std::string("copies ") + name, fates[c],
            recorded_fates.at(cause == net::DropCause::kNone ? "delivered_by_model" : name));
  }
  compare("copies released", released, recorded.at("released"));
  compare("delivered copies not sent (send_error)", send_errors, recorded.at("send_errors"));
  compare("delivered copies not sent (destination_forgotten)", forgotten, recorded.at("destination_forgotten"));
  compare("delivered copies not sent (stopped)", stopped, recorded.at("cut_off_by_stop"));
  if (other > 0)
    out.push_back("delivered copies not sent: " + std::to_string(other) + " with a note that is none of " +
                  "send_error:..., destination_forgotten, stopped");
  return out;
}

}  // namespace callsim::live
