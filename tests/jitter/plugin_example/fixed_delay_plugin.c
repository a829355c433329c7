/* Example jitter-buffer plugin for callsim (ABI v1, see src/jitter/callsim_jb_plugin.h): a fixed-
 * delay buffer in plain C. The first packet fixes the anchor (arrival - timestamp); audio with RTP
 * timestamp T plays from anchor + T + delay_ms. A missing packet is concealed for 10 ms at a time
 * (host PLC); packets arriving after their slot are discarded. The host decodes.
 *
 * Config JSON: {"delay_ms": <number >= 0>} (default 60). Any other content is ignored. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsim_jb_plugin.h"

#define MAX_PACKETS 256
#define MAX_PAYLOAD 1500
#define MAX_PCM 9600 /* 200 ms at 48 kHz */

typedef struct {
  int used;
  int64_t ts; /* unwrapped, 48 kHz ticks */
  size_t size;
  uint8_t payload[MAX_PAYLOAD];
} slot;

typedef struct {
  callsim_jb_decoder dec;
  int rate, ticks_per_sample;
  double delay_ms;
  slot slots[MAX_PACKETS];
  int have_anchor, started, last_was_concealed;
  int64_t anchor_ns, last_ts, next_ts; /* next_ts: unwrapped ticks of the next sample to decode */
  float pcm[MAX_PCM];
  unsigned char concealed[MAX_PCM];
  int pcm_len;
  callsim_jb_stats stats;
} fixed_jb;

static int64_t ticks_to_ns(int64_t ticks) { return ticks * 1000000000 / 48000; }

/* The slot of unwrapped timestamp ts (2.5 ms granularity). ts is negative for a packet older than
 * the first one across an RTP timestamp wrap (reordered, or a corrupted header): C's / and % round
 * towards zero, so floor both ways (a negative index wrote outside the table). */
static slot* slot_of(fixed_jb* jb, int64_t ts) {
  const int64_t block = ts >= 0 ? ts / 120 : -((-ts + 119) / 120);
  return &jb->slots[((block % MAX_PACKETS) + MAX_PACKETS) % MAX_PACKETS];
}

static double parse_delay(const char* json, int* ok) {
  const char* key = strstr(json ? json : "", "\"delay_ms\"");
  *ok = 1;
  if (!key) return 60.0;
  key = strchr(key, ':');
  if (!key) return *ok = 0, 0.0;
  char* end = NULL;
  const double v = strtod(key + 1, &end);
  if (end == key + 1 || v < 0 || v > 10000) *ok = 0;
  return v;
}

static void* jb_create(const char* config_json, int sample_rate_hz, const callsim_jb_decoder* decoder,
                       char* error, size_t error_size) {
  int ok = 0;
  const double delay = parse_delay(config_json, &ok);
  if (!ok || sample_rate_hz <= 0 || 48000 % sample_rate_hz != 0 || sample_rate_hz / 100 > MAX_PCM / 2) {
    snprintf(error, error_size, "fixed example: need \"delay_ms\" in [0, 10000] and a rate dividing 48000");
    return NULL;
  }
  fixed_jb* jb = calloc(1, sizeof *jb);
  if (!jb) return NULL;
  jb->dec = *decoder;
  jb->rate = sample_rate_hz;
  jb->ticks_per_sample = 48000 / sample_rate_hz;
  jb->delay_ms = delay;
  jb->stats.struct_size = sizeof jb->stats;
  return jb;
}

static int64_t unwrap(fixed_jb* jb, uint32_t ts) {
  if (!jb->have_anchor) return (int64_t)ts;
  const int64_t v = jb->last_ts + (int32_t)(ts - (uint32_t)jb->last_ts);
  if (v > jb->last_ts) jb->last_ts = v;
  return v;
}

static int jb_insert(void* h, uint16_t sequence, uint32_t rtp_timestamp, int marker, const uint8_t* payload,
                     size_t size, int64_t arrival_ns) {
  fixed_jb* jb = h;
  (void)sequence;
  (void)marker;
  jb->stats.packets_received++;
  const int64_t ts = unwrap(jb, rtp_timestamp);
  if (!jb->have_anchor) {
    jb->have_anchor = 1;
    jb->last_ts = ts;
    jb->anchor_ns = arrival_ns - ticks_to_ns(ts);
  }
  if ((jb->started && ts < jb->next_ts) || size > MAX_PAYLOAD) {
    jb->stats.packets_discarded++;
    return 0;
  }
  slot* s = slot_of(jb, ts);
  if (s->used && s->ts == ts) {
    jb->stats.packets_duplicated++;
    return 0;
  }
  if (s->used) jb->stats.packets_discarded++; /* overwritten: buffer full */
  s->used = 1;
  s->ts = ts;
  s->size = size;
  memcpy(s->payload, payload, size);
  return 0;
}

/* Appends the packet at next_ts (decoded) or 10 ms of concealment. */
static void produce(fixed_jb* jb) {
  const int frame = jb->rate / 100;
  slot* s = slot_of(jb, jb->next_ts);
  if (s->used && s->ts == jb->next_ts) {
    s->used = 0;
    const int n =
        jb->dec.decode(jb->dec.context, s->payload, s->size, jb->pcm + jb->pcm_len, MAX_PCM - jb->pcm_len);
    if (n > 0) {
      memset(jb->concealed + jb->pcm_len, 0, (size_t)n);
      jb->pcm_len += n;
      jb->next_ts += (int64_t)n * jb->ticks_per_sample;
      jb->last_was_concealed = 0;
      return;
    }
    jb->stats.packets_discarded++;
  }
  const int n = jb->dec.conceal(jb->dec.context, frame, jb->pcm + jb->pcm_len);
  const int got = n > 0 ? n : frame;
  if (n <= 0) memset(jb->pcm + jb->pcm_len, 0, sizeof(float) * (size_t)frame);
  memset(jb->concealed + jb->pcm_len, 1, (size_t)got);
  if (!jb->last_was_concealed) jb->stats.concealment_events++;
  jb->last_was_concealed = 1;
  jb->stats.concealed_samples += (uint64_t)got;
  jb->pcm_len += got;
  jb->next_ts += (int64_t)got * jb->ticks_per_sample;
}

static int first_buffered(const fixed_jb* jb, int64_t* ts) {
  int found = 0;
  for (int i = 0; i < MAX_PACKETS; ++i)
    if (jb->slots[i].used && (!found || jb->slots[i].ts < *ts)) *ts = jb->slots[i].ts, found = 1;
  return found;
}

static int jb_pull(void* h, int64_t now_ns, float* out, int n, int* frame_type, int* ts_valid, uint32_t* ts) {
  fixed_jb* jb = h;
  *ts_valid = 0;
  int64_t first = 0;
  if (!jb->started && jb->have_anchor && first_buffered(jb, &first) &&
      now_ns >= jb->anchor_ns + ticks_to_ns(first) + (int64_t)llround(jb->delay_ms * 1e6)) {
    jb->started = 1;
    jb->next_ts = first;
  }
  if (!jb->started) {
    memset(out, 0, sizeof(float) * (size_t)n);
    *frame_type = CALLSIM_JB_SILENCE;
    jb->stats.total_samples_received += (uint64_t)n;
    return 0;
  }
  while (jb->pcm_len < n) produce(jb);
  int any_concealed = 0;
  for (int i = 0; i < n; ++i) any_concealed |= jb->concealed[i];
  memcpy(out, jb->pcm, sizeof(float) * (size_t)n);
  *frame_type = any_concealed ? CALLSIM_JB_EXPAND : CALLSIM_JB_NORMAL;
  if (!jb->concealed[0]) {
    *ts_valid = 1;
    *ts = (uint32_t)(jb->next_ts - (int64_t)jb->pcm_len * jb->ticks_per_sample);
  }
  jb->pcm_len -= n;
  memmove(jb->pcm, jb->pcm + n, sizeof(float) * (size_t)jb->pcm_len);
  memmove(jb->concealed, jb->concealed + n, (size_t)jb->pcm_len);
  jb->stats.total_samples_received += (uint64_t)n;
  return 0;
}

static int jb_get_stats(void* h, callsim_jb_stats* stats) {
  const fixed_jb* jb = h;
  if (stats->struct_size < sizeof *stats) return 1;
  *stats = jb->stats;
  return 0;
}

static double jb_delay(void* h) { return ((fixed_jb*)h)->delay_ms; }

static void jb_destroy(void* h) { free(h); }

static const callsim_jb_plugin kPlugin = {
    CALLSIM_JB_PLUGIN_ABI_VERSION,
    sizeof(callsim_jb_plugin),
    "fixed-delay example",
    jb_create,
    jb_insert,
    jb_pull,
    jb_get_stats,
    jb_delay,
    jb_delay,
    jb_destroy,
};

const callsim_jb_plugin* callsim_jb_plugin_v1(void) { return &kPlugin; }
