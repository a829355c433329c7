// Deterministic test signals for the codec tests: a sum of tones, and a speech-like signal
// (glottal pulses through formant resonators, syllables with fricative onsets and pauses). Mono
// float at any Opus rate; seeded through sim::RandomStream.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace callsim::codec::testing {

// Sum of sines at `freqs_hz` with equal amplitude; total peak <= `peak`.
std::vector<float> tones(int sample_rate_hz, double seconds, std::span<const double> freqs_hz, double peak);

// Speech-like: voiced syllables (f0 90..220 Hz with intonation, 5 vowel formant sets), unvoiced
// onsets, 30..80 ms gaps between syllables and a 200..500 ms pause with probability
// `pause_probability` after each syllable. Peak about 0.5.
std::vector<float> speech_like(int sample_rate_hz, double seconds, uint64_t seed,
                               double pause_probability = 0.15);

// Signal-to-noise ratio in dB of `test` against `ref`, comparing ref[i] with test[i + delay] over
// [begin, end) of ref (clamped to what both cover).
double snr_db(std::span<const float> ref, std::span<const float> test, int delay, size_t begin, size_t end);

// Normalized cross-correlation of ref[i] and test[i + delay] over [begin, end).
double correlation(std::span<const float> ref, std::span<const float> test, int delay, size_t begin,
                   size_t end);

}  // namespace callsim::codec::testing
