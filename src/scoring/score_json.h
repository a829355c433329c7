// The JSON form of a ScoreReport - the same object in result.json (quality.pesq_nb / pesq_wb)
// and in `callsim score --json` - and the `callsim score` command line that reproduces it.
// Figures are rounded to 4 decimals (times to 2, delays to whole milliseconds); a figure that
// could not be measured is null.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "scoring/scorer.h"

namespace callsim::scoring {

nlohmann::json report_json(const ScoreReport& r);

// `callsim score REF DEG --rate R --mode M --windows ... --json` with the windows and delay
// hints of `r` (paths as given, quoted for a POSIX shell when needed).
std::string score_command(const std::string& ref, const std::string& deg, const ScoreReport& r);

// "nb" / "wb".
std::string mode_name(quality::PesqMode mode);

}  // namespace callsim::scoring
