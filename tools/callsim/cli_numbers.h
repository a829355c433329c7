// Strict validators for numeric command-line options. CLI11's own conversion takes "-1" for an
// unsigned option (it wraps to 18446744073709551615), saturates on overflow, reads "010" as octal
// and accepts "nan" and "inf"; these refuse all of that before conversion, so an out-of-range
// number is a usage error (exit code 2) naming the option: "--seed: '-1' is not an integer in
// [0, 18446744073709551615]".
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <limits>

namespace callsim::cli {

// Integer validators rewrite the text to plain decimal ("010" -> "10"; CLI11 would read octal), so
// add them with ->transform(); Number with ->check().
// A decimal integer (optional leading '-' only when lo < 0) in [lo, hi].
CLI::Validator Integer(int64_t lo, int64_t hi);
// A decimal unsigned integer in [lo, hi] (for 64-bit seeds).
CLI::Validator Unsigned(uint64_t lo = 0, uint64_t hi = std::numeric_limits<uint64_t>::max());
// A finite decimal number in [lo, hi], or (lo, hi] when lo_open.
CLI::Validator Number(double lo, double hi, bool lo_open = false);
// A path that is not empty ("-o ''" would otherwise fall back to the default output silently).
CLI::Validator NonEmptyPath();
// A path to write to: not empty; one with ".." components is taken as it reads (lexically
// normalised, "ghost/../out" is "out"), and refused when a link makes it lead elsewhere.
CLI::Validator OutputPath();

}  // namespace callsim::cli
