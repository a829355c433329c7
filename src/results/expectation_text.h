// The text of an expectation, "metric op value", as scenarios write it and result files record
// it: one grammar for the scenario parser (scenario/expectation.h) and the results readers, which
// check that a recorded verdict is what the recorded figure gives.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace callsim::results {

struct ExpectationText {
  std::string metric;  // [a-z0-9_]+, not checked against the metric table here
  std::string op;      // one of < <= > >= ==
  std::string value;   // the number as written (an optional sign, digits, a point, an exponent)
};

// The parts of "metric op value" (spaces allowed around each), or nothing.
std::optional<ExpectationText> split_expectation(const std::string& text);

// Whether `measured op threshold` holds (op one of < <= > >= ==); never for a measure that is
// not finite.
bool expectation_holds(double measured, std::string_view op, double threshold);

}  // namespace callsim::results
