#include "live/relay.h"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "common/error.h"
#include "common/staged_dir.h"
#include "json/json_node.h"
#include "live/relay_engine.h"

namespace callsim::live {
namespace asio = boost::asio;
using json = nlohmann::json;

// An earlier relay's output folder: its relay.json is a relay's final record.
bool is_relay_output(const std::filesystem::path& dir) {
  try {
    const json record = read_json_file((dir / "relay.json").string());
    return record.is_object() && record.value("type", "") == "final" && record.contains("calls") &&
           record.contains("callsim_version");
  } catch (const std::exception&) {  // absent, unreadable, not JSON
    return false;
  }
}

Relay::Engine::Engine(RelayConfig config)
    : cfg(std::move(config)),
      pool(cfg.policy.max_datagram_bytes + 1),  // one spare byte: an oversized datagram shows as such
      release_timer(io),
      tick_timer(io),
      stop_timer(io) {
  for (auto& b : scratch) b = pool.get();
  bind_ports();
  cfg.outputs.unix_ns_at_zero = clock.unix_ns_at_zero();
  // The outputs go into a temporary sibling of the folder and replace it whole when the relay
  // stops (StagedDir, as `callsim run` does): the folder holds the previous run's complete
  // outputs or this run's, never a mix. A folder that is not a relay's output is left alone.
  output_dir = cfg.outputs.dir;
  if (!output_dir.empty()) {
    check_replaceable(
        output_dir,
        [](const std::filesystem::path& d) { return is_relay_output(d) ? std::string() : "no relay.json of a relay"; },
        "a relay's output folder");
    staged = std::make_unique<StagedDir>(output_dir);
    cfg.outputs.dir = staged->path();
  }
  const auto& dir = cfg.outputs.dir;
  try {
    if (!dir.empty()) std::filesystem::create_directories(dir);
    for (const CallSetup& setup : cfg.calls)
      calls.push_back(std::make_unique<CallRelay>(setup, &cfg.policy, &cfg.payload_types, cfg.outputs));
    lines = std::make_unique<LineWriter>(cfg.lines, dir.empty() ? dir : dir / "stats.jsonl",
                                         dir.empty() ? dir : dir / "events.jsonl");
  } catch (const std::exception& e) {  // e.g. a file where the folder should be, read-only
    throw EnvironmentError(output_dir.string() + ": cannot create the relay's outputs: " + e.what());
  }
  if (cfg.control_stdin || !cfg.control_socket.empty())
    control = std::make_unique<ControlChannel>(io, cfg.control_stdin, cfg.control_socket,
                                               [this](const std::string& line, ControlChannel::Reply reply) {
                                                 handle_control(line, reply);
                                               },
                                               [this](const std::string& message) {
                                                 emit(LineWriter::Kind::kEvent,
                                                      {{"type", "event"},
                                                       {"event", "control_accept_failed"},
                                                       {"t_s", clock.now().to_seconds()},
                                                       {"error", message}});
                                               });
}

void Relay::Engine::bind_ports() {
  for (CallSetup& setup : cfg.calls) {
    for (int s = 0; s < 2; ++s) {
      Endpoint local{cfg.bind_address, 0};
      if (cfg.base_port != 0) {
        const int port = cfg.base_port + 2 * setup.index + s;
        if (port > 65535) throw InputError("", "--port", "call " + std::to_string(setup.index) + " needs port " +
                                                             std::to_string(port) + " (above 65535)");
        local.port = static_cast<uint16_t>(port);
      }
      ports.push_back(std::make_unique<UdpPort>(io, local, cfg.base_port ? "--port" : "--bind"));
      setup.local[s] = ports.back()->local();
    }
  }
}

// 1 ns timer slack (the default 50 µs would be added to every wake-up), optional CPU pinning and
// SCHED_FIFO. Each outcome is reported in the final JSON.
void Relay::Engine::tune_thread() {
  thread_setup = {{"timer_slack_ns", prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0) == 0 ? json(1) : json(nullptr)}};
  if (cfg.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cfg.cpu, &set);
    const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    thread_setup["cpu"] = rc == 0 ? json(cfg.cpu) : json(std::string("not pinned: ") + std::strerror(rc));
  }
  if (cfg.realtime) {
    sched_param param{};
    param.sched_priority = 50;
    const int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param);
    thread_setup["scheduler"] = rc == 0 ? "SCHED_FIFO 50" : std::string("SCHED_OTHER (") + std::strerror(rc) + ")";
    thread_setup["memory_locked"] = mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
  } else {
    thread_setup["scheduler"] = "SCHED_OTHER";
  }
}

void Relay::Engine::start() {
  // A reader of stdout that goes away must not kill the relay before it writes its outputs.
  std::signal(SIGPIPE, SIG_IGN);
  tune_thread();
  json listening = {{"type", "listening"}, {"t_s", clock.now().to_seconds()}, {"utc", format_utc(clock.unix_ns_at_zero())}};
  json list = json::array();
  for (const auto& setup : cfg.calls) {
    json c = {{"call", setup.index}, {"a", setup.local[0].to_string()}, {"b", setup.local[1].to_string()}};
    for (int s = 0; s < 2; ++s)
      c[std::string(side_name(s)) + "_endpoint"] = setup.given[s] ? json(setup.given[s]->to_string()) : json("learn");
    list.push_back(c);
  }
  listening["calls"] = list;
  emit(LineWriter::Kind::kEvent, listening);
  for (size_t p = 0; p < ports.size(); ++p) start_read(p);
  if (cfg.handle_signals) {
    signals.emplace(io, SIGINT, SIGTERM);
    signals->async_wait([this](const boost::system::error_code& ec, int sig) {
      if (!ec) begin_stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
      // A second signal while draining stops at once.
      if (!ec && signals) signals->async_wait([this](const boost::system::error_code& e, int) {
        if (!e) finish();
      });
    });
  }
  if (cfg.duration > sim::Duration::zero()) {
    stop_timer.expires_at(clock.to_steady(sim::Timestamp::zero() + cfg.duration));
    stop_timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) begin_stop("duration");
    });
  }
  on_tick();
}

void Relay::Engine::start_read(size_t p) {
  ports[p]->socket().async_wait(asio::ip::udp::socket::wait_read, [this, p](const boost::system::error_code& ec) {
    if (!ec && !stopping) continue_read(p);
  });
}

// Reads what is waiting; when a port stays busy (a flood), other ports and the release timer get
// their turn between batches.
void Relay::Engine::continue_read(size_t p) {
  if (!drain_port(p)) return start_read(p);
  asio::post(io, [this, p] {
    if (!stopping) continue_read(p);
  });
}

bool Relay::Engine::drain_port(size_t p) {
  for (int round = 0; round < 4; ++round) {
    uint64_t kernel_drops = 0;
    const size_t n = ports[p]->receive(scratch, pool.buffer_bytes(), received, kernel_drops);
    if (kernel_drops) calls[p / 2]->add_kernel_drops(static_cast<int>(p % 2), kernel_drops);
    const sim::Timestamp now = clock.now();
    datagrams += n;
    for (size_t i = 0; i < n; ++i) handle_datagram(p, i, now);
    release_due();  // copies due meanwhile do not wait for the rest of a busy port
    if (n < UdpPort::kBatch) return false;
  }
  return true;
}

void Relay::Engine::handle_datagram(size_t p, size_t i, sim::Timestamp now) {
  CallRelay& call = *calls[p / 2];
  const int side = static_cast<int>(p % 2);
  const UdpPort::Received& r = received[i];
  copies.clear();
  const bool room = queue.size() + 2 <= cfg.max_inflight;
  const auto verdict =
      call.on_datagram(side, now, r.from, {scratch[i], r.copied}, r.size, room, copies);
  if (call.has_events()) emit_events();  // an endpoint learned: say so at once
  if (verdict != CallRelay::Verdict::kAccepted || copies.empty()) return;
  // Extra copies first (from the unmodified bytes), then each copy's own corruption.
  std::array<uint8_t*, 2> buffers = {scratch[i], nullptr};
  for (size_t k = 1; k < copies.size() && k < 2; ++k) {
    buffers[k] = pool.get();
    std::memcpy(buffers[k], scratch[i], r.copied);
  }
  for (size_t k = 0; k < copies.size() && k < 2; ++k) {
    const ScheduledCopy& c = copies[k];
    if (c.corrupted && c.corrupt_byte < r.copied) buffers[k][c.corrupt_byte] ^= static_cast<uint8_t>(1u << c.corrupt_bit);
    queue.push({c, 0, static_cast<uint32_t>(p / 2), static_cast<uint8_t>(side), static_cast<uint32_t>(r.copied), buffers[k]});
  }
  scratch[i] = pool.get();
  max_inflight_seen = std::max(max_inflight_seen, queue.size());
  arm(queue.top().copy.due - cfg.spin);
}

// Arms the release timer for `wake` unless it is already armed for an earlier time.
void Relay::Engine::arm(sim::Timestamp wake) {
  if (armed && armed_for <= wake) return;
  armed = true;
  armed_for = wake;
  const uint64_t generation = ++timer_generation;
  release_timer.expires_at(clock.to_steady(wake));
  release_timer.async_wait([this, generation](const boost::system::error_code& ec) {
    if (ec || generation != timer_generation) return;  // cancelled or superseded
    armed = false;
    ++timer_wakeups;
    on_release_timer();
  });
}

// Sends every copy due by now; returns the time of the last clock read.
sim::Timestamp Relay::Engine::release_due() {
  sim::Timestamp now = clock.now();
  while (!queue.empty() && queue.top().copy.due <= now) {
    release(queue.pop());
    now = clock.now();
  }
  return now;
}

void Relay::Engine::on_release_timer() {
  for (;;) {
    const sim::Timestamp now = release_due();
    if (queue.empty()) {
      if (stopping) finish();
      return;
    }
    const sim::Timestamp next = queue.top().copy.due;
    if (next - now > cfg.spin) return arm(next - cfg.spin);
    ++spins;
    while (clock.now() < next) {
#if defined(__x86_64__)
      __builtin_ia32_pause();
#endif
    }
  }
}

void Relay::Engine::release(const PendingRelease& p) {
  CallRelay& call = *calls[p.call];
  const int d = p.direction, to = 1 - d;
  const std::span<const uint8_t> data(p.data, p.size);
  const auto& endpoint = call.endpoint(to);
  const sim::Timestamp t = clock.now();
  const int error = endpoint ? ports[2 * p.call + to]->send(*endpoint, data) : CallRelay::kDestinationForgotten;
  call.on_released(d, p.copy, t, data, error);
  if (error == 0) {
    release_error.add((t - p.copy.due).ns());
    interval_error.add((t - p.copy.due).ns());
  }
  pool.put(p.data);
}

void Relay::Engine::begin_stop(const std::string& reason) {
  if (stopping) return;
  stopping = true;
  stop_reason = reason;
  stopped_at = clock.now();
  boost::system::error_code ec;
  for (auto& port : ports) port->socket().cancel(ec);  // stop reading; sending goes on
  if (control) control->close();
  tick_timer.cancel();
  stop_timer.cancel();
  if (queue.empty()) return finish();
  // Release what is in flight, for at most the drain time.
  stop_timer.expires_at(clock.to_steady(stopped_at + cfg.drain));
  stop_timer.async_wait([this](const boost::system::error_code& e) {
    if (!e) finish();
  });
}

void Relay::Engine::finish() {
  if (finished) return;
  finished = true;
  if (!stopping) {
    stopping = true;
    stopped_at = clock.now();
  }
  const sim::Timestamp now = clock.now();
  while (!queue.empty()) {
    const PendingRelease p = queue.pop();
    calls[p.call]->on_released(p.direction, p.copy, now, {p.data, p.size}, CallRelay::kStopped);
    pool.put(p.data);
  }
  boost::system::error_code ec;
  release_timer.cancel();
  stop_timer.cancel();
  tick_timer.cancel();
  if (signals) signals->cancel(ec);
  result = final_json();
  io.stop();
  emit(LineWriter::Kind::kOther, result);
  try {
    for (auto& call : calls) call->finish();
    if (!cfg.outputs.dir.empty()) write_file_atomic(cfg.outputs.dir / "relay.json", json_text(result, 2) + "\n");
    lines->close();
    if (staged) staged->commit();  // synced, then swapped into place
  } catch (const std::exception& e) {  // disk full, folder removed meanwhile
    throw EnvironmentError(output_dir.string() + ": writing the relay's outputs failed: " + e.what());
  }
}

Relay::Relay(RelayConfig config) : engine_(std::make_unique<Engine>(std::move(config))) {}
Relay::~Relay() = default;

const std::vector<CallSetup>& Relay::calls() const { return engine_->cfg.calls; }

json Relay::run() {
  engine_->start();
  engine_->io.run();
  return engine_->result;
}

void Relay::request_stop() {
  asio::post(engine_->io, [e = engine_.get()] { e->begin_stop("requested"); });
}

void Relay::control(std::string line, std::function<void(const json&)> reply) {
  asio::post(engine_->io, [e = engine_.get(), line = std::move(line), reply = std::move(reply)] {
    e->handle_control(line, reply ? [reply](const std::string& text) { reply(json::parse(text)); }
                                  : ControlChannel::Reply());
  });
}

}  // namespace callsim::live
