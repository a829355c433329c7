/* A jitter-buffer plugin for the host's checks (tests/jitter/plugin_test.cc): it plays packets in
 * arrival order as soon as they are there, conceals when none is, and misbehaves as its config's
 * "mode" asks (see misbehave()). Not an example to follow: plugin_example/ is that. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsim_jb_plugin.h"

#define QUEUE 64
#define MAX_PAYLOAD 1500
#define MAX_PCM 11520 /* 240 ms at 48 kHz */

typedef struct {
  uint32_t ts;
  size_t size;
  uint8_t payload[MAX_PAYLOAD];
} packet;

typedef struct {
  callsim_jb_decoder dec;
  int ticks_per_sample;
  char mode[32];
  packet queue[QUEUE];
  int head, count;
  float pcm[MAX_PCM];
  int pcm_len;
  uint32_t pcm_ts; /* RTP time of pcm[0] */
  int started, concealing;
  long pulls;
  callsim_jb_stats stats;
} plugin;

static int is(const plugin* p, const char* mode) { return strcmp(p->mode, mode) == 0; }

static void* create(const char* config_json, int sample_rate_hz, const callsim_jb_decoder* decoder, char* error,
                    size_t error_size) {
  if (sample_rate_hz <= 0 || 48000 % sample_rate_hz != 0) {
    snprintf(error, error_size, "misbehaving test plugin: rate must divide 48000");
    return NULL;
  }
  plugin* p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->dec = *decoder;
  p->ticks_per_sample = 48000 / sample_rate_hz;
  p->stats.struct_size = sizeof p->stats;
  const char* m = strstr(config_json, "\"mode\"");
  if (m && (m = strchr(m + 6, '"')) != NULL)
    for (size_t k = 0; m[1 + k] && m[1 + k] != '"' && k + 1 < sizeof p->mode; ++k) p->mode[k] = m[1 + k];
  return p;
}

static int insert(void* h, uint16_t sequence, uint32_t rtp_timestamp, int marker, const uint8_t* payload,
                  size_t size, int64_t arrival_ns) {
  plugin* p = h;
  (void)sequence, (void)marker, (void)arrival_ns;
  p->stats.packets_received++;
  if (p->count == QUEUE || size > MAX_PAYLOAD) {
    p->stats.packets_discarded++;
    return 0;
  }
  packet* q = &p->queue[(p->head + p->count++) % QUEUE];
  q->ts = rtp_timestamp;
  q->size = size;
  memcpy(q->payload, payload, size);
  return 0;
}

/* Plays what it has; returns the number of concealed samples in the frame. */
static int play(plugin* p, float* out, int n, int* frame_type, int* valid, uint32_t* ts) {
  *valid = 0;
  if (!p->started && p->count == 0) {
    memset(out, 0, sizeof(float) * (size_t)n);
    *frame_type = CALLSIM_JB_SILENCE;
    return 0;
  }
  p->started = 1;
  while (p->pcm_len < n && p->count > 0) {
    packet* q = &p->queue[p->head];
    p->head = (p->head + 1) % QUEUE;
    p->count--;
    const int got = p->dec.decode(p->dec.context, q->payload, q->size, p->pcm + p->pcm_len, MAX_PCM - p->pcm_len);
    if (got <= 0) continue;
    if (p->pcm_len == 0) p->pcm_ts = q->ts;
    p->pcm_len += got;
  }
  const int real = p->pcm_len < n ? p->pcm_len : n;
  memcpy(out, p->pcm, sizeof(float) * (size_t)real);
  if (real > 0) {
    *valid = 1;
    *ts = p->pcm_ts;
  }
  const int concealed = n - real;
  if (concealed > 0 && p->dec.conceal(p->dec.context, concealed, out + real) != concealed)
    memset(out + real, 0, sizeof(float) * (size_t)concealed);
  p->pcm_len -= real;
  memmove(p->pcm, p->pcm + real, sizeof(float) * (size_t)p->pcm_len);
  p->pcm_ts += (uint32_t)(real * p->ticks_per_sample);
  *frame_type = concealed > 0 ? CALLSIM_JB_EXPAND : CALLSIM_JB_NORMAL;
  return concealed;
}

static void misbehave(plugin* p, float* out, int n, int frame_type, int* valid, uint32_t* ts) {
  if (is(p, "nan") && p->pulls == 50) out[17] = NAN;
  if (is(p, "inf") && p->pulls == 50) out[0] = -INFINITY;
  if (is(p, "loud") && p->pulls >= 50)
    for (int i = 0; i < n; ++i) out[i] *= 1000.0f;
  if (is(p, "full_scale")) out[0] = 1.0f, out[1] = -1.0f, out[2] = 1.5f; /* accepted */
  if (is(p, "shift") && *valid) *ts += 48 * 40; /* 40 ms newer than what it played */
  if (is(p, "claim_silence") && frame_type == CALLSIM_JB_SILENCE) *valid = 1, *ts = 0;
  if (is(p, "claim_concealed") && frame_type == CALLSIM_JB_EXPAND && !*valid) *valid = 1, *ts = p->pcm_ts;
  if (is(p, "overrun") && p->pulls == 50) out[n + 3] = 0.25f; /* a write just past its buffer */
}

static int pull(void* h, int64_t now_ns, float* out, int n, int* frame_type, int* valid, uint32_t* ts) {
  plugin* p = h;
  (void)now_ns;
  p->pulls++;
  if (is(p, "pull_fail") && p->pulls == 50) return 5;
  const int concealed = play(p, out, n, frame_type, valid, ts);
  if (concealed > 0) {
    if (!p->concealing) p->stats.concealment_events++;
    p->stats.concealed_samples += (uint64_t)concealed;
  }
  p->concealing = concealed > 0;
  p->stats.total_samples_received += (uint64_t)n;
  misbehave(p, out, n, *frame_type, valid, ts);
  return 0;
}

static int get_stats(void* h, callsim_jb_stats* stats) {
  const plugin* p = h;
  *stats = p->stats;
  if (is(p, "stats_discarded")) stats->packets_discarded = UINT64_MAX;
  if (is(p, "stats_nan_delay")) stats->jitter_buffer_delay_s = NAN;
  if (is(p, "stats_no_concealment")) stats->concealed_samples = 0, stats->concealment_events = 0;
  if (is(p, "stats_counts")) stats->packets_received = 123456, stats->total_samples_received = 1;
  return 0;
}

static double delay_ms(void* h) {
  const plugin* p = h;
  if (is(p, "delay_nan")) return NAN; /* "unknown": accepted */
  if (is(p, "delay_negative") && p->pulls >= 50) return -20.0;
  if (is(p, "delay_inf") && p->pulls >= 50) return INFINITY;
  return 0.0;
}

static void destroy(void* h) { free(h); }

static const callsim_jb_plugin kPlugin = {
    CALLSIM_JB_PLUGIN_ABI_VERSION, sizeof(callsim_jb_plugin), "misbehaving test plugin", create, insert, pull,
    get_stats, delay_ms, delay_ms, destroy,
};

const callsim_jb_plugin* callsim_jb_plugin_v1(void) { return &kPlugin; }
