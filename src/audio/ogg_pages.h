// Ogg pages (RFC 3533): the bitstream serial number of a file's pages set to a fixed value, with each
// page checksum recomputed, so an Ogg file's bytes depend only on its content (libsndfile draws the
// serial number from the clock, and reports must be byte-identical when re-made).
#pragma once

#include <cstdint>
#include <string>

namespace callsim::audio {

// Returns `ogg` with every page's serial number set to `serial` and its CRC recomputed. Throws
// std::invalid_argument naming the byte offset when `ogg` is not a sequence of whole Ogg pages.
std::string with_ogg_serial(std::string ogg, uint32_t serial);

// The Ogg page checksum: CRC-32, polynomial 0x04c11db7, initial value 0, not reflected, over the
// page with its checksum field zeroed.
uint32_t ogg_crc(const std::string& bytes, size_t begin, size_t end);

}  // namespace callsim::audio
