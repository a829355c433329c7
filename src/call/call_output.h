// Writes a finished call to a folder, every file atomically:
//   result.json                      scenario, seed, pass/fail, expectations, per-direction stats
//   <from>-to-<to>/reference.wav     what the talker sent (codec rate, 16-bit)
//   <from>-to-<to>/degraded.wav      what the listener heard
//   <from>-to-<to>/timeline.csv      every 100 ms: packets, losses, delay, buffer level/target, PLC
//   <from>-to-<to>/frames.csv        every 10 ms playout frame: type and exact mouth-to-ear delay
//   <from>-to-<to>/packets.csv       every packet: sequence, send/arrival time, drop cause
//   <from>-to-<to>/receiver.pcap     what the receiver saw (IPv4/UDP/RTP, arrival time stamps)
// Floats are rounded to fixed decimals and keys are sorted, so the same call gives the same bytes.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "call/call_result.h"
#include "results/call_record.h"

namespace callsim::call {

struct OutputOptions {
  bool audio = true;
  bool pcap = true;
  bool csv = true;
  // More files for the folder, written last (name, content): the sweep's job.json.
  std::vector<std::pair<std::string, std::string>> extra_files;
  // Replace whatever is at the folder (a sweep's own calls/<id>); otherwise only an empty folder or
  // an earlier call's output is replaced.
  bool replace_any = false;
  // Sync only result.json and the extra files (what a sweep's resume reads) instead of every file.
  bool sync_markers_only = false;
};

nlohmann::json result_to_json(const CallResult& result);

// result.json's quality.emodel block of a rating (without its "command"): what `callsim emodel
// ... --json` prints for the same inputs.
nlohmann::json emodel_json(const quality::CallRating& rating);
// The `callsim emodel` command line that rates `inputs` again, every number written so that it
// reads back as the same double (shortest round trip): its output equals the block bit for bit.
std::string emodel_command(const quality::CallMeasurements& inputs);
// The call's record (id = scenario name, no params, no folder), its figures rounded as stored:
// what results.jsonl holds for it.
results::CallRecord make_record(const CallResult& result);
// The folder is complete or absent (common/staged_dir.h): written aside, synced, then swapped in
// place of an earlier call's output. Throws OutputError (exit 2) when `dir` is a file or a folder
// that is not a call's output, or cannot be written.
void write_call_outputs(const CallResult& result, const std::filesystem::path& dir, const OutputOptions& options = {});

// A short human-readable summary, one block per direction: MOS-LQO, E-model MOS-CQE with R on its
// scale, network loss/delay/PDV/jitter, receiver figures, notes and expectation outcomes.
std::string summarize(const CallResult& result);

}  // namespace callsim::call
