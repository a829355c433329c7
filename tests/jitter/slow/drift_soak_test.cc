#include <gtest/gtest.h>

namespace callsim::jitter {
namespace {
TEST(DriftSoak, Placeholder) { SUCCEED(); }
}  // namespace
}  // namespace callsim::jitter
