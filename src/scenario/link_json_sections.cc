#include "scenario/link_json_sections.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include "common/error.h"
#include "scenario/link_json.h"

namespace callsim::scenario::link_detail {
namespace net = sim::net;
namespace {

const Range kProbability = Range::probability();
const Range kCorrelation{0.0, 1.0, false, true};  // [0, 1): ρ = 1 would freeze the stream
const Range kNonNegative = Range::at_least(0.0);
// Bounds that keep every derived time finite and every event rate sane (README.md, "Limits").
const Range kDelayMs = Range::closed(0, kMaxLinkDelayMs);
const Range kCrossKbps = Range::closed(0, kMaxCrossTrafficKbps);
const Range kPeriodMs = Range::closed(0, 3600000);

double prob_or(const JsonNode& n, std::string_view key, double fallback) {
  return n.number_or(key, fallback, kProbability);
}

}  // namespace

void check_cross_traffic_rate(const JsonNode& n, double kbps, int64_t packet_bytes) {
  const double pps = kbps * 1000.0 / 8.0 / static_cast<double>(packet_bytes);
  if (pps > kMaxCrossTrafficPps)
    n.fail(format_number(kbps) + " kbit/s in " + std::to_string(packet_bytes) + "-byte packets is " +
           format_number(std::round(pps)) + " packets/s; the limit is " + format_number(kMaxCrossTrafficPps));
}

std::string format_number(double v) {
  std::ostringstream os;
  os.precision(12);
  os << v;
  return os.str();
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.empty()) return path;
  std::filesystem::path p = std::filesystem::path(path).is_absolute() || base_dir.empty()
                                ? std::filesystem::path(path)
                                : std::filesystem::path(base_dir) / path;
  p = p.lexically_normal();
  // "../../x" is shown (and opened) as the absolute path it reaches.
  if (!p.empty() && *p.begin() == "..") p = std::filesystem::absolute(p).lexically_normal();
  return p.string();
}

net::LossConfig parse_loss(const JsonNode& n) {
  net::LossConfig c;
  const std::string model = n.at("model").choice({"none", "bernoulli", "gilbert_elliott", "four_state"});
  if (model == "none") {
    n.expect_keys({"model"});
  } else if (model == "bernoulli") {
    n.expect_keys({"model", "p", "correlation"});
    c.model = net::LossModel::kBernoulli;
    c.p = n.at("p").number(kProbability);
    c.correlation = n.number_or("correlation", 0.0, kCorrelation);
  } else if (model == "gilbert_elliott") {
    n.expect_keys({"model", "p", "r", "one_minus_h", "one_minus_k"});
    c.model = net::LossModel::kGilbertElliott;
    c.p = n.at("p").number(kProbability);
    c.r = prob_or(n, "r", 1.0 - c.p);
    c.one_minus_h = prob_or(n, "one_minus_h", 1.0);
    c.one_minus_k = prob_or(n, "one_minus_k", 0.0);
  } else {
    n.expect_keys({"model", "p13", "p31", "p32", "p23", "p14"});
    c.model = net::LossModel::kFourState;
    c.p13 = n.at("p13").number(kProbability);
    c.p31 = prob_or(n, "p31", 1.0 - c.p13);
    c.p32 = prob_or(n, "p32", 0.0);
    c.p23 = prob_or(n, "p23", 1.0);
    c.p14 = prob_or(n, "p14", 0.0);
    if (c.p13 + c.p14 > 1.0) n.fail("p13 + p14 = " + format_number(c.p13 + c.p14) + " exceeds 1");
    if (c.p31 + c.p32 > 1.0) n.fail("p31 + p32 = " + format_number(c.p31 + c.p32) + " exceeds 1");
  }
  return c;
}

net::DelayConfig parse_delay(const JsonNode& n, net::DelayConfig c) {
  n.expect_keys(
      {"base_ms", "jitter_ms", "distribution", "correlation", "correlation_mode", "reorder_by_jitter"});
  c.base_ms = n.number_or("base_ms", c.base_ms, kDelayMs);
  c.jitter_ms = n.number_or("jitter_ms", c.jitter_ms, kDelayMs);
  if (auto d = n.find("distribution")) {
    const std::string s = d->choice({"uniform", "normal", "pareto", "paretonormal"});
    c.distribution = s == "uniform"  ? net::JitterDistribution::kUniform
                     : s == "normal" ? net::JitterDistribution::kNormal
                     : s == "pareto" ? net::JitterDistribution::kPareto
                                     : net::JitterDistribution::kParetoNormal;
  }
  c.correlation = n.number_or("correlation", c.correlation, kCorrelation);
  if (auto m = n.find("correlation_mode"))
    c.correlation_mode = m->choice({"netem", "marginal"}) == "netem" ? net::CorrelationMode::kNetem
                                                                     : net::CorrelationMode::kMarginal;
  c.reorder_by_jitter = n.boolean_or("reorder_by_jitter", c.reorder_by_jitter);
  return c;
}

net::ReorderConfig parse_reorder(const JsonNode& n, net::ReorderConfig c) {
  n.expect_keys({"p", "correlation", "gap"});
  c.p = prob_or(n, "p", c.p);
  c.correlation = n.number_or("correlation", c.correlation, kCorrelation);
  c.gap = n.integer_or("gap", c.gap, Range::closed(1, 1000000));
  return c;
}

net::DuplicateConfig parse_duplicate(const JsonNode& n, net::DuplicateConfig c) {
  n.expect_keys({"p", "correlation"});
  c.p = prob_or(n, "p", c.p);
  c.correlation = n.number_or("correlation", c.correlation, kCorrelation);
  return c;
}

net::CorruptConfig parse_corrupt(const JsonNode& n, net::CorruptConfig c) {
  n.expect_keys({"p", "correlation", "deliver"});
  c.p = prob_or(n, "p", c.p);
  c.correlation = n.number_or("correlation", c.correlation, kCorrelation);
  c.deliver = n.boolean_or("deliver", c.deliver);
  return c;
}

net::RateConfig parse_rate(const JsonNode& n, net::RateConfig c, const std::string& base_dir) {
  n.expect_keys({"kbps", "trace", "bytes_per_opportunity", "overhead_bytes", "queue"});
  if (n.has("kbps") && n.has("trace")) n.fail("give either \"kbps\" or \"trace\", not both");
  if (auto k = n.find("kbps")) {
    c.kbps = k->number(kNonNegative);
    if (c.kbps != 0.0 && !kRateKbps.contains(c.kbps))
      k->fail(k->json().dump() + " is not 0 (unlimited) or in " + kRateKbps.describe());
    c.trace = nullptr;
  }
  if (auto t = n.find("trace")) {
    const std::string file = t->string();
    if (file.empty()) t->fail("expected a trace file name");
    try {
      c.trace = read_delivery_trace(resolve_path(base_dir, file));
    } catch (const InputError& e) {
      t->fail("Mahimahi trace '" + file + "': " + e.what());  // e names the resolved path
    }
    c.kbps = 0.0;
  }
  c.bytes_per_opportunity =
      n.integer_or("bytes_per_opportunity", c.bytes_per_opportunity, Range::closed(1, 1000000));
  c.overhead_bytes = n.integer_or("overhead_bytes", c.overhead_bytes, Range::closed(0, 1000));
  if (auto q = n.find("queue")) {
    q->expect_keys({"limit_packets", "limit_bytes", "limit_ms"});
    c.queue.limit_packets = q->integer_or("limit_packets", c.queue.limit_packets, Range::closed(0, 1e9));
    c.queue.limit_bytes = q->integer_or("limit_bytes", c.queue.limit_bytes, Range::closed(0, 1e12));
    c.queue.limit_ms = q->number_or("limit_ms", c.queue.limit_ms, kPeriodMs);
  }
  return c;
}

net::CrossTrafficConfig parse_cross_traffic(const JsonNode& n, net::CrossTrafficConfig c) {
  n.expect_keys({"kbps", "packet_bytes", "pattern", "on_ms", "off_ms"});
  c.kbps = n.number_or("kbps", c.kbps, kCrossKbps);
  c.packet_bytes = n.integer_or("packet_bytes", c.packet_bytes, Range::closed(1, 65535));
  if (auto p = n.find("pattern"))
    c.pattern = p->choice({"constant", "on_off"}) == "constant" ? net::CrossPattern::kConstant
                                                                : net::CrossPattern::kOnOff;
  c.on_ms = n.number_or("on_ms", c.on_ms, Range::closed(1, 3600000));
  c.off_ms = n.number_or("off_ms", c.off_ms, kPeriodMs);
  check_cross_traffic_rate(n, c.kbps, c.packet_bytes);
  return c;
}

SectionsPresent apply_sections(const JsonNode& o, net::LinkModels& m, const std::string& base_dir) {
  SectionsPresent p;
  if (auto n = o.find("loss")) {
    m.loss = parse_loss(*n);
    p.loss = true;
  }
  if (auto n = o.find("delay")) {
    m.delay = parse_delay(*n, m.delay);
    p.delay = true;
  }
  if (auto n = o.find("reorder")) {
    m.reorder = parse_reorder(*n, m.reorder);
    p.reorder = true;
  }
  if (auto n = o.find("duplicate")) {
    m.duplicate = parse_duplicate(*n, m.duplicate);
    p.duplicate = true;
  }
  if (auto n = o.find("corrupt")) {
    m.corrupt = parse_corrupt(*n, m.corrupt);
    p.corrupt = true;
  }
  if (auto n = o.find("rate")) {
    m.rate = parse_rate(*n, m.rate, base_dir);
    p.rate = true;
  }
  if (auto n = o.find("cross_traffic")) {
    m.cross_traffic = parse_cross_traffic(*n, m.cross_traffic);
    p.cross_traffic = true;
  }
  return p;
}

}  // namespace callsim::scenario::link_detail
