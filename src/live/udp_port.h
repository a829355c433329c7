// One bound UDP port of the relay (IPv4), on Boost.Asio: non-blocking, large socket buffers,
// SO_RXQ_OVFL so the kernel reports how many datagrams it dropped because the receive queue was
// full. Reading drains up to a batch of datagrams with one recvmmsg() into caller-provided buffers
// (MSG_TRUNC gives the real size of an oversized datagram); sending is one sendto().
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <span>

#include "live/endpoint.h"

namespace callsim::live {

class UdpPort {
 public:
  static constexpr size_t kBatch = 32;

  struct Received {
    Endpoint from;
    size_t size = 0;    // the datagram's real size (may exceed the buffer: truncated)
    size_t copied = 0;  // bytes in the buffer
  };

  // Throws EnvironmentError naming `option` when the address cannot be bound.
  UdpPort(boost::asio::io_context& io, Endpoint local, const char* option);

  const Endpoint& local() const { return local_; }
  boost::asio::ip::udp::socket& socket() { return socket_; }

  // Reads up to kBatch datagrams into buffers[i] (each `capacity` bytes); returns how many
  // (0 when none is waiting). `kernel_drops` gets the datagrams the kernel dropped since the last call.
  size_t receive(const std::array<uint8_t*, kBatch>& buffers, size_t capacity, std::array<Received, kBatch>& out,
                 uint64_t& kernel_drops);
  // 0 on success, else errno.
  int send(const Endpoint& to, std::span<const uint8_t> data);

 private:
  boost::asio::ip::udp::socket socket_;
  Endpoint local_;
  uint32_t last_overflow_ = 0;
};

}  // namespace callsim::live
