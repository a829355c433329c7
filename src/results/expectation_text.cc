#include "results/expectation_text.h"

#include <cmath>
#include <regex>

namespace callsim::results {

std::optional<ExpectationText> split_expectation(const std::string& text) {
  static const std::regex re(R"(^\s*([a-z0-9_]+)\s*(<=|>=|==|<|>)\s*([-+]?[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  return ExpectationText{m[1], m[2], m[3]};
}

bool expectation_holds(double measured, std::string_view op, double threshold) {
  if (!std::isfinite(measured)) return false;
  if (op == "<") return measured < threshold;
  if (op == "<=") return measured <= threshold;
  if (op == ">") return measured > threshold;
  if (op == ">=") return measured >= threshold;
  return op == "==" && measured == threshold;
}

}  // namespace callsim::results
