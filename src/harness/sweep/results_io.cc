#include "harness/sweep/results_io.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/staged_dir.h"
#include "results/metric_table.h"

namespace callsim::harness {
namespace {

using nlohmann::json;

// Per metric: the mean of its values, or for a count the sum, in sorted order; and how many
// directions each mean covers out of the directions added (a metric not measured in a direction,
// such as the MOS of a dead one, leaves that direction out of its mean).
class Aggregate {
 public:
  void add(const results::MetricValues& metrics) {
    ++directions_;
    for (const auto& [name, v] : metrics) {
      if (!std::isfinite(v)) continue;
      auto& [sum, n] = acc_[name];
      sum += v;
      ++n;
    }
  }
  json means() const { return collect(false); }
  json totals() const { return collect(true); }
  long directions() const { return directions_; }
  // Per mean metric: the number of directions its mean is over.
  json measured() const {
    json out = json::object();
    for (const auto& [name, acc] : acc_)
      if (!is_count(name)) out[name] = acc.second;
    return out;
  }

 private:
  static bool is_count(const std::string& name) {
    const results::MetricInfo* info = results::find_metric(name);
    return info && info->kind == results::MetricKind::kCount;
  }
  json collect(bool counts) const {
    json out = json::object();
    for (const auto& [name, acc] : acc_) {
      if (is_count(name) != counts) continue;
      out[name] = results::metric_value_json(name, counts ? acc.first : acc.first / static_cast<double>(acc.second));
    }
    return out;
  }
  std::map<std::string, std::pair<double, long>> acc_;
  long directions_ = 0;
};

// Counts and aggregates of one group of calls (a scenario, or an axis entry).
struct Group {
  long calls = 0, passed = 0, failed = 0, errors = 0;
  std::map<std::string, Aggregate> by_direction;
  Aggregate all_directions;

  // Axis-entry groups (`axis` names the axis) report aggregates over all directions only, so they
  // skip the per-direction ones (a seed axis of thousands of entries would otherwise keep thousands
  // of maps), and aggregate only the directions the axis changed (results::param_applies).
  void add(const results::CallRecord& r, const std::string* axis = nullptr) {
    const bool per_direction = axis == nullptr;
    ++calls;
    if (!r.error.empty())
      ++errors;
    else if (r.passed)
      ++passed;
    else
      ++failed;
    for (const auto& [direction, m] : r.metrics) {
      if (axis && !results::param_applies(r, *axis, direction)) continue;
      if (per_direction) by_direction[direction].add(m);
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

results::CallRecord job_record(const Job& job, results::CallRecord record) {
  record.id = job.id;
  record.file = job.file;
  record.params = job.params;
  record.param_directions = job.param_directions;
  record.dir = "calls/" + job.id;
  record.origin.clear();
  return record;
}

int sweep_exit_code(bool internal_error, bool input_error, size_t failed, size_t errors) {
  return internal_error ? kExitBug : input_error ? kExitBadInput : failed + errors > 0 ? kExitFailed : kExitOk;
}

results::CallRecord error_record(const Job& job, const std::string& message, const std::string& kind) {
  results::CallRecord r;
  r.id = job.id;
  r.scenario = job.scenario.name;
  r.file = job.file;
  r.seed = job.scenario.seed;
  r.scenario_fingerprint = job.scenario.fingerprint;
  r.params = job.params;
  r.param_directions = job.param_directions;
  r.passed = false;
  r.error = message;
  r.error_kind = kind;
  return r;
}

void write_results(const std::filesystem::path& dir, const std::vector<std::string>& lines) {
  ResultsWriter writer(dir);
  for (const auto& l : lines) writer.add(l);
  writer.commit();
}

struct SummaryBuilder::State {
  Group total;
  std::map<std::string, Group> by_scenario;
  std::map<std::string, std::map<std::string, Group>> by_param;
  json failed_ids = json::array();
};

SummaryBuilder::SummaryBuilder() : s_(std::make_unique<State>()) {}
SummaryBuilder::~SummaryBuilder() = default;

void SummaryBuilder::add(const results::CallRecord& r) {
  s_->total.add(r);
  s_->by_scenario[r.scenario].add(r);
  for (const auto& [axis, value] : r.params.items()) s_->by_param[axis][param_key(value)].add(r, &axis);
  if (!r.error.empty() || !r.passed) s_->failed_ids.push_back(r.id);
}

json SummaryBuilder::finish() const {
  json summary = s_->total.counts();
  summary["failed_ids"] = s_->failed_ids;
  json scenarios = json::object();
  for (const auto& [name, g] : s_->by_scenario) {
    json s = g.counts();
    s["means"] = json::object();
    s["measured"] = json::object();
    s["directions"] = json::object();
    s["totals"] = json::object();
    for (const auto& [direction, agg] : g.by_direction) {
      s["means"][direction] = agg.means();
      s["measured"][direction] = agg.measured();
      s["directions"][direction] = agg.directions();
      s["totals"][direction] = agg.totals();
    }
    scenarios[name] = s;
  }
  summary["by_scenario"] = scenarios;
  json params = json::object();
  for (const auto& [axis, entries] : s_->by_param)
    for (const auto& [entry, g] : entries) {
      json p = g.counts();
      p["means"] = g.all_directions.means();  // over the directions the axis changed
      p["measured"] = g.all_directions.measured();
      p["directions"] = g.all_directions.directions();
      p["totals"] = g.all_directions.totals();
      params[axis][entry] = p;
    }
  summary["by_param"] = params;
  return summary;
}

json summarize_records(const std::vector<results::CallRecord>& records) {
  SummaryBuilder builder;
  for (const auto& r : records) builder.add(r);
  return builder.finish();
}

ResultsWriter::ResultsWriter(const std::filesystem::path& dir)
    : out_(dir / "results.jsonl"), file_(std::fopen(out_.temp_path().c_str(), "wb")) {
  if (!file_)
    throw OutputError(out_.target().string(), std::string("cannot create: ") + std::strerror(errno));
}

ResultsWriter::~ResultsWriter() {
  if (file_) std::fclose(file_);
}

void ResultsWriter::add(const std::string& line) {
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size())
    throw OutputError(out_.target().string(), std::string("cannot write: ") + std::strerror(errno));
}

void ResultsWriter::commit() {
  const bool failed = std::fflush(file_) != 0 || std::ferror(file_);
  const int err = errno;
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed || close_failed)
    throw OutputError(out_.target().string(), std::string("cannot write: ") + std::strerror(err));
  out_.commit();
}

namespace {

namespace fs = std::filesystem;

// A JSON file read without throwing: null when absent, unreadable or not JSON.
json read_json_quietly(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return json();  // a FIFO would hang the read
  std::ifstream in(file, std::ios::binary);
  if (!in) return json();
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// Why calls/ of a folder is not a sweep's, or "": every non-hidden entry below it is a folder on
// the way to a call folder, or a call folder callsim wrote (its job.json names the call's id; one
// without job.json, interrupted or damaged, has a result.json callsim wrote). A file or a link
// elsewhere, or a call folder of another program, is not a sweep's (a sweep would remove it).
std::string why_calls_not_a_sweeps(const fs::path& calls) {
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(calls, ec); it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) return "calls/ cannot be read: " + ec.message();
    const fs::path rel = it->path().lexically_relative(calls);  // a link named as it is, not where it points
    const std::string name = "calls/" + rel.generic_string();
    if (it->path().filename().string().starts_with(".")) {  // a call being written, or a killed one's
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_symlink(ec)) return "it holds " + name + " (a link), which a sweep does not write";
    if (!it->is_directory(ec)) return "it holds " + name + ", which a sweep does not write";
    const fs::path job = it->path() / "job.json", result = it->path() / "result.json";
    if (!fs::exists(job, ec) && !fs::exists(result, ec)) continue;  // on the way to call folders
    it.disable_recursion_pending();
    if (fs::exists(job, ec)) {
      const json marker = read_json_quietly(job);
      if (!marker.is_object() || !marker.contains("fingerprint") ||
          marker.value("id", std::string()) != rel.generic_string())
        return name + "/job.json is not one a sweep wrote for the call '" + rel.generic_string() + "'";
      continue;
    }
    const json doc = read_json_quietly(result);
    if (!doc.is_object() || !doc.contains("callsim_version") || !doc.contains("directions"))
      return name + "/result.json is not one callsim wrote";
  }
  return "";
}

// Why `dir` (an existing folder, not empty) is not a sweep's or merge's output, or "". One holds
// results.jsonl, summary.json and calls/ (junit.xml too, where the README's gate writes it; hidden
// temporaries), each as callsim writes it, and nothing else: a folder holding files a sweep never
// writes is someone else's, whatever else it holds.
std::string why_not_a_sweep_output(const fs::path& dir) {
  static const std::set<std::string> kEntries = {"results.jsonl", "summary.json", "calls", "junit.xml"};
  std::error_code ec;
  bool shown = false, any = false;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".")) {  // the lock, and temporaries of atomic writes: nothing else hidden
      if (name == kOutputLockName || name.find(".tmp-") != std::string::npos) continue;
      return "it holds " + name + ", which a sweep does not write";
    }
    if (!kEntries.count(name)) return "it holds " + name + ", which a sweep does not write";
    const bool folder = name == "calls";
    if (entry.is_symlink(ec) || (folder ? !entry.is_directory(ec) : !entry.is_regular_file(ec)))
      return "its " + name + " is not a " + (folder ? "folder" : "file");
    shown = true;
    any = any || name != "junit.xml";
  }
  if (ec) return "it cannot be read: " + ec.message();
  if (!shown) return "";  // as good as empty: an interrupted sweep's or merge's lock and temporaries
  if (!any) return "no results.jsonl, summary.json or calls/";
  if (fs::exists(dir / "results.jsonl", ec)) {
    try {
      results::read_results_file(dir / "results.jsonl");
    } catch (const std::exception& e) {
      return std::string("its results.jsonl is not one callsim wrote: ") + e.what();
    }
  }
  if (fs::exists(dir / "summary.json", ec)) {
    const json summary = read_json_quietly(dir / "summary.json");
    if (!summary.is_object() || !summary.contains("calls") || !summary.contains("by_scenario"))
      return "its summary.json is not one callsim wrote";
  }
  if (fs::exists(dir / "calls", ec)) return why_calls_not_a_sweeps(dir / "calls");
  return "";
}

}  // namespace

void check_sweep_target(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) throw InputError(dir.string(), "", "exists and is not a folder");
  if (fs::is_empty(dir, ec)) return;
  const std::string why = why_not_a_sweep_output(dir);
  if (why.empty()) return;
  throw InputError(dir.string(), "",
                   "exists and is not a sweep's output folder (" + why +
                       "); refusing to write into it: remove it or choose another");
}

void forget_results_index(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir / "calls", ec);
  if (ec) throw InputError((dir / "calls").string(), "", "cannot create the folder: " + ec.message());
  for (const char* name : {"results.jsonl", "summary.json"}) {
    fs::remove(dir / name, ec);
    if (ec)
      throw InputError((dir / name).string(), "",
                       "cannot remove the earlier sweep's file before this sweep runs: " + ec.message());
  }
}

void write_summary(const std::filesystem::path& dir, const json& summary) {
  write_file_atomic(dir / "summary.json", json_text(summary, 2) + "\n");
}

}  // namespace callsim::harness
