#include "harness/sweep/results_io.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "json/json_node.h"

namespace callsim::harness {
namespace {

using nlohmann::json;

// Running means of named metrics, in a fixed (sorted) order.
class Means {
 public:
  void add(const json& metrics) {
    for (const auto& [name, v] : metrics.items())
      if (v.is_number()) {
        auto& [sum, n] = acc_[name];
        sum += v.get<double>();
        ++n;
      }
  }
  json to_json() const {
    json out = json::object();
    for (const auto& [name, acc] : acc_) {
      const double mean = acc.first / static_cast<double>(acc.second);
      const double r = std::round(mean * 1e4) / 1e4;
      out[name] = r == 0.0 ? 0.0 : r;
    }
    return out;
  }

 private:
  std::map<std::string, std::pair<double, long>> acc_;
};

// Counts and means of one group of calls (a scenario, or an axis entry).
struct Group {
  long calls = 0, passed = 0, failed = 0, errors = 0;
  std::map<std::string, Means> by_direction;  // direction → metric means
  Means all_directions;

  void add(const json& r) {
    ++calls;
    if (r.contains("error"))
      ++errors;
    else if (r.value("passed", false))
      ++passed;
    else
      ++failed;
    if (!r.contains("metrics")) return;
    for (const auto& [direction, m] : r.at("metrics").items()) {
      by_direction[direction].add(m);
      all_directions.add(m);
    }
  }
  json counts() const {
    return {{"calls", calls}, {"passed", passed}, {"failed", failed}, {"errors", errors}};
  }
};

std::string param_key(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::filesystem::path call_dir(const std::filesystem::path& sweep_dir, const std::string& id) {
  return sweep_dir / "calls" / id;
}

json make_record(const Job& job, const json& result) {
  json metrics = json::object();
  for (const auto& [direction, d] : result.at("directions").items()) metrics[direction] = d.at("metrics");
  return {{"id", job.id},
          {"scenario", result.at("scenario").at("name")},
          {"file", job.file},
          {"seed", result.at("scenario").at("seed")},
          {"params", job.params},
          {"passed", result.at("passed")},
          {"expectations", result.at("expectations")},
          {"metrics", metrics},
          {"dir", "calls/" + job.id}};
}

json error_record(const Job& job, const std::string& message) {
  return {{"id", job.id},         {"scenario", job.scenario.name},
          {"file", job.file},     {"seed", job.scenario.seed},
          {"params", job.params}, {"passed", false},
          {"error", message}};
}

std::string record_line(const json& record) { return json_text(record) + "\n"; }

void write_results(const std::filesystem::path& dir, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l;
  write_file_atomic(dir / "results.jsonl", text);
}

ResultLines read_results(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "", "cannot open file");
  ResultLines out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    const std::string where = file.string() + ":" + std::to_string(n);
    json record = parse_json_text(line, where);
    if (!record.is_object() || !record.contains("id") || !record.at("id").is_string())
      throw InputError(where, "/id", "a results record needs a string \"id\"");
    out.lines.push_back(line + "\n");
    out.records.push_back(std::move(record));
  }
  return out;
}

json summarize_records(const std::vector<json>& records) {
  Group total;
  std::map<std::string, Group> by_scenario;
  std::map<std::string, std::map<std::string, Group>> by_param;
  json failed_ids = json::array();
  for (const auto& r : records) {
    total.add(r);
    by_scenario[r.value("scenario", std::string())].add(r);
    const json record_params = r.value("params", json::object());
    for (const auto& [axis, value] : record_params.items()) by_param[axis][param_key(value)].add(r);
    if (r.contains("error") || !r.value("passed", false)) failed_ids.push_back(r.at("id"));
  }
  json summary = total.counts();
  summary["failed_ids"] = failed_ids;
  json scenarios = json::object();
  for (const auto& [name, g] : by_scenario) {
    json s = g.counts();
    s["metrics"] = json::object();
    for (const auto& [direction, means] : g.by_direction) s["metrics"][direction] = means.to_json();
    scenarios[name] = s;
  }
  summary["by_scenario"] = scenarios;
  json params = json::object();
  for (const auto& [axis, entries] : by_param)
    for (const auto& [entry, g] : entries) {
      json p = g.counts();
      p["metrics"] = g.all_directions.to_json();  // means over every direction of the group's calls
      params[axis][entry] = p;
    }
  summary["by_param"] = params;
  return summary;
}

void write_summary(const std::filesystem::path& dir, const json& summary) {
  write_file_atomic(dir / "summary.json", json_text(summary, 2) + "\n");
}

}  // namespace callsim::harness
