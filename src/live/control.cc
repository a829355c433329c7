#include "live/control.h"

#include <cmath>
#include <cstdio>
#include <vector>

#include "common/text_parse.h"

namespace callsim::live {
namespace net = sim::net;
namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool number(std::string_view s, double& out) { return parse_whole_number(s, out) && std::isfinite(out); }

// Text that reads back as the same double: the fate log records a command in this form and
// `callsim relay verify` replays it from there, so it must be the value applied (with only
// "%.10g", "loss 0.0123456789012345" was applied live but logged and replayed as 0.0123456789).
// Ten significant digits where they are exact ("rate 10000000", "loss 0.05"), else 17.
std::string format_number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  double back = 0;
  const std::string_view text(buf);
  if (!parse_whole_number(text, back) || back != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

bool fail(std::string& error, const std::string& message) {
  error = message;
  return false;
}

bool parse_loss(const std::vector<std::string_view>& w, LinkCommand& c, std::string& error) {
  c.kind = LinkCommand::Kind::kLoss;
  if (w.size() != 2) return fail(error, "expected \"loss P\" (0..1, or N%) or \"loss off\"");
  if (w[1] == "off") return true;  // value 0
  std::string_view v = w[1];
  const bool percent = v.ends_with('%');
  if (percent) v.remove_suffix(1);
  if (!number(v, c.value)) return fail(error, "loss: '" + std::string(w[1]) + "' is not a number");
  if (percent) c.value /= 100;
  if (c.value < 0 || c.value > 1) return fail(error, "loss: the probability must be in 0..1 (0..100%)");
  return true;
}

bool parse_kind(const std::vector<std::string_view>& w, LinkCommand& c, std::string& error) {
  if (w.empty()) return fail(error, "empty command");
  const std::string_view verb = w[0];
  if (verb == "loss") return parse_loss(w, c, error);
  if (verb == "clear") {
    c.kind = LinkCommand::Kind::kClear;
    return w.size() == 1 || fail(error, "\"clear\" takes no argument");
  }
  if (verb == "phase") {
    c.kind = LinkCommand::Kind::kPhase;
    if (w.size() != 2) return fail(error, "expected \"phase NAME\"");
    c.phase = std::string(w[1]);
    return true;
  }
  if (verb == "delay") {
    c.kind = LinkCommand::Kind::kDelay;
    double j = 0;
    if (w.size() < 2 || w.size() > 3 || !number(w[1], c.value) || (w.size() == 3 && !number(w[2], j)))
      return fail(error, "expected \"delay BASE_MS [JITTER_MS]\"");
    if (w.size() == 3) c.jitter_ms = j;
    if (c.value < 0 || c.value > 60000 || j < 0 || j > 60000) return fail(error, "delay: 0..60000 ms");
    return true;
  }
  if (verb == "rate" || verb == "outage") {
    c.kind = verb == "rate" ? LinkCommand::Kind::kRate : LinkCommand::Kind::kOutage;
    if (w.size() != 2 || !number(w[1], c.value)) return fail(error, "expected \"" + std::string(verb) + " N\"");
    // The scenario's limits (README.md, "Limits"): a rate below 1 kbit/s would hold a packet for
    // longer than time can count (`rate 0.000000001` overflowed the link's clock).
    if (verb == "rate" && c.value != 0 && !(c.value >= 1 && c.value <= 1e7))
      return fail(error, "rate: 0 (unlimited) or 1..1e7 kbit/s");
    // An outage shorter than kMinOutageMs (1 ms), far below any packet interval, is taken for a
    // mistake ("outage 1e-9" rounded to an empty phase); a day is the longest, as for trace times.
    if (verb == "outage" && !(c.value >= kMinOutageMs && c.value <= 86400000))
      return fail(error, "outage: 1..86400000 ms");
    return true;
  }
  return fail(error, "unknown command '" + std::string(verb) +
                         "' (phase, loss, delay, rate, outage, clear, stats, stop; prefix: call N, dir a->b)");
}

}  // namespace

std::string LinkCommand::text() const {
  switch (kind) {
    case Kind::kPhase:
      return "phase " + phase;
    case Kind::kLoss:
      return "loss " + format_number(value);
    case Kind::kDelay:
      return "delay " + format_number(value) + (jitter_ms ? " " + format_number(*jitter_ms) : "");
    case Kind::kRate:
      return "rate " + format_number(value);
    case Kind::kOutage:
      return "outage " + format_number(value);
    case Kind::kClear:
      return "clear";
  }
  return "";
}

std::optional<LinkCommand> parse_link_command(std::string_view text, std::string& error) {
  LinkCommand c;
  if (!parse_kind(words(text), c, error)) return std::nullopt;
  return c;
}

std::optional<ControlCommand> parse_control(std::string_view line, std::string& error) {
  std::vector<std::string_view> w = words(line);
  ControlCommand c;
  bool call_given = false, dir_given = false;
  auto refuse = [&](const std::string& message) {
    error = message;
    return std::nullopt;
  };
  while (!w.empty() && (w[0] == "call" || w[0] == "dir")) {
    bool& given = w[0] == "call" ? call_given : dir_given;
    if (given) return refuse(std::string(w[0]) + " given twice: one 'call K' and one 'dir D' prefix at most");
    given = true;
    if (w.size() < 2)
      return refuse(w[0] == "call" ? "'call' needs a call number: call K COMMAND"
                                   : "'dir' needs a direction: dir a->b|b->a|both COMMAND");
    if (w[0] == "call") {
      double k = 0;
      if (!number(w[1], k) || k < 0 || k != std::floor(k) || k > 1e6)
        return refuse("call: '" + std::string(w[1]) + "' is not a call number (0, 1, ...)");
      c.call = static_cast<int>(k);
    } else if (w[1] == "a->b" || w[1] == "b->a") {
      c.direction = w[1] == "a->b" ? 0 : 1;
    } else if (w[1] != "both") {
      return refuse("dir: '" + std::string(w[1]) + "' is not a direction (a->b, b->a or both)");
    }
    w.erase(w.begin(), w.begin() + 2);
  }
  if (w.empty() && (call_given || dir_given)) return refuse("no command after the 'call'/'dir' prefix");
  if (!w.empty() && (w[0] == "stats" || w[0] == "stop")) {
    // Both act on the whole relay: a target would be ignored ("call 1 stop" stopped every call).
    if (call_given || dir_given)
      return refuse("'" + std::string(w[0]) + "' applies to the whole relay: it takes no 'call'/'dir' prefix");
    if (w.size() > 1) return refuse("'" + std::string(w[0]) + "' takes no argument");
    c.kind = w[0] == "stats" ? ControlCommand::Kind::kStats : ControlCommand::Kind::kStop;
    return c;
  }
  if (!parse_kind(w, c.link, error)) return std::nullopt;
  return c;
}

std::string apply_link_command(const LinkCommand& c, net::Link& link, sim::Timestamp t) {
  if (c.kind == LinkCommand::Kind::kClear) {
    link.end_added_phases(t);
    return "";
  }
  net::Phase phase;
  phase.name = "control: " + c.text();
  phase.start = t.since_start();
  phase.end = sim::Duration::max();
  const net::LinkModels& now = link.models_at(t);
  switch (c.kind) {
    case LinkCommand::Kind::kPhase: {
      const net::Phase* found = nullptr;
      for (size_t i = 0; i < link.configured_phases(); ++i)
        if (link.phases()[i].name == c.phase) found = &link.phases()[i];
      if (!found) return "the link '" + link.name() + "' has no phase named '" + c.phase + "'";
      const sim::Duration length = found->end - found->start;
      phase = *found;
      phase.through_call_end = false;  // the replay lasts the phase's length, wherever that ends
      phase.start = t.since_start();
      phase.end = length > sim::Duration::max() - phase.start ? sim::Duration::max() : phase.start + length;
      break;
    }
    case LinkCommand::Kind::kLoss:
      phase.loss = net::LossConfig{};
      if (c.value > 0) {
        phase.loss->model = net::LossModel::kBernoulli;
        phase.loss->p = c.value;
      }
      break;
    case LinkCommand::Kind::kDelay:
      phase.delay = now.delay;
      phase.delay->base_ms = c.value;
      if (c.jitter_ms) phase.delay->jitter_ms = *c.jitter_ms;
      break;
    case LinkCommand::Kind::kRate:
      phase.rate = now.rate;
      phase.rate->kbps = c.value;
      phase.rate->trace = nullptr;
      break;
    case LinkCommand::Kind::kOutage:
      phase.outage = true;
      phase.end = phase.start + sim::Duration::from_ms(c.value);
      break;
    case LinkCommand::Kind::kClear:
      break;
  }
  link.add_phase(std::move(phase));
  return "";
}

}  // namespace callsim::live
