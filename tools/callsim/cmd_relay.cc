// `callsim relay [FILE] [options]`: a UDP relay that applies a scenario's links (or a profile) in
// real time between real endpoints, one port pair per call (src/live/README.md).
// `callsim relay verify DIR`: re-runs every fate log of a relay output folder through the same
// link models offline and checks that each packet's fate is reproduced (exit 1 if not).
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sched.h>
#include <sys/resource.h>

#include "cli_numbers.h"
#include "commands.h"
#include "common/error.h"
#include "common/text_parse.h"
#include "json/json_node.h"
#include "live/endpoint.h"
#include "live/link_source.h"
#include "live/relay.h"
#include "live/verify.h"

namespace callsim::cli {
namespace {
using nlohmann::json;

struct RelayArgs {
  live::LinkSourceOptions source;
  std::optional<uint64_t> seed;
  int calls = 1;
  std::string bind = "127.0.0.1";
  int port = 0;
  std::vector<std::string> a, b, learn_from, rtpmap;
  uint32_t max_learn = 8;
  double idle_timeout_s = 60, spin_us = 0, stats_interval_s = 1, duration_s = 0, drain_s = 2;
  size_t max_size = 1500, max_inflight = 65536;
  bool asymmetric = false, realtime = false, no_pcap = false, no_fates = false, quiet = false;
  int cpu = -1;
  std::string control, out;
};

void check_range(double v, double lo, double hi, const char* option, const char* what) {
  if (!(v >= lo && v <= hi)) throw InputError("", option, std::string("must be ") + what);
}

std::vector<std::optional<live::Endpoint>> endpoints(const std::vector<std::string>& list, int calls,
                                                     const char* option) {
  if (static_cast<int>(list.size()) > calls)
    throw InputError("", option, "given " + std::to_string(list.size()) + " times for " + std::to_string(calls) +
                                     " call(s): the i-th applies to call i");
  std::vector<std::optional<live::Endpoint>> out(static_cast<size_t>(calls));
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i] != "learn") out[i] = live::parse_endpoint(list[i], option);
  return out;
}

live::RelayConfig make_config(const RelayArgs& a) {
  // The options' own ranges are checked as they are parsed (cli_numbers.h); what remains here
  // depends on more than one value.
  if (a.stats_interval_s > 0) check_range(a.stats_interval_s, 0.01, 3600, "--stats-interval", "0 or at least 0.01 s");
  live::RelayConfig c;
  const live::LinkSource source = live::load_link_source(a.source);
  const uint64_t seed = a.seed.value_or(source.seed);
  // Call k uses seed + k: the last call's seed must not wrap around to 0.
  const uint64_t last_call = static_cast<uint64_t>(a.calls - 1);
  if (seed > std::numeric_limits<uint64_t>::max() - last_call)
    throw InputError("", a.seed ? "--seed" : "--calls",
                     "call k uses seed " + std::to_string(seed) + " + k, and call " + std::to_string(last_call) +
                         "'s would exceed 18446744073709551615 (2^64 - 1): give a smaller --seed or fewer --calls");
  const auto given_a = endpoints(a.a, a.calls, "--a"), given_b = endpoints(a.b, a.calls, "--b");
  for (int k = 0; k < a.calls; ++k) {
    live::CallSetup s;
    s.index = k;
    s.links = source.links;
    s.link_names = source.names;
    s.seed = seed + static_cast<uint64_t>(k);
    s.given = {given_a[static_cast<size_t>(k)], given_b[static_cast<size_t>(k)]};
    c.calls.push_back(std::move(s));
  }
  c.bind_address = live::parse_ipv4(a.bind, "--bind");
  if (a.port > 0 && a.port + 2 * a.calls - 1 > 65535)
    throw InputError("", "--port", "the last call would need a port above 65535");
  c.base_port = static_cast<uint16_t>(a.port);
  c.policy.max_datagram_bytes = a.max_size;
  c.policy.max_learn = a.max_learn;
  c.policy.asymmetric = a.asymmetric;
  if (a.asymmetric && a.a.empty() && a.b.empty())
    throw InputError("", "--asymmetric", "applies to sides with a given endpoint: give --a and/or --b");
  for (const auto& cidr : a.learn_from) c.policy.learn_from.push_back(live::parse_cidr(cidr, "--learn-from"));
  c.policy.idle_timeout = sim::Duration::from_seconds(a.idle_timeout_s);
  for (const auto& spec : a.rtpmap) c.payload_types.add(spec, "--rtpmap");
  c.outputs.dir = a.out;
  c.outputs.fates = !a.no_fates;
  c.outputs.pcaps = !a.no_pcap;
  c.spin = sim::Duration::micros(static_cast<int64_t>(a.spin_us));
  c.stats_interval = sim::Duration::from_seconds(a.stats_interval_s);
  c.duration = sim::Duration::from_seconds(a.duration_s);
  c.drain = sim::Duration::from_seconds(a.drain_s);
  c.max_inflight = a.max_inflight;
  c.realtime = a.realtime;
  c.cpu = a.cpu;
  c.control_stdin = a.control == "-";
  c.control_socket = a.control == "-" ? "" : a.control;
  c.lines = a.quiet ? nullptr : &std::cout;
  c.description = {{"links", source.description()}, {"seed", seed}, {"calls", a.calls}, {"rtpmap", a.rtpmap}};
  return c;
}

// The relay keeps two sockets and up to six output files open per call (each file with a second
// descriptor holding its temporary's lock): with --calls in the hundreds the usual soft limit of
// 1024 descriptors runs out. It is raised to the hard limit, as servers do; the kernel's own limit
// stays, and running out is still reported per call.
void raise_descriptor_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
}

int run_relay(const RelayArgs& a) {
  raise_descriptor_limit();
  live::RelayConfig config = make_config(a);
  live::Relay relay(std::move(config));
  const json result = relay.run();
  if (a.quiet && !a.out.empty()) std::cerr << "relay: final statistics in " << a.out << "/relay.json\n";
  return 0;
}

// Loads the link source recorded in DIR/relay.json and checks every fate log against it.
int run_verify(const std::string& dir) {
  const std::string record = dir + "/relay.json";
  const json doc = read_json_file(record);
  const JsonNode root(doc, record);
  const JsonNode links = root.at("config").at("links");
  live::LinkSourceOptions o;
  if (auto f = links.find("file"); f && !f->json().is_null()) o.file = f->string();
  if (auto p = links.find("profile"); p && !p->json().is_null()) o.profile = p->string();
  if (auto ab = links.find("ab")) o.ab = ab->string();
  if (auto ba = links.find("ba")) o.ba = ba->string();
  const live::LinkSource source = live::load_link_source(o);
  if (auto fp = links.find("fingerprint"); fp && !fp->json().is_null() && fp->string() != source.fingerprint)
    fp->fail("'" + o.file + "' has changed since the relay ran (" + source.fingerprint + ")");
  // The calls recorded must be the calls the relay ran (config.calls), numbered 0..N-1, and every
  // call folder in DIR one of them: evidence that is missing is a failure, not a pass.
  uint64_t mismatches = 0;
  auto fail = [&](const std::string& message) {
    std::cout << message << '\n';
    ++mismatches;
  };
  const JsonNode calls = root.at("calls");
  const uint64_t configured = root.at("config").at("calls").unsigned_integer();
  if (calls.size() != configured)
    fail("relay.json records " + std::to_string(calls.size()) + " call(s) of the " + std::to_string(configured) +
         " the relay ran (config.calls)");
  std::vector<bool> seen(calls.size(), false);
  for (const JsonNode& call : calls.elements()) {
    const uint64_t index = call.at("call").unsigned_integer();
    if (index >= calls.size() || seen[index])
      call.at("call").fail("calls must be numbered 0.." + std::to_string(calls.size()) + " - 1, each once");
    seen[index] = true;
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    uint64_t k = 0;
    if (entry.is_directory() && name.starts_with("call") && parse_whole_number(std::string_view(name).substr(4), k) &&
        k >= calls.size())
      fail(name + "/ is not among the calls relay.json records");
  }
  for (const JsonNode& call : calls.elements()) {
    const uint64_t index = call.at("call").unsigned_integer(), seed = call.at("seed").unsigned_integer();
    for (int d = 0; d < 2; ++d) {
      const std::string file = dir + "/call" + std::to_string(index) + (d == 0 ? "/a-to-b" : "/b-to-a") + ".fates.csv";
      const live::FateLog log = live::read_fate_log(file);
      const live::VerifyOutcome v = live::verify_fate_log(log, source.links[d], seed, source.names[d]);
      const std::vector<std::string> uncovered = live::compare_with_record(log, call.at(live::direction_name(d)));
      std::cout << "call " << index << ' ' << live::direction_name(d) << " (link " << source.names[d] << ", seed "
                << seed << "): " << v.packets << " packets, " << v.copies << " copies, "
                << (v.mismatches ? std::to_string(v.mismatches) + " differ" : std::string("every fate reproduced"))
                << (uncovered.empty() ? "" : "; the log does not cover the run relay.json records") << '\n';
      for (const auto& m : v.first_mismatches) std::cout << "  " << m << '\n';
      for (const auto& m : uncovered) std::cout << "  " << m << '\n';
      mismatches += v.mismatches + uncovered.size();
    }
  }
  return mismatches ? 1 : 0;
}

}  // namespace

Command add_relay(CLI::App& app) {
  auto* sub = app.add_subcommand("relay", "UDP relay applying a scenario's links in real time between real endpoints");
  auto a = std::make_shared<RelayArgs>();
  sub->add_option("file", a->source.file, "Scenario (its two links), or a link / profile file for both directions");
  sub->add_option("--profile", a->source.profile, "Named profile for both directions (e.g. 3g)");
  sub->add_option("--ab", a->source.ab, "Scenario link for a->b (default: the first link)");
  sub->add_option("--ba", a->source.ba, "Scenario link for b->a (default: the reverse of a->b)");
  sub->add_option("--seed", a->seed, "Seed of call 0 (call k: seed + k; default: the scenario's, else 1)")
      ->transform(Unsigned());
  sub->add_option("--calls", a->calls, "Number of calls (port pairs; default 1)")->transform(Integer(1, 10000));
  sub->add_option("--bind", a->bind, "Address to listen on (default 127.0.0.1)");
  sub->add_option("--port", a->port, "Port of call 0 side a; call k: a = PORT+2k, b = PORT+2k+1 (default: any free)")
      ->transform(Integer(0, 65535));
  sub->add_option("--a", a->a, "Endpoint HOST:PORT of side a (repeat: i-th for call i; default: learned)")
      ->allow_extra_args(false);  // one per use (repeatable): it took the arguments after it too
  sub->add_option("--b", a->b, "Endpoint HOST:PORT of side b (repeat: i-th for call i; default: learned)")
      ->allow_extra_args(false);  // one per use (repeatable): it took the arguments after it too
  sub->add_option("--learn-from", a->learn_from, "Learn endpoints only from these IPv4 prefixes (repeatable)")
      ->allow_extra_args(false);  // one per use (repeatable): it took the arguments after it too
  sub->add_flag("--asymmetric", a->asymmetric,
               "Sides given with --a/--b accept datagrams from any source (endpoints that send from another port)");
  sub->add_option("--max-learn", a->max_learn, "Times a side may learn an endpoint during the run (default 8)")
      ->transform(Integer(0, 1000000000));
  sub->add_option("--idle-timeout", a->idle_timeout_s, "Forget a learned endpoint idle this long, s (default 60; 0 never)")
      ->check(Number(0, 86400));
  sub->add_option("--max-size", a->max_size, "Largest datagram relayed, bytes (default 1500)")
      ->transform(Integer(1, 65507));
  sub->add_option("--max-inflight", a->max_inflight, "Copies waiting for release at most (default 65536)")
      ->transform(Integer(2, 10000000));
  sub->add_option("--rtpmap", a->rtpmap, "Payload type clock, PT=ENC/RATE[/CH] (e.g. 111=opus/48000/2; repeatable)")
      ->allow_extra_args(false);  // one per use (repeatable): it took the arguments after it too
  sub->add_option("--spin-us", a->spin_us, "Busy-wait this long before each due time, µs (default 0)")
      ->check(Number(0, 10000));
  sub->add_flag("--realtime", a->realtime, "SCHED_FIFO and locked memory for the relay thread, when permitted");
  sub->add_option("--cpu", a->cpu, "Pin the relay thread to this CPU")->transform(Integer(0, CPU_SETSIZE - 1));
  sub->add_option("--control", a->control, "Control commands from a Unix socket PATH, or '-' for stdin");
  sub->add_option("--stats-interval", a->stats_interval_s, "Seconds between statistics lines (default 1; 0 none)")
      ->check(Number(0, 3600));
  sub->add_option("--duration", a->duration_s, "Stop after this many seconds (default: at SIGINT/SIGTERM)")
      ->check(Number(0, 1e7));
  sub->add_option("--drain", a->drain_s, "At stop, keep releasing in-flight packets this long, s (default 2)")
      ->check(Number(0, 600));
  sub->add_option("-o,--out", a->out, "Output folder: relay.json, stats.jsonl, events.jsonl, call<k>/ fate logs, pcaps")
      ->transform(OutputPath());
  sub->add_flag("--no-pcap", a->no_pcap, "Do not write pcaps");
  sub->add_flag("--no-fates", a->no_fates, "Do not write fate logs");
  sub->add_flag("-q,--quiet", a->quiet, "Print no JSON lines on stdout");
  auto dir = std::make_shared<std::string>();
  auto* verify = sub->add_subcommand("verify", "Re-run a relay output folder's fate logs offline; exit 1 if a fate differs");
  verify->add_option("dir", *dir, "The relay's output folder (-o)")->required();
  return {sub, [a, dir, verify] { return verify->parsed() ? run_verify(*dir) : run_relay(*a); }};
}

}  // namespace callsim::cli
