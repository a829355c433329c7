#include "live/endpoint.h"

#include <arpa/inet.h>

#include "common/error.h"
#include "common/text_parse.h"

namespace callsim::live {
namespace {

[[noreturn]] void fail(std::string_view option, const std::string& message) {
  throw InputError("", std::string(option), message);
}

}  // namespace

std::string ipv4_to_string(uint32_t a) {
  return std::to_string(a >> 24) + '.' + std::to_string((a >> 16) & 255) + '.' + std::to_string((a >> 8) & 255) +
         '.' + std::to_string(a & 255);
}

std::string Endpoint::to_string() const { return ipv4_to_string(address) + ':' + std::to_string(port); }

std::array<uint8_t, 4> Endpoint::bytes() const {
  return {static_cast<uint8_t>(address >> 24), static_cast<uint8_t>(address >> 16),
          static_cast<uint8_t>(address >> 8), static_cast<uint8_t>(address)};
}

sockaddr_in Endpoint::to_sockaddr() const {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(address);
  sa.sin_port = htons(port);
  return sa;
}

Endpoint Endpoint::from_sockaddr(const sockaddr_in& sa) { return {ntohl(sa.sin_addr.s_addr), ntohs(sa.sin_port)}; }

uint32_t parse_ipv4(std::string_view text, std::string_view option) {
  if (text == "localhost") return 0x7F000001;
  uint32_t out = 0;
  size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    const size_t dot = part < 3 ? text.find('.', start) : text.size();
    unsigned value = 0;
    if (dot == std::string_view::npos || !parse_whole_number(text.substr(start, dot - start), value) || value > 255)
      fail(option, "'" + std::string(text) + "' is not a dotted IPv4 address (IPv6 is not supported)");
    out = out << 8 | value;
    start = dot + 1;
  }
  return out;
}

Endpoint parse_endpoint(std::string_view text, std::string_view option, bool allow_zero) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) fail(option, "expected HOST:PORT, got '" + std::string(text) + "'");
  Endpoint e;
  e.address = parse_ipv4(text.substr(0, colon), option);
  unsigned port = 0;
  if (!parse_whole_number(text.substr(colon + 1), port) || port > 65535 || (port == 0 && !allow_zero))
    fail(option, "'" + std::string(text.substr(colon + 1)) + "' is not a port (1..65535)");
  e.port = static_cast<uint16_t>(port);
  return e;
}

Cidr parse_cidr(std::string_view text, std::string_view option) {
  const size_t slash = text.find('/');
  unsigned bits = 32;
  if (slash != std::string_view::npos && (!parse_whole_number(text.substr(slash + 1), bits) || bits > 32))
    fail(option, "'" + std::string(text) + "': the prefix length must be 0..32");
  Cidr c;
  c.mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
  c.network = parse_ipv4(text.substr(0, slash), option) & c.mask;
  return c;
}

std::string Cidr::to_string() const {
  int bits = 0;
  for (uint32_t m = mask; m; m <<= 1) ++bits;
  return ipv4_to_string(network) + '/' + std::to_string(bits);
}

}  // namespace callsim::live
