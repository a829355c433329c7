// IPv4 UDP endpoints and address ranges of the live relay: parsing "HOST:PORT" and "A.B.C.D/N"
// options (errors are InputError naming the option), conversion to and from sockaddr_in, and the
// dotted form for JSON. IPv4 only: the relay binds IPv4 sockets and its pcaps are IPv4.
#pragma once

#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace callsim::live {

struct Endpoint {
  uint32_t address = 0;  // host byte order
  uint16_t port = 0;

  bool operator==(const Endpoint&) const = default;
  std::string to_string() const;  // "127.0.0.1:5004"
  std::array<uint8_t, 4> bytes() const;  // network order, for pcaps
  sockaddr_in to_sockaddr() const;
  static Endpoint from_sockaddr(const sockaddr_in& sa);
};

// "HOST:PORT" with HOST a dotted IPv4 address or "localhost"; port 1..65535 (0 when allow_zero).
// Throws InputError("", option, message).
Endpoint parse_endpoint(std::string_view text, std::string_view option, bool allow_zero = false);
// A dotted IPv4 address (or "localhost"); throws InputError.
uint32_t parse_ipv4(std::string_view text, std::string_view option);
std::string ipv4_to_string(uint32_t address);

// An IPv4 prefix "A.B.C.D/N" (a bare address is /32).
struct Cidr {
  uint32_t network = 0, mask = 0;
  bool contains(uint32_t address) const { return (address & mask) == network; }
  std::string to_string() const;
};
Cidr parse_cidr(std::string_view text, std::string_view option);

}  // namespace callsim::live
