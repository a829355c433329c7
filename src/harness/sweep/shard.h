// Shards: splitting one sweep over several machines or CI jobs. `--shard K/N` (1 <= K <= N) runs
// the jobs whose index in the sorted job list satisfies index % N == K-1 (round robin, so each
// shard gets a similar mix of every matrix axis); `callsim merge` joins the shard folders into
// exactly what one unsharded run writes.
#pragma once

#include <string>
#include <vector>

#include "harness/sweep/suite.h"

namespace callsim::harness {

struct ShardSpec {
  int index = 1;  // K, 1-based
  int count = 1;  // N

  bool selects(size_t job_index) const {
    return static_cast<int>(job_index % static_cast<size_t>(count)) == index - 1;
  }
  std::string to_string() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// Parses "K/N"; throws InputError (file "--shard") when malformed or K is not in [1, N].
ShardSpec parse_shard(const std::string& text);

// The jobs of one shard, in order.
std::vector<Job> select_shard(std::vector<Job> jobs, const ShardSpec& shard);

}  // namespace callsim::harness
