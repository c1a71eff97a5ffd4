/* Process-wide metrics: lock-free counters and fixed-bucket latency histograms (relaxed
 * atomics; a scrape may see one observation's count before its sum), rendered in the
 * Prometheus text format 0.0.4. Each layer bumps its own; http renders them all. */
#ifndef SLOTD_UTIL_METRICS_H
#define SLOTD_UTIL_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "util/buf.h"

/* Upper bounds (seconds) of the latency buckets, +Inf after the last. */
#define HIST_BUCKETS 16
extern const double hist_bounds[HIST_BUCKETS];

struct hist {
	atomic_uint_fast64_t bucket[HIST_BUCKETS + 1];	/* not cumulative; the last is +Inf */
	atomic_uint_fast64_t sum_ns;
};

/* Records one observation of ns nanoseconds. */
void hist_observe(struct hist *h, uint64_t ns);
/* The observations recorded so far. */
uint64_t hist_count(const struct hist *h);
/* Appends the _bucket, _sum and _count lines of name{labels} (labels: "" or rendered pairs
 * such as `route="/v1/slots",method="GET"`). The HELP and TYPE lines are the caller's. */
void hist_render(struct buf *out, const char *name, const char *labels, const struct hist *h);

/* Appends "# HELP name help\n# TYPE name type\n". */
void metric_head(struct buf *out, const char *name, const char *type, const char *help);

/* A metric without labels: its HELP and TYPE lines and its one sample. */
void metric_single(struct buf *out, const char *name, const char *type, const char *help,
		   long long value);

/* Monotonic nanoseconds, for durations. */
uint64_t mono_ns(void);

/* The store's figures. */
enum store_tx_kind { STORE_TX_READ, STORE_TX_SNAPSHOT, STORE_TX_WRITE, STORE_TX__COUNT };
struct store_metrics {
	struct hist tx[STORE_TX__COUNT];	/* begin to end, by kind */
	atomic_uint_fast64_t reruns;		/* transactions run again after losing a conflict */
	atomic_uint_fast64_t gave_up;		/* conflicts still lost after the last rerun */
	atomic_uint_fast64_t failed;		/* transactions that could not begin or commit */
	atomic_uint_fast64_t commits;		/* COMMITs of write transactions (syncs) */
	atomic_uint_fast64_t committed;		/* write transactions those COMMITs made durable */
	atomic_int_fast64_t in_use;		/* connections in a transaction now */
};
extern struct store_metrics store_metrics;

/* The availability cache's figures (src/store/avail_cache.c). */
struct avail_cache_metrics {
	atomic_uint_fast64_t hits, misses;	/* lookups answered from memory, or not */
	atomic_uint_fast64_t evictions;		/* entries dropped to stay within the budget */
	atomic_int_fast64_t entries, bytes;	/* held now */
};
extern struct avail_cache_metrics avail_cache_metrics;

/* Appends process_resident_memory_bytes, process_open_fds and process_start_time_seconds
 * (from /proc/self; omitted where it cannot be read). */
void process_metrics_render(struct buf *out);
/* Notes the start time process_start_time_seconds reports; call once at start-up. */
void process_metrics_start(void);

#endif
