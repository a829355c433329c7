// `callsim report` on synthetic sweeps: the files it writes, that every page reference resolves
// inside the folder (offline), plots and audio players per direction, baseline and history
// columns, gnuplot scripts that re-make the same SVGs, byte-identical reruns, and clear failures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <tuple>

#include "audio/audio.h"
#include "check_test_util.h"
#include "common/error.h"
#include "common/output_lock.h"
#include "harness/check/baseline.h"
#include "harness/report/plot.h"
#include "harness/report/report.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using checkutil::read_file;
using checkutil::ScratchDir;
using checkutil::SweepCall;

// Two codec settings x loss, as a small fec_vs_loss-like sweep.
std::vector<SweepCall> sweep_calls(double mos_shift = 0) {
  return {{"fec/random1/plain", "plain", 0.01, 4.1 + mos_shift, 150},
          {"fec/random5/plain", "plain", 0.05, 3.4 + mos_shift, 160},
          {"fec/random1/fec", "fec", 0.01, 4.2 + mos_shift, 170},
          {"fec/random5/fec", "fec", 0.05, 3.9 + mos_shift, 175, false}};
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

// Every src/href of every HTML page: relative, inside the report, and present.
std::vector<std::string> broken_references(const fs::path& root) {
  std::vector<std::string> broken;
  static const std::regex ref(R"re((?:src|href)="([^"]*)")re");
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".html") continue;
    const std::string html = read_file(entry.path());
    for (std::sregex_iterator it(html.begin(), html.end(), ref), end; it != end; ++it) {
      const std::string target = (*it)[1];
      if (target.rfind("data:", 0) == 0) continue;
      const fs::path resolved = (entry.path().parent_path() / target).lexically_normal();
      const bool inside = resolved.string().rfind(root.lexically_normal().string(), 0) == 0;
      if (target.find("://") != std::string::npos || !inside || !fs::exists(resolved))
        broken.push_back(entry.path().string() + " -> " + target);
    }
  }
  return broken;
}

std::map<std::string, std::string> all_files(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = read_file(e.path());
  return out;
}

class ReportWrite : public ::testing::Test {
 protected:
  ScratchDir dir{"report"};
  fs::path sweep = checkutil::write_sweep(dir.path() / "sweep", sweep_calls());
  ReportOptions options(const std::string& out) const {
    ReportOptions o;
    o.output = dir.path() / out;
    o.date = "2026-11-26";
    return o;
  }
};

TEST_F(ReportWrite, WritesIndexCallPagesPlotsAndAudioThatAllResolve) {
  const ReportSummary s = write_report({sweep}, options("report"));
  const fs::path r = dir.path() / "report";
  EXPECT_EQ(s.calls, 4);
  EXPECT_EQ(s.pages, 5);
  // Per call 2 directions x (delay, events, MOS windows, CDF) = 32, plus 3 sweep plots.
  EXPECT_EQ(s.plots, 35);
  EXPECT_TRUE(s.warnings.empty()) << (s.warnings.empty() ? "" : s.warnings.front());
  // The WB plot's caption says which directions it holds by what P.862.2 needs (it said "wideband
  // codec settings only", wrong where a codec axis set one peer's codec).
  EXPECT_NE(read_file(r / "index.html").find("P.862.2 MOS-LQO against measured packet loss (directions whose codec "
                                             "runs at 16 kHz or more"),
            std::string::npos);
  for (const char* f :
       {"index.html", "report.css", "report.js", "results.jsonl", "report.json", "plots/sweep.gp",
        "plots/mos_nb_vs_loss.svg", "plots/mos_wb_vs_loss.svg", "plots/mos_nb_vs_delay.svg",
        "plots/mos_nb_vs_loss.dat", "calls/fec_random1_plain/index.html",
        "calls/fec_random1_plain/plots/call.gp", "calls/fec_random1_plain/plots/alice-to-bob_delay.svg",
        "calls/fec_random1_plain/plots/bob-to-alice_cdf.svg",
        "audio/fec_random1_plain_alice-to-bob_reference.opus", "audio/fec_random1_plain_alice-to-bob_degraded.opus"})
    EXPECT_TRUE(fs::exists(r / f)) << f;
  // Every call of the fixture has the same reference and the same degraded signal: stored once each.
  EXPECT_EQ(std::distance(fs::directory_iterator(r / "audio"), fs::directory_iterator()), 2);
  EXPECT_EQ(broken_references(r), std::vector<std::string>{});
  for (const auto& e : fs::directory_iterator(dir.path()))  // the staging folder is gone
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();

  const std::string call = read_file(r / "calls/fec_random5_fec/index.html");
  EXPECT_EQ(count(call, "<audio controls"), 4);
  EXPECT_EQ(count(call, "<img class=\"plot\""), 8);
  EXPECT_NE(call.find("<link rel=\"stylesheet\" href=\"../../report.css\">"), std::string::npos);
  EXPECT_NE(call.find("expectation failed"), std::string::npos);  // fec/random5/fec failed
  EXPECT_NE(call.find("src=\"../../audio/fec_random1_plain_alice-to-bob_degraded.opus\""), std::string::npos);
  // The scenario: description, source, tags, and each link's settings.
  EXPECT_NE(call.find("<p class=\"description\">Synthetic call &lt;fec/random5/fec&gt; for the report tests.</p>"),
            std::string::npos);
  EXPECT_NE(call.find("<b>Source:</b> Formulas in tests/harness/check_test_util.cc.</p>"), std::string::npos);
  EXPECT_NE(call.find("<b>Tags:</b> synthetic, fec</p>"), std::string::npos);
  EXPECT_NE(call.find("Profile <b>test_profile</b> (scenarios/profiles/test_profile.json), with the override"),
            std::string::npos);
  EXPECT_NE(call.find("<td>delay.jitter_ms</td><td>10</td>"), std::string::npos);
  EXPECT_NE(call.find("<td>loss.p</td><td>0.05</td>"), std::string::npos);
  EXPECT_NE(call.find("<td>phases[0]</td><td>outage: end_s=1.2, outage=true, start_s=1.0</td>"), std::string::npos);
  EXPECT_NE(call.find("<td>override.rate.kbps</td><td>64</td>"), std::string::npos);
  EXPECT_NE(call.find("<h3>bob-&gt;alice</h3>"), std::string::npos);
  const std::string index = read_file(r / "index.html");
  EXPECT_EQ(count(index, "<tr>"), 1 + 4 * 2);  // header + one row per call direction
  EXPECT_NE(index.find("<table class=\"sortable\" id=\"overview\">"), std::string::npos);
  EXPECT_NE(index.find("<td class=\"num\" data-v=\"3.400\">3.400</td>"), std::string::npos);
  EXPECT_NE(index.find("2026-11-26 · 4 calls"), std::string::npos);
  EXPECT_EQ(count(index, ">FAIL<"), 2);
  // The sweep plot data: per codec setting the call directions and the means per group (here the
  // network setting), with how many directions each mean's MOS covers.
  const std::string means_header =
      ": mean per group (calls with the same parameters apart from codec setting and seed): x over all the "
      "group's directions, MOS over those that have one; columns x, MOS, directions with a MOS, directions\n";
  const std::string fec_means = "# series fec" + means_header + "1.0000 4.2000 2 2\n5.0000 3.9000 2 2\n\n\n";
  const std::string plain_means =
      "# series plain" + means_header + "1.0000 4.1000 2 2\n5.0000 3.4000 2 2\n\n\n";
  EXPECT_EQ(read_file(r / "plots/mos_nb_vs_loss.dat"),
            "# series fec: call directions with a MOS-LQO\n"
            "1.0000 4.2000\n1.0000 4.2000\n5.0000 3.9000\n5.0000 3.9000\n\n\n" +
                fec_means +
                "# series plain: call directions with a MOS-LQO\n"
                "1.0000 4.1000\n1.0000 4.1000\n5.0000 3.4000\n5.0000 3.4000\n\n\n" +
                plain_means);
  EXPECT_EQ(index.find("labelled m/n"), std::string::npos);  // no mean leaves a direction out
  EXPECT_NE(
      index.find("Lines join the means per group of calls with the same parameters apart from the codec"),
      std::string::npos);
}

// A direction with no MOS (scored, nothing arrived: 100% loss) used to vanish from its group's mean
// point, which then showed the living directions' 1% loss; its loss now counts, and the point is
// labelled with how many directions its MOS covers.
TEST_F(ReportWrite, AGroupMeanCountsTheLossOfADeadDirectionAndSaysItsMosLeftItOut) {
  results::ResultsFile file = results::read_results_file(sweep / "results.jsonl");
  std::vector<CallRecord> calls = file.records;
  for (auto& c : calls) {
    c.dir = "calls/" + c.id;
    if (c.id != "fec/random1/plain") continue;
    auto& dead = c.metrics.at("bob->alice");
    dead.erase("mos_lqo_nb");
    dead.erase("mos_lqo_wb");
    dead["packet_loss_ratio"] = 1.0;
    dead["unscorable_windows_nb"] = 1;
  }
  checkutil::write_results(sweep / "results.jsonl", calls);
  write_report({sweep}, options("report"));
  const fs::path r = dir.path() / "report";
  const std::string dat = read_file(r / "plots/mos_nb_vs_loss.dat");
  // Group network=loss1 of the plain series: loss (1 + 100) / 2 %, the MOS of one direction of two.
  EXPECT_NE(
      dat.find(
          "# series plain: call directions with a MOS-LQO\n1.0000 4.1000\n5.0000 3.4000\n5.0000 3.4000\n"),
      std::string::npos)
      << dat;
  EXPECT_NE(dat.find("50.5000 4.1000 1 2\n"), std::string::npos) << dat;
  EXPECT_NE(read_file(r / "plots/sweep.gp").find("sprintf('%d/%d', $3, $4)"), std::string::npos);
  EXPECT_NE(read_file(r / "index.html").find("A mean labelled m/n has the MOS of only m of its n directions"),
            std::string::npos);
}

// A codec axis applied to one direction (the matrix's apply_to) left the other as the base has it:
// that direction is no point of the codec setting's series (it was drawn in the "nb12" series of
// the wideband plot, with the untouched 48 kHz direction's WB MOS), and the call pages say which
// direction the setting changed.
TEST_F(ReportWrite, ADirectionTheCodecAxisDidNotChangeIsNotDrawnInItsSeries) {
  results::ResultsFile file = results::read_results_file(sweep / "results.jsonl");
  std::vector<CallRecord> calls = file.records;
  for (auto& c : calls) {
    c.dir = "calls/" + c.id;
    c.param_directions["codec"] = {"alice->bob"};
    c.param_directions["network"] = {"alice->bob"};
    c.metrics.at("bob->alice")["mos_lqo_nb"] = 2.0;  // the untouched direction's own figure
  }
  checkutil::write_results(sweep / "results.jsonl", calls);
  write_report({sweep}, options("report"));
  const fs::path r = dir.path() / "report";
  const std::string dat = read_file(r / "plots/mos_nb_vs_loss.dat");
  EXPECT_EQ(dat.find("2.0000"), std::string::npos) << dat;
  EXPECT_NE(dat.find("# series fec: call directions with a MOS-LQO\n1.0000 4.2000\n5.0000 3.9000\n\n\n"),
            std::string::npos)
      << dat;
  EXPECT_NE(dat.find("1.0000 4.2000 1 1\n5.0000 3.9000 1 1\n"), std::string::npos) << dat;
  const std::string index = read_file(r / "index.html");
  EXPECT_NE(index.find("Not drawn: 4 call directions that the codec setting did not change"), std::string::npos);
  EXPECT_NE(index.find("codec=fec (alice-&gt;bob) network=loss1 (alice-&gt;bob)"), std::string::npos);
  EXPECT_NE(read_file(r / "calls/fec_random1_fec/index.html").find("codec=fec (alice-&gt;bob), network=loss1"),
            std::string::npos);
}

TEST_F(ReportWrite, DelayCdfAndTimelineDataComeFromTheCsvFiles) {
  write_report({sweep}, options("report"));
  const fs::path plots = dir.path() / "report/calls/fec_random1_fec/plots";
  // packets.csv: 200 packets, every 50th lost → 196 delays of 40 + (i mod 40) ms.
  const std::string cdf = read_file(plots / "alice-to-bob_cdf_network.dat");
  EXPECT_EQ(count(cdf, "\n"), 1 + 196);
  EXPECT_EQ(cdf.substr(0, cdf.find('\n', cdf.find('\n') + 1)),
            "# value_ms percent_at_or_below\n40.000 0.5102");
  EXPECT_NE(cdf.find("\n79.000 100.0000\n"), std::string::npos);
  const std::string timeline = read_file(plots / "alice-to-bob_timeline.dat");
  EXPECT_EQ(count(timeline, "\n"), 1 + 40);
  // Delays with decimals, counts as integers (they read "1.000 2.000 0.000 0.000").
  EXPECT_NE(timeline.find("\n0.300 43.000 60.000 70.000 143.000 1 2 0 0\n"), std::string::npos) << timeline;
  const std::string windows = read_file(plots / "alice-to-bob_pesq_wb_windows.dat");
  EXPECT_EQ(windows,
            "# start_s end_s mos_lqo\n0.000 1.000 4.200\n1.000 2.000 4.100\n2.000 3.000 4.000\n3.000 4.000 "
            "3.900\n");
}

// The network-delay CDF took every delay_ms row of packets.csv, a duplicated packet's second copy
// too, while network_delay_p95_ms beside it is over first copies (95 % at 85.19 ms against 83.81).
// Columns are read by name (packets.csv may gain columns).
TEST_F(ReportWrite, TheNetworkDelayCdfLeavesOutDuplicateCopies) {
  const fs::path packets = sweep / "calls/fec/random1/fec/alice-to-bob/packets.csv";
  std::string text = "sequence,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted,discarded\n";
  for (int i = 0; i < 10; ++i) {
    const std::string delay = std::to_string(40 + i) + ".000000";
    text += std::to_string(1000 + i) + "," + std::to_string(20 * i) + ".000000,," + delay + ",,0,0,0\n";
    if (i % 2 == 0)  // a second copy, much later
      text += std::to_string(1000 + i) + "," + std::to_string(20 * i) + ".000000,,500.000000,,1,0,0\n";
  }
  checkutil::write_file(packets, text);
  write_report({sweep}, options("dup"));
  const std::string cdf = read_file(dir.path() / "dup/calls/fec_random1_fec/plots/alice-to-bob_cdf_network.dat");
  EXPECT_EQ(count(cdf, "\n"), 1 + 10) << cdf;
  EXPECT_EQ(cdf.find("500.000"), std::string::npos) << cdf;
  EXPECT_NE(cdf.find("\n49.000 100.0000\n"), std::string::npos) << cdf;
}

// A dead direction's packets.csv has a row per packet sent (none delivered) and its frames.csv a
// row per frame (none with a delay): its page said the files were "missing or empty".
TEST_F(ReportWrite, ADirectionThatDeliveredNothingIsNotCalledMissingFiles) {
  const fs::path call = sweep / "calls/fec/random1/fec/alice-to-bob";
  ASSERT_TRUE(fs::exists(call / "packets.csv"));
  checkutil::write_file(call / "packets.csv", "sequence,send_ms,arrival_ms,delay_ms,cause,duplicate,corrupted\n"
                                              "1000,0.000000,,,outage,0,0\n1001,20.000000,,,outage,0,0\n");
  checkutil::write_file(call / "frames.csv", "frame,play_ms,type,mouth_to_ear_ms,buffer_delay_ms,target_delay_ms\n"
                                             "0,0.000000,silence,,,\n1,10.000000,silence,,,\n");
  write_report({sweep}, options("dead"));
  const std::string page = read_file(dir.path() / "dead/calls/fec_random1_fec/index.html");
  EXPECT_NE(page.find("no packet was delivered and no frame carries a delay (packets.csv, frames.csv): no delay CDF"),
            std::string::npos);
  EXPECT_EQ(page.find("missing or empty: no delay CDF"), std::string::npos);
  fs::remove(call / "packets.csv");
  fs::remove(call / "frames.csv");
  write_report({sweep}, options("gone"));
  EXPECT_NE(read_file(dir.path() / "gone/calls/fec_random1_fec/index.html").find("packets.csv / frames.csv missing or empty"),
            std::string::npos);
}

TEST_F(ReportWrite, GnuplotScriptsRemakeTheSameSvgsAndReportsAreByteIdentical) {
  write_report({sweep}, options("one"));
  write_report({sweep}, options("two"));
  const auto one = all_files(dir.path() / "one"), two = all_files(dir.path() / "two");
  ASSERT_EQ(one.size(), two.size());
  for (const auto& [name, bytes] : one) EXPECT_TRUE(two.at(name) == bytes) << name;
  const fs::path plots = dir.path() / "one/calls/fec_random1_fec/plots";
  const std::string before = read_file(plots / "bob-to-alice_mos.svg");
  fs::remove(plots / "bob-to-alice_mos.svg");
  EXPECT_EQ(run_gnuplot("gnuplot", plots, "call.gp"), "");
  EXPECT_EQ(read_file(plots / "bob-to-alice_mos.svg"), before);
  EXPECT_NE(before.find("<svg"), std::string::npos);
}

TEST_F(ReportWrite, ACallWithoutAnyLossOrConcealmentPlotsWithoutGnuplotWarnings) {
  // Its events plot has nothing but zeros: autoscaled, gnuplot warned "empty y range" on stderr
  // for every such call of a report.
  const fs::path clean =
      checkutil::write_sweep(dir.path() / "clean", {{"clean/none/plain", "plain", 0.0, 4.3, 150}});
  const ReportSummary s = write_report({clean}, options("clean_report"));
  std::string all;
  for (const auto& w : s.warnings) all += w + "\n";
  EXPECT_TRUE(s.warnings.empty()) << all;
  const fs::path plots = dir.path() / "clean_report/calls/clean_none_plain/plots";
  const std::string gp = read_file(plots / "call.gp");
  EXPECT_EQ(count(gp, "set yrange [0:1]\n"), 2) << gp;  // one events plot per direction
  EXPECT_EQ(run_gnuplot("gnuplot", plots, "call.gp"), "");
  // With losses the axis is autoscaled as before.
  write_report({sweep}, options("lossy"));
  EXPECT_EQ(count(read_file(dir.path() / "lossy/calls/fec_random5_fec/plots/call.gp"), "set yrange [0:*]\n"),
            2);
}

TEST_F(ReportWrite, BaselineAndHistoryColumns) {
  // Night 1, then a baseline from it; night 2 is 0.3 MOS worse everywhere.
  write_report({sweep}, options("night1"));
  std::vector<CallRecord> calls = load_calls({sweep});
  save_baseline(update_baseline(nullptr, calls, false, nullptr), dir.path() / "baseline.json");
  const fs::path worse = checkutil::write_sweep(dir.path() / "sweep2", sweep_calls(-0.3));
  ReportOptions o = options("night2");
  o.baseline = dir.path() / "baseline.json";
  o.history = {dir.path() / "night1"};
  const ReportSummary s = write_report({worse}, o);
  EXPECT_EQ(s.plots, 35 + 8);  // one sparkline per call direction
  const std::string index = read_file(dir.path() / "night2/index.html");
  EXPECT_EQ(count(index, "&#9660; mos_<wbr>lqo_<wbr>nb -0.300"), 8);
  EXPECT_EQ(count(index, "<img class=\"spark\""), 8);
  EXPECT_NE(index.find("mos_lqo_wb: 4.200 → 3.900"), std::string::npos);
  EXPECT_NE(index.find("<li>2026-11-26 (night1)</li>"), std::string::npos);
  EXPECT_NE(index.find("FAILED</b>CI check"), std::string::npos);
  // The overview's verdict column is the CI check's with a baseline: every call regressed, so none
  // reads PASS (the expectations' "result" column said PASS for three of them).
  EXPECT_NE(index.find("<th>CI check</th>"), std::string::npos);
  EXPECT_EQ(count(index, "<td class=\"pass\">PASS</td>"), 0);
  EXPECT_EQ(count(index, "<td class=\"fail\">FAIL</td>"), 8);
  EXPECT_NE(read_file(dir.path() / "night1/index.html").find("<th>expectations</th>"), std::string::npos);
  // The trend arrow moves by the check's tolerance, scaled as the check is: 0.3 MOS down is beyond
  // 0.1, within 4 x 0.1 (it ignored --tolerance-scale and always used 0.1).
  EXPECT_EQ(count(index, "<span class=\"regression\">&#8600;</span>"), 8);
  o.tolerance_scale = 4;
  write_report({worse}, o);
  const std::string scaled = read_file(dir.path() / "night2/index.html");
  EXPECT_EQ(count(scaled, "<span class=\"regression\">&#8600;</span>"), 0);
  EXPECT_EQ(count(scaled, "<span class=\"trend\"><img class=\"spark\""), 8);
  EXPECT_EQ(count(scaled, "&#8594; </span>"), 8);

  // A report of a subset of the baseline's calls (the first two), as `check --allow-missing`:
  // FAILED for the missing calls without it, PASSED with it.
  std::vector<checkutil::SweepCall> subset = sweep_calls();
  subset.resize(2);
  const fs::path part = checkutil::write_sweep(dir.path() / "sweep3", subset);
  ReportOptions p = options("part");
  p.baseline = dir.path() / "baseline.json";
  write_report({part}, p);
  std::string page = read_file(dir.path() / "part/index.html");
  EXPECT_NE(page.find("FAILED</b>CI check"), std::string::npos);
  EXPECT_NE(page.find("baseline calls missing</div>"), std::string::npos) << page.substr(0, 3000);
  p.allow_missing = true;
  write_report({part}, p);
  page = read_file(dir.path() / "part/index.html");
  EXPECT_NE(page.find("PASSED</b>CI check"), std::string::npos);
  EXPECT_NE(page.find("baseline calls missing (allowed)"), std::string::npos);
  // A baseline holding none of the results' calls compared nothing: FAILED, and the page says why.
  const fs::path other = checkutil::write_sweep(dir.path() / "sweep4", {{"other/call", "plain", 0.01, 4.1, 150}});
  write_report({other}, p);
  page = read_file(dir.path() / "part/index.html");
  EXPECT_NE(page.find("FAILED</b>CI check"), std::string::npos);
  EXPECT_NE(page.find("<p class=\"note fail\">no result call is in the baseline"), std::string::npos);
}

// Rewrites every record of a sweep's results.jsonl with `edit`.
void edit_records(const fs::path& sweep_dir, const std::function<void(nlohmann::json&)>& edit) {
  std::string out;
  std::istringstream in(read_file(sweep_dir / "results.jsonl"));
  for (std::string line; std::getline(in, line);) {
    nlohmann::json r = nlohmann::json::parse(line);
    edit(r);
    out += r.dump() + "\n";
  }
  checkutil::write_file(sweep_dir / "results.jsonl", out);
}

// A change cell printed the move with the metric's display decimals: a regression of 0.1001
// against an allowed 0.1 read "▼ mos_lqo_nb -0.100", which contradicts itself; an R's change had
// no scale. They print as the check table does: "-0.1001", "emodel_r_wb [R/129] -4.50".
TEST_F(ReportWrite, AChangeCellSetsTheMoveApartFromItsBoundAndGivesAnRItsScale) {
  std::vector<CallRecord> calls = load_calls({sweep});
  save_baseline(update_baseline(nullptr, calls, false, nullptr), dir.path() / "baseline.json");
  const fs::path worse = checkutil::write_sweep(dir.path() / "sweep2", sweep_calls(-0.1001));
  edit_records(worse, [](nlohmann::json& r) {
    for (auto& [direction, metrics] : r.at("metrics").items()) metrics["emodel_r_wb"] = 80.5;
  });
  ReportOptions o = options("apart");
  o.baseline = dir.path() / "baseline.json";
  write_report({worse}, o);
  const std::string index = read_file(dir.path() / "apart/index.html");
  EXPECT_EQ(count(index, "&#9660; mos_<wbr>lqo_<wbr>nb -0.1001</div>"), 8) << index.substr(0, 3000);
  EXPECT_EQ(count(index, "&#9660; emodel_<wbr>r_<wbr>wb [R/129] -4.50</div>"), 8) << index.substr(index.find("emodel_<wbr>") - 200, 400);
}

// Sets every record's scenario fingerprint in a sweep's results.jsonl; `odd_id` gets another.
void set_fingerprints(const fs::path& sweep_dir, const std::string& odd_id) {
  edit_records(sweep_dir, [&](nlohmann::json& r) {
    r["scenario_fingerprint"] = r.at("id") == odd_id ? "fnv1a64:00000000000000bb" : "fnv1a64:00000000000000aa";
  });
}

// A nightly trend joined the figures of whatever ran under a call's id: a night that ran another
// scenario under it (a scenario edited between nights) drew its MOS into the sparkline and the
// arrow. Such a night is n/a in the trend and the row says why.
TEST_F(ReportWrite, ATrendLeavesOutNightsThatRanAnotherScenarioUnderTheId) {
  set_fingerprints(sweep, "");
  write_report({sweep}, options("night1"));
  const fs::path next = checkutil::write_sweep(dir.path() / "sweep2", sweep_calls(-0.3));
  const std::string odd = load_calls({next}).front().id;
  set_fingerprints(next, odd);
  ReportOptions o = options("night2");
  o.history = {dir.path() / "night1"};
  const ReportSummary s = write_report({next}, o);
  const std::string index = read_file(dir.path() / "night2/index.html");
  EXPECT_EQ(count(index, ": n/a → "), 2) << "both directions of the edited call, " << odd;
  EXPECT_EQ(count(index, "</span><div class=\"values\">mos_lqo_wb: "), 8) << "every row has its trend";
  EXPECT_EQ(count(index, "1 earlier night ran another scenario under this id (n/a here)"), 2);
  EXPECT_EQ(count(index, "<img class=\"spark\""), 6);  // no line through one point
  EXPECT_EQ(s.plots, 35 + 6);

  // Against a baseline of night 1, the edited call's change column says why nothing is compared
  // (it read "= baseline").
  save_baseline(update_baseline(nullptr, load_calls({sweep}), false, nullptr), dir.path() / "baseline.json");
  o.baseline = dir.path() / "baseline.json";
  write_report({next}, o);
  const std::string against = read_file(dir.path() / "night2/index.html");
  EXPECT_EQ(count(against, "<div class=\"regression\">scenario changed since the baseline</div>"), 2);
  EXPECT_NE(against.find("FAILED</b>CI check"), std::string::npos);
  EXPECT_NE(against.find("<b class=\"fail\">1</b>scenarios changed since the baseline (not compared)"), std::string::npos);

  // Results without P.862 scoring: their MOS read "▲ mos_lqo_nb not measured", an improvement.
  const fs::path unscored = checkutil::write_sweep(dir.path() / "sweep3", sweep_calls());
  set_fingerprints(unscored, "");
  edit_records(unscored, [](nlohmann::json& r) {
    r["scoring"]["pesq"] = false;
    for (auto& [direction, m] : r["metrics"].items())
      for (const char* k : {"mos_lqo_nb", "mos_lqo_wb", "mos_lqo_nb_min_window", "mos_lqo_wb_min_window", "pesq_raw_nb",
                            "speech_received_ratio", "unscorable_windows_nb", "unscorable_windows_wb"})
        m.erase(k);
    for (auto& e : r["expectations"]) {  // as an unscored call records its MOS expectation
      e.erase("measured");
      e["status"] = "skipped";
    }
  });
  ReportOptions u = options("unscored");
  u.baseline = dir.path() / "baseline.json";
  write_report({unscored}, u);
  const std::string page = read_file(dir.path() / "unscored/index.html");
  EXPECT_EQ(page.find("not measured"), std::string::npos) << "a skipped metric is no change";
  EXPECT_EQ(count(page, "P.862 metrics not scored"), 8);
  EXPECT_NE(page.find("<b class=\"improved\">0</b>metric improvements"), std::string::npos);
}

double rms(const audio::Signal& s) {
  double e = 0;
  for (float x : s.samples) e += static_cast<double>(x) * x;
  return std::sqrt(e / static_cast<double>(std::max<size_t>(s.samples.size(), 1)));
}

TEST_F(ReportWrite, AudioIsEncodedOncePerDistinctSignalAsOpusFlacOrWav) {
  // One call's alice->bob degraded signal differs from all others: three distinct files.
  const fs::path odd = sweep / "calls/fec/random5/plain/alice-to-bob/degraded.wav";
  audio::Signal louder = audio::read_audio(odd);
  for (float& x : louder.samples) x *= 1.5f;
  audio::write_audio16(odd, louder);

  write_report({sweep}, options("opus"));
  const fs::path opus_dir = dir.path() / "opus/audio";
  EXPECT_EQ(std::distance(fs::directory_iterator(opus_dir), fs::directory_iterator()), 3);
  const fs::path odd_opus = opus_dir / "fec_random5_plain_alice-to-bob_degraded.opus";
  ASSERT_TRUE(fs::exists(odd_opus));
  EXPECT_NE(read_file(dir.path() / "opus/calls/fec_random5_plain/index.html")
                .find("src=\"../../audio/fec_random5_plain_alice-to-bob_degraded.opus\""),
            std::string::npos);
  // Ogg/Opus at about 48 kbit/s: 1 s of 16 kHz audio in well under a quarter of the 32 kB WAV, and
  // the same signal back (length within 10 ms, level within 0.5 dB).
  EXPECT_EQ(read_file(odd_opus).substr(0, 4), "OggS");
  EXPECT_LT(fs::file_size(odd_opus), fs::file_size(odd) / 4);
  const audio::Signal back = audio::read_audio(odd_opus);
  EXPECT_NEAR(back.duration_seconds(), louder.duration_seconds(), 0.010);
  EXPECT_NEAR(20 * std::log10(rms(back) / rms(louder)), 0.0, 0.5);

  ReportOptions flac = options("flac");
  flac.audio = AudioMode::kFlac;
  write_report({sweep}, flac);
  const audio::Signal lossless = audio::read_audio(dir.path() / "flac/audio/fec_random5_plain_alice-to-bob_degraded.flac");
  EXPECT_EQ(lossless.samples, audio::read_audio(odd).samples);

  ReportOptions wav = options("wav");
  wav.audio = AudioMode::kWav;
  write_report({sweep}, wav);
  EXPECT_EQ(read_file(dir.path() / "wav/audio/fec_random5_plain_alice-to-bob_degraded.wav"), read_file(odd));

  ReportOptions none = options("none");
  none.audio = AudioMode::kNone;
  write_report({sweep}, none);
  EXPECT_FALSE(fs::exists(dir.path() / "none/audio"));
  EXPECT_EQ(count(read_file(dir.path() / "none/calls/fec_random5_plain/index.html"), "<audio"), 0);
}

TEST_F(ReportWrite, RunFolderAndMissingFilesGiveNotesNotFailures) {
  fs::remove(sweep / "calls/fec/random1/plain/alice-to-bob/timeline.csv");
  fs::remove(sweep / "calls/fec/random1/plain/alice-to-bob/degraded.wav");
  const ReportSummary s = write_report({sweep / "calls/fec/random1/plain"}, options("run"));
  EXPECT_EQ(s.calls, 1);
  std::string all;
  for (const auto& w : s.warnings) all += w + "\n";
  ASSERT_EQ(s.warnings.size(), 1u) << all;
  EXPECT_NE(s.warnings[0].find("smoke_call alice->bob: no degraded audio"), std::string::npos)
      << s.warnings[0];
  const std::string page = read_file(dir.path() / "run/calls/smoke_call/index.html");
  EXPECT_NE(page.find("timeline.csv not found: no timeline plots"), std::string::npos);
  EXPECT_EQ(count(page, "<audio controls"), 3);
  EXPECT_EQ(count(page, "<img class=\"plot\""), 6);
  EXPECT_EQ(broken_references(dir.path() / "run"), std::vector<std::string>{});
}

TEST_F(ReportWrite, MissingGnuplotFailsClearlyAndLeavesNothingBehind) {
  ReportOptions o = options("report");
  o.gnuplot = (dir.path() / "no-such-gnuplot").string();
  try {
    write_report({sweep}, o);
    FAIL() << "no error";
  } catch (const PlotError& e) {
    EXPECT_NE(
        std::string(e.what()).find("No such file or directory (install gnuplot-nox, see tools/setup.sh)"),
        std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "report"));
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".report"), std::string::npos);
}

// Two reports into one folder at once both exited 0, the later swap replacing the other's output:
// a report now holds the folder's lock (as a sweep and a merge do) and one into a folder another
// callsim holds is refused. A report that fails in a folder that was there leaves the lock file in
// it, and the folder is still a report's to write.
TEST_F(ReportWrite, AReportIntoAFolderAnotherCallsimIsWritingIsRefused) {
  const fs::path busy = dir.path() / "busy";
  fs::create_directories(busy);
  {
    const OutputLock running(busy);
    try {
      write_report({sweep}, options("busy"));
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("another callsim is writing this folder"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(busy / "index.html"));
  }
  ReportOptions o = options("busy");
  o.gnuplot = (dir.path() / "no-such-gnuplot").string();
  EXPECT_THROW(write_report({sweep}, o), PlotError);
  EXPECT_TRUE(fs::exists(busy / kOutputLockName));  // a folder that was there keeps what it held
  write_report({sweep}, options("busy"));
  EXPECT_TRUE(fs::exists(busy / "index.html"));
  EXPECT_FALSE(fs::exists(busy / kOutputLockName));  // swapped away with the folder it was in
}

// A plotter that exits 0 without writing the SVGs left pages pointing at nothing, exit 0 with a
// warning; a relative --gnuplot path was looked up from the plots folder ("No such file").
TEST_F(ReportWrite, APlotterThatWritesNoPlotsFailsAndARelativePathIsTheCallersOwn) {
  const fs::path fake = dir.path() / "fake-gnuplot.sh";
  std::ofstream(fake) << "#!/bin/sh\nexit 0\n";
  fs::permissions(fake, fs::perms::owner_all);
  ReportOptions o = options("report");
  o.gnuplot = fake.string();
  try {
    write_report({sweep}, o);
    FAIL() << "no error";
  } catch (const PlotError& e) {
    EXPECT_NE(std::string(e.what()).find("without an error but wrote no "), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir.path() / "report"));
  // A relative path to a real gnuplot (a wrapper beside the test's files), from where it ran.
  const fs::path wrapper = dir.path() / "gp.sh";
  std::ofstream(wrapper) << "#!/bin/sh\nexec gnuplot \"$@\"\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  const fs::path cwd = fs::current_path();
  fs::current_path(dir.path());
  o.gnuplot = "./gp.sh";
  EXPECT_NO_THROW(write_report({sweep}, o));
  fs::current_path(cwd);
  EXPECT_TRUE(fs::exists(dir.path() / "report/index.html"));
  EXPECT_EQ(broken_references(dir.path() / "report"), std::vector<std::string>{});
}

// A hand-edited result.json with a wrong type was read unchecked: a window's start_s "0" or a
// directions array ended the report with exit 3 ("internal error", json type_error 302), while
// "quality": "oops" was shown as a statistic and files/timeline: 5 was ignored. Each is now an
// InputError naming the file and the JSON pointer, and no report is left behind.
TEST_F(ReportWrite, AResultJsonWithAWrongTypeIsAnInputErrorNamingTheFileAndPointer) {
  const fs::path file = sweep / "calls/fec/random1/fec/result.json";
  const std::string original = read_file(file);
  const std::string d = "/directions/alice->bob";
  const std::vector<std::tuple<std::function<void(nlohmann::json&)>, std::string, std::string>> cases = {
      {[&](nlohmann::json& r) { r["directions"]["alice->bob"]["quality"]["pesq_nb"]["windows"][0]["start_s"] = "0"; },
       d + "/quality/pesq_nb/windows/0/start_s", "expected a number, got a string"},
      {[&](nlohmann::json& r) { r["directions"]["alice->bob"]["quality"]["pesq_wb"]["windows"][1]["scored"] = "yes"; },
       d + "/quality/pesq_wb/windows/1/scored", "expected a boolean, got a string"},
      {[&](nlohmann::json& r) { r["directions"]["alice->bob"]["quality"]["pesq_wb"]["windows"] = {{"a", 1}}; },
       d + "/quality/pesq_wb/windows", "expected an array, got an object"},
      {[&](nlohmann::json& r) { r["directions"] = {1, 2}; }, "/directions", "expected an object, got an array"},
      {[&](nlohmann::json& r) { r["directions"]["alice->bob"]["quality"] = "oops"; }, d + "/quality",
       "expected an object, got a string"},
      {[&](nlohmann::json& r) { r["directions"]["alice->bob"]["files"]["timeline"] = 5; }, d + "/files/timeline",
       "expected a string, got an integer"},
      {[&](nlohmann::json& r) { r["scenario"]["links"]["bob->alice"] = "lte"; }, "/scenario/links/bob->alice",
       "expected an object, got a string"},
      // Names of files: a direction names the page's plot files ("../../../x->y" wrote them outside
      // the report), and a call's file is read from inside its folder.
      {[&](nlohmann::json& r) { r["directions"]["../../../x->y"] = r["directions"]["alice->bob"]; },
       "/directions/..~1..~1..~1x->y", "'../../../x->y' is not a direction: expected <peer>-><peer>"},
      {[&](nlohmann::json& r) { r["directions"]["alice->bob"]["files"]["timeline"] = "../../../../etc/passwd"; },
       d + "/files/timeline", "'../../../../etc/passwd' is not a path inside the call's folder"},
      {[&](nlohmann::json& r) { r["directions"]["alice->bob"]["files"]["packets"] = "/etc/passwd"; },
       d + "/files/packets", "'/etc/passwd' is not a path inside the call's folder"},
  };
  for (const auto& [edit, pointer, message] : cases) {
    nlohmann::json r = nlohmann::json::parse(original);
    edit(r);
    checkutil::write_file(file, r.dump(2));
    try {
      write_report({sweep}, options("edited"));
      ADD_FAILURE() << "no error for " << pointer;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), file.string() + ": " + pointer + ": " + message);
    }
    EXPECT_FALSE(fs::exists(dir.path() / "edited")) << pointer;
  }
  // An unscored window's mos_lqo is null, as callsim writes it: not an error, not plotted; a
  // statistic that could not be measured (null) reads "not measured", not "null".
  nlohmann::json r = nlohmann::json::parse(original);
  r["directions"]["alice->bob"]["jitter_buffer"]["delay_p95_ms"] = nullptr;
  r["directions"]["alice->bob"]["quality"]["pesq_wb"]["windows"][1]["scored"] = false;
  r["directions"]["alice->bob"]["quality"]["pesq_wb"]["windows"][1]["mos_lqo"] = nullptr;
  checkutil::write_file(file, r.dump(2));
  write_report({sweep}, options("edited"));
  EXPECT_EQ(count(read_file(dir.path() / "edited/calls/fec_random1_fec/plots/alice-to-bob_pesq_wb_windows.dat"), "\n"),
            1 + 3);
  const std::string page = read_file(dir.path() / "edited/calls/fec_random1_fec/index.html");
  EXPECT_NE(page.find("<td>delay_p95_ms</td><td class=\"num\">not measured</td>"), std::string::npos);
  EXPECT_EQ(page.find(">null<"), std::string::npos);
}

// --series codek (a typo) exited 0 and drew every call as the series "scenario files".
TEST_F(ReportWrite, AnUnknownSeriesAxisIsRefusedListingTheValidOnes) {
  ReportOptions o = options("series");
  o.series_axes = {"codek"};
  try {
    write_report({sweep}, o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "--series: 'codek' is not a sweep axis of these results; valid: codec, network");
  }
  EXPECT_FALSE(fs::exists(dir.path() / "series"));
  o.series_axes = {"network"};
  EXPECT_NO_THROW(write_report({sweep}, o));
}

TEST_F(ReportWrite, ReplacesAnEarlierReportButNotOtherFolders) {
  write_report({sweep}, options("report"));
  checkutil::write_file(dir.path() / "report/stale.txt", "old");
  write_report({sweep}, options("report"));
  EXPECT_FALSE(fs::exists(dir.path() / "report/stale.txt"));
  try {
    write_report({sweep}, options("sweep"));
    FAIL() << "replaced a results folder";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), (dir.path() / "sweep").string() +
                                         ": exists and is not a callsim report; refusing to replace it");
  }
  EXPECT_TRUE(fs::exists(sweep / "results.jsonl"));
}

TEST(ReportPlot, GnuplotErrorsNameTheScript) {
  ScratchDir dir("plot");
  checkutil::write_file(dir.path() / "bad.gp", "set terminal svg\nplot 'missing.dat'\n");
  try {
    run_gnuplot("gnuplot", dir.path(), "bad.gp");
    FAIL() << "no error";
  } catch (const PlotError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("gnuplot failed on " + (dir.path() / "bad.gp").string() + " (exit status 1):", 0),
              0u)
        << what;
    EXPECT_NE(what.find("missing.dat"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace callsim::harness
