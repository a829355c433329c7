// Fuzz target: P.862 / P.862.2 on arbitrary short signal pairs. Input: [mode + rate][split]
// then 16-bit samples; the split byte decides where the reference ends and the degraded signal
// begins (so their lengths differ). Expected outcomes: a score, or an InputError (too short,
// silent reference, no speech). Checked: scores are finite and MOS-LQO stays on its scale.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "audio/audio.h"
#include "common/error.h"
#include "fuzz_input.h"
#include "quality/pesq.h"

namespace quality = callsim::quality;

namespace {

callsim::audio::Signal take(callsim::fuzz::FuzzInput& in, size_t samples, int rate) {
  callsim::audio::Signal s;
  s.sample_rate_hz = rate;
  for (size_t i = 0; i < samples && in.remaining() >= 2; ++i)
    s.samples.push_back(static_cast<float>(static_cast<int16_t>(in.u16())) / 32768.0f);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  callsim::fuzz::FuzzInput in(data, size);
  const uint8_t selector = in.u8(), split = in.u8();
  const bool wideband = selector & 1;
  const int rate = wideband || (selector & 2) ? 16000 : 8000;
  const size_t total = std::min<size_t>(in.remaining() / 2, static_cast<size_t>(rate) * 6);
  const size_t ref_len = total * split / 255;
  const callsim::audio::Signal ref = take(in, ref_len, rate), deg = take(in, total - ref_len, rate);
  const auto mode = wideband ? quality::PesqMode::kWideband : quality::PesqMode::kNarrowband;
  try {
    const quality::PesqResult r = quality::pesq(ref, deg, mode);
    if (!std::isfinite(r.raw) || !std::isfinite(r.mos_lqo) || r.mos_lqo < 0.9 || r.mos_lqo > 4.7)
      __builtin_trap();
  } catch (const callsim::InputError&) {
  }
  return 0;
}
