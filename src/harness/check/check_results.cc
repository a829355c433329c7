#include "harness/check/check_results.h"

#include <fstream>
#include <sstream>

#include "common/error.h"
#include "json/json_node.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "", "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::map<std::string, double> parse_metric_map(const JsonNode& node) {
  std::map<std::string, double> out;
  for (const auto& [name, value] : node.members()) {
    if (value.json().is_null()) continue;  // not measured
    out[name] = value.number();
  }
  return out;
}

std::vector<ExpectationRecord> parse_expectations(const JsonNode& node) {
  std::vector<ExpectationRecord> out;
  for (const auto& e : node.elements()) {
    ExpectationRecord r;
    r.direction = e.at("direction").string();
    r.expect = e.at("expect").string();
    const JsonNode m = e.at("measured");
    if (!m.json().is_null()) r.measured = m.number();
    r.passed = e.at("passed").boolean();
    out.push_back(std::move(r));
  }
  return out;
}

// One line of results.jsonl. Unknown keys are allowed: the sweep may record more than we read.
CallRecord parse_sweep_record(const JsonNode& n, const fs::path& base_dir) {
  CallRecord c;
  c.id = n.at("id").string();
  if (c.id.empty()) n.at("id").fail("the call id is empty");
  c.scenario = n.string_or("scenario", c.id);
  c.file = n.string_or("file", "");
  if (auto s = n.find("seed")) c.seed = s->unsigned_integer();
  if (auto p = n.find("params")) {
    p->members();  // must be an object
    c.params = p->json();
  }
  if (auto e = n.find("error"); e && !e->json().is_null()) c.error = e->string();
  c.passed = c.error.empty() ? n.at("passed").boolean() : n.boolean_or("passed", false);
  if (auto e = n.find("expectations")) c.expectations = parse_expectations(*e);
  if (auto m = n.find("metrics"))
    for (const auto& [direction, metrics] : m->members()) c.metrics[direction] = parse_metric_map(metrics);
  if (auto d = n.find("dir"); d && !d->json().is_null()) c.dir = base_dir / d->string();
  return c;
}

ResultSet load_jsonl(const fs::path& path) {
  const std::string text = read_text(path);
  ResultSet set{path, {}};
  size_t line_start = 0;
  for (int line = 1; line_start < text.size(); ++line) {
    size_t end = text.find('\n', line_start);
    if (end == std::string::npos) end = text.size();
    const std::string_view view(text.data() + line_start, end - line_start);
    const std::string origin = path.string() + ":" + std::to_string(line);
    if (view.find_first_not_of(" \t\r") != std::string_view::npos) {
      nlohmann::json doc;
      try {
        doc = nlohmann::json::parse(view);
      } catch (const nlohmann::json::parse_error& e) {
        const size_t column = e.byte > 0 ? e.byte : 1;
        throw InputError(
            origin,
            "byte " + std::to_string(line_start + column - 1) + " (column " + std::to_string(column) + ")",
            "malformed JSON line");
      }
      const JsonNode node(doc, origin);
      if (!node.is_object()) node.fail("expected an object (one call per line)");
      set.calls.push_back(parse_sweep_record(node, path.parent_path()));
      set.calls.back().origin = origin;
    }
    line_start = end + 1;
  }
  return set;
}

// A `callsim run` folder's result.json: a one-call set whose id is the scenario name.
ResultSet load_run_result(const fs::path& path) {
  const nlohmann::json doc = read_json_file(path.string());
  const JsonNode n(doc, path.string());
  CallRecord c;
  const JsonNode sc = n.at("scenario");
  c.scenario = sc.at("name").string();
  c.id = c.scenario;
  c.file = sc.string_or("file", "");
  if (auto s = sc.find("seed")) c.seed = s->unsigned_integer();
  c.passed = n.at("passed").boolean();
  if (auto e = n.find("expectations")) c.expectations = parse_expectations(*e);
  for (const auto& [direction, d] : n.at("directions").members())
    c.metrics[direction] = parse_metric_map(d.at("metrics"));
  c.dir = path.parent_path();
  c.origin = path.string();
  return ResultSet{path, {std::move(c)}};
}

}  // namespace

ResultSet load_result_set(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "results.jsonl")) return load_jsonl(path / "results.jsonl");
    if (fs::exists(path / "result.json")) return load_run_result(path / "result.json");
    throw InputError(path.string(), "", "holds neither results.jsonl (a sweep) nor result.json (a run)");
  }
  if (!fs::exists(path, ec)) throw InputError(path.string(), "", "no such file or folder");
  if (path.filename() == "result.json") return load_run_result(path);
  return load_jsonl(path);
}

std::vector<CallRecord> load_calls(const std::vector<fs::path>& paths) {
  std::vector<CallRecord> out;
  std::map<std::string, std::string> seen;  // id → origin
  for (const auto& p : paths) {
    for (auto& c : load_result_set(p).calls) {
      auto [it, inserted] = seen.emplace(c.id, c.origin);
      if (!inserted)
        throw InputError(c.origin, "/id", "duplicate call id '" + c.id + "' (first in " + it->second + ")");
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::optional<nlohmann::json> read_call_result(const CallRecord& call) {
  if (call.dir.empty()) return std::nullopt;
  const fs::path file = call.dir / "result.json";
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  return read_json_file(file.string());
}

std::optional<double> find_metric(const CallRecord& call, const std::string& direction,
                                  const std::string& metric) {
  auto d = call.metrics.find(direction);
  if (d == call.metrics.end()) return std::nullopt;
  auto m = d->second.find(metric);
  if (m == d->second.end()) return std::nullopt;
  return m->second;
}

}  // namespace callsim::harness
