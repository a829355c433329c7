// Peer and direction names: they name folders ("<from>-to-<to>" under a call's output folder), so
// the scenario parser accepts only these, and readers of result files (results.jsonl,
// result.json) require the same of a direction before it names a file.
#pragma once

#include <cstddef>
#include <string_view>

namespace callsim {

constexpr size_t kMaxPeerNameLength = 48;
constexpr std::string_view kPeerNameCharacters =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

// 1 to kMaxPeerNameLength letters, digits, '_', '-'.
inline bool valid_peer_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxPeerNameLength &&
         name.find_first_not_of(kPeerNameCharacters) == std::string_view::npos;
}

// "<peer>-><peer>", both valid peer names.
inline bool valid_direction_name(std::string_view direction) {
  const auto arrow = direction.find("->");
  return arrow != std::string_view::npos && valid_peer_name(direction.substr(0, arrow)) &&
         valid_peer_name(direction.substr(arrow + 2));
}

}  // namespace callsim
