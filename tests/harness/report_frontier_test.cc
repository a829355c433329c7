// The report's jitter-buffer frontier section on synthetic sweeps: one plot and table per trace
// (the parameters other than jitter_buffer), the frontier verdicts and the setting named as
// dominating, unjudged settings said so, the CSV, and no section without a jitter_buffer axis or
// with fewer than three settings per trace; reference points (--reference) read, matched to their
// traces, drawn and judged, and bad reference files refused naming the file and line.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "check_test_util.h"
#include "common/error.h"
#include "harness/report/reference_points.h"
#include "harness/report/report.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using checkutil::read_file;
using checkutil::ScratchDir;

// A one-way call of trace `run` with jitter buffer `buffer`; wb < 0: WB not measured.
CallRecord frontier_call(const std::string& run, const std::string& buffer, double wb, double mean, double p95) {
  std::map<std::string, double> m = {{"mos_lqo_nb", 4.0}, {"mouth_to_ear_mean_ms", mean}, {"mouth_to_ear_p95_ms", p95}};
  if (wb >= 0) m["mos_lqo_wb"] = wb;
  CallRecord c = checkutil::make_call("jbf/" + run + "/" + buffer, m);
  c.metrics.erase("bob->alice");
  c.params = {{"run", run}, {"jitter_buffer", buffer}};
  return c;
}

class ReportFrontier : public ::testing::Test {
 protected:
  ScratchDir dir{"report-frontier"};
  fs::path write(const std::vector<CallRecord>& calls) {
    checkutil::write_results(dir.path() / "sweep" / "results.jsonl", calls);
    return dir.path() / "sweep";
  }
  ReportSummary report(const fs::path& results, const std::vector<fs::path>& references = {},
                       double frontier_tolerance = 0.05) {
    ReportOptions o;
    o.output = dir.path() / "report";
    o.audio = AudioMode::kNone;
    o.references = references;
    o.frontier_tolerance = frontier_tolerance;
    return write_report({results}, o);
  }
  ReportSummary report(const std::vector<fs::path>& results) {
    ReportOptions o;
    o.output = dir.path() / "report";
    o.audio = AudioMode::kNone;
    return write_report(results, o);
  }
  fs::path write_text(const std::string& name, const std::string& text) {
    const fs::path p = dir.path() / name;
    std::ofstream(p) << text;
    return p;
  }
};

TEST_F(ReportFrontier, PlotAndTablePerTraceWithVerdicts) {
  const fs::path sweep = write({frontier_call("a", "fixed0", 4.2, 66.5, 66.5),
                                frontier_call("a", "fixed40", 4.2, 106.5, 106.5),  // dominated by fixed0
                                frontier_call("a", "adaptive", 4.3, 80.0, 95.0),
                                frontier_call("a", "speex", -1, 90.0, 120.0),  // WB not measured
                                frontier_call("b", "fixed0", 3.0, 60.0, 60.0),
                                frontier_call("b", "adaptive", 3.5, 70.0, 81.0),
                                frontier_call("b", "fixed100", 3.5, 160.0, 160.0)});  // dominated by adaptive
  const ReportSummary s = report(sweep);
  const fs::path r = dir.path() / "report";
  const std::string index = read_file(r / "index.html");
  EXPECT_NE(index.find("<h2>Jitter-buffer frontier</h2>"), std::string::npos);
  EXPECT_NE(index.find("<h3>run=a</h3>"), std::string::npos);
  EXPECT_NE(index.find("<h3>run=b</h3>"), std::string::npos);
  EXPECT_NE(index.find("no: dominated by fixed0"), std::string::npos);
  EXPECT_NE(index.find("no: dominated by adaptive"), std::string::npos);
  EXPECT_NE(index.find("not judged: MOS-LQO WB not measured"), std::string::npos);
  EXPECT_NE(index.find("1 of 4 settings not judged"), std::string::npos);
  EXPECT_TRUE(fs::exists(r / "plots" / "frontier_0.svg"));
  EXPECT_TRUE(fs::exists(r / "plots" / "frontier_1.svg"));
  EXPECT_FALSE(fs::exists(r / "plots" / "frontier_2.svg"));
  EXPECT_GE(s.plots, 2);
  // Rows by mean delay, unjudged last; values as stored.
  EXPECT_EQ(read_file(r / "plots" / "frontier.csv"),
            "trace,jitter_buffer,call,mos_lqo_wb,mouth_to_ear_mean_ms,mouth_to_ear_p95_ms,on_frontier,dominated_by\n"
            "run=a,fixed0,jbf/a/fixed0,4.2000,66.50,66.50,yes,\n"
            "run=a,adaptive,jbf/a/adaptive,4.3000,80.00,95.00,yes,\n"
            "run=a,fixed40,jbf/a/fixed40,4.2000,106.50,106.50,no,fixed0\n"
            "run=a,speex,jbf/a/speex,nan,90.00,120.00,excluded,\n"
            "run=b,fixed0,jbf/b/fixed0,3.0000,60.00,60.00,yes,\n"
            "run=b,adaptive,jbf/b/adaptive,3.5000,70.00,81.00,yes,\n"
            "run=b,fixed100,jbf/b/fixed100,3.5000,160.00,160.00,no,adaptive\n");
  // The plot's data: judged points with labels, then the frontier by delay.
  const std::string dat = read_file(r / "plots" / "frontier.dat");
  EXPECT_NE(dat.find("# run=a: Pareto frontier\n66.50 4.2000\n80.00 4.3000\n\n"), std::string::npos);
  EXPECT_NE(dat.find("106.50 4.2000 \"fixed40\" 1\n"), std::string::npos) << dat;
  EXPECT_EQ(dat.find("\"speex\""), std::string::npos);
}

TEST_F(ReportFrontier, NoSectionWithoutAJitterBufferAxisOrWithTwoSettingsPerTrace) {
  report(write({frontier_call("a", "fixed0", 4.2, 66.5, 66.5), frontier_call("a", "adaptive", 4.3, 80, 95),
                frontier_call("b", "fixed0", 3.0, 60, 60), frontier_call("b", "adaptive", 3.5, 70, 81)}));
  EXPECT_EQ(read_file(dir.path() / "report" / "index.html").find("Jitter-buffer frontier"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.path() / "report" / "plots" / "frontier.csv"));

  std::vector<CallRecord> calls;
  for (const char* b : {"x", "y", "z"}) {
    calls.push_back(frontier_call("a", b, 4.0, 100, 100));
    calls.back().params.erase("jitter_buffer");
    calls.back().params["codec"] = b;
  }
  report(write(calls));
  EXPECT_EQ(read_file(dir.path() / "report" / "index.html").find("Jitter-buffer frontier"), std::string::npos);
}

TEST_F(ReportFrontier, CoincidingSettingsShareOneLabelledPoint) {
  // loss4_fec1-like: adaptive and fixed20 at the same place, speex 0.16 ms and 0.0012 WB from fixed40.
  report(write({frontier_call("l", "fixed0", 2.9512, 66.5, 66.5), frontier_call("l", "fixed20", 3.8115, 86.5, 86.5),
                frontier_call("l", "adaptive", 3.8125, 86.5, 86.5), frontier_call("l", "fixed40", 3.8115, 106.5, 106.5),
                frontier_call("l", "speex", 3.8103, 106.34, 106.5), frontier_call("l", "fixed150", 3.8115, 216.5, 216.5)}));
  const std::string dat = read_file(dir.path() / "report" / "plots" / "frontier.dat");
  // Every setting is drawn; the ones sharing a label with an empty one.
  EXPECT_NE(dat.find("66.50 2.9512 \"fixed0\" 1\n86.50 3.8115 \"fixed20, adaptive\" 1\n"
                     "106.34 3.8103 \"speex, fixed40\" 1\n216.50 3.8115 \"fixed150\" 1\n"
                     "86.50 3.8125 \"\" 1\n106.50 3.8115 \"\" 1\n"),
            std::string::npos)
      << dat;
}

TEST_F(ReportFrontier, LabelsSlantDownWhereUpwardsTheyWouldCrossAnotherLabelOrPoint) {
  // The dev set's loss4_fec0 frontier: fixed buffers in a row at one WB (their slanted labels clear
  // each other, so all slant up) and the adaptive buffer 5.5 ms right of fixed0 and 0.1 WB below:
  // upwards its label would run through fixed20's point, so it slants down. Column 4 says which.
  std::vector<CallRecord> calls;
  for (int d : {0, 20, 40, 60, 80, 100, 150, 200, 350})
    calls.push_back(frontier_call("loss4", "fixed" + std::to_string(d), 3.1236, 66.5 + d, 66.5 + d));
  calls.push_back(frontier_call("loss4", "adaptive", 3.0251, 71.96, 86.5));
  calls.push_back(frontier_call("loss4", "speex", 2.4672, 80.28, 85.88));  // sets the WB scale
  report(write(calls));
  const std::string dat = read_file(dir.path() / "report" / "plots" / "frontier.dat");
  for (int d : {0, 20, 40, 60, 80, 100, 150, 200, 350})
    EXPECT_NE(dat.find(" 3.1236 \"fixed" + std::to_string(d) + "\" 1\n"), std::string::npos) << d << "\n" << dat;
  EXPECT_NE(dat.find("71.96 3.0251 \"adaptive\" -1\n"), std::string::npos) << dat;
  const std::string gp = read_file(dir.path() / "report" / "plots" / "frontier.gp");
  EXPECT_NE(gp.find("using 1:($4 > 0 ? $2 : 1/0):3 with labels left rotate by 45"), std::string::npos) << gp;
  EXPECT_NE(gp.find("using 1:($4 < 0 ? $2 : 1/0):3 with labels left rotate by -45"), std::string::npos) << gp;
}

TEST_F(ReportFrontier, WbWithinTheToleranceIsEqualAndZeroDrawsTheStrictFrontier) {
  // const35-like: fixed40 0.0001 above adaptive, 25 ms later; fixed150 0.06 above adaptive.
  const fs::path sweep = write({frontier_call("a", "fixed0", 3.1, 66.5, 66.5),
                                frontier_call("a", "adaptive", 4.2584, 71.9, 81.5),
                                frontier_call("a", "fixed40", 4.2585, 96.5, 96.5),
                                frontier_call("a", "fixed150", 4.3184, 206.5, 206.5)});
  report(sweep);
  const fs::path r = dir.path() / "report";
  std::string csv = read_file(r / "plots" / "frontier.csv");
  EXPECT_NE(csv.find("run=a,fixed40,jbf/a/fixed40,4.2585,96.50,96.50,no,adaptive\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("run=a,fixed150,jbf/a/fixed150,4.3184,206.50,206.50,yes,\n"), std::string::npos) << csv;
  EXPECT_NE(read_file(r / "index.html").find("WB differences within 0.050 are taken as equal"), std::string::npos);
  report(sweep, {}, 0.0);
  csv = read_file(r / "plots" / "frontier.csv");
  EXPECT_NE(csv.find("run=a,fixed40,jbf/a/fixed40,4.2585,96.50,96.50,yes,\n"), std::string::npos) << csv;
  EXPECT_NE(read_file(r / "index.html").find("one of them strictly"), std::string::npos);
}

TEST_F(ReportFrontier, CallsOfOneTraceWithOneJitterBufferLabelAreAWarning) {
  // Two sweeps whose traces share parameter values: joined into one trace, adaptive twice.
  const fs::path one = write({frontier_call("a", "fixed0", 3.1, 66.5, 66.5),
                              frontier_call("a", "adaptive", 4.0, 80.0, 90.0),
                              frontier_call("a", "fixed40", 4.0, 106.5, 106.5)});
  fs::rename(one, dir.path() / "first");
  CallRecord other = frontier_call("a", "adaptive", 3.5, 120.0, 150.0);
  other.id = "other/a/adaptive";
  const fs::path two = write({other});
  const ReportSummary s = report(std::vector<fs::path>{dir.path() / "first", two});
  std::string warnings;
  for (const auto& w : s.warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("trace \"run=a\" has 2 calls with jitter_buffer adaptive (jbf/a/adaptive, "
                          "other/a/adaptive)"),
            std::string::npos)
      << warnings;
  EXPECT_EQ(warnings.find("fixed0"), std::string::npos) << warnings;
  // One sweep alone: no warning.
  EXPECT_TRUE(report(std::vector<fs::path>{dir.path() / "first"}).warnings.empty());
}

TEST_F(ReportFrontier, TwoWayCallsAreOneTracePerDirection) {
  std::vector<CallRecord> calls;
  for (const auto& [b, wb] : std::vector<std::pair<std::string, double>>{{"f0", 3.0}, {"f1", 3.5}, {"f2", 3.4}}) {
    CallRecord c = checkutil::make_call("two/" + b, {{"mos_lqo_wb", wb}, {"mouth_to_ear_mean_ms", 50.0 + wb * 10}});
    c.params = {{"network", "lte"}, {"jitter_buffer", b}};
    calls.push_back(c);
  }
  report(write(calls));
  const std::string csv = read_file(dir.path() / "report" / "plots" / "frontier.csv");
  EXPECT_NE(csv.find("network=lte alice->bob,f2,two/f2,3.4000,84.00,nan,yes,"), std::string::npos);
  EXPECT_NE(csv.find("network=lte bob->alice,f1,two/f1,3.5000,85.00,nan,yes,"), std::string::npos);
}

// A jitter-buffer axis applied to alice->bob (apply_to) left bob's buffer for bob->alice as the
// base has it: bob->alice is no trace, its three "settings" being one buffer.
TEST_F(ReportFrontier, ADirectionTheBufferAxisDidNotChangeIsNoTrace) {
  std::vector<CallRecord> calls;
  for (const auto& [b, wb] : std::vector<std::pair<std::string, double>>{{"f0", 3.0}, {"f1", 3.5}, {"f2", 3.4}}) {
    CallRecord c = checkutil::make_call("two/" + b, {{"mos_lqo_wb", wb}, {"mouth_to_ear_mean_ms", 50.0 + wb * 10}});
    c.params = {{"network", "lte"}, {"jitter_buffer", b}};
    c.param_directions["jitter_buffer"] = {"alice->bob"};
    calls.push_back(c);
  }
  report(write(calls));
  const std::string csv = read_file(dir.path() / "report" / "plots" / "frontier.csv");
  EXPECT_NE(csv.find("alice->bob,f2,two/f2,3.4000,84.00,nan,yes,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("bob->alice"), std::string::npos) << csv;
}

TEST_F(ReportFrontier, ReferencePointsAreDrawnAndJudgedWithTheirTrace) {
  const fs::path sweep = write({frontier_call("a", "fixed0", 4.2, 66.5, 66.5),
                                frontier_call("a", "fixed40", 4.2, 106.5, 106.5),
                                frontier_call("a", "adaptive", 4.3, 80.0, 95.0),
                                frontier_call("b", "fixed0", 3.0, 60.0, 60.0),
                                frontier_call("b", "adaptive", 3.5, 70.0, 81.0),
                                frontier_call("b", "fixed100", 3.5, 160.0, 160.0)});
  // On a: adaptive dominates NetEq; on b: NetEq dominates adaptive and fixed100. The third point
  // names a run the sweep does not have.
  const fs::path ref = write_text("neteq.csv",
                                  "# NetEq on the same traces\n"
                                  "mos_lqo_wb,run,label,mouth_to_ear_mean_ms,mouth_to_ear_p95_ms\n"
                                  "4.25,a,NetEq,90,99.5\n"
                                  "3.6,b,NetEq,65,\n"
                                  "3.9,zz,NetEq,65,70\n");
  const ReportSummary s = report(sweep, {ref});
  const fs::path r = dir.path() / "report";
  const std::string csv = read_file(r / "plots" / "frontier.csv");
  EXPECT_NE(csv.find("run=a,NetEq (reference),reference " + ref.string() + " line 3,4.2500,90.00,99.50,no,adaptive\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("run=a,fixed40,jbf/a/fixed40,4.2000,106.50,106.50,no,fixed0\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("run=b,NetEq (reference),reference " + ref.string() + " line 4,3.6000,65.00,nan,yes,\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("run=b,adaptive,jbf/b/adaptive,3.5000,70.00,81.00,no,NetEq (reference)\n"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("run=b,fixed100,jbf/b/fixed100,3.5000,160.00,160.00,no,NetEq (reference)\n"),
            std::string::npos)
      << csv;
  EXPECT_EQ(csv.find("zz"), std::string::npos);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0], ref.string() + ": line 5: reference point \"NetEq\" matches no trace of the jitter-buffer frontier");
  // Drawn from a block of their own with a legend entry, not among the labelled settings.
  const std::string dat = read_file(r / "plots" / "frontier.dat");
  EXPECT_NE(dat.find("# run=a: reference points\n90.00 4.2500\n\n"), std::string::npos) << dat;
  EXPECT_EQ(dat.find("\"NetEq"), std::string::npos) << dat;
  const std::string gp = read_file(r / "plots" / "frontier.gp");
  EXPECT_NE(gp.find("index 2 every ::0::0 using 1:2 with points pt 9 ps 1.5 lc rgb '#c0392b' title 'NetEq (reference)'"),
            std::string::npos)
      << gp;
  EXPECT_NE(gp.find("index 5 every ::0::0 using 1:2"), std::string::npos) << gp;
  EXPECT_NE(read_file(r / "index.html").find("<code>callsim report --reference</code>"), std::string::npos);
}

// A trace whose settings have no WB (a --no-score sweep, or calls that all failed) but which has a
// reference point wrote an empty settings block: gnuplot merges blank lines, every later `index`
// pointed one block too far, and the plot drew the "Pareto frontier" through the reference points
// and the other trace's settings not at all. Every block now holds a row.
TEST_F(ReportFrontier, ATraceWithoutJudgedSettingsKeepsEveryPlotOnItsOwnData) {
  const fs::path sweep = write({frontier_call("a", "fixed0", -1, 66.5, 66.5),
                                frontier_call("a", "fixed40", -1, 106.5, 106.5),
                                frontier_call("a", "adaptive", -1, 80.0, 95.0),
                                frontier_call("b", "fixed0", 3.0, 60.0, 60.0),
                                frontier_call("b", "adaptive", 3.5, 70.0, 81.0),
                                frontier_call("b", "fixed100", 3.4, 160.0, 160.0)});
  const fs::path ref = write_text("ref.csv",
                                  "mos_lqo_wb,run,label,mouth_to_ear_mean_ms,mouth_to_ear_p95_ms\n"
                                  "4.2,a,NetEq,90,99\n"
                                  "3.6,b,NetEq,65,70\n");
  report(sweep, {ref});
  const fs::path r = dir.path() / "report";
  const std::string dat = read_file(r / "plots" / "frontier.dat");
  // Blocks as gnuplot reads them: separated by runs of blank lines, comments ignored.
  std::vector<std::string> blocks(1);
  int blank = 0;
  std::istringstream lines(dat);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) {
      ++blank;
      continue;
    }
    if (line[0] == '#') continue;
    if (blank >= 2 && !blocks.back().empty()) blocks.emplace_back();
    blank = 0;
    blocks.back() += line + "\n";
  }
  // Per trace: settings, frontier, reference points.
  ASSERT_EQ(blocks.size(), 6u) << dat;
  EXPECT_EQ(blocks[0].rfind("NaN NaN", 0), 0u) << blocks[0];  // trace a: nothing judged
  EXPECT_EQ(blocks[1], "90.00 4.2000\n");                      // its frontier: the reference alone
  EXPECT_EQ(blocks[2], "90.00 4.2000\n");                      // its reference point
  EXPECT_NE(blocks[3].find("70.00 3.5000"), std::string::npos) << blocks[3];  // trace b's settings
  EXPECT_EQ(blocks[5], "65.00 3.6000\n");
  const std::string gp = read_file(r / "plots" / "frontier.gp");
  EXPECT_NE(gp.find("'frontier.dat' index 3 using 1:2 with points"), std::string::npos) << gp;
  EXPECT_NE(gp.find("index 5 every ::0::0 using 1:2"), std::string::npos) << gp;
}

TEST_F(ReportFrontier, ReferencePointsMatchEveryParameterTheyNameAndTheirDirection) {
  std::vector<CallRecord> calls;
  for (const auto& [b, wb] : std::vector<std::pair<std::string, double>>{{"f0", 3.0}, {"f1", 3.5}, {"f2", 3.4}})
    for (const char* net : {"lte", "wifi"}) {
      CallRecord c = checkutil::make_call(std::string(net) + "/" + b,
                                          {{"mos_lqo_wb", wb}, {"mouth_to_ear_mean_ms", 50.0 + wb * 10}});
      c.params = {{"network", net}, {"loss", 2}, {"jitter_buffer", b}};
      calls.push_back(c);
    }
  // network and loss (a number: its JSON text) both match; the direction limits it to one trace.
  const fs::path ref = write_text("ref.csv",
                                  "label,mos_lqo_wb,mouth_to_ear_mean_ms,network,loss,direction\n"
                                  "X,4,10,lte,2,bob->alice\n"
                                  "Y,4,10,wifi,3,\n");
  const ReportSummary s = report(write(calls), {ref});
  const std::string csv = read_file(dir.path() / "report" / "plots" / "frontier.csv");
  EXPECT_NE(csv.find("loss=2 network=lte bob->alice,X (reference),"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("alice->bob,X (reference)"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("network=wifi bob->alice,X (reference)"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("Y (reference)"), std::string::npos) << csv;
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("line 3: reference point \"Y\""), std::string::npos);
}

// The message a bad reference file gets: file, location, text.
std::string reference_error(const std::string& text) {
  try {
    parse_reference_points(text, "ref.csv");
  } catch (const InputError& e) {
    return e.file() + ": " + e.location() + ": " + e.message();
  }
  return "accepted";
}

TEST(ReferencePoints, ParsedWithOptionalColumnsAndCommentsInAnyOrder) {
  const auto points = parse_reference_points(
      "\n# comment\nrun, label ,mouth_to_ear_mean_ms,mos_lqo_wb,mouth_to_ear_p95_ms\r\n"
      "loss4_fec1,NetEq M100,89.83,3.7573,92.5\r\n\n"
      "const35_fec0,NetEq M100,92.43,4.1675,\n",
      "ref.csv");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].label, "NetEq M100");
  EXPECT_EQ(points[0].line, 4u);
  EXPECT_EQ(points[0].params, (std::map<std::string, std::string>{{"run", "loss4_fec1"}}));
  EXPECT_DOUBLE_EQ(points[0].wb, 3.7573);
  EXPECT_DOUBLE_EQ(points[0].mean_ms, 89.83);
  EXPECT_DOUBLE_EQ(points[0].p95_ms, 92.5);
  EXPECT_EQ(points[1].line, 6u);
  EXPECT_TRUE(std::isnan(points[1].p95_ms));
  EXPECT_EQ(points[1].direction, "");
  // A spreadsheet's UTF-8 byte-order mark before the header is not part of the first column name.
  EXPECT_EQ(parse_reference_points("\xEF\xBB\xBFlabel,mos_lqo_wb,mouth_to_ear_mean_ms\nN,4,80\n", "ref.csv").size(), 1u);
}

TEST(ReferencePoints, BadFilesAreRefusedNamingTheLine) {
  EXPECT_EQ(reference_error(""), "ref.csv: : empty: expected a header line and reference points");
  EXPECT_EQ(reference_error("label,mos_lqo_wb,mouth_to_ear_mean_ms\n"), "ref.csv: : a header but no reference points");
  EXPECT_EQ(reference_error("label,mos_lqo_wb\nx,4\n"),
            "ref.csv: byte 0 (line 1): the header lacks the column \"mouth_to_ear_mean_ms\" (needed: label, mos_lqo_wb, "
            "mouth_to_ear_mean_ms)");
  EXPECT_EQ(reference_error("label,run,run,mos_lqo_wb,mouth_to_ear_mean_ms\n"),
            "ref.csv: byte 0 (line 1): column \"run\" appears twice in the header");
  EXPECT_EQ(reference_error("label,,mos_lqo_wb,mouth_to_ear_mean_ms\n"), "ref.csv: byte 0 (line 1): the header has an empty column name");
  const std::string h = "run,label,mos_lqo_wb,mouth_to_ear_mean_ms\n";
  EXPECT_EQ(reference_error(h + "a,N,4,80\na,N,4\n"), "ref.csv: byte 51 (line 3): expected 4 fields as in the header, got 3");
  EXPECT_EQ(reference_error(h + "a,N,four,80\n"), "ref.csv: byte 42 (line 2): mos_lqo_wb: expected a number, got \"four\"");
  EXPECT_EQ(reference_error(h + "a,N,5.5,80\n"), "ref.csv: byte 42 (line 2): mos_lqo_wb: 5.5 is out of range (1 to 5)");
  EXPECT_EQ(reference_error(h + "a,N,4,nan\n"), "ref.csv: byte 42 (line 2): mouth_to_ear_mean_ms: expected a number, got \"nan\"");
  EXPECT_EQ(reference_error(h + "a,N,4,-1\n"), "ref.csv: byte 42 (line 2): mouth_to_ear_mean_ms: -1 is out of range (0 to 60000)");
  EXPECT_EQ(reference_error(h + "a,N,4,80 ms\n"), "ref.csv: byte 42 (line 2): mouth_to_ear_mean_ms: expected a number, got \"80 ms\"");
  EXPECT_EQ(reference_error(h + "a,,4,80\n"), "ref.csv: byte 42 (line 2): label: empty");
  EXPECT_EQ(reference_error(h + ",N,4,80\n"), "ref.csv: byte 42 (line 2): run: empty (a sweep parameter's value)");
  EXPECT_EQ(reference_error(h + "a,\"N, M\",4,80\n"),
            "ref.csv: byte 42 (line 2): quotes are not supported: fields are plain text without commas or quotes");
  EXPECT_EQ(reference_error(h + "a,N,4,80\nb,N,4,80\na,N,3,90\n"),
            "ref.csv: byte 60 (line 4): a second point \"N\" for the same parameters");
  EXPECT_EQ(reference_error("label,mos_lqo_wb,mouth_to_ear_mean_ms,direction\nN,4,80,left->right\n"),
            "ref.csv: byte 48 (line 2): direction: expected alice->bob, bob->alice or empty, got \"left->right\"");
  EXPECT_EQ(reference_error("label,mos_lqo_wb,mouth_to_ear_mean_ms,mouth_to_ear_p95_ms\nN,4,80,x\n"),
            "ref.csv: byte 58 (line 2): mouth_to_ear_p95_ms: expected a number, got \"x\"");
  // The byte offset counts a byte-order mark and leading blanks; line numbers count blank and comment lines.
  EXPECT_EQ(reference_error("\xEF\xBB\xBFlabel,mos_lqo_wb,mouth_to_ear_mean_ms\n# NetEq\n\n  N,4,800000\n"),
            "ref.csv: byte 52 (line 4): mouth_to_ear_mean_ms: 800000 is out of range (0 to 60000)");
  // At most 10000 points: the 10001st is refused where it stands.
  std::string many = "label,mos_lqo_wb,mouth_to_ear_mean_ms\n";
  for (int i = 0; i <= 10000; ++i) {
    char row[32];
    std::snprintf(row, sizeof row, "P%05d,4,80\n", i);
    many += row;
  }
  EXPECT_EQ(reference_error(many), "ref.csv: byte 120038 (line 10002): more than 10000 points");
  many.resize(many.size() - 12);
  EXPECT_EQ(parse_reference_points(many, "ref.csv").size(), 10000u);
}

TEST_F(ReportFrontier, AnUnreadableReferenceFileIsBadInputAndWritesNoReport) {
  const fs::path sweep = write({frontier_call("a", "fixed0", 4.2, 66.5, 66.5)});
  EXPECT_THROW(report(sweep, {dir.path() / "missing.csv"}), InputError);
  EXPECT_THROW(report(sweep, {write_text("bad.csv", "label\n")}), InputError);
  EXPECT_FALSE(fs::exists(dir.path() / "report"));
}

}  // namespace
}  // namespace callsim::harness
