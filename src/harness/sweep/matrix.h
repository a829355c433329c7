// Matrix files: one base scenario crossed with axes of variations — network links × codec
// settings × jitter buffers × talkers × free-form patches × seeds — into one call per
// combination. Each combination is the base document with the axis entries merged in, parsed by
// the ordinary scenario parser, so every scenario rule applies; an error names the matrix file and
// the axis entry (JSON pointer) that caused it. Format: scenarios/schema/matrix.schema.json and
// src/harness/README.md.
//
//   {"matrix": "nightly", "base": "../default.json", "patch": {"duration_s": 10},
//    "apply_to": "all",
//    "axes": {"network": ["good_wifi", "3g"], "codec": {"wb24": {"bitrate_kbps": 24}},
//             "talker": ["en_female", "de_male"], "seed": [1, 2, 3]}}
//
// Job ids are "<matrix>/<network>/<codec>/<jitter_buffer>/<talker>/<custom axes A-Z>/s<seed>"
// (axes that are absent are left out).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/sweep/suite.h"

namespace callsim::harness {

// Where an axis entry goes in the scenario document.
enum class AxisKind {
  kNetwork,       // replaces links[d] for each selected direction d
  kCodec,         // merge patch onto peers[sender of d].codec
  kJitterBuffer,  // replaces peers[receiver of d].jitter_buffer
  kTalker,        // replaces peers[sender of d].talker
  kPatch,         // any other axis name: merge patch (RFC 7386) onto the whole document
  kSeed,          // sets seed
};

struct AxisEntry {
  std::string name;      // part of the job id
  nlohmann::json value;  // what is applied
  std::string pointer;   // where it is written in the matrix file, for errors
  bool listed = false;   // from an array: `value` was built from a name, not written out
};

struct Axis {
  std::string name;
  AxisKind kind = AxisKind::kPatch;
  std::vector<AxisEntry> entries;
};

// Parses the axes of a matrix document in id order (network, codec, jitter_buffer, talker,
// custom axes by name, seed). Throws InputError naming `file` and the offending pointer.
std::vector<Axis> parse_axes(const nlohmann::json& matrix, const std::string& file);

// Applies one entry to `doc` for the given directions; returns the pointers it wrote to.
std::vector<std::string> apply_entry(const Axis& axis, const AxisEntry& entry, nlohmann::json& doc,
                                     const std::vector<std::string>& directions);

// The links of `doc` whose calls an entry of `axis` applied to `directions` changes: the
// directions themselves for a network axis, every link sent by a sender of one of them for a codec
// or talker axis, received by a receiver of one for a jitter-buffer axis, and every link for a
// patch or seed axis.
std::vector<std::string> changed_directions(const Axis& axis, const nlohmann::json& doc,
                                            const std::vector<std::string>& directions);

// Expands a matrix document read from `file` into its jobs (unsorted). A matrix of more than
// `max_calls` calls is an InputError before any call is built.
std::vector<Job> expand_matrix(const nlohmann::json& matrix, const std::string& file,
                               size_t max_calls = kDefaultMaxCalls);

}  // namespace callsim::harness
