#include "live/udp_port.h"

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace callsim::live {
namespace asio = boost::asio;

UdpPort::UdpPort(asio::io_context& io, Endpoint local, const char* option) : socket_(io), local_(local) {
  boost::system::error_code ec;
  socket_.open(asio::ip::udp::v4(), ec);
  if (ec) throw EnvironmentError("cannot open a UDP socket: " + ec.message());
  const int fd = socket_.native_handle();
  const int on = 1, buffer = 4 << 20;
  // Best effort: the kernel caps the buffers at net.core.{r,w}mem_max.
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
  const sockaddr_in sa = local.to_sockaddr();
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0)
    throw EnvironmentError(std::string(option) + ": cannot bind " + local.to_string() + ": " + std::strerror(errno));
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  local_ = Endpoint::from_sockaddr(bound);
  socket_.non_blocking(true, ec);
}

size_t UdpPort::receive(const std::array<uint8_t*, kBatch>& buffers, size_t capacity,
                        std::array<Received, kBatch>& out, uint64_t& kernel_drops) {
  std::array<mmsghdr, kBatch> msgs{};
  std::array<iovec, kBatch> iov{};
  std::array<sockaddr_in, kBatch> from{};
  alignas(cmsghdr) std::array<std::array<char, CMSG_SPACE(sizeof(uint32_t))>, kBatch> control{};
  for (size_t i = 0; i < kBatch; ++i) {
    iov[i] = {buffers[i], capacity};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    msgs[i].msg_hdr.msg_control = control[i].data();
    msgs[i].msg_hdr.msg_controllen = control[i].size();
  }
  const int n = ::recvmmsg(socket_.native_handle(), msgs.data(), kBatch, MSG_DONTWAIT | MSG_TRUNC, nullptr);
  kernel_drops = 0;
  if (n <= 0) return 0;
  for (int i = 0; i < n; ++i) {
    out[i].from = Endpoint::from_sockaddr(from[i]);
    out[i].size = msgs[i].msg_len;
    out[i].copied = std::min<size_t>(msgs[i].msg_len, capacity);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SO_RXQ_OVFL) continue;
      uint32_t total = 0;
      std::memcpy(&total, CMSG_DATA(c), sizeof total);
      kernel_drops += static_cast<uint32_t>(total - last_overflow_);  // the counter wraps at 2^32
      last_overflow_ = total;
    }
  }
  return static_cast<size_t>(n);
}

int UdpPort::send(const Endpoint& to, std::span<const uint8_t> data) {
  const sockaddr_in sa = to.to_sockaddr();
  for (;;) {
    const ssize_t n = ::sendto(socket_.native_handle(), data.data(), data.size(), MSG_DONTWAIT,
                               reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
    if (n >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

}  // namespace callsim::live
