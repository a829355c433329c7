// Our captures through Wireshark: `tshark -r call.pcap -q -z rtp,streams` (no options: the SAP/SDP
// announcement maps PT 111 to opus/48000/2) must report the same packets, loss and jitter as our
// receiver for a stream with loss, reordering, duplicates, jitter and DTX gaps. tshark prints 3
// decimals, so figures are compared to 0.0005 ms. Skipped when tshark is not installed.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "rtp/capture_analysis.h"
#include "rtp/depacketizer.h"
#include "rtp/packetizer.h"
#include "rtp/pcap_writer.h"
#include "rtp_test_util.h"

namespace callsim::rtp {
namespace {

struct Arriving {
  sim::Timestamp at;
  std::vector<uint8_t> bytes;
};

// 10 s of 20 ms frames: 5 % loss, 40..75 ms one-way delay (so packets overtake each other), 2 %
// duplicated, and with `dtx` a 400 ms DTX silence every 2 s. The first and last packets have the
// smallest and largest delay so both receivers agree on where the stream starts and ends.
std::vector<Arriving> make_stream(uint64_t seed, bool dtx, uint32_t& first_timestamp) {
  Packetizer tx({}, sim::RandomStream(seed, "rtp/tshark-test"));
  sim::RandomStream net(seed, "net/tshark-test");
  first_timestamp = tx.next_timestamp();
  const std::vector<uint8_t> voice(60, 0x78), silence = {0x78};
  const int frames = 500;
  std::vector<Arriving> out;
  for (int i = 0; i < frames; ++i) {
    const auto p = tx.packetize(dtx && i % 100 >= 80 ? silence : voice, sim::Duration::millis(20));
    const bool edge = i == 0 || i == frames - 1;
    if (!p || (!edge && net.bernoulli(0.05))) continue;
    const double delay_ms = i == 0 ? 40 : i == frames - 1 ? 75 : net.uniform(40, 75);
    const sim::Timestamp at =
        sim::Timestamp::zero() + sim::Duration::millis(20) * i + sim::Duration::from_ms(delay_ms);
    out.push_back({at, p->bytes});
    if (!edge && net.bernoulli(0.02))
      out.push_back({at + sim::Duration::from_ms(net.uniform(0, 5)), p->bytes});
  }
  std::stable_sort(out.begin(), out.end(), [](const Arriving& a, const Arriving& b) { return a.at < b.at; });
  return out;
}

struct TsharkRow {
  int64_t packets = 0, lost = 0;
  double min_delta = 0, mean_delta = 0, max_delta = 0, min_jitter = 0, mean_jitter = 0, max_jitter = 0;
};

std::optional<TsharkRow> tshark_streams(const std::filesystem::path& pcap) {
  const auto out = testing::run("tshark -r " + pcap.string() + " -q -z rtp,streams 2>/dev/null");
  if (!out) return std::nullopt;
  std::istringstream lines(*out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream in(line);
    std::vector<std::string> t;
    for (std::string w; in >> w;) t.push_back(w);
    if (t.size() < 17 || t[6].rfind("0x", 0) != 0) continue;
    return TsharkRow{std::stoll(t[8]), std::stoll(t[9]), std::stod(t[11]), std::stod(t[12]),
                     std::stod(t[13]), std::stod(t[14]), std::stod(t[15]), std::stod(t[16])};
  }
  return std::nullopt;
}

struct Ours {
  ReceiveCounts rfc;
  CaptureFigures capture;
};

Ours capture_stream(const std::vector<Arriving>& stream, const std::filesystem::path& path) {
  DepacketizerConfig config;
  config.statistics.min_sequential = 1;  // count from the first packet, as Wireshark does
  Depacketizer rx(config);
  CaptureAnalysis analysis;
  PcapWriter pcap(path);
  for (const Arriving& a : stream) {
    pcap.write(a.at, a.bytes);
    const ReceiveOutcome r = rx.receive(a.bytes, a.at);
    EXPECT_TRUE(r.ok());
    analysis.on_packet(r.packet->header.sequence, r.packet->header.timestamp, r.packet->header.marker, a.at);
  }
  pcap.commit();
  return {rx.statistics().counts(), analysis.figures()};
}

void expect_same_figures(const TsharkRow& w, const CaptureFigures& f) {
  constexpr double kPrinted = 0.0005 + 1e-9;  // tshark prints %.3f
  EXPECT_EQ(w.packets, f.packets);
  EXPECT_EQ(w.lost, f.lost);
  EXPECT_NEAR(w.min_delta, f.min_delta_ms, kPrinted);
  EXPECT_NEAR(w.mean_delta, f.mean_delta_ms, kPrinted);
  EXPECT_NEAR(w.max_delta, f.max_delta_ms, kPrinted);
  EXPECT_NEAR(w.min_jitter, f.min_jitter_ms, kPrinted);
  EXPECT_NEAR(w.mean_jitter, f.mean_jitter_ms, kPrinted);
  EXPECT_NEAR(w.max_jitter, f.max_jitter_ms, kPrinted);
}

class Tshark : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::have_tshark())
      GTEST_SKIP() << "tshark is not installed; skipping the Wireshark cross-check";
  }
};

TEST_F(Tshark, LossReorderDuplicatesAndJitterMatchOurReceiver) {
  for (uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    uint32_t ts0 = 0;
    const auto stream = make_stream(seed, false, ts0);
    ASSERT_LT(ts0, 0xFFFFFFFFu - 500 * 960) << "pick a seed whose timestamps do not wrap";
    const auto path = testing::temp_path("tshark.pcap");
    const Ours ours = capture_stream(stream, path);
    const auto row = tshark_streams(path);
    ASSERT_TRUE(row) << "tshark printed no RTP stream";
    ASSERT_GT(ours.rfc.reordered, 10);  // the stream really exercises reordering,
    ASSERT_GT(ours.rfc.duplicates, 3);  // duplicates
    ASSERT_GT(ours.rfc.lost, 10);       // and loss
    // RFC 3550 figures equal Wireshark's where the definitions coincide (first/last packets in
    // order, no marker bits after the first, nothing older than the first packet).
    EXPECT_EQ(row->packets, ours.rfc.received);
    EXPECT_EQ(row->lost, ours.rfc.lost);
    EXPECT_NEAR(row->max_jitter, ours.rfc.max_jitter_ms, 0.0005 + 1e-9);
    expect_same_figures(*row, ours.capture);
    std::filesystem::remove(path);
  }
}

TEST_F(Tshark, DtxTalkspurtsMatchTheCaptureAnalysis) {
  uint32_t ts0 = 0;
  const auto stream = make_stream(4, true, ts0);
  ASSERT_LT(ts0, 0xFFFFFFFFu - 500 * 960);
  const auto path = testing::temp_path("tshark-dtx.pcap");
  const Ours ours = capture_stream(stream, path);
  const auto row = tshark_streams(path);
  ASSERT_TRUE(row);
  EXPECT_EQ(row->lost, ours.rfc.lost);
  EXPECT_EQ(row->packets, ours.rfc.received);
  expect_same_figures(*row, ours.capture);
  // The stream really has talkspurt starts (marker bit), which Wireshark leaves out of its
  // delta/jitter statistics (a lost talkspurt start lets a 400 ms gap into max delta).
  int markers = 0;
  for (const Arriving& a : stream) markers += parse(a.bytes).packet->header.marker;
  EXPECT_GE(markers, 4);
  std::filesystem::remove(path);
}

TEST_F(Tshark, ChecksumsAreValidAndPayloadsDecodeAsOpus) {
  uint32_t ts0 = 0;
  const auto stream = make_stream(5, false, ts0);
  const auto path = testing::temp_path("tshark-check.pcap");
  capture_stream(stream, path);
  const auto bad = testing::run("tshark -r " + path.string() +
                                " -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
                                " -Y 'ip.checksum.status!=1 || udp.checksum.status!=1' 2>/dev/null");
  ASSERT_TRUE(bad);
  EXPECT_EQ(*bad, "");
  const auto opus = testing::run("tshark -r " + path.string() + " -Y opus 2>/dev/null | wc -l");
  ASSERT_TRUE(opus);
  EXPECT_EQ(std::stoul(*opus), stream.size());
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace callsim::rtp
