// Progress output: plain lines for logs, one redrawn line on a terminal.
#include <gtest/gtest.h>

#include <sstream>

#include "harness/sweep/progress.h"

namespace callsim::harness {
namespace {

TEST(Progress, PlainLinesForLogs) {
  std::ostringstream out;
  double now = 0;
  ProgressReporter p(out, false, 40, [&] { return now; });
  p.call_done("lte/wb24/en_female/s1", RunStatus::kPassed, 3.21, false);
  p.call_done("lte/wb24/en_female/s2", RunStatus::kFailed, 12.04, false);
  p.call_done("old", RunStatus::kPassed, 0, true);
  p.call_done("bad", RunStatus::kError, 0.1, false, "talk.wav: byte 0: not audio");
  p.finish();
  EXPECT_EQ(out.str(),
            "[1/40] lte/wb24/en_female/s1 PASS 3.2 s\n"
            "[2/40] lte/wb24/en_female/s2 FAIL 12.0 s\n"
            "[3/40] old PASS (resumed)\n"
            "[4/40] bad ERROR: talk.wav: byte 0: not audio\n");
}

TEST(Progress, TerminalBarWithFailuresAndEta) {
  std::ostringstream out;
  double now = 0;
  ProgressReporter p(out, true, 4, [&] { return now; });
  now = 10;
  p.call_done("a", RunStatus::kPassed, 10, false);
  EXPECT_EQ(out.str(), "\r[######..................] 1/4  failed 0  elapsed 10 s  ETA 30 s  a\x1b[K");
  out.str("");
  now = 20;
  p.call_done("b", RunStatus::kFailed, 10, false);
  EXPECT_EQ(out.str(),
            "\r\x1b[KFAIL b\n"
            "\r[############............] 2/4  failed 1  elapsed 20 s  ETA 20 s  b\x1b[K");
  out.str("");
  now = 200;
  p.call_done("c", RunStatus::kPassed, 0, true);
  p.call_done("d", RunStatus::kPassed, 180, false);
  p.finish();
  EXPECT_EQ(out.str(),
            "\r[##################......] 3/4  failed 1  elapsed 3:20  ETA 1:40  c\x1b[K"
            "\r[########################] 4/4  failed 1  elapsed 3:20  ETA 0 s  d\x1b[K\n");
}

TEST(Progress, DurationFormat) {
  EXPECT_EQ(ProgressReporter::format_duration(0.4), "0 s");
  EXPECT_EQ(ProgressReporter::format_duration(59.4), "59 s");
  EXPECT_EQ(ProgressReporter::format_duration(187), "3:07");
  EXPECT_EQ(ProgressReporter::format_duration(3723), "1:02:03");
}

}  // namespace
}  // namespace callsim::harness
