#include "live/call_relay.h"

#include <cstring>

namespace callsim::live {
namespace net = sim::net;
using json = nlohmann::json;

const char* side_name(int side) { return side == 0 ? "a" : "b"; }
const char* direction_name(int direction) { return direction == 0 ? "a->b" : "b->a"; }

namespace {

std::string direction_file(int d) { return d == 0 ? "a-to-b" : "b-to-a"; }

// "ECONNREFUSED" (no spaces or commas: it goes into a CSV field).
std::string errno_name(int error) {
  const char* name = strerrordesc_np(error) ? strerrorname_np(error) : nullptr;
  return name ? name : "errno" + std::to_string(error);
}

}  // namespace

CallRelay::CallRelay(CallSetup setup, const RelayPolicy* policy, const PayloadTypes* types,
                     const CallOutputs& outputs)
    : setup_(std::move(setup)), policy_(policy) {
  for (int s = 0; s < 2; ++s) {
    sides_[s].peer = setup_.given[s];
    sides_[s].given = setup_.given[s].has_value();
  }
  const std::filesystem::path dir = outputs.dir.empty() ? outputs.dir : outputs.dir / ("call" + std::to_string(setup_.index));
  if (!dir.empty()) std::filesystem::create_directories(dir);
  for (int d = 0; d < 2; ++d) {
    dirs_.push_back(std::make_unique<Direction>(setup_.links[d], setup_.seed, setup_.link_names[d], types));
    Direction& x = *dirs_.back();
    if (dir.empty()) continue;
    const std::string base = direction_file(d);
    if (outputs.fates) {
      const std::string header = "# callsim relay fate log: call " + std::to_string(setup_.index) + ", direction " +
                                 direction_name(d) + ", link " + setup_.link_names[d] + ", seed " +
                                 std::to_string(setup_.seed) +
                                 "\n# link time 0 = the call's first accepted packet; times in ms with exact ns\n";
      x.fates = std::make_unique<FateLogWriter>(dir / (base + ".fates.csv"), header);
    }
    if (outputs.pcaps) {
      x.in_pcap = std::make_unique<SideCapture>(dir / (base + ".in.pcap"), outputs.unix_ns_at_zero, types);
      x.out_pcap = std::make_unique<SideCapture>(dir / (base + ".out.pcap"), outputs.unix_ns_at_zero, types);
    }
  }
}

void CallRelay::event(const char* name, int side, sim::Timestamp now, const Endpoint& who) {
  events_.push_back({{"event", name},
                     {"t_s", now.to_seconds()},
                     {"call", setup_.index},
                     {"side", side_name(side)},
                     {"endpoint", who.to_string()}});
}

bool CallRelay::allowed_source(const Endpoint& from) const {
  bool allowed = policy_->learn_from.empty();
  for (const Cidr& c : policy_->learn_from) allowed = allowed || c.contains(from.address);
  return allowed;
}

bool CallRelay::admit_source(Side& side, int s, sim::Timestamp now, const Endpoint& from) {
  if (side.given && policy_->asymmetric) return allowed_source(from);
  if (side.peer) return *side.peer == from;
  if (!allowed_source(from)) return false;
  if (side.learn_count >= policy_->max_learn) {
    ++side.counters.learn_refused;
    return false;
  }
  side.peer = from;
  ++side.learn_count;
  ++side.counters.learned;
  event("learned", s, now, from);
  return true;
}

CallRelay::Verdict CallRelay::on_datagram(int s, sim::Timestamp now, const Endpoint& from,
                                          std::span<const uint8_t> data, size_t size, bool room,
                                          std::vector<ScheduledCopy>& copies) {
  Side& side = sides_[s];
  ++side.counters.datagrams;
  const bool bad_size = size == 0 || size > policy_->max_datagram_bytes;
  // An empty or oversized datagram never teaches the relay an endpoint.
  const bool learning = !side.peer;
  if ((learning && bad_size) || !admit_source(side, s, now, from)) {
    ++side.counters.unknown_source;
    return Verdict::kUnknownSource;
  }
  ++side.counters.from_endpoint;
  side.last_seen = now;
  if (size == 0) {
    ++side.counters.empty;
    return Verdict::kEmpty;
  }
  if (size > policy_->max_datagram_bytes) {
    ++side.counters.oversized;
    return Verdict::kOversized;
  }
  Direction& x = *dirs_[s];
  const Classified c = classify(data);
  x.in.on_packet(now, size, c);
  if (x.in_pcap) x.in_pcap->write(now, from, setup_.local[s], data, c);
  if (!sides_[1 - s].peer) {
    ++side.counters.no_destination;
    return Verdict::kNoDestination;
  }
  if (!room) {
    ++side.counters.inflight_full;
    return Verdict::kInflightFull;
  }
  sides_[1 - s].last_seen = now;  // traffic towards the other side: it is not idle (check_idle)
  run_link(s, now, data, c, copies);
  return Verdict::kAccepted;
}

void CallRelay::run_link(int d, sim::Timestamp now, std::span<const uint8_t> data, const Classified& c,
                         std::vector<ScheduledCopy>& copies) {
  Direction& x = *dirs_[d];
  if (!t0_) t0_ = now;
  const sim::Timestamp t = sim::Timestamp::zero() + (now - *t0_);
  const uint64_t index = x.next_index++;
  deliveries_.clear();
  x.link.send(t, {index, static_cast<int64_t>(data.size())}, deliveries_);
  for (const net::Delivery& v : deliveries_) {
    net::FateRecord r;
    r.index = index;
    r.arrival = t;
    r.size_bytes = static_cast<int64_t>(data.size());
    r.rtp_seq = c.cls == PacketClass::kRtp && !c.turn_channel ? c.rtp.sequence : -1;
    r.fate = v.cause;
    r.duplicate = v.duplicate;
    r.corrupted = v.corrupted;
    if (v.delivered()) {
      r.due = v.arrival;
      x.link_delay.add(v.delay().ns());
      copies.push_back({*t0_ + v.arrival.since_start(), index, v.duplicate, v.corrupted, v.corrupt_byte, v.corrupt_bit});
    }
    if (x.fates) x.fates->add(r);
  }
}

void CallRelay::on_released(int d, const ScheduledCopy& copy, sim::Timestamp now, std::span<const uint8_t> data,
                            int error) {
  Direction& x = *dirs_[d];
  const sim::Timestamp link_now = sim::Timestamp::zero() + (now - *t0_);
  if (error != 0) {
    ++(error > 0 ? x.send_errors : error == kDestinationForgotten ? x.destination_forgotten : x.cut_off_by_stop);
    const std::string note = error > 0                       ? "send_error:" + errno_name(error)
                             : error == kDestinationForgotten ? "destination_forgotten"
                                                              : "stopped";
    if (x.fates) x.fates->released(copy.index, copy.duplicate, sim::Timestamp::infinite(), note);
    return;
  }
  ++x.released;
  sides_[1 - d].last_seen = now;  // sent to it: traffic in its direction
  x.release_error.add((now - copy.due).ns());
  x.interval_error.add((now - copy.due).ns());
  const Classified c = classify(data);
  x.out.on_packet(now, data.size(), c);
  if (x.out_pcap) x.out_pcap->write(now, setup_.local[1 - d], *sides_[1 - d].peer, data, c);
  if (x.fates) x.fates->released(copy.index, copy.duplicate, link_now);
}

void CallRelay::check_idle(sim::Timestamp now) {
  if (policy_->idle_timeout <= sim::Duration::zero()) return;
  for (int s = 0; s < 2; ++s) {
    Side& side = sides_[s];
    if (!side.peer || side.given || now - side.last_seen < policy_->idle_timeout) continue;
    event("forgotten", s, now, *side.peer);
    side.peer.reset();
    ++side.counters.forgotten;
  }
}

json CallRelay::apply(const LinkCommand& command, int d, sim::Timestamp now) {
  Direction& x = *dirs_[d];
  // Before the call's first packet, a change applies from link time 0.
  const sim::Timestamp t = t0_ ? sim::Timestamp::zero() + (now - *t0_) : sim::Timestamp::zero();
  const std::string error = apply_link_command(command, x.link, t);
  json out = {{"call", setup_.index},
              {"direction", direction_name(d)},
              {"link", setup_.link_names[d]},
              {"link_t_ms", t.to_ms()},
              {"before_index", x.next_index}};
  if (!error.empty()) {
    out["error"] = error;
  } else if (x.fates) {
    x.fates->control({x.next_index, t, command.text()});
  }
  return out;
}

json CallRelay::side_json(int s) const {
  const Side& side = sides_[s];
  const SideCounters& k = side.counters;
  return {{"port", setup_.local[s].port},
          {"endpoint", side.peer ? json(side.peer->to_string()) : json(nullptr)},
          {"given", side.given},
          {"datagrams", k.datagrams},
          {"from_endpoint", k.from_endpoint},
          {"dropped",
           {{"unknown_source", k.unknown_source},
            {"empty", k.empty},
            {"oversized", k.oversized},
            {"no_destination", k.no_destination},
            {"inflight_full", k.inflight_full},
            {"kernel_receive_queue", k.kernel_drops}}},
          {"learned", k.learned},
          {"learn_refused", k.learn_refused},
          {"forgotten", k.forgotten}};
}

json CallRelay::direction_json(int d, bool interval) {
  Direction& x = *dirs_[d];
  const net::LinkCounters& lc = x.link.counters();
  // `fates`: the link model's verdict per copy (the fate log's `fate` column, whose "delivered"
  // is "delivered_by_model" here); what became of the delivered copies is counted beside it:
  // delivered_by_model = released + send_errors + destination_forgotten + cut_off_by_stop + in_flight.
  json fates = {{"delivered_by_model", lc.delivered_copies}};
  for (size_t c = 1; c < net::kDropCauseCount; ++c)
    fates[net::to_string(static_cast<net::DropCause>(c))] = lc.drops[c];
  json out = {{"link", setup_.link_names[d]},
              {"packets", lc.sent},
              {"duplicates", lc.duplicates},
              {"corrupted_delivered", lc.corrupted_delivered},
              {"fates", fates},
              {"released", x.released},
              {"send_errors", x.send_errors},
              {"destination_forgotten", x.destination_forgotten},
              {"cut_off_by_stop", x.cut_off_by_stop},
              {"in_flight", lc.delivered_copies - x.released - x.send_errors - x.destination_forgotten -
                                x.cut_off_by_stop},
              {"link_delay_ms", x.link_delay.to_json("ms", false)},
              {"release_error_us", x.release_error.to_json()},
              {"in", x.in.to_json()},
              {"out", x.out.to_json()}};
  if (interval) {
    out["interval_release_error_us"] = x.interval_error.to_json();
    x.interval_error.clear();
  }
  return out;
}

json CallRelay::to_json(bool interval) {
  return {{"call", setup_.index},
          {"seed", setup_.seed},
          {"t0_s", t0_ ? json(t0_->to_seconds()) : json(nullptr)},
          {"a", side_json(0)},
          {"b", side_json(1)},
          {"a->b", direction_json(0, interval)},
          {"b->a", direction_json(1, interval)}};
}

void CallRelay::finish() {
  for (auto& x : dirs_) {
    if (x->fates) x->fates->commit();
    if (x->in_pcap) x->in_pcap->commit();
    if (x->out_pcap) x->out_pcap->commit();
  }
}

}  // namespace callsim::live
