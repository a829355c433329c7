// The live relay's fate log format: exact times, every field round-trips, malformed lines are
// refused with the field named, and a scenario link reads a fate log as a per-packet trace.
#include <gtest/gtest.h>
#include <string>

#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "scratch_dir.h"
#include "scenario/link_json.h"
#include "sim/net/fate_log.h"

namespace callsim::sim::net {
namespace {

TEST(FateLog, ExactMillisecondsRoundTrip) {
  for (int64_t ns : {int64_t{0}, int64_t{1}, int64_t{999999}, int64_t{1000000}, int64_t{-1000001},
                     int64_t{86400000000000}, int64_t{123456789012}}) {
    std::string s;
    append_exact_ms(s, ns);
    EXPECT_EQ(parse_exact_ms(s), ns) << s;
  }
  EXPECT_EQ(parse_exact_ms("1.5"), 1500000);
  EXPECT_EQ(parse_exact_ms("2"), 2000000);
  EXPECT_EQ(parse_exact_ms("0.000000100"), std::nullopt);  // 0.1 ns is not a whole nanosecond...
  EXPECT_EQ(parse_exact_ms("0.000001000"), 1);             // ...1 ns is
  EXPECT_EQ(parse_exact_ms("0.0000010001"), std::nullopt);  // 10 decimals
  EXPECT_EQ(parse_exact_ms("0.0000001"), std::nullopt);     // 0.1 ns
  for (const char* bad : {"", "-", ".", "1.", "a", "1.2.3", "1e3", " 1", "1.-5", "99999999999999999999"})
    EXPECT_EQ(parse_exact_ms(bad), std::nullopt) << bad;
}

TEST(FateLog, LinesRoundTrip) {
  FateRecord r;
  r.index = 42;
  r.arrival = Timestamp::from_ns(840123456);
  r.size_bytes = 172;
  r.rtp_seq = 65535;
  r.due = Timestamp::from_ns(880000001);
  r.release = Timestamp::from_ns(880012345);
  r.duplicate = true;
  r.corrupted = true;
  std::string line;
  append_fate_line(line, r);
  EXPECT_EQ(line, "42,840.123456,172,65535,delivered,880.000001,880.012345,1,1,\n");
  line.pop_back();
  std::string error;
  const auto back = parse_fate_line(line, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->index, 42u);
  EXPECT_EQ(back->arrival, r.arrival);
  EXPECT_EQ(back->due, r.due);
  EXPECT_EQ(back->release, r.release);
  EXPECT_EQ(back->rtp_seq, 65535);
  EXPECT_TRUE(back->duplicate && back->corrupted);

  FateRecord lost;
  lost.index = 3;
  lost.fate = DropCause::kQueueOverflow;
  lost.note = "";
  line.clear();
  append_fate_line(line, lost);
  EXPECT_EQ(line, "3,0.000000,0,,queue_overflow,,,0,0,\n");
  line.pop_back();
  const auto l = parse_fate_line(line, error);
  ASSERT_TRUE(l) << error;
  EXPECT_EQ(l->fate, DropCause::kQueueOverflow);
  EXPECT_TRUE(l->due.is_infinite() && l->release.is_infinite());
  EXPECT_EQ(l->rtp_seq, -1);

  FateControl c{17, Timestamp::from_ns(2500000000), "loss 0.05"};
  line.clear();
  append_control_line(line, c);
  EXPECT_EQ(line, "#control index=17 t_ms=2500.000000 loss 0.05\n");
  line.pop_back();
  const auto cb = parse_control_line(line, error);
  ASSERT_TRUE(cb) << error;
  EXPECT_EQ(cb->index, 17u);
  EXPECT_EQ(cb->time, c.time);
  EXPECT_EQ(cb->command, "loss 0.05");
}

TEST(FateLog, MalformedLinesNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"1,2,3", "10 comma-separated"},
      {"x,0.0,1,,delivered,1.0,,0,0,", "index"},
      {"1,-1.0,1,,delivered,1.0,,0,0,", "arrival_ms"},
      {"1,0.0,-5,,delivered,1.0,,0,0,", "size_bytes"},
      {"1,0.0,5,70000,delivered,1.0,,0,0,", "rtp_seq"},
      {"1,0.0,5,,eaten,1.0,,0,0,", "fate"},
      {"1,0.0,5,,delivered,,,0,0,", "due_ms"},
      {"1,0.0,5,,random_loss,3.0,,0,0,", "due_ms"},
      {"1,0.0,5,,delivered,1.0,x,0,0,", "release_ms"},
      {"1,0.0,5,,delivered,1.0,,2,0,", "duplicate"},
      {"1,0.0,5,,delivered,1.0,,0,yes,", "corrupted"},
      {"1,0.0,5,,delivered,1.0,,0,0,,extra", "10 comma-separated"},
  };
  for (const auto& [line, field] : cases) {
    std::string error;
    EXPECT_FALSE(parse_fate_line(line, error)) << line;
    EXPECT_NE(error.find(field), std::string::npos) << line << " -> " << error;
  }
  std::string error;
  EXPECT_FALSE(parse_control_line("#control index=x t_ms=1 loss 1", error));
  EXPECT_FALSE(parse_control_line("#control index=1 t_ms=1", error));
}

TEST(FateLog, ScenarioLinksReadItAsAnIndexTrace) {
  const testing_util::ScratchDir scratch("fate-trace");
  const auto path = scratch / "fate.csv";
  {
    std::ofstream f(path);
    f << "# callsim relay fate log\n" << kFateLogHeader << "\n"
      << "0,0.000000,100,1,delivered,40.000000,40.010000,0,0,\n"
      << "0,0.000000,100,1,delivered,45.000000,45.010000,1,0,\n"  // a duplicate copy: skipped
      << "#control index=1 t_ms=10.000000 loss 1\n"
      << "1,20.000000,100,2,random_loss,,,0,0,\n"
      << "2,40.000000,100,3,delivered,100.500000,,0,0,stopped\n";
  }
  const auto trace = scenario::read_packet_trace(path.string());
  ASSERT_EQ(trace->entries.size(), 3u);
  EXPECT_EQ(trace->key, PacketTrace::Key::kIndex);
  EXPECT_EQ(trace->entries[0].delay, Duration::millis(40));
  EXPECT_TRUE(trace->entries[1].lost);
  EXPECT_EQ(trace->entries[2].delay, Duration::from_ms(60.5));
  {
    std::ofstream f(path);
    f << kFateLogHeader << "\n0,0.000000,100,1,delivered,40.000000,,0,0,\n2,1.0,100,,delivered,2.0,,0,0,\n";
  }
  try {
    scenario::read_packet_trace(path.string());
    FAIL() << "a gap in the indices must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace callsim::sim::net
