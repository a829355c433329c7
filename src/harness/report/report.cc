// `callsim report` orchestration: load results, baseline and history, write every page into a
// staging folder beside the target, then swap it into place (common/staged_dir.h).
#include "harness/report/report.h"


#include <set>
#include <system_error>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/output_lock.h"
#include "common/staged_dir.h"
#include "harness/report/report_html.h"
#include "harness/report/report_internal.h"
#include "json/json_node.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using report_detail::Context;

constexpr const char* kReportFormat = "callsim-report/1";

std::string folder_name(const fs::path& p) {
  const fs::path clean = p.lexically_normal();
  return (clean.filename().empty() ? clean.parent_path().filename() : clean.filename()).string();
}

// An earlier night: a report folder (its results.jsonl and report.json date) or any result set.
report_detail::Night load_night(const fs::path& path) {
  report_detail::Night night{folder_name(path), {}};
  std::error_code ec;
  if (fs::exists(path / "report.json", ec)) {
    const json meta = read_json_file((path / "report.json").string());
    if (meta.contains("date") && meta.at("date").is_string() && !meta.at("date").get<std::string>().empty())
      night.label = meta.at("date").get<std::string>() + " (" + night.label + ")";
  }
  for (auto& c : load_result_set(path).calls) night.calls[c.id] = std::move(c);
  return night;
}

// The results.jsonl record of a call, without its folder (the report does not carry call folders).
std::string record_line_without_dir(CallRecord c) {
  c.dir.clear();
  return results::record_line(c);
}

void write_data_files(const Context& ctx, const std::vector<fs::path>& results) {
  std::string lines;
  for (const auto& c : ctx.calls) lines += record_line_without_dir(c);
  write_file_atomic(ctx.root / "results.jsonl", lines);
  json sources = json::array();
  for (const auto& r : results) sources.push_back(r.string());
  const json meta = {{"format", kReportFormat},
                     {"date", ctx.options.date},
                     {"calls", ctx.calls.size()},
                     {"sources", sources},
                     {"baseline", ctx.options.baseline ? ctx.options.baseline->string() : ""}};
  write_file_atomic(ctx.root / "report.json", json_text(meta, 2) + "\n");
}

// The target may be absent, empty, or an earlier report; anything else is not ours to replace.
void check_target(const fs::path& target) {
  std::error_code ec;
  if (!fs::exists(target, ec)) return;
  if (!fs::is_directory(target, ec)) throw InputError(target.string(), "", "exists and is not a folder");
  // Empty but for the lock file (a report that failed in a folder that was there leaves it).
  bool empty = true;
  for (const auto& e : fs::directory_iterator(target, ec)) empty = empty && e.path().filename() == kOutputLockName;
  if (empty && !ec) return;
  if (fs::exists(target / "report.json", ec)) {
    const json meta = read_json_file((target / "report.json").string());
    if (meta.is_object() && meta.value("format", "") == kReportFormat) return;
  }
  throw InputError(target.string(), "", "exists and is not a callsim report; refusing to replace it");
}

void build(Context& ctx, const std::vector<fs::path>& results) {
  write_file_atomic(ctx.root / "report.css", report_asset("report.css"));
  write_file_atomic(ctx.root / "report.js", report_asset("report.js"));
  for (const auto& call : ctx.calls) report_detail::write_call_page(ctx, call);
  const auto sparklines = report_detail::make_trend_plots(ctx);
  report_detail::write_index(ctx, sparklines);
  write_data_files(ctx, results);
}

// --series names sweep axes of the results (parameters of their calls): a name none of the calls
// has (a typo: "codek") drew every call as the series "scenario files" and exited 0.
void check_series_axes(const std::vector<std::string>& axes, const std::vector<CallRecord>& calls) {
  std::set<std::string> known;
  for (const auto& c : calls)
    for (const auto& [key, value] : c.params.items()) known.insert(key);
  for (const auto& a : axes) {
    if (known.count(a)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    throw InputError("--series", "",
                     "'" + a + "' is not a sweep axis of these results; " +
                         (known.empty() ? "their calls have no sweep axes (plain scenario files)"
                                        : "valid: " + list));
  }
}

std::string sources_text(const std::vector<fs::path>& results) {
  std::string out;
  for (const auto& r : results) out += (out.empty() ? "" : ", ") + r.string();
  return out;
}

}  // namespace

ReportSummary write_report(const std::vector<fs::path>& results, const ReportOptions& options) {
  Context ctx;
  ctx.options = options;
  ctx.calls = load_calls(results);
  check_series_axes(options.series_axes, ctx.calls);
  if (options.baseline) ctx.baseline = load_baseline(*options.baseline);
  ctx.check =
      run_check(ctx.calls, ctx.baseline ? &*ctx.baseline : nullptr, CheckOptions{options.tolerance_scale, options.allow_missing});
  for (const auto& h : options.history) ctx.history.push_back(load_night(h));
  for (const auto& r : options.references)
    for (auto& point : read_reference_points(r)) ctx.references.push_back(std::move(point));
  std::map<std::string, int> taken;
  for (const auto& c : ctx.calls) ctx.slugs[c.id] = unique_slug(c.id, &taken);
  ctx.subtitle =
      (options.date.empty() ? "" : options.date + " · ") + std::to_string(ctx.calls.size()) + " calls";
  ctx.sources = sources_text(results);

  fs::path target = options.output.lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "out/" → "out"
  refuse_if_locked(target);
  check_target(target);
  // Another report (or a sweep) into the folder at once is refused (two reports into one folder
  // both exited 0, the later one's swap replacing the other's output). A new folder is made to
  // hold the lock file and removed again when the report fails, as merge does.
  const bool made = create_folder(target);
  OutputLock lock(target);
  try {
    // Complete or absent: written aside, synced, then swapped into place (common/staged_dir.h);
    // a killed report's temporary is removed by the next run in the same folder.
    StagedDir staged(target);
    ctx.root = staged.path();
    try {
      build(ctx, results);
    } catch (const OutputError& e) {
      throw OutputError(staged.as_target(e.path()), e.reason());
    }
    staged.commit();
  } catch (...) {
    if (made) lock.release_and_remove(true);
    throw;
  }
  ctx.summary.calls = static_cast<int>(ctx.calls.size());
  return ctx.summary;
}

}  // namespace callsim::harness
