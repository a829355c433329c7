#include "results/call_record.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/error.h"
#include "common/file_read.h"
#include "common/names.h"
#include "results/expectation_text.h"
#include "results/metric_table.h"

namespace callsim::results {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

ExpectationStatus parse_status(const JsonNode& e) {
  if (auto s = e.find("status")) {
    const std::string v = s->choice({"pass", "fail", "skipped"});
    return v == "pass" ? ExpectationStatus::kPassed : v == "fail" ? ExpectationStatus::kFailed : ExpectationStatus::kSkipped;
  }
  // results written before expectations had a status
  return e.at("passed").boolean() ? ExpectationStatus::kPassed : ExpectationStatus::kFailed;
}

// A FIFO or a device (/dev/zero) is refused before it is read: it hung or filled memory.
std::string read_text(const fs::path& path) {
  return read_regular_file(path.string(), kMaxResultsFileBytes, "results file");
}

// "callsim_build": "" or lower-case hex (a GNU build ID: 40 digits for SHA-1).
std::string read_build(const JsonNode& n) {
  const auto node = n.find("callsim_build");
  if (!node) return "";
  const std::string text = node->string();
  if (text.size() > 128 || text.find_first_not_of("0123456789abcdef") != std::string::npos)
    node->fail("expected a callsim build ID (lower-case hex, as `readelf -n callsim` shows it)");
  return text;
}

bool read_pesq_scored(const JsonNode& n) {
  if (auto s = n.find("scoring"))
    if (auto p = s->find("pesq")) return p->boolean();
  return true;
}

}  // namespace

std::string read_fingerprint(const JsonNode& parent, const char* key) {
  const auto node = parent.find(key);
  if (!node) return "";
  const std::string text = node->string();
  if (text.empty()) return text;
  const std::string_view prefix = "fnv1a64:";
  const bool hex = text.size() == prefix.size() + 16 && text.starts_with(prefix) &&
                   text.find_first_not_of("0123456789abcdef", prefix.size()) == std::string::npos;
  if (!hex) node->fail("expected a scenario fingerprint \"fnv1a64:\" and 16 hex digits, got '" + text + "'");
  return text;
}

std::optional<double> expectation_threshold(std::string_view expect) {
  const size_t space = expect.find_last_of(" <>=");
  if (space == std::string_view::npos || space + 1 >= expect.size()) return std::nullopt;
  const std::string token(expect.substr(space + 1));
  char* end = nullptr;
  const double v = std::strtod(token.c_str(), &end);
  if (end == token.c_str() || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string format_measured(const ExpectationResult& e) {
  if (!e.measured) return "";
  const std::string metric = e.expect.substr(0, e.expect.find_first_of(" <>="));
  const auto threshold = expectation_threshold(e.expect);
  return threshold ? format_metric_apart(metric, *e.measured, *threshold) : format_metric(metric, *e.measured);
}

json metric_value_json(const std::string& name, double value) {
  if (!std::isfinite(value)) return json(nullptr);
  const MetricInfo* info = find_metric(name);
  const double v = round_for_storage(name, value);
  if (info && info->kind == MetricKind::kCount) return json(static_cast<int64_t>(std::llround(v)));
  return json(v);
}

void round_for_storage(CallRecord& record) {
  for (auto& [direction, metrics] : record.metrics)
    for (auto& [name, value] : metrics) value = results::round_for_storage(name, value);
  for (auto& e : record.expectations)
    if (e.measured) e.measured = results::round_for_storage(e.expect.substr(0, e.expect.find_first_of(" <>=")), *e.measured);
}

std::string to_string(ExpectationStatus status) {
  switch (status) {
    case ExpectationStatus::kPassed: return "pass";
    case ExpectationStatus::kFailed: return "fail";
    case ExpectationStatus::kSkipped: return "skipped";
  }
  return "?";
}

json metrics_to_json(const MetricValues& metrics) {
  json out = json::object();
  for (const auto& [name, value] : metrics) out[name] = metric_value_json(name, value);
  return out;
}

json expectations_to_json(const std::vector<ExpectationResult>& expectations) {
  json out = json::array();
  for (const auto& e : expectations) {
    const std::string metric = e.expect.substr(0, e.expect.find_first_of(" <>="));
    json j = {{"direction", e.direction},
              {"expect", e.expect},
              {"measured", e.measured ? metric_value_json(metric, *e.measured) : json(nullptr)},
              {"status", to_string(e.status)}};
    if (!e.note.empty()) j["note"] = e.note;
    out.push_back(std::move(j));
  }
  return out;
}

MetricValues metrics_from_json(const JsonNode& node) {
  MetricValues out;
  for (const auto& [name, value] : node.members()) {
    const MetricInfo* info = find_metric(name);
    if (!info) value.fail("unknown metric '" + name + "' (`callsim metrics` lists them)");
    if (value.json().is_null())
      value.fail("null: a metric that was not measured is left out of the results, never written as null");
    const double v = value.number();
    if (!value_fits_kind(info->kind, v))
      value.fail(value.json().dump() + " is not a value of a " + std::string(unit_label(info->kind)) +
                 " metric (" + kind_allows(info->kind) + ")");
    out[name] = v;
  }
  // The writer always counts a direction's packets (call/call_metrics.cc), so it never writes {}.
  if (out.empty()) node.fail("no metrics: a direction of a call that ran always has its packet counts");
  // The packet counts are one account of what was sent (loss is counted against it): a file in
  // which they disagree was not written by callsim, and a gate reading it would judge nonsense.
  const auto count = [&](const char* name) -> std::optional<int64_t> {
    const auto it = out.find(name);
    if (it == out.end()) return std::nullopt;
    return static_cast<int64_t>(it->second);
  };
  const auto sent = count("packets_sent"), received = count("packets_received"), lost = count("packets_lost");
  if (sent && received && *received > *sent)
    node.at("packets_received")
        .fail(std::to_string(*received) + " is more than packets_sent (" + std::to_string(*sent) +
              "): duplicates are counted once");
  if (sent && received && lost && *lost != *sent - *received)
    node.at("packets_lost")
        .fail(std::to_string(*lost) + " is not packets_sent - packets_received (" + std::to_string(*sent) + " - " +
              std::to_string(*received) + ")");
  return out;
}

std::vector<ExpectationResult> expectations_from_json(const JsonNode& node) {
  std::vector<ExpectationResult> out;
  for (const auto& e : node.elements()) {
    ExpectationResult r;
    r.direction = e.at("direction").string();
    r.expect = e.at("expect").string();
    if (auto m = e.find("measured"); m && !m->json().is_null()) r.measured = m->number();
    r.status = parse_status(e);
    r.note = e.string_or("note", "");
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

// A direction read from a result file names files (its "<from>-to-<to>" folder, the report's plot
// files): a hand-edited "../../x->y" wrote a report's plot data outside the report folder.
const std::string& checked_direction(const std::string& direction, const JsonNode& node) {
  if (!valid_direction_name(direction))
    node.fail("'" + direction.substr(0, 120) +
              "' is not a direction: expected <peer>-><peer>, peer names of 1 to " +
              std::to_string(kMaxPeerNameLength) + " letters, digits, '_', '-'");
  return direction;
}

// An expectation as callsim writes it: its direction one of the call's, its `measured` the
// direction's stored metric (absent exactly when the metric is), and its status what comparing
// that figure with the threshold gives (a figure not measured never passes; skipped only for a
// metric that needs P.862 in a call scored without it). A hand-edited status of "pass" on a dead
// direction's failed expectation passed `check`.
void check_expectations(const CallRecord& c, const JsonNode& list) {
  const auto elements = list.elements();
  for (size_t i = 0; i < c.expectations.size() && i < elements.size(); ++i) {
    const ExpectationResult& e = c.expectations[i];
    const JsonNode& node = elements[i];
    const auto parts = split_expectation(e.expect);
    const MetricInfo* info = parts ? find_metric(parts->metric) : nullptr;
    if (!info) node.at("expect").fail("'" + e.expect.substr(0, 120) + "' is not 'metric op value' of a known metric");
    const std::string& metric = parts->metric;
    const auto direction = c.metrics.find(e.direction);
    if (direction == c.metrics.end()) node.at("direction").fail("'" + e.direction.substr(0, 120) + "' is not a direction of the call");
    const auto value = direction->second.find(metric);
    const bool has_value = value != direction->second.end() && std::isfinite(value->second);
    if (e.measured.has_value() != has_value || (has_value && *e.measured != value->second))
      node.fail(std::string("measured ") + (e.measured ? format_metric(metric, *e.measured) : "null") +
                " is not the direction's " + metric + " (" +
                (has_value ? format_metric(metric, value->second) : "not measured") + ")");
    ExpectationStatus expected = ExpectationStatus::kFailed;
    if (e.measured) {
      const double threshold = std::strtod(parts->value.c_str(), nullptr);
      expected = expectation_holds(*e.measured, parts->op, threshold) ? ExpectationStatus::kPassed : ExpectationStatus::kFailed;
    } else if (e.status == ExpectationStatus::kSkipped && info->needs_pesq && !c.pesq_scored) {
      expected = ExpectationStatus::kSkipped;
    }
    if (e.status != expected)
      node.fail("status '" + to_string(e.status) + "' is not what '" + e.expect.substr(0, 120) + "' gives for " +
                (e.measured ? "measured " + format_metric(metric, *e.measured) : std::string("a figure not measured")) +
                " ('" + to_string(expected) + "')");
  }
}

}  // namespace

json record_to_json(const CallRecord& r) {
  json out = {{"id", r.id},     {"scenario", r.scenario}, {"file", r.file},
              {"seed", r.seed}, {"params", r.params},     {"passed", r.passed && r.error.empty()}};
  if (!r.scenario_fingerprint.empty()) out["scenario_fingerprint"] = r.scenario_fingerprint;
  if (!r.callsim_build.empty()) out["callsim_build"] = r.callsim_build;
  if (!r.param_directions.empty()) out["param_directions"] = r.param_directions;
  if (!r.error.empty()) {
    out["error"] = r.error;
    if (!r.error_kind.empty()) out["error_kind"] = r.error_kind;
    return out;
  }
  out["scoring"] = {{"pesq", r.pesq_scored}};
  out["expectations"] = expectations_to_json(r.expectations);
  json metrics = json::object();
  for (const auto& [direction, m] : r.metrics) metrics[direction] = metrics_to_json(m);
  out["metrics"] = metrics;
  if (!r.dir.empty()) out["dir"] = r.dir.generic_string();
  return out;
}

std::string record_line(const CallRecord& record) { return json_text(record_to_json(record)) + "\n"; }

CallRecord record_from_json(const JsonNode& n, const fs::path& base_dir) {
  if (!n.is_object()) n.fail("expected an object (one call per line)");
  CallRecord c;
  c.id = n.at("id").string();
  if (c.id.empty()) n.at("id").fail("the call id is empty");
  c.scenario = n.string_or("scenario", c.id);
  c.file = n.string_or("file", "");
  if (auto s = n.find("seed")) c.seed = s->unsigned_integer();
  c.scenario_fingerprint = read_fingerprint(n, "scenario_fingerprint");
  c.callsim_build = read_build(n);
  if (auto p = n.find("params")) {
    p->members();  // must be an object
    c.params = p->json();
  }
  if (auto p = n.find("param_directions"))
    for (const auto& [axis, directions] : p->members()) {
      if (!c.params.contains(axis)) directions.fail("the call has no parameter '" + axis + "'");
      auto& list = c.param_directions[axis];
      for (const JsonNode& d : directions.elements()) list.push_back(d.string());
    }
  if (auto e = n.find("error"); e && !e->json().is_null()) c.error = e->string();
  if (!c.error.empty()) c.error_kind = n.choice_or("error_kind", "", {"bad_input", "bug"});
  c.passed = c.error.empty() ? n.at("passed").boolean() : n.boolean_or("passed", false);
  c.pesq_scored = read_pesq_scored(n);
  if (auto e = n.find("expectations")) c.expectations = expectations_from_json(*e);
  if (auto m = n.find("metrics"))
    for (const auto& [direction, metrics] : m->members()) c.metrics[checked_direction(direction, metrics)] = metrics_from_json(metrics);
  if (c.error.empty() && c.metrics.empty())
    n.at("metrics").fail("no directions: a call that ran has the metrics of each of its directions");
  if (auto e = n.find("expectations")) check_expectations(c, *e);
  if (auto d = n.find("dir"); d && !d->json().is_null()) c.dir = base_dir / d->string();
  return c;
}

bool param_applies(const CallRecord& call, const std::string& axis, const std::string& direction) {
  if (!call.params.is_object() || !call.params.contains(axis)) return false;
  const auto it = call.param_directions.find(axis);
  return it == call.param_directions.end() ||
         std::find(it->second.begin(), it->second.end(), direction) != it->second.end();
}

CallRecord record_from_result_json(const JsonNode& n, const fs::path& dir) {
  CallRecord c;
  const JsonNode sc = n.at("scenario");
  c.scenario = sc.at("name").string();
  c.id = c.scenario;
  c.file = sc.string_or("file", "");
  if (auto s = sc.find("seed")) c.seed = s->unsigned_integer();
  c.scenario_fingerprint = read_fingerprint(sc, "fingerprint");
  c.callsim_build = read_build(n);
  c.passed = n.at("passed").boolean();
  c.pesq_scored = read_pesq_scored(n);
  if (auto e = n.find("expectations")) c.expectations = expectations_from_json(*e);
  for (const auto& [direction, d] : n.at("directions").members())
    c.metrics[checked_direction(direction, d)] = metrics_from_json(d.at("metrics"));
  // As record_from_json: every scenario has a link, so a call's result.json has a direction; one
  // without any would pass check and become a baseline entry that gates nothing.
  if (c.metrics.empty())
    n.at("directions").fail("no directions: a call that ran has the metrics of each of its directions");
  if (auto e = n.find("expectations")) check_expectations(c, *e);
  c.dir = dir;
  return c;
}

ResultsFile read_results_file(const fs::path& path) { return parse_results_text(read_text(path), path); }

ResultsFile parse_results_text(std::string_view text, const fs::path& path) {
  ResultsFile out;
  size_t line_start = 0;
  for (int line = 1; line_start < text.size(); ++line) {
    size_t end = text.find('\n', line_start);
    if (end == std::string::npos) end = text.size();
    const std::string_view view(text.data() + line_start, end - line_start);
    const std::string origin = path.string() + ":" + std::to_string(line);
    if (view.find_first_not_of(" \t\r") != std::string_view::npos) {
      json doc;
      try {
        doc = json::parse(view);
      } catch (const json::parse_error& e) {
        const size_t column = e.byte > 0 ? e.byte : 1;
        throw InputError(origin,
                         "byte " + std::to_string(line_start + column - 1) + " (column " + std::to_string(column) + ")",
                         "malformed JSON line");
      } catch (const json::out_of_range& e) {
        // A number beyond a double's range ("1e400"): the reader names the number, not its place;
        // the place is where that text first occurs in the line.
        const std::string what = e.what();
        const size_t open = what.find('\''), close = what.rfind('\'');
        const std::string number = open < close ? what.substr(open + 1, close - open - 1) : "";
        const size_t at = number.empty() ? std::string_view::npos : view.find(number);
        throw InputError(origin,
                         at == std::string_view::npos ? "" : "byte " + std::to_string(line_start + at) + " (column " +
                                                                 std::to_string(at + 1) + ")",
                         number.empty() ? "a number out of range" : number + " is beyond the range of a double");
      }
      out.records.push_back(record_from_json(JsonNode(doc, origin), path.parent_path()));
      out.records.back().origin = origin;
      out.lines.push_back(std::string(view) + "\n");
    }
    line_start = end + 1;
  }
  return out;
}

std::optional<double> find_value(const CallRecord& call, const std::string& direction, const std::string& metric) {
  auto d = call.metrics.find(direction);
  if (d == call.metrics.end()) return std::nullopt;
  auto m = d->second.find(metric);
  if (m == d->second.end()) return std::nullopt;
  return m->second;
}

}  // namespace callsim::results
