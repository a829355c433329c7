// The built-in talkers: short speech clips (mono 16-bit FLAC, P.56 active level -26 dBov) compiled
// into the binary, so the default scenario runs without the repository. Sources, texts and the
// command that made them: assets/talkers/README.md and tools/make_talkers.sh.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audio/audio.h"

namespace callsim::audio {

// Names like "en_female", in sorted order.
std::vector<std::string> builtin_talker_names();

// Decodes a built-in talker at its native rate. Throws InputError listing the valid names when
// `name` is unknown.
Signal load_builtin_talker(std::string_view name);

// Decodes an in-memory audio file (any format libsndfile reads) to mono; `label` names it in
// errors.
Signal decode_audio_bytes(std::span<const char> bytes, std::string_view label);

}  // namespace callsim::audio
