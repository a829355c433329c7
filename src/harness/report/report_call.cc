// One call's page: summary and check verdict, expectations, the scenario (description, source, link
// settings), then per direction the audio players (reference and degraded), the plots, and
// statistics tables from result.json.
#include <cstdio>
#include <system_error>

#include "common/atomic_file.h"
#include "harness/report/report_html.h"
#include "harness/report/report_internal.h"

namespace callsim::harness::report_detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Floats with at most 4 decimals (trailing zeros dropped); strings unquoted; null (a figure that
// could not be measured) as "not measured".
std::string scalar_text(const json& v) {
  if (v.is_null()) return "not measured";
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_number_float()) return v.dump();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v.get<double>());
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

// Nested objects flattened to "delay_ms.p95" → value rows; long arrays summarized.
void flatten(const json& j, const std::string& prefix, std::vector<std::vector<Cell>>* rows) {
  for (const auto& [key, value] : j.items()) {
    const std::string name = prefix + key;
    if (value.is_object()) {
      flatten(value, name + ".", rows);
    } else if (value.is_array()) {
      const std::string text =
          value.size() <= 12 ? value.dump() : "[" + std::to_string(value.size()) + " values]";
      rows->push_back({text_cell(name), text_cell(text)});
    } else {
      rows->push_back({text_cell(name), text_cell(scalar_text(value), "num")});
    }
  }
}

std::string stats_table(const std::string& title, const json& j) {
  std::vector<std::vector<Cell>> rows;
  flatten(j, "", &rows);
  if (rows.empty()) return "";
  return "<div><h3>" + html_escape(title) + "</h3>\n" + html_table({"statistic", "value"}, rows, false) +
         "</div>\n";
}

std::string summary_section(const Context& ctx, const CallRecord& call) {
  const CallCheck* check = ctx.check.find(call.id);
  std::vector<std::vector<Cell>> rows = {
      {text_cell("scenario"), text_cell(call.scenario)},
      {text_cell("scenario file"), text_cell(call.file.empty() ? "unknown" : call.file)},
      {text_cell("seed"), text_cell(std::to_string(call.seed))},
      {text_cell("parameters"), text_cell(call.params.empty() ? "none" : params_text(call, ", "))},
      {text_cell("expectations"),
       call.error.empty() ? text_cell(call.passed ? "PASS" : "FAIL", call.passed ? "pass" : "fail")
                          : text_cell("did not run: " + call.error, "fail")}};
  if (check && ctx.check.has_baseline)
    rows.push_back(
        {text_cell("vs baseline"),
         text_cell(check->is_new                        ? "new (not in the baseline)"
                   : !check->scenario_changed.empty()    ? "not compared: the scenario changed since the baseline"
                   : check->regressions.empty()          ? "no regression"
                   : check->regressions.size() == 1     ? "1 regression"
                                                         : std::to_string(check->regressions.size()) + " regressions",
                   check->regressions.empty() && check->scenario_changed.empty() ? "" : "fail")});
  std::string out = html_table({"call", call.id}, rows, false);
  if (check && !check->problems().empty()) {
    out += "<ul class=\"problems\">\n";
    for (const auto& p : check->problems()) out += "<li class=\"fail\">" + html_escape(p) + "</li>\n";
    out += "</ul>\n";
  }
  return out;
}

std::string expectations_section(const CallRecord& call) {
  if (call.expectations.empty()) return "";
  std::vector<std::vector<Cell>> rows;
  for (const auto& e : call.expectations) {
    const std::string metric = e.expect.substr(0, e.expect.find_first_of(" <>="));
    const bool skipped = e.status == results::ExpectationStatus::kSkipped;
    rows.push_back({text_cell(e.direction), text_cell(e.expect),
                    text_cell(e.measured ? metric_text(metric, e.measured) : "not measured", "num"),
                    text_cell(skipped ? "skipped" : e.failed() ? "FAIL" : "pass",
                              skipped ? "muted" : e.failed() ? "fail" : "pass"),
                    text_cell(e.note, "muted")});
  }
  return "<h2>Expectations</h2>\n" +
         html_table({"direction", "expectation", "measured", "result", "note"}, rows, true);
}

std::string direction_section(Context& ctx, const CallRecord& call, const std::string& direction,
                              const json* d, const std::vector<Figure>& figures,
                              const std::vector<std::string>& notes, const fs::path& page_dir) {
  const auto arrow = direction.find("->");
  const std::string from = arrow == std::string::npos ? "the talker" : direction.substr(0, arrow);
  const std::string to = arrow == std::string::npos ? "the listener" : direction.substr(arrow + 2);
  std::string out = "<h2 id=\"" + html_escape(scenario::direction_folder(direction)) + "\">" +
                    html_escape(direction) + "</h2>\n";
  // One after the other: each may warn and store a file, and the operands of + are unsequenced
  // (GCC and clang evaluated them in opposite orders, swapping the warnings on stderr).
  std::string players = audio_player(ctx, call, d, direction, "reference", "Reference: what " + from + " said", page_dir);
  players += audio_player(ctx, call, d, direction, "degraded", "Degraded: what " + to + " heard", page_dir);
  if (!players.empty()) out += "<div class=\"players\">\n" + players + "</div>\n";
  for (const auto& n : notes) out += "<p class=\"note\">" + html_escape(n) + "</p>\n";
  out += "<div class=\"plots\">\n";
  for (const auto& f : figures)
    out += "<figure><img class=\"plot\" src=\"" + html_escape(url_path(f.src)) + "\" alt=\"" +
           html_escape(f.caption) + "\"><figcaption>" + html_escape(f.caption) + "</figcaption></figure>\n";
  out += "</div>\n<div class=\"stats\">\n";
  if (auto m = call.metrics.find(direction); m != call.metrics.end()) {
    std::vector<std::vector<Cell>> rows;
    for (const auto& [name, value] : m->second) {
      const results::MetricInfo* info = results::find_metric(name);
      rows.push_back({Cell{"<span title=\"" + html_escape(info ? info->meaning : "") + "\">" + html_escape(name) + "</span>", "", ""},
                      number_cell(name, &value), text_cell(info ? std::string(results::unit_label(info->kind)) : "", "muted")});
    }
    out += "<div><h3>Metrics</h3>\n" + html_table({"metric", "value", "unit"}, rows, false) + "</div>\n";
  }
  if (d) {
    if (d->contains("network")) out += stats_table("Network", d->at("network"));
    if (d->contains("rtp")) out += stats_table("RTP receiver", d->at("rtp"));
    if (d->contains("jitter_buffer")) out += stats_table("Jitter buffer", d->at("jitter_buffer"));
    if (d->contains("quality")) {
      json q = d->at("quality");
      for (auto& [k, v] : q.items())
        if (v.is_object()) v.erase("windows");  // plotted above
      out += stats_table("Quality", q);
    }
  }
  return out + "</div>\n";
}

}  // namespace

std::string params_text(const CallRecord& call, const std::string& separator) {
  std::string out;
  for (const auto& [axis, value] : call.params.items()) {
    out += (out.empty() ? "" : separator) + axis + "=" + value_text(value);
    if (auto it = call.param_directions.find(axis); it != call.param_directions.end()) {
      std::string directions;
      for (const auto& d : it->second) directions += (directions.empty() ? "" : ", ") + d;
      out += " (" + (directions.empty() ? "no direction" : directions) + ")";
    }
  }
  return out;
}

std::string metric_text(const std::string& metric, std::optional<double> value) {
  return value ? format_metric(metric, *value) : "n/a";
}

void write_call_page(Context& ctx, const CallRecord& call) {
  const fs::path page_dir = ctx.root / "calls" / ctx.slugs.at(call.id);
  fs::create_directories(page_dir);
  const std::optional<json> result = read_call_result(call);
  std::map<std::string, std::vector<std::string>> notes;
  auto figures = make_call_plots(ctx, call, result ? &*result : nullptr, page_dir, &notes);
  std::string body = summary_section(ctx, call) + expectations_section(call);
  if (!result)
    body += "<p class=\"note\">result.json of this call not found: metrics only, no plots or audio.</p>\n";
  else
    body += scenario_section(&*result);
  std::vector<std::string> directions;
  if (result && result->contains("directions"))
    for (const auto& [name, d] : result->at("directions").items()) directions.push_back(name);
  else
    for (const auto& [name, m] : call.metrics) directions.push_back(name);
  for (const auto& name : directions) {
    const json* d = result && result->contains("directions") ? &result->at("directions").at(name) : nullptr;
    body += direction_section(ctx, call, name, d, figures[name], notes[name], page_dir);
  }
  write_file_atomic(page_dir / "index.html",
                    render_page({call.id, "../../", ctx.subtitle, ctx.sources}, body));
  ++ctx.summary.pages;
}

}  // namespace callsim::harness::report_detail
