#include "harness/sweep/suite.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "common/error.h"
#include "harness/sweep/matrix.h"
#include "json/json_node.h"
#include "sim/random.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;

// glob(3) results, freed on scope exit.
class GlobMatches {
 public:
  explicit GlobMatches(const std::string& pattern) {
    status_ = ::glob(pattern.c_str(), GLOB_MARK, nullptr, &g_);
  }
  ~GlobMatches() { ::globfree(&g_); }
  GlobMatches(const GlobMatches&) = delete;
  GlobMatches& operator=(const GlobMatches&) = delete;
  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    if (status_ != 0) return out;
    for (size_t i = 0; i < g_.gl_pathc; ++i) out.emplace_back(g_.gl_pathv[i]);
    return out;
  }

 private:
  glob_t g_{};
  int status_ = 0;
};

bool is_glob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

enum class FileKind { kScenario, kMatrix, kOther };

FileKind classify(const nlohmann::json& doc) {
  if (!doc.is_object()) return FileKind::kOther;
  if (doc.contains("matrix")) return FileKind::kMatrix;
  if (doc.contains("peers")) return FileKind::kScenario;
  return FileKind::kOther;
}

std::string clean(const fs::path& p) {
  std::string s = p.lexically_normal().generic_string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

Job scenario_job(const std::string& path, const nlohmann::json& doc) {
  Job job = make_job(doc.value("name", std::string()), path, doc, fs::path(path).parent_path().string());
  if (!valid_id_part(job.id))
    throw InputError(path, "/name", "'" + excerpt(job.id) + "' cannot name a job folder");
  return job;
}

void add_file(const std::string& path, bool named, std::vector<Job>& jobs, size_t max_calls) {
  const nlohmann::json doc = read_json_file(path);
  switch (classify(doc)) {
    case FileKind::kMatrix: {
      std::vector<Job> m = expand_matrix(doc, path, max_calls - std::min(max_calls, jobs.size()));
      jobs.insert(jobs.end(), std::make_move_iterator(m.begin()), std::make_move_iterator(m.end()));
      return;
    }
    case FileKind::kScenario:
      jobs.push_back(scenario_job(path, doc));
      return;
    case FileKind::kOther:
      if (!named) return;
      if (const std::string message = scenario::other_document_message(doc, "neither a scenario nor a matrix");
          !message.empty())
        throw InputError(path, "", message);
      throw InputError(path, "/", "neither a scenario (no \"peers\") nor a matrix (no \"matrix\")");
  }
}

// Every *.json below `dir` that is a scenario, skipping schema/ and profiles/ folders and other JSON.
// Matrix files are run only when named (or globbed) explicitly.
void add_folder(const fs::path& dir, std::vector<Job>& jobs) {
  std::vector<std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory()) {
      if (name == "schema" || name == "profiles") it.disable_recursion_pending();
      continue;
    }
    if (it->path().extension() == ".json") files.push_back(clean(it->path()));
  }
  std::sort(files.begin(), files.end());
  size_t found = 0;
  for (const auto& f : files) {
    const nlohmann::json doc = read_json_file(f);
    if (classify(doc) == FileKind::kScenario) {
      jobs.push_back(scenario_job(f, doc));
      ++found;
    }
  }
  if (found == 0) throw InputError(dir.string(), "", "no scenario files below this folder");
}

void add_argument(const std::string& arg, std::vector<Job>& jobs, size_t max_calls) {
  std::vector<std::string> paths;
  if (is_glob(arg)) {
    paths = GlobMatches(arg).paths();
    if (paths.empty()) throw InputError(arg, "", "no files match this pattern");
  } else {
    paths.push_back(arg);
  }
  for (const auto& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) throw InputError(p, "", "no such file or folder");
    if (fs::is_directory(st)) {
      add_folder(p, jobs);
    } else if (!is_glob(arg)) {
      add_file(clean(p), true, jobs, max_calls);
    } else if (fs::path(p).extension() == ".json") {
      add_file(clean(p), false, jobs, max_calls);  // a glob may also match other JSON: skipped
    }
  }
}

}  // namespace

bool natural_less(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (i < a.size() && j < b.size()) {
    if (digit(a[i]) && digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && digit(a[ie])) ++ie;
      while (je < b.size() && digit(b[je])) ++je;
      std::string_view x = a.substr(i, ie - i), y = b.substr(j, je - j);
      const size_t xz = std::min(x.find_first_not_of('0'), x.size()),
                   yz = std::min(y.find_first_not_of('0'), y.size());
      std::string_view xv = x.substr(xz), yv = y.substr(yz);
      if (xv.size() != yv.size()) return xv.size() < yv.size();
      if (xv != yv) return xv < yv;
      if (x.size() != y.size()) return x.size() < y.size();  // "01" after "1": a total order
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

bool valid_id_part(std::string_view part) {
  if (part.empty() || part.size() > kMaxIdPartLength || part == "." || part == "..") return false;
  return part.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") ==
         std::string_view::npos;
}

bool valid_job_id(std::string_view id) {
  for (size_t start = 0;;) {
    const size_t slash = id.find('/', start);
    if (!valid_id_part(id.substr(start, slash == std::string_view::npos ? slash : slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::string excerpt(std::string_view s) {
  return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 40)) + "...";
}

Job make_job(std::string id, const std::string& file, const nlohmann::json& document,
             const std::string& base_dir) {
  Job job;
  job.scenario = scenario::parse_scenario(document, file, base_dir);
  job.id = std::move(id);
  job.file = file;
  // Not the folder the document lies in: what its file names reach is in the scenario fingerprint,
  // by content (a folder in it kept shards swept from "scenarios/x.json" and "/abs/scenarios/x.json"
  // from merging, and a clone elsewhere from resuming).
  job.document_hash = sim::stable_hash(document.dump());
  return job;
}

void sort_and_check_ids(std::vector<Job>& jobs) {
  std::stable_sort(jobs.begin(), jobs.end(),
                   [](const Job& a, const Job& b) { return natural_less(a.id, b.id); });
  std::vector<Job> unique;
  for (auto& j : jobs) {
    if (!unique.empty() && unique.back().id == j.id) {
      const Job& first = unique.back();
      if (first.file == j.file && first.document_hash == j.document_hash)
        continue;  // the same call named twice
      throw InputError(j.file, "/name", "job id '" + j.id + "' is also produced by " + first.file);
    }
    unique.push_back(std::move(j));
  }
  jobs = std::move(unique);
  std::map<std::string, const Job*> by_id;
  for (const auto& j : jobs) by_id.emplace(j.id, &j);
  for (const auto& j : jobs)
    for (size_t slash = j.id.find('/'); slash != std::string::npos; slash = j.id.find('/', slash + 1))
      if (auto it = by_id.find(j.id.substr(0, slash)); it != by_id.end())
        throw InputError(
            it->second->file, "",
            "job id '" + it->first + "' is a folder of job '" + j.id + "' (from " + j.file + "); rename one");
}

std::vector<std::string> job_notes(const std::vector<Job>& jobs) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> calls;
  for (const auto& job : jobs)
    for (const auto& note : scenario::input_notes(job.scenario)) {
      auto& ids = calls[note];
      if (ids.empty()) order.push_back(note);
      ids.push_back(job.id);
    }
  std::vector<std::string> out;
  for (const auto& note : order) {
    const auto& ids = calls[note];
    out.push_back((ids.size() == 1 ? ids[0] : std::to_string(ids.size()) + " calls (the first " + ids[0] + ")") +
                  ": " + note);
  }
  return out;
}

std::vector<Job> expand_suites(const std::vector<std::string>& suites, size_t max_calls) {
  std::vector<Job> jobs;
  for (const auto& s : suites) {
    add_argument(s, jobs, max_calls);
    if (jobs.size() > max_calls)
      throw InputError(s, "",
                       "the sweep reaches " + std::to_string(jobs.size()) + " calls here; the limit is " +
                           std::to_string(max_calls) + " (raise it with --max-calls)");
  }
  sort_and_check_ids(jobs);
  return jobs;
}

}  // namespace callsim::harness
