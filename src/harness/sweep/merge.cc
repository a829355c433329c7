#include "harness/sweep/merge.h"

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/error.h"
#include "common/staged_dir.h"
#include "harness/sweep/results_io.h"
#include "harness/sweep/suite.h"
#include "json/json_node.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Input {
  fs::path dir;
  results::ResultsFile results;
  json summary;  // null when absent
};

struct Entry {
  std::string line;
  const results::CallRecord* record;
  const Input* input;
};

// Each record is a sweep call's: its id a job id (parts of letters, digits, '_', '.', '-'; no "."
// or ".." part) and its folder calls/<id> of its sweep folder. Merge copies the folder a record
// names into the same place under the output, replacing what is there: a hand-edited "dir" of
// "../x" (or an absolute path) had it remove and replace a folder outside the output folder.
void check_call_places(const Input& in) {
  for (const auto& r : in.results.records) {
    if (!valid_job_id(r.id))
      throw InputError(r.origin, "/id",
                       "'" + excerpt(r.id) + "' is not a sweep's call id (parts of 1 to " +
                           std::to_string(kMaxIdPartLength) +
                           " letters, digits, '_', '.', '-' between '/', none of them '.' or '..')");
    if (!r.dir.empty() && r.dir.lexically_normal() != call_dir(in.dir, r.id).lexically_normal())
      throw InputError(r.origin, "/dir",
                       "'" + fs::relative(r.dir, in.dir).generic_string() + "' is not the call's folder calls/" +
                           r.id + ": merge copies each call from its folder in calls/ and writes nothing outside "
                           "its output folder");
  }
}

// A finished sweep's (or shard's, or merge's) folder. A sweep writes summary.json last, after
// results.jsonl: without it the sweep did not finish (killed, or a full disk), and whether it was a
// shard is not known. Such a shard merged alone as a whole sweep of its calls.
Input read_input(const fs::path& dir) {
  if (!fs::is_regular_file(dir / "results.jsonl"))
    throw InputError(dir.string(), "", "not a sweep folder (no results.jsonl)");
  if (!fs::is_regular_file(dir / "summary.json"))
    throw InputError(dir.string(), "",
                     "no summary.json: the sweep into this folder did not finish (summary.json is written last); "
                     "run it again to finish it");
  Input in{dir, results::read_results_file(dir / "results.jsonl"), read_json_file((dir / "summary.json").string())};
  const std::string file = (dir / "summary.json").string();
  if (!in.summary.is_object() || !in.summary.contains("calls") || !in.summary.at("calls").is_number_unsigned())
    throw InputError(file, "/calls", "not a sweep's summary (no call count)");
  if (const size_t calls = in.summary.at("calls").get<size_t>(); calls != in.results.records.size())
    throw InputError(file, "/calls",
                     std::to_string(calls) + " calls, but results.jsonl holds " +
                         std::to_string(in.results.records.size()) + ": not the summary of these results");
  check_call_places(in);
  return in;
}

std::string shard_name(const json& shard) {
  return std::to_string(shard.value("index", 0)) + "/" + std::to_string(shard.value("count", 0));
}

std::string quoted_list(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "'" : ", '") + id + "'";
  return out;
}

// Every job of the sweep in exactly one shard's share, each shard's share its round-robin part of
// the sorted job list (shard.h), and each shard's results.jsonl holding exactly its share: a call
// of another shard's share in a shard folder (a copied or hand-edited results.jsonl) took the place
// of a job that then was in no input, and the merge, dropping the doubled call, held one call less
// than the sweep and exited 0.
void check_shard_shares(const std::vector<Input>& inputs, int count, size_t total) {
  struct Owner {
    const Input* input;
    int shard;
  };
  std::map<std::string, Owner> owner;
  std::vector<std::vector<std::string>> shares;
  for (const auto& in : inputs) {
    const std::string file = (in.dir / "summary.json").string();
    const JsonNode shard = JsonNode(in.summary, file).at("shard");
    const auto ids = shard.find("job_ids");
    if (!ids)
      shard.fail(
          "no job_ids: the shard was written by a callsim that did not record its jobs; run it again");
    std::vector<std::string> share;
    for (const JsonNode& id : ids->elements()) {
      share.push_back(id.string());
      if (auto [it, fresh] = owner.emplace(share.back(), Owner{&in, static_cast<int>(shard.at("index").integer())});
          !fresh)
        id.fail("job '" + share.back() + "' is also in the share of shard " + shard_name(it->second.input->summary.at("shard")) +
                " (" + it->second.input->dir.string() + ")");
    }
    shares.push_back(std::move(share));
  }
  if (owner.size() != total)
    throw InputError((inputs.front().dir / "summary.json").string(), "/shard/job_ids",
                     "the shards' job lists hold " + std::to_string(owner.size()) + " jobs, the sweep has " +
                         std::to_string(total));
  std::vector<std::string> sorted;
  for (const auto& [id, o] : owner) sorted.push_back(id);
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return natural_less(a, b); });
  for (size_t i = 0; i < sorted.size(); ++i) {
    const Owner& o = owner.at(sorted[i]);
    if (o.shard != static_cast<int>(i % static_cast<size_t>(count)) + 1)
      throw InputError((o.input->dir / "summary.json").string(), "/shard/job_ids",
                       "job '" + sorted[i] + "' is job " + std::to_string(i + 1) + " of " + std::to_string(total) +
                           ", not in the share of shard " + shard_name(o.input->summary.at("shard")));
  }
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Input& in = inputs[k];
    const std::string name = shard_name(in.summary.at("shard"));
    std::set<std::string> held;
    for (const auto& r : in.results.records) held.insert(r.id);
    std::vector<std::string> missing;
    for (const auto& id : shares[k])
      if (!held.count(id)) missing.push_back(id);
    const std::string missing_text =
        missing.empty() ? ""
                        : "; shard " + name + "'s job" + (missing.size() == 1 ? " " : "s ") + quoted_list(missing) +
                              (missing.size() == 1 ? " is" : " are") + " in no input";
    std::set<std::string> seen;
    for (const auto& r : in.results.records) {
      const auto it = owner.find(r.id);
      if (it == owner.end())
        throw InputError(r.origin, "/id", "call '" + r.id + "' is not a job of this sweep" + missing_text);
      if (it->second.input != &in)
        throw InputError(r.origin, "/id",
                         "call '" + r.id + "' is shard " + shard_name(it->second.input->summary.at("shard")) +
                             "'s job (also in " + it->second.input->dir.string() + "), not one of shard " + name +
                             "'s" + missing_text);
      if (!seen.insert(r.id).second)
        throw InputError(r.origin, "/id", "call '" + r.id + "' appears twice in this shard" + missing_text);
    }
    if (!missing.empty())
      throw InputError((in.dir / "results.jsonl").string(), "", missing_text.substr(2));
  }
}

// All shards of one sweep, each once, holding every job between them. Shards of one sweep have the
// same job-list fingerprint (sweep.h: every job id with its scenario document and scoring setting).
void check_shards(const std::vector<Input>& inputs) {
  std::map<int, const Input*> seen;
  int count = 0;
  size_t total = 0;
  std::string fingerprint;
  const Input* first = nullptr;
  bool any = false;
  for (const auto& in : inputs) any = any || (in.summary.is_object() && in.summary.contains("shard"));
  if (!any) return;
  for (const auto& in : inputs) {
    const std::string file = (in.dir / "summary.json").string();
    if (!in.summary.is_object() || !in.summary.contains("shard"))
      throw InputError(file, "/shard", "not a shard, but other inputs are shards");
    // Read checked: a hand-edited summary (a string index, a count of 0) is bad input, not a bug.
    const JsonNode s = JsonNode(in.summary, file).at("shard");
    if (!s.is_object()) s.fail("expected an object (index, count, jobs_total, jobs_fingerprint, job_ids)");
    const auto fp = s.find("jobs_fingerprint");
    if (!fp || !fp->is_string())
      throw InputError(
          file, "/shard/jobs_fingerprint",
          "missing: the shard was written by a callsim that did not fingerprint its job list; run it "
          "again");
    const int n = static_cast<int>(s.at("count").integer(Range::closed(1, std::numeric_limits<int>::max())));
    const int k = static_cast<int>(s.at("index").integer(Range::closed(1, n)));
    const size_t jobs = s.at("jobs_total").unsigned_integer();
    if (first && (n != count || jobs != total || fp->string() != fingerprint))
      throw InputError(
          file, "/shard",
          "shard of a different sweep than " + first->dir.string() + " (" + std::to_string(k) + "/" +
              std::to_string(n) + " of " + std::to_string(jobs) + " jobs, job list " +
              fp->string() + "; there " + std::to_string(count) + " shards of " +
              std::to_string(total) + " jobs, job list " + fingerprint +
              "): every shard must run the same suite arguments, scoring setting and scenario files with the same "
              "callsim build");
    count = n;
    total = jobs;
    fingerprint = fp->string();
    if (!first) first = &in;
    if (auto [it, fresh] = seen.emplace(k, &in); !fresh)
      throw InputError(
          file, "/shard",
          "shard " + std::to_string(k) + "/" + std::to_string(n) + " is also in " + it->second->dir.string());
  }
  for (int k = 1; k <= count; ++k)
    if (!seen.count(k))
      throw InputError(inputs.front().dir.string(), "",
                       "shard " + std::to_string(k) + "/" + std::to_string(count) + " is missing");
  check_shard_shares(inputs, count, total);
}

// Copies (or hard-links) a call folder's files into place, replacing what was there.
void copy_call(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (fs::equivalent(from, to, ec)) return;
  fs::remove_all(to);
  fs::create_directories(to);
  for (const auto& e : fs::recursive_directory_iterator(from)) {
    const fs::path target = to / fs::relative(e.path(), from);
    if (e.is_directory()) {
      fs::create_directories(target);
      continue;
    }
    fs::create_hard_link(e.path(), target, ec);
    if (ec) fs::copy_file(e.path(), target, fs::copy_options::overwrite_existing);
  }
}

std::vector<Entry> ordered_entries(const std::vector<Input>& inputs) {
  std::vector<Entry> all;
  for (const auto& in : inputs)
    for (size_t i = 0; i < in.results.lines.size(); ++i)
      all.push_back({in.results.lines[i], &in.results.records[i], &in});
  auto id = [](const Entry& e) { return e.record->id; };
  std::stable_sort(all.begin(), all.end(),
                   [&](const Entry& a, const Entry& b) { return natural_less(id(a), id(b)); });
  std::vector<Entry> unique;
  for (const auto& e : all) {
    if (!unique.empty() && id(unique.back()) == id(e)) {
      if (unique.back().line == e.line) continue;
      throw InputError((e.input->dir / "results.jsonl").string(), "/id",
                       "call '" + id(e) + "' differs from the one in " + unique.back().input->dir.string());
    }
    unique.push_back(e);
  }
  // Each record's call folder is copied: one that is gone (deleted, or a sweep folder copied
  // without it) is named here, before any output, not by a raw file-system error midway.
  for (const auto& e : unique) {
    std::error_code ec;
    if (!e.record->dir.empty() && !fs::is_directory(e.record->dir, ec))
      throw InputError(e.record->origin, "/dir",
                       "the folder of call '" + e.record->id + "' (" + e.record->dir.string() +
                           ") is missing: the sweep folder is incomplete; run the sweep again to restore it");
  }
  return unique;
}

// Writes the merged folder at `out` (whose lock the caller holds).
MergeReport write_merged(const std::vector<Input>& inputs, const std::vector<Entry>& entries,
                         const fs::path& out) {
  // Written beside the target and swapped into place whole: an interrupted merge leaves no
  // half-merged folder, and calls of an earlier sweep in `out` do not survive into this one.
  StagedDir staged(out);
  const fs::path& dest = staged.path();
  MergeReport report;
  std::vector<std::string> lines;
  std::vector<results::CallRecord> records;
  for (const auto& e : entries) {
    const results::CallRecord& r = *e.record;
    if (!r.dir.empty()) copy_call(r.dir, call_dir(dest, r.id));  // r.dir is the input's calls/<id>
    lines.push_back(e.line);
    records.push_back(r);
    ++report.calls;
    if (!r.error.empty()) {
      ++report.errors;
      (r.error_kind == "bug" ? report.internal_error : report.input_error) = true;
    }
    else if (r.passed)
      ++report.passed;
    else
      ++report.failed;
  }
  write_results(dest, lines);
  json summary = summarize_records(records);
  json merged_from = json::array();
  for (const auto& in : inputs)
    merged_from.push_back({{"dir", in.dir.string()},
                           {"timing", in.summary.is_object() ? in.summary.value("timing", json()) : json()}});
  summary["timing"] = {{"merged_from", merged_from}};
  write_summary(dest, summary);
  // The calls' files are links to (or copies of) the shards' files; what readers rely on is synced.
  const std::vector<fs::path> synced = {"results.jsonl", "summary.json"};
  staged.commit(&synced);
  return report;
}

}  // namespace

MergeReport merge_sweeps(const std::vector<fs::path>& dirs, const fs::path& out) {
  if (dirs.empty()) throw InputError("merge", "", "no input folders");
  std::error_code ec;
  for (const auto& d : dirs)
    if (fs::equivalent(d, out, ec))
      throw InputError(out.string(), "", "is also an input folder; merge into a new folder");
  const fs::path out_full = fs::weakly_canonical(fs::absolute(out));
  for (const auto& d : dirs) {
    const fs::path in_full = fs::weakly_canonical(fs::absolute(d));
    const auto [o, i] = std::mismatch(out_full.begin(), out_full.end(), in_full.begin(), in_full.end());
    if (o == out_full.end())
      throw InputError(d.string(), "", "is inside the output folder " + out.string() +
                                           ", which merge replaces whole; merge into a new folder");
  }
  refuse_if_locked(out);
  check_sweep_target(out);  // after the test above: an input inside it is the more useful message
  std::vector<Input> inputs;
  for (const auto& d : dirs) inputs.push_back(read_input(d));
  check_shards(inputs);
  const std::vector<Entry> entries = ordered_entries(inputs);
  // The folder's lock, in every case: a sweep or merge writing `out` now is refused, not swapped away
  // under it, and a second merge (or a sweep) into it while this one runs is refused too. A new
  // folder is made to hold the lock file (two merges into one new folder both ran, the later one
  // replacing the other's output); only now that the inputs are good, so a refused merge leaves none.
  // A merge that fails after this (a call folder an input lists is gone, a full disk) removes the
  // folder it made, and its lock file, unless something else is in it; a folder that was there
  // keeps what it holds (its lock file too, as a sweep's does).
  const bool made = create_folder(out);
  OutputLock lock(out);
  try {
    return write_merged(inputs, entries, out);
  } catch (...) {
    if (made) lock.release_and_remove(true);
    throw;
  }
}

}  // namespace callsim::harness
