// pcap output read back with libpcap: link types, nanosecond timestamps from the fixed epoch,
// the SAP/SDP announcement, IPv4 identification, RTP bytes, and atomic commit.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include "rtp/packetizer.h"
#include "rtp/pcap_writer.h"
#include "rtp_test_util.h"

namespace callsim::rtp {
namespace {

std::vector<OutgoingPacket> make_packets(int n) {
  Packetizer p({}, sim::RandomStream(9, "rtp/pcap-test"));
  std::vector<OutgoingPacket> out;
  for (int i = 0; i < n; ++i)
    out.push_back(*p.packetize(std::vector<uint8_t>(10 + i, 0x42), sim::Duration::millis(20)));
  return out;
}

TEST(PcapWriter, RawIpCaptureReadsBackExactly) {
  const auto path = testing::temp_path("raw.pcap");
  const auto packets = make_packets(5);
  const std::vector<sim::Timestamp> arrivals = {
      sim::Timestamp::from_ns(41'000'001), sim::Timestamp::from_ns(60'123'456),
      sim::Timestamp::from_ns(80'000'000), sim::Timestamp::from_ns(1'999'999'999),
      sim::Timestamp::from_ns(3'600'000'000'007)};
  PcapWriter w(path);
  for (size_t i = 0; i < packets.size(); ++i) w.write(arrivals[i], packets[i].bytes);
  EXPECT_FALSE(std::filesystem::exists(path));  // nothing visible before commit
  w.commit();
  ASSERT_TRUE(std::filesystem::exists(path));

  const testing::Capture c = testing::read_pcap(path);
  EXPECT_EQ(c.datalink, DLT_RAW);
  ASSERT_EQ(c.packets.size(), 6u);  // SAP announcement + 5 RTP
  // The announcement at virtual time 0 = 2026-01-01T00:00:00Z, to 224.2.127.254:9875.
  EXPECT_EQ(c.packets[0].unix_ns, kDefaultPcapEpochUnixSeconds * 1'000'000'000);
  const auto& sap = c.packets[0].bytes;
  EXPECT_EQ(std::vector<uint8_t>(sap.begin() + 16, sap.begin() + 20),
            (std::vector<uint8_t>{224, 2, 127, 254}));
  const std::string text(sap.begin() + 28, sap.end());
  EXPECT_NE(text.find("m=audio 40002 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2"), std::string::npos);
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& got = c.packets[i + 1];
    EXPECT_EQ(got.unix_ns, kDefaultPcapEpochUnixSeconds * 1'000'000'000 + arrivals[i].ns());
    EXPECT_EQ(got.bytes, build_ipv4_udp(Ipv4UdpConfig{}, static_cast<uint16_t>(2 + i), packets[i].bytes));
    EXPECT_EQ(std::vector<uint8_t>(got.bytes.begin() + 28, got.bytes.end()), packets[i].bytes);
  }
  std::filesystem::remove(path);
}

TEST(PcapWriter, EthernetFramingAndOptions) {
  const auto path = testing::temp_path("eth.pcap");
  PcapConfig config;
  config.link = LinkType::kEthernet;
  config.announce_session = false;
  config.first_identification = 700;
  config.epoch_unix_seconds = 0;
  config.ip.dst_port = 5004;
  const auto packets = make_packets(2);
  PcapWriter w(path, config);
  w.write(sim::Timestamp::from_ms(20), packets[0].bytes);
  w.write(sim::Timestamp::from_ms(40), packets[1].bytes);
  EXPECT_EQ(w.packets(), 2);
  w.commit();
  const testing::Capture c = testing::read_pcap(path);
  EXPECT_EQ(c.datalink, DLT_EN10MB);
  ASSERT_EQ(c.packets.size(), 2u);
  EXPECT_EQ(c.packets[1].unix_ns, 40'000'000);
  const auto& f = c.packets[1].bytes;
  EXPECT_EQ(f[12], 0x08);  // EtherType IPv4
  EXPECT_EQ(f[13], 0x00);
  EXPECT_EQ(f[14 + 4] << 8 | f[14 + 5], 701);  // identification increments
  EXPECT_EQ(f[14 + 22] << 8 | f[14 + 23], 5004);
  std::filesystem::remove(path);
}

TEST(PcapWriter, UncommittedWriterLeavesNothingAndBadInputThrows) {
  const auto path = testing::temp_path("none.pcap");
  {
    PcapWriter w(path);
    w.write(sim::Timestamp::from_ms(1), make_packets(1)[0].bytes);
    EXPECT_THROW(w.write(sim::Timestamp::from_ns(-1), make_packets(1)[0].bytes), std::invalid_argument);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  for (const auto& e : std::filesystem::directory_iterator(path.parent_path()))
    EXPECT_EQ(e.path().filename().string().find("." + path.filename().string() + ".tmp"), std::string::npos);
  EXPECT_THROW(PcapWriter(std::filesystem::path("/nonexistent-dir/x.pcap")), std::runtime_error);
}

}  // namespace
}  // namespace callsim::rtp
