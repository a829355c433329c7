// The report's jitter-buffer frontier section on synthetic sweeps: one plot and table per trace
// (the parameters other than jitter_buffer), the frontier verdicts and the setting named as
// dominating, unjudged settings said so, the CSV, and no section without a jitter_buffer axis or
// with fewer than three settings per trace.
#include <gtest/gtest.h>

#include "check_test_util.h"
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
  ReportSummary report(const fs::path& results) {
    ReportOptions o;
    o.output = dir.path() / "report";
    o.audio = AudioMode::kNone;
    return write_report({results}, o);
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
  EXPECT_NE(dat.find("106.50 4.2000 \"fixed40\"\n"), std::string::npos);
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
  EXPECT_NE(dat.find("66.50 2.9512 \"fixed0\"\n86.50 3.8115 \"fixed20, adaptive\"\n"
                     "106.34 3.8103 \"speex, fixed40\"\n216.50 3.8115 \"fixed150\"\n"),
            std::string::npos)
      << dat;
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

}  // namespace
}  // namespace callsim::harness
