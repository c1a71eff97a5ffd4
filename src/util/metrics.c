#include "util/metrics.h"

#include <dirent.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

const double hist_bounds[HIST_BUCKETS] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
					  0.01,	  0.025,   0.05,   0.1,	  0.25,	  0.5,
					  1,	  2.5,	   5,	   10};

struct store_metrics store_metrics;
struct avail_cache_metrics avail_cache_metrics;
static double started_at;

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void hist_observe(struct hist *h, uint64_t ns)
{
	double s = (double)ns / 1e9;
	size_t i = 0;

	while (i < HIST_BUCKETS && s > hist_bounds[i])
		i++;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_ns, ns, memory_order_relaxed);
}

uint64_t hist_count(const struct hist *h)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i <= HIST_BUCKETS; i++)
		n += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
	return n;
}

void hist_render(struct buf *out, const char *name, const char *labels, const struct hist *h)
{
	const char *sep = *labels ? "," : "";
	uint64_t cum = 0;
	size_t i;

	for (i = 0; i <= HIST_BUCKETS; i++) {
		cum += atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
		if (i < HIST_BUCKETS)
			buf_addf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep,
				 hist_bounds[i], (unsigned long long)cum);
		else
			buf_addf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
				 (unsigned long long)cum);
	}
	buf_addf(out, "%s_sum{%s} %.9f\n", name, labels,
		 (double)atomic_load_explicit(&h->sum_ns, memory_order_relaxed) / 1e9);
	buf_addf(out, "%s_count{%s} %llu\n", name, labels, (unsigned long long)cum);
}

void metric_head(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metric_single(struct buf *out, const char *name, const char *type, const char *help,
		   long long value)
{
	metric_head(out, name, type, help);
	buf_addf(out, "%s %lld\n", name, value);
}

void process_metrics_start(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	started_at = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void process_metrics_render(struct buf *out)
{
	unsigned long long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	DIR *d;

	if (f) {
		if (fscanf(f, "%llu %llu", &size, &resident) == 2) {
			metric_single(out, "process_resident_memory_bytes", "gauge",
				      "Resident memory size in bytes.",
				      (long long)(resident * (unsigned long long)sysconf(_SC_PAGESIZE)));
		}
		fclose(f);
	}
	d = opendir("/proc/self/fd");
	if (d) {
		long n = -1;	/* the directory's own descriptor is not the process's */
		while (readdir(d))
			n++;
		closedir(d);
		n -= 2;	/* "." and ".." */
		metric_single(out, "process_open_fds", "gauge", "Number of open file descriptors.",
			      n < 0 ? 0 : n);
	}
	if (started_at > 0) {
		metric_head(out, "process_start_time_seconds", "gauge",
			    "Start time of the process since the Unix epoch in seconds.");
		buf_addf(out, "process_start_time_seconds %.3f\n", started_at);
	}
}
