#include "harness/sweep/shard.h"

#include "common/error.h"
#include "common/text_parse.h"

namespace callsim::harness {

ShardSpec parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  ShardSpec s;
  if (slash == std::string::npos || !parse_whole_number(std::string_view(text).substr(0, slash), s.index) ||
      !parse_whole_number(std::string_view(text).substr(slash + 1), s.count))
    throw InputError("--shard", "", "'" + text + "' is not K/N (e.g. 2/5)");
  if (s.count < 1 || s.index < 1 || s.index > s.count)
    throw InputError("--shard", "", "'" + text + "': need 1 <= K <= N");
  return s;
}

std::vector<Job> select_shard(std::vector<Job> jobs, const ShardSpec& shard) {
  std::vector<Job> out;
  for (size_t i = 0; i < jobs.size(); ++i)
    if (shard.selects(i)) out.push_back(std::move(jobs[i]));
  return out;
}

}  // namespace callsim::harness
