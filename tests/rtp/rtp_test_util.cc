#include "rtp_test_util.h"

#include <pcap/pcap.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "scratch_dir.h"

namespace callsim::rtp::testing {

Capture read_pcap(const std::filesystem::path& path) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  if (!p) throw std::runtime_error(std::string("pcap: ") + err);
  Capture c;
  c.datalink = pcap_datalink(p);
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  while (pcap_next_ex(p, &h, &data) == 1)
    c.packets.push_back({static_cast<int64_t>(h->ts.tv_sec) * 1000000000 + h->ts.tv_usec,
                         std::vector<uint8_t>(data, data + h->caplen)});
  pcap_close(p);
  return c;
}

std::filesystem::path temp_path(const std::string& name) {
  static const testing_util::ScratchDir scratch("rtp-test");  // removed when the test process exits
  static std::atomic<int> counter{0};
  return scratch / (std::to_string(counter++) + "-" + name);
}

std::optional<std::string> run(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  if (::pclose(pipe) != 0) return std::nullopt;
  return out;
}

bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

}  // namespace callsim::rtp::testing
