// The relay's JSON output (listening/stats/event/final lines, relay.json) and control commands.
#include <boost/asio/post.hpp>

#include <cstdio>

#include "common/text_parse.h"
#include "common/version.h"
#include "json/json_node.h"
#include "live/relay_engine.h"

namespace callsim::live {
namespace asio = boost::asio;
using json = nlohmann::json;

// Records go out through json_text (json/json_node.h): text from outside is checked or escaped
// where it is recorded, and should invalid UTF-8 still reach a record it becomes U+FFFD instead of
// an exception that would lose every output.
void Relay::Engine::emit(LineWriter::Kind kind, const json& j) { lines->write(kind, json_text(j)); }

void Relay::Engine::emit_events() {
  for (auto& call : calls)
    for (json& e : call->take_events()) {
      e["type"] = "event";
      emit(LineWriter::Kind::kEvent, e);
    }
}

// Housekeeping once per stats interval (1 s when there are no stats lines): idle endpoints, events,
// the statistics line.
void Relay::Engine::on_tick() {
  if (stopping) return;
  const sim::Timestamp now = clock.now();
  for (auto& call : calls) call->check_idle(now);
  emit_events();
  if (cfg.stats_interval > sim::Duration::zero() && ticks > 0) emit_stats(true);
  ++ticks;
  const sim::Duration period = cfg.stats_interval > sim::Duration::zero() ? cfg.stats_interval : sim::Duration::seconds(1);
  tick_timer.expires_at(clock.to_steady(sim::Timestamp::zero() + period * static_cast<int64_t>(ticks)));
  tick_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_tick();
  });
}

json Relay::Engine::relay_json() const {
  return {{"datagrams", datagrams},
          {"inflight", queue.size()},
          {"max_inflight", max_inflight_seen},
          {"buffers_allocated", pool.allocated()},
          {"timer_wakeups", timer_wakeups},
          {"spin_waits", spins}};
}

// One statistics line. Each call's figures are built in its own handler, so releases due
// meanwhile are not held up by a large line (each call is a consistent snapshot of itself).
void Relay::Engine::emit_stats(bool interval) {
  if (stats_line) finish_stats_line();  // one line at a time
  const sim::Timestamp now = clock.now();
  json head = {{"type", "stats"},
               {"t_s", now.to_seconds()},
               {"utc", format_utc(clock.unix_ns_at_zero() + now.ns())},
               {"release_error_us", release_error.to_json()},
               {"relay", relay_json()}};
  if (interval) {
    head["interval_release_error_us"] = interval_error.to_json();
    interval_error.clear();
  }
  stats_line = std::make_unique<StatsLine>();
  stats_line->interval = interval;
  stats_line->text = json_text(head);
  stats_line->text.pop_back();  // reopen the object for "calls"
  stats_line->text += ",\"calls\":[";
  continue_stats_line();
}

void Relay::Engine::continue_stats_line() {
  if (!stats_line || finished) return;
  StatsLine& line = *stats_line;
  if (line.next < calls.size()) {
    if (line.next > 0) line.text += ',';
    line.text += json_text(calls[line.next++]->to_json(line.interval));
  }
  if (line.next < calls.size()) {
    asio::post(io, [this] { continue_stats_line(); });
    return;
  }
  line.text += "]}";
  lines->write(LineWriter::Kind::kStats, std::move(line.text));
  stats_line.reset();
}

void Relay::Engine::finish_stats_line() {
  while (stats_line) {
    const size_t pending = stats_line->next;
    continue_stats_line();
    if (stats_line && stats_line->next == pending) break;  // finished: nothing more is built
  }
}

// A control line comes from outside: bytes that are not UTF-8 text (or are control characters)
// are refused before parsing, and the line is recorded with them written as \xNN.
void Relay::Engine::handle_control(const std::string& line, const ControlChannel::Reply& reply) {
  const sim::Timestamp now = clock.now();
  const size_t bad = first_unprintable(line);
  json e = {{"type", "event"},
            {"event", "control"},
            {"t_s", now.to_seconds()},
            {"command", bad == std::string::npos ? line : escape_unprintable(line)}};
  std::string error;
  std::optional<ControlCommand> cmd;
  if (line.empty()) {
    error = "line longer than 4096 bytes";
  } else if (bad != std::string::npos) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned>(static_cast<unsigned char>(line[bad])));
    error = std::string("not a text command: byte ") + std::to_string(bad) + " (" + byte + ") is " +
            (static_cast<unsigned char>(line[bad]) < 0x80 ? "a control character" : "not valid UTF-8");
  } else {
    cmd = parse_control(line, error);
  }
  if (cmd && cmd->call && *cmd->call >= static_cast<int>(calls.size()))
    error = "no call " + std::to_string(*cmd->call) + " (calls 0.." + std::to_string(calls.size() - 1) + ")";
  if (!error.empty() || !cmd) {
    e["ok"] = false;
    e["error"] = error;
  } else if (cmd->kind == ControlCommand::Kind::kLink) {
    json applied = json::array();
    bool ok = true;
    for (auto& call : calls) {
      if (cmd->call && *cmd->call != call->index()) continue;
      for (int d = 0; d < 2; ++d) {
        if (cmd->direction && *cmd->direction != d) continue;
        applied.push_back(call->apply(cmd->link, d, now));
        ok = ok && !applied.back().contains("error");
      }
    }
    e["ok"] = ok;
    e["applied"] = applied;
  } else {
    e["ok"] = true;
  }
  emit(LineWriter::Kind::kEvent, e);
  if (reply) reply(json_text(e));
  if (cmd && e["ok"] == true && cmd->kind == ControlCommand::Kind::kStats) emit_stats(false);
  if (cmd && e["ok"] == true && cmd->kind == ControlCommand::Kind::kStop) begin_stop("control");
}

json Relay::Engine::final_json() {
  emit_events();
  const sim::Timestamp now = clock.now();
  json list = json::array();
  for (auto& call : calls) list.push_back(call->to_json(false));
  json policy = {{"max_datagram_bytes", cfg.policy.max_datagram_bytes},
                 {"max_learn", cfg.policy.max_learn},
                 {"asymmetric", cfg.policy.asymmetric},
                 {"idle_timeout_s", cfg.policy.idle_timeout.to_seconds()},
                 {"max_inflight", cfg.max_inflight},
                 {"spin_us", cfg.spin.ns() / 1000}};
  json learn_from = json::array();
  for (const Cidr& c : cfg.policy.learn_from) learn_from.push_back(c.to_string());
  policy["learn_from"] = learn_from;
  return {{"type", "final"},
          {"callsim_version", kVersion},
          {"started_utc", format_utc(clock.unix_ns_at_zero())},
          {"stopped_utc", format_utc(clock.unix_ns_at_zero() + now.ns())},
          {"duration_s", stopped_at.to_seconds()},
          {"stop_reason", stop_reason},
          {"config", cfg.description},
          {"bind", ipv4_to_string(cfg.bind_address)},
          {"policy", policy},
          {"thread", thread_setup},
          {"release_error_us", release_error.to_json()},
          {"relay", relay_json()},
          {"calls", list}};
}

}  // namespace callsim::live
