// Ogg/Opus files for listening (the report's audio): readable back at the same length and level,
// about the asked bitrate, and the same bytes for the same signal (fixed Ogg serial number with
// recomputed page checksums, which libogg verifies on reading).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audio/audio.h"
#include "audio/ogg_pages.h"
#include "audio/talkers.h"
#include "scratch_dir.h"

namespace callsim::audio {
namespace {

namespace fs = std::filesystem;

std::string bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double rms_db(const Signal& s) {
  double e = 0;
  for (float x : s.samples) e += static_cast<double>(x) * x;
  return 10 * std::log10(e / static_cast<double>(s.samples.size()));
}

TEST(OggPages, CrcIsTheOggPolynomialWithZeroInitAndNoFinalXor) {
  // CRC-32/POSIX (same polynomial, init 0, not reflected) checks 0x765e7680 after its final xor.
  EXPECT_EQ(ogg_crc("123456789", 0, 9), 0x765e7680u ^ 0xffffffffu);
  EXPECT_EQ(ogg_crc("", 0, 0), 0u);
}

TEST(OggPages, RejectsWhatIsNotWholePages) {
  EXPECT_THROW(with_ogg_serial("RIFF....WAVE", 1), std::invalid_argument);
  std::string page(27, '\0');
  page.replace(0, 4, "OggS");
  page[26] = 1;  // one segment announced, no segment table
  EXPECT_THROW(with_ogg_serial(page, 1), std::invalid_argument);
}

TEST(OpusFile, SameSignalSameBytesReadableAtTheAskedBitrate) {
  const callsim::testing_util::ScratchDir scratch("opus");
  const fs::path& dir = scratch.path();
  const Signal talker = load_builtin_talker("en_female");  // 48 kHz speech, ~9.8 s
  write_audio_opus(dir / "a.opus", talker, 48000);
  write_audio_opus(dir / "b.opus", talker, 48000);
  const std::string a = bytes_of(dir / "a.opus");
  EXPECT_EQ(a, bytes_of(dir / "b.opus"));  // libsndfile alone picks a clock-seeded serial number
  EXPECT_EQ(a.substr(0, 4), "OggS");

  const double kbps = 8.0 * static_cast<double>(a.size()) / talker.duration_seconds() / 1000.0;
  EXPECT_GT(kbps, 40.0);
  EXPECT_LT(kbps, 56.0);
  const Signal back = read_audio(dir / "a.opus");  // libogg drops pages with a wrong checksum
  EXPECT_NEAR(back.duration_seconds(), talker.duration_seconds(), 0.010);
  EXPECT_NEAR(rms_db(back), rms_db(talker), 0.5);

  // A rate Opus does not run at is resampled to 48 kHz; the length is kept.
  const Signal odd{44100, std::vector<float>(44100, 0.0f)};
  write_audio_opus(dir / "odd.opus", odd, 32000);
  EXPECT_NEAR(read_audio(dir / "odd.opus").duration_seconds(), 1.0, 0.010);
}

}  // namespace
}  // namespace callsim::audio
