// The identity of the running callsim build: the GNU build ID the linker wrote into the executable
// (a hash of its contents; `readelf -n callsim` shows it). Recorded in result.json
// ("callsim_build") so a number names the build that made it, and in a sweep's job.json so a
// resumed sweep does not keep calls an earlier build made. kVersion (version.h) is the release; two
// builds of one release differ here.
#pragma once

#include <string>

namespace callsim {

// Lower-case hex of the main executable's NT_GNU_BUILD_ID note; "" when it has none (a linker
// run without --build-id).
const std::string& build_id();

}  // namespace callsim
