/* callsim jitter-buffer plugin ABI, version 1. Pure C (C99), no callsim headers needed.
 *
 * A plugin is a shared library exporting one function:
 *
 *     const callsim_jb_plugin* callsim_jb_plugin_v1(void);
 *
 * returning a static table of function pointers. The host checks abi_version ==
 * CALLSIM_JB_PLUGIN_ABI_VERSION and struct_size >= sizeof(callsim_jb_plugin) before use.
 *
 * Decoding: the HOST decodes. create() receives a callsim_jb_decoder, a table of callbacks into
 * the host's codec (Opus, or whatever the scenario uses): the plugin only decides what to play
 * when, and calls decode / conceal / decode_fec to make the audio. This keeps plugins codec-free
 * and lets them use the same decoder (and PLC) as the built-in buffers.
 *
 * Units: sample_rate_hz is the output (and decoder) rate; audio is mono float in [-1, 1);
 * rtp_timestamp is the 48 kHz RTP clock (RFC 7587); times are nanoseconds on the simulation clock
 * (arrival and pull times share it; 0 is the start of the call). pull() is called every 10 ms and
 * must write exactly n = sample_rate_hz / 100 samples.
 *
 * What the host checks (a violation ends the call with an error naming the library and the call
 * time; callsim exits with code 2):
 *   - audio: every sample finite and within [-2, 2] (decoded audio may overshoot full scale a
 *     little and is taken as it is; NaN, infinities and larger values are refused);
 *   - playout_timestamp: only on a frame that is not CALLSIM_JB_SILENCE, and inside RTP time the
 *     plugin had the host decode (decode, or decode_fec of the next packet) by the end of that pull;
 *   - statistics: see callsim_jb_stats.
 *
 * Threading: one handle is only ever used from one thread, and its calls never overlap. Different
 * handles (the directions of a call, the calls of a sweep run with -j > 1) are used at the same
 * time from different threads, and which calls share a process or run in which order depends on
 * -j: a plugin must keep no global mutable state (counters, caches, random state shared between
 * handles), or its results depend on -j. Keep all state in the handle.
 * Errors: functions returning int return 0 on success, non-zero on failure; create() returns NULL
 * and writes a NUL-terminated message into error (at most error_size bytes).
 */
#ifndef CALLSIM_JB_PLUGIN_H_
#define CALLSIM_JB_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CALLSIM_JB_PLUGIN_ABI_VERSION 1u
#define CALLSIM_JB_PLUGIN_ENTRY "callsim_jb_plugin_v1"

/* Frame types; the same values as callsim::jitter::PlayoutFrame::Type. */
enum callsim_jb_frame_type {
  CALLSIM_JB_NORMAL = 0,
  CALLSIM_JB_EXPAND = 1,
  CALLSIM_JB_ACCELERATE = 2,
  CALLSIM_JB_PREEMPTIVE_EXPAND = 3,
  CALLSIM_JB_MERGE = 4,
  CALLSIM_JB_COMFORT_NOISE = 5,
  CALLSIM_JB_FEC_RECOVERED = 6,
  CALLSIM_JB_SILENCE = 7
};

/* The host's decoder. Each call returns the number of samples written to out (at most
 * max_samples), or -1 on error (e.g. an undecodable payload). conceal and decode_fec lengths must
 * be multiples of 2.5 ms. */
typedef struct callsim_jb_decoder {
  void* context;
  int (*payload_samples)(void* context, const uint8_t* payload, size_t size);
  int (*decode)(void* context, const uint8_t* payload, size_t size, float* out, int max_samples);
  int (*conceal)(void* context, int samples, float* out);
  /* Rebuilds the `samples` before next_payload from its in-band FEC (PLC when it has none). */
  int (*decode_fec)(void* context, const uint8_t* next_payload, size_t size, int samples, float* out);
} callsim_jb_decoder;

/* Statistics (W3C RTCInboundRtpStreamStats names, see jitter_buffer.h for units). The host
 * zeroes the struct and sets struct_size before calling get_stats; a plugin fills what it knows.
 * packets_received and total_samples_received are counted by the host (packets handed to insert,
 * samples pulled) whatever the plugin reports. The rest is refused when the call could not have
 * produced it: a packet count above packets_received; emitted, comfort-noise or inserted samples
 * above total_samples_received; removed samples above what the host decoded; concealed_samples
 * above the samples of the CALLSIM_JB_EXPAND and CALLSIM_JB_COMFORT_NOISE frames (comfort noise
 * for lost packets is silent concealment), or below the number of EXPAND frames (each holds some);
 * silent_concealed_samples or concealment_events above concealed_samples, interruption_count above
 * concealment_events; a delay sum or duration that is not finite, negative, or longer than the
 * call allows (src/jitter/README.md, "Plugins"). */
typedef struct callsim_jb_stats {
  uint32_t struct_size;
  uint64_t packets_received;
  uint64_t packets_discarded;
  uint64_t packets_duplicated;
  uint64_t fec_packets_received;
  uint64_t fec_packets_used;
  double jitter_buffer_delay_s;
  double jitter_buffer_target_delay_s;
  uint64_t jitter_buffer_emitted_count;
  double jitter_buffer_delay_p95_ms;
  uint64_t total_samples_received;
  uint64_t concealed_samples;
  uint64_t silent_concealed_samples;
  uint64_t concealment_events;
  uint64_t inserted_samples_for_deceleration;
  uint64_t removed_samples_for_acceleration;
  uint64_t comfort_noise_samples;
  uint64_t interruption_count;
  double total_interruption_duration_s;
} callsim_jb_stats;

typedef struct callsim_jb_plugin {
  uint32_t abi_version; /* CALLSIM_JB_PLUGIN_ABI_VERSION */
  uint32_t struct_size; /* sizeof(callsim_jb_plugin) as the plugin was built */
  const char* name;     /* short, for logs */

  /* config_json: the scenario's "config" object as JSON text ("{}" when absent). The decoder
   * table (and its context) stays valid until destroy(). */
  void* (*create)(const char* config_json, int sample_rate_hz, const callsim_jb_decoder* decoder, char* error,
                  size_t error_size);
  int (*insert)(void* handle, uint16_t sequence, uint32_t rtp_timestamp, int marker, const uint8_t* payload,
                size_t size, int64_t arrival_ns);
  /* Writes n samples; frame_type gets a callsim_jb_frame_type; playout_timestamp_valid (0/1) and
   * playout_timestamp the RTP timestamp of the first sample when it is real audio (decoded from a
   * packet or rebuilt from FEC: it becomes the frame's mouth-to-ear delay). */
  int (*pull)(void* handle, int64_t now_ns, float* out, int n, int* frame_type, int* playout_timestamp_valid,
              uint32_t* playout_timestamp);
  int (*get_stats)(void* handle, callsim_jb_stats* stats);
  /* Playout delay and its target, ms (NAN when unknown); anything else outside [0, 60000] is
   * refused. pull() writes exactly n samples: the host checks the floats after them. */
  double (*current_delay_ms)(void* handle);
  double (*target_delay_ms)(void* handle);
  void (*destroy)(void* handle);
} callsim_jb_plugin;

typedef const callsim_jb_plugin* (*callsim_jb_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* CALLSIM_JB_PLUGIN_H_ */
