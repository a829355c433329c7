#include "loopback_util.h"

#include <sys/socket.h>
#include <unistd.h>

#include "rtp/rtp_header.h"
#include "scratch_dir.h"

namespace callsim::live::testing {
namespace asio = boost::asio;
using udp = asio::ip::udp;

RelayThread::RelayThread(RelayConfig config) : relay_(std::make_unique<Relay>(std::move(config))) {
  thread_ = std::thread([this] { result_ = relay_->run(); });
}

RelayThread::~RelayThread() {
  if (thread_.joinable()) stop();
}

nlohmann::json RelayThread::stop() {
  relay_->request_stop();
  thread_.join();
  return result_;
}

Peer::Peer() : socket_(io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  const int buffer = 4 << 20;
  setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  thread_ = std::thread([this] {
    std::vector<uint8_t> buf(70000);
    while (!stop_) {
      udp::endpoint from;
      boost::system::error_code ec;
      const size_t n = socket_.receive_from(asio::buffer(buf), from, 0, ec);
      if (ec || stop_) continue;
      const auto at = Clock::now();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        received_.push_back({at, std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<long>(n))});
      }
      arrived_.notify_all();
    }
  });
}

Peer::~Peer() {
  stop_ = true;
  // Asio's blocking receive waits in poll() without a timeout: wake it with a datagram to itself.
  boost::system::error_code ec;
  socket_.send_to(asio::buffer("", 0), socket_.local_endpoint(), 0, ec);
  thread_.join();
}

Endpoint Peer::endpoint() const {
  return {0x7F000001, socket_.local_endpoint().port()};
}

std::vector<uint8_t> rtp_packet(uint16_t sequence, uint32_t ssrc, size_t payload) {
  rtp::RtpHeader h;
  h.payload_type = 0;
  h.sequence = sequence;
  h.timestamp = 160u * sequence;
  h.ssrc = ssrc;
  return rtp::serialize(h, std::vector<uint8_t>(payload, 0xD5));
}

std::vector<Clock::time_point> Peer::send_rtp(const Endpoint& to, int count, std::chrono::microseconds interval,
                                              uint32_t ssrc, size_t payload) {
  const udp::endpoint dest(asio::ip::address_v4(to.address), to.port);
  std::vector<Clock::time_point> sent;
  const auto start = Clock::now();
  for (int i = 0; i < count; ++i) {
    std::this_thread::sleep_until(start + interval * i);
    const auto packet = rtp_packet(static_cast<uint16_t>(i), ssrc, payload);
    sent.push_back(Clock::now());
    socket_.send_to(asio::buffer(packet), dest);
  }
  return sent;
}

void Peer::send_raw(const Endpoint& to, const std::vector<uint8_t>& bytes) {
  const sockaddr_in sa = to.to_sockaddr();
  ::sendto(socket_.native_handle(), bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
}

size_t Peer::wait_for(size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  arrived_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
  return received_.size();
}

std::vector<Received> Peer::received() {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_;
}

size_t Peer::received_count() {
  std::lock_guard<std::mutex> lock(mutex_);
  return received_.size();
}

std::filesystem::path fresh_dir(const std::string& name) {
  static const callsim::testing_util::ScratchDir scratch("live");  // removed when the test process exits
  const auto dir = scratch / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string callsim_binary() { return std::string(CALLSIM_BINARY_DIR) + "/callsim"; }

}  // namespace callsim::live::testing
