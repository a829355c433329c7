// `callsim metrics [--markdown | --json]`: the metric table (results/metric_table.h) — every
// per-direction metric a call result carries, with its unit, which way is worse, default
// regression tolerance, whether a new baseline tracks it, and its meaning. --markdown prints the
// table scenarios/README.md carries (a test keeps the two identical).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "results/metric_table.h"

namespace callsim::cli {
namespace {

struct MetricsArgs {
  bool markdown = false, json = false;
};

nlohmann::json table_json() {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& m : results::metric_table()) {
    nlohmann::json j = {{"name", m.name},
                        {"unit", results::unit_label(m.kind)},
                        {"unit_description", results::unit_description(m.kind)},
                        {"worse", results::to_string(m.worse)},
                        {"tracked", m.tracked},
                        {"needs_pesq", m.needs_pesq},
                        {"meaning", m.meaning}};
    if (m.tolerance.absolute) j["tolerance_absolute"] = *m.tolerance.absolute;
    if (m.tolerance.relative) j["tolerance_relative"] = *m.tolerance.relative;
    out.push_back(j);
  }
  return out;
}

int run_metrics(const MetricsArgs& a) {
  if (a.json) {
    std::cout << table_json().dump(2) << "\n";
  } else if (a.markdown) {
    std::cout << results::metric_table_markdown();
  } else {
    for (const auto& m : results::metric_table())
      std::cout << m.name << "  [" << results::unit_label(m.kind) << ", " << results::to_string(m.worse)
                << " is worse" << (m.tracked ? ", tracked" : "") << "]\n    " << m.meaning << "\n";
  }
  return 0;
}

}  // namespace

Command add_metrics(CLI::App& app) {
  auto* sub = app.add_subcommand("metrics", "List the metrics a call result carries (units, meaning, tolerances)");
  auto a = std::make_shared<MetricsArgs>();
  auto* md = sub->add_flag("--markdown", a->markdown, "The markdown table of scenarios/README.md");
  sub->add_flag("--json", a->json, "As JSON")->excludes(md);
  return {sub, [a] { return run_metrics(*a); }};
}

}  // namespace callsim::cli
