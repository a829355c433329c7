// The report's index.html: summary boxes, sweep plots, the sortable overview table (one row per
// call and direction) with the change against the baseline and the trend over earlier nights,
// and the baseline calls that are missing from the results.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/atomic_file.h"
#include "harness/check/baseline.h"
#include "harness/report/report_html.h"
#include "harness/report/report_internal.h"

namespace callsim::harness::report_detail {
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string box(const std::string& value, const std::string& label, const std::string& css = "") {
  return "<div class=\"box\"><b class=\"" + css + "\">" + html_escape(value) + "</b>" + html_escape(label) +
         "</div>\n";
}

std::string summary_boxes(const Context& ctx) {
  const CheckReport& c = ctx.check;
  int passed = 0;
  for (const auto& call : ctx.calls) passed += call.passed && call.error.empty();
  const int failed = static_cast<int>(ctx.calls.size()) - passed;
  std::string out = "<div class=\"summary\">\n" + box(std::to_string(ctx.calls.size()), "calls") +
                    box(std::to_string(passed), "pass their expectations", "pass") +
                    box(std::to_string(failed), "fail or did not run", failed ? "fail" : "");
  if (c.has_baseline) {
    const int reg = c.count(Verdict::kRegression), missing = c.count(CallStatus::kMissing);
    out += box(std::to_string(reg), "metric regressions vs baseline", reg ? "fail" : "") +
           box(std::to_string(c.count(Verdict::kImproved)), "metric improvements", "improved") +
           box(std::to_string(missing), c.allow_missing ? "baseline calls missing (allowed)" : "baseline calls missing",
               missing && !c.allow_missing ? "fail" : "");
    if (const int changed = c.scenarios_changed(); changed > 0)
      out += box(std::to_string(changed), "scenarios changed since the baseline (not compared)", "fail");
    out +=
           box(c.passed() ? "PASSED" : "FAILED", "CI check", c.passed() ? "pass" : "fail");
  }
  if (!ctx.history.empty()) out += box(std::to_string(ctx.history.size()), "earlier nights");
  out += "</div>\n";
  // Why the check failed as a whole (no calls, or a baseline holding none of them), not per call.
  if (const char* why = c.has_baseline ? c.refusal() : nullptr)
    out += "<p class=\"note fail\">" + html_escape(why) + "</p>\n";
  return out;
}

Cell ratio_percent_cell(const CallRecord& call, const std::string& direction, const std::string& metric) {
  const auto v = find_metric(call, direction, metric);
  if (!v) return Cell{"n/a", "", "num muted"};
  return Cell{fixed(100.0 * *v, 2), fixed(100.0 * *v, 4), "num"};
}

Cell metric_cell(const CallRecord& call, const std::string& direction, const std::string& metric) {
  const auto v = find_metric(call, direction, metric);
  return number_cell(metric, v ? &*v : nullptr);
}

// MOS-CQE (comparable across codec bands) with R on its own scale below it.
Cell emodel_cell(const CallRecord& call, const std::string& direction) {
  const auto mos = find_metric(call, direction, "emodel_mos_cqe");
  if (!mos) return Cell{"n/a", "", "num muted"};
  std::string html = html_escape(format_metric("emodel_mos_cqe", *mos));
  for (const char* r : {"emodel_r_nb", "emodel_r_wb", "emodel_r_swb"})
    if (const auto v = find_metric(call, direction, r))
      html += "<br><small class=\"muted\">R " + html_escape(results::format_metric_with_unit(r, *v)) + "</small>";
  return Cell{html, format_metric("emodel_mos_cqe", *mos), "num"};
}

// With a baseline, the CI check's verdict of the call (what `callsim check` fails it for:
// expectations, regressions, a changed scenario); without one, its expectations' verdict. The
// column is named for which (result_header): "result" showed PASS beside a -0.500 MOS regression.
Cell result_cell(const Context& ctx, const CallRecord& call) {
  if (!call.error.empty()) return text_cell("ERROR", "fail");
  bool passed = call.passed;
  if (ctx.check.has_baseline)
    if (const CallCheck* c = ctx.check.find(call.id)) passed = !c->failed();
  return passed ? text_cell("PASS", "pass") : text_cell("FAIL", "fail");
}

std::string result_header(const Context& ctx) { return ctx.check.has_baseline ? "CI check" : "expectations"; }

// Regressions (▼) and improvements (▲) of this direction against the baseline.
Cell baseline_cell(const Context& ctx, const CallRecord& call, const std::string& direction) {
  if (!ctx.check.has_baseline) return Cell{"", "", "muted"};
  const CallCheck* check = ctx.check.find(call.id);
  if (check && check->is_new) return Cell{"new", "0", "new"};
  if (check && !check->scenario_changed.empty())  // its figures were not compared: not "= baseline"
    return Cell{"<div class=\"regression\">scenario changed since the baseline</div>", "-1", ""};
  std::string html;
  int regressions = 0;
  bool unscored = false;
  for (const auto& ch : ctx.check.changes) {
    if (ch.id != call.id || ch.direction != direction || ch.verdict == Verdict::kWithin) continue;
    if (ch.verdict == Verdict::kSkipped) {  // not measured for want of P.862: no change either way
      unscored = true;
      continue;
    }
    const bool bad = ch.verdict == Verdict::kRegression;
    regressions += bad;
    // The move as the check table prints it: with the decimals that set it apart from the allowed one.
    const std::string delta = ch.now ? ch.delta_text(false) : "not measured";
    html += std::string("<div class=\"") + (bad ? "regression" : "improved") + "\">" +
            (bad ? "&#9660; " : "&#9650; ") + html_breakable(ch.metric) + html_escape(results::scale_suffix(ch.metric)) + " " +
            html_escape(delta) + "</div>";
  }
  if (html.empty()) return Cell{unscored ? "= baseline (P.862 metrics not scored)" : "= baseline", "0", "muted"};
  if (unscored) html += "<div class=\"muted\">P.862 metrics not scored</div>";
  return Cell{html, std::to_string(-regressions), ""};
}

Cell trend_cell(const Context& ctx, const CallRecord& call, const std::string& direction,
                const std::map<std::pair<std::string, std::string>, std::string>& sparklines) {
  if (ctx.history.empty()) return Cell{"", "", "muted"};
  const std::string metric = trend_metric(call, direction);
  const auto values = trend_values(ctx, call, direction, metric);
  std::string text;
  for (const auto& v : values) text += (text.empty() ? "" : " → ") + metric_text(metric, v);
  std::string arrow = "", sort_key = "0";
  const auto& now = values.back();
  const auto& before = values[values.size() - 2];
  if (now && before) {
    // A move beyond what the check allows the metric against a baseline (its default tolerance,
    // times --tolerance-scale, with the check's room for rounding) is an arrow up or down.
    const results::MetricInfo* info = results::find_metric(metric);
    const double d = *now - *before,
                 tolerance = (info ? allowed_change(info->tolerance, *before, ctx.options.tolerance_scale) : 0.0) +
                             1e-9 * std::max(1.0, std::fabs(*before));
    arrow = d > tolerance    ? "<span class=\"improved\">&#8599;</span> "
            : d < -tolerance ? "<span class=\"regression\">&#8600;</span> "
                             : "&#8594; ";
    sort_key = fixed(d, 4);
  }
  std::string html = "<span class=\"trend\">";
  if (auto it = sparklines.find({call.id, direction}); it != sparklines.end())
    html += "<img class=\"spark\" src=\"" + html_escape(url_path(it->second)) +
            "\" width=\"120\" height=\"30\" alt=\"" + html_escape(metric) + " trend\"> ";
  html += arrow + "</span><div class=\"values\">" + html_escape(metric + ": " + text) + "</div>";
  if (const int other = nights_of_another_scenario(ctx, call))
    html += "<div class=\"values\">" + std::to_string(other) + (other == 1 ? " earlier night" : " earlier nights") +
            " ran another scenario under this id (n/a here)</div>";
  return Cell{html, sort_key, ""};
}

// The call's link, then (smaller) its scenario when the id does not already name it, and its sweep
// parameters: one column instead of three, so the table fits a 1400 px window.
Cell call_cell(const Context& ctx, const CallRecord& call) {
  const std::string href = "calls/" + ctx.slugs.at(call.id) + "/index.html";
  std::string html = "<a href=\"" + html_escape(url_path(href)) + "\">" + html_breakable(call.id) + "</a>";
  if (!call.scenario.empty() && call.id.find(call.scenario) == std::string::npos)
    html += "<div class=\"sub\">scenario " + html_escape(call.scenario) + "</div>";
  if (const std::string params = params_text(call, " "); !params.empty())
    html += "<div class=\"sub\">" + html_escape(params) + "</div>";
  return Cell{html, call.id, "call"};
}

std::string overview_table(const Context& ctx,
                           const std::map<std::pair<std::string, std::string>, std::string>& sparklines) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& call : ctx.calls) {
    const Cell link = call_cell(ctx, call);
    std::vector<std::string> directions;
    for (const auto& [d, m] : call.metrics) directions.push_back(d);
    if (directions.empty()) directions.push_back("");  // a call that did not run still gets a row
    for (const auto& d : directions) {
      rows.push_back({link, text_cell(d, "direction"),
                      metric_cell(call, d, "mos_lqo_nb"), metric_cell(call, d, "mos_lqo_wb"),
                      emodel_cell(call, d), metric_cell(call, d, "mouth_to_ear_p95_ms"),
                      ratio_percent_cell(call, d, "packet_loss_ratio"),
                      ratio_percent_cell(call, d, "concealed_ratio"), result_cell(ctx, call),
                      baseline_cell(ctx, call, d), trend_cell(ctx, call, d, sparklines)});
    }
  }
  return html_table({"call", "direction", "MOS-LQO NB", "MOS-LQO WB", "E-model MOS-CQE (R)",
                     "mouth-to-ear p95 (ms)", "loss (%)", "concealed (%)", result_header(ctx), "vs baseline", "trend"},
                    rows, true, "overview");
}

std::string missing_table(const Context& ctx) {
  std::vector<std::vector<Cell>> rows;
  for (const auto& c : ctx.check.calls)
    if (c.status == CallStatus::kMissing) rows.push_back({text_cell(c.id), text_cell(c.scenario)});
  if (rows.empty()) return "";
  return "<h2>Missing from the results</h2>\n<p>These calls are in the baseline but did not run.</p>\n" +
         html_table({"call", "scenario"}, rows, true);
}

}  // namespace

void write_index(Context& ctx, const std::map<std::pair<std::string, std::string>, std::string>& sparklines) {
  std::string body = summary_boxes(ctx);
  const auto figures = make_sweep_plots(ctx);
  if (!figures.empty()) {
    body += "<h2>Sweep</h2>\n<div class=\"plots\">\n";
    for (const auto& f : figures)
      body += "<figure><img class=\"plot\" src=\"" + html_escape(url_path(f.src)) + "\" alt=\"" +
              html_escape(f.caption) + "\"><figcaption>" + html_escape(f.caption) +
              "</figcaption></figure>\n";
    body += "</div>\n";
  }
  body += frontier_section(ctx);
  body +=
      "<h2>Calls</h2>\n<p class=\"muted\">One row per call and direction; click a column to sort, a call to "
      "open its page.</p>\n" +
      overview_table(ctx, sparklines) + missing_table(ctx);
  if (!ctx.history.empty()) {
    body += "<h2>History</h2>\n<ol>\n";
    for (const auto& n : ctx.history) body += "<li>" + html_escape(n.label) + "</li>\n";
    body += "<li>this run</li>\n</ol>\n";
  }
  write_file_atomic(ctx.root / "index.html",
                    render_page({"Call quality report", "", ctx.subtitle, ctx.sources}, body));
  ++ctx.summary.pages;
}

}  // namespace callsim::harness::report_detail
