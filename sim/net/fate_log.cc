#include "sim/net/fate_log.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <vector>

namespace callsim::sim::net {
namespace {

constexpr size_t kFields = 10;

// Splits on ',' into exactly kFields fields; false when the count differs.
bool split_fields(std::string_view line, std::array<std::string_view, kFields>& f) {
  size_t n = 0, start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    if (n == kFields) return false;
    f[n++] = line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return n == kFields;
}

template <typename T>
bool parse_int(std::string_view s, T& out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_flag(std::string_view s, bool& out) {
  if (s != "0" && s != "1") return false;
  out = s == "1";
  return true;
}

std::optional<DropCause> parse_fate(std::string_view s) {
  if (s == "delivered") return DropCause::kNone;
  for (size_t c = 1; c < kDropCauseCount; ++c)
    if (s == to_string(static_cast<DropCause>(c))) return static_cast<DropCause>(c);
  return std::nullopt;
}

// An optional time field: empty = infinite.
bool parse_time(std::string_view s, Timestamp& out) {
  if (s.empty()) {
    out = Timestamp::infinite();
    return true;
  }
  const auto ns = parse_exact_ms(s);
  if (!ns) return false;
  out = Timestamp::from_ns(*ns);
  return true;
}

}  // namespace

const char* fate_name(DropCause cause) { return cause == DropCause::kNone ? "delivered" : to_string(cause); }

void append_exact_ms(std::string& out, int64_t ns) {
  char buf[40];
  const bool negative = ns < 0;
  const uint64_t a = negative ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  const int n = std::snprintf(buf, sizeof buf, "%s%llu.%06llu", negative ? "-" : "",
                              static_cast<unsigned long long>(a / 1000000),
                              static_cast<unsigned long long>(a % 1000000));
  out.append(buf, static_cast<size_t>(n));
}

std::optional<int64_t> parse_exact_ms(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 9)) return std::nullopt;
  int64_t ms = 0, part = 0;
  if (!parse_int(whole, ms) || ms > INT64_MAX / 1000000 - 1) return std::nullopt;
  if (!frac.empty() && (frac.front() == '+' || frac.front() == '-' || !parse_int(frac, part)))
    return std::nullopt;
  // Fraction digits to nanoseconds: "5" = 0.5 ms = 500000 ns; beyond 6 digits: sub-nanosecond
  // digits must be zero.
  int64_t frac_ns = part;
  for (size_t d = frac.size(); d < 6; ++d) frac_ns *= 10;
  for (size_t d = 6; d < frac.size(); ++d) {
    if (frac_ns % 10 != 0) return std::nullopt;
    frac_ns /= 10;
  }
  const int64_t ns = ms * 1000000 + frac_ns;
  return negative ? -ns : ns;
}

void append_fate_line(std::string& out, const FateRecord& r) {
  out += std::to_string(r.index);
  out += ',';
  append_exact_ms(out, r.arrival.ns());
  out += ',';
  out += std::to_string(r.size_bytes);
  out += ',';
  if (r.rtp_seq >= 0) out += std::to_string(r.rtp_seq);
  out += ',';
  out += fate_name(r.fate);
  out += ',';
  if (!r.due.is_infinite()) append_exact_ms(out, r.due.ns());
  out += ',';
  if (!r.release.is_infinite()) append_exact_ms(out, r.release.ns());
  out += r.duplicate ? ",1" : ",0";
  out += r.corrupted ? ",1," : ",0,";
  out += r.note;
  out += '\n';
}

void append_control_line(std::string& out, const FateControl& c) {
  out += kFateLogControlPrefix;
  out += "index=" + std::to_string(c.index) + " t_ms=";
  append_exact_ms(out, c.time.ns());
  out += ' ';
  for (char ch : c.command) out += (ch == '\n' || ch == '\r') ? ' ' : ch;
  out += '\n';
}

std::optional<FateRecord> parse_fate_line(std::string_view line, std::string& error) {
  std::array<std::string_view, kFields> f;
  if (!split_fields(line, f)) {
    error = "expected 10 comma-separated fields (" + std::string(kFateLogHeader) + ")";
    return std::nullopt;
  }
  FateRecord r;
  int64_t arrival_ns = 0;
  if (!parse_int(f[0], r.index)) error = "index: expected an unsigned integer";
  else if (auto ns = parse_exact_ms(f[1]); !ns || *ns < 0) error = "arrival_ms: expected a time >= 0";
  else if (arrival_ns = *ns; !parse_int(f[2], r.size_bytes) || r.size_bytes < 0)
    error = "size_bytes: expected an integer >= 0";
  else if (!f[3].empty() && (!parse_int(f[3], r.rtp_seq) || r.rtp_seq < 0 || r.rtp_seq > 65535))
    error = "rtp_seq: expected empty or 0..65535";
  else if (auto fate = parse_fate(f[4]); !fate) error = "fate: expected delivered or a drop cause";
  else if (r.fate = *fate; !parse_time(f[5], r.due)) error = "due_ms: expected empty or a time";
  else if (!parse_time(f[6], r.release)) error = "release_ms: expected empty or a time";
  else if (!parse_flag(f[7], r.duplicate)) error = "duplicate: expected 0 or 1";
  else if (!parse_flag(f[8], r.corrupted)) error = "corrupted: expected 0 or 1";
  else if ((r.fate == DropCause::kNone) == r.due.is_infinite())
    error = "due_ms: must be given exactly when the fate is delivered";
  else {
    r.arrival = Timestamp::from_ns(arrival_ns);
    r.note = std::string(f[9]);
    return r;
  }
  return std::nullopt;
}

std::optional<FateControl> parse_control_line(std::string_view line, std::string& error) {
  if (!line.starts_with(kFateLogControlPrefix)) {
    error = "expected \"#control index=N t_ms=T COMMAND\"";
    return std::nullopt;
  }
  line.remove_prefix(kFateLogControlPrefix.size());
  FateControl c;
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  const std::string_view index = line.substr(0, sp1);
  const std::string_view time = sp1 == std::string_view::npos ? std::string_view() : line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (!index.starts_with("index=") || !parse_int(index.substr(6), c.index)) {
    error = "control: expected index=N";
    return std::nullopt;
  }
  const auto ns = time.starts_with("t_ms=") ? parse_exact_ms(time.substr(5)) : std::nullopt;
  if (!ns || *ns < 0 || sp2 == std::string_view::npos) {
    error = "control: expected t_ms=T and a command";
    return std::nullopt;
  }
  c.time = Timestamp::from_ns(*ns);
  c.command = std::string(line.substr(sp2 + 1));
  return c;
}

}  // namespace callsim::sim::net
