// `callsim netsim FILE [--link A->B] [--pps 50 --size 80] [--duration S] [--seed N] [-o trace.csv] [--json]`:
// a constant-rate packet stream through one network link, with its per-packet trace (CSV, written
// atomically) and statistics. FILE is a scenario (its link named by --link, its duration and seed)
// or a single link / profile file.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli_numbers.h"
#include "commands.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "json/json_node.h"
#include "results/link_stats_json.h"
#include "scenario/link_json.h"
#include "scenario/scenario.h"
#include "sim/net/stream.h"

namespace callsim::cli {
namespace {
namespace net = sim::net;

struct NetsimOptions {
  std::string file, link, output;
  double pps = 50;
  int64_t size_bytes = 80;
  std::optional<double> duration_s;
  std::optional<uint64_t> seed;
  bool json = false;
};

struct LoadedLink {
  net::LinkConfig config;
  std::string name;
  sim::Duration duration;
  uint64_t seed = 1;
};

// A scenario's link (scenario::load_scenario validates the whole file; its duration and seed are the
// defaults), or a file that is one link or profile (20 s, seed 1 by default).
LoadedLink load(const NetsimOptions& o) {
  const nlohmann::json doc = read_json_file(o.file);
  LoadedLink out;
  if (doc.is_object() && doc.contains("links")) {
    const scenario::Scenario s = scenario::load_scenario(o.file);
    std::string names;
    for (const auto& [name, config] : s.links) {
      names += (names.empty() ? "" : ", ") + name;
      if (name == o.link || (o.link.empty() && s.links.size() == 1)) {
        out.name = name;
        out.config = config;
      }
    }
    if (out.name.empty())
      throw InputError(
          o.file, "/links",
          (o.link.empty() ? "several links: choose one with --link (" : "no link '" + o.link + "' (links: ") +
              names + ")");
    out.duration = o.duration_s ? sim::Duration::from_seconds(*o.duration_s) : s.duration;
    out.seed = o.seed.value_or(s.seed);
    return out;
  }
  scenario::LinkParseContext ctx;
  ctx.base_dir = std::filesystem::path(o.file).parent_path().string();
  ctx.duration = sim::Duration::from_seconds(o.duration_s.value_or(20.0));
  out.name = o.link.empty() ? std::filesystem::path(o.file).stem().string() : o.link;
  out.config = scenario::parse_link(JsonNode(doc, o.file), ctx);
  out.duration = ctx.duration;
  out.seed = o.seed.value_or(1);
  return out;
}

int run_netsim(const NetsimOptions& o) {
  if (!(o.pps > 0 && o.pps <= 1e6)) throw InputError("", "--pps", "must be in (0, 1e6]");
  if (o.size_bytes < 1 || o.size_bytes > 65507) throw InputError("", "--size", "must be in [1, 65507] bytes");
  if (o.duration_s && !(*o.duration_s > 0)) throw InputError("", "--duration", "must be > 0 seconds");
  if (!o.output.empty()) refuse_output_over_input(o.output, "-o", {o.file});
  const LoadedLink link = load(o);
  // Every packet's fate is kept for the trace and the statistics (about 93 bytes each: 1.9 GB for
  // 20 s at 1e6 pps), so the stream is bounded before it runs: --pps 1e6 for the longest
  // --duration would have needed some 670 GB.
  constexpr double kMaxPackets = 20e6;
  const double packets = o.pps * link.duration.to_seconds();
  if (packets > kMaxPackets) {
    char text[200];
    std::snprintf(text, sizeof text,
                  "%.0f pps for %g s is %.0f packets; at most 20000000 are simulated (about 2 GB of packet fates): "
                  "lower --pps or --duration",
                  o.pps, link.duration.to_seconds(), packets);
    throw InputError("", "--pps", text);
  }
  const net::StreamResult r =
      net::run_link_stream(link.config, link.seed, link.name, o.pps, o.size_bytes, link.duration);
  if (!o.output.empty()) write_file_atomic(o.output, net::trace_to_csv(r.trace));
  if (o.json) {
    nlohmann::json out = results::link_stats_json(r.stats);
    out["link"] = link.name;
    out["seed"] = link.seed;
    std::cout << json_text(out, 2) << '\n';
  } else {
    std::cout << "link " << link.name << ", seed " << link.seed << ", " << o.pps << " pps x " << o.size_bytes
              << " B for " << link.duration.to_seconds() << " s\n"
              << net::format_stats(r.stats);
  }
  return 0;
}

}  // namespace

Command add_netsim(CLI::App& app) {
  auto* sub = app.add_subcommand("netsim",
                                 "Send a constant-rate stream through one network link; trace + statistics");
  auto o = std::make_shared<NetsimOptions>();
  sub->add_option("file", o->file, "Scenario file, or a link / profile file")->required();
  sub->add_option("--link", o->link, "Link of the scenario, e.g. alice->bob (default: the only one)");
  sub->add_option("--pps", o->pps, "Packets per second (default 50)")->check(Number(0, 1e6, true));
  sub->add_option("--size", o->size_bytes,
                  "RTP packet size in bytes (default 80; the link adds its overhead)")
      ->transform(Integer(1, 65507));
  sub->add_option("--duration", o->duration_s, "Seconds (default: the scenario's duration, or 20)")
      ->check(Number(0, 7200, true));
  sub->add_option("--seed", o->seed, "Seed (default: the scenario's)")->transform(Unsigned());
  sub->add_option("-o,--out", o->output,
                  "Per-packet trace CSV: id,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted")->transform(OutputPath());
  sub->add_flag("--json", o->json, "Print the statistics as JSON");
  return {sub, [o] { return run_netsim(*o); }};
}

}  // namespace callsim::cli
