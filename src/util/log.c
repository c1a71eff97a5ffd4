#include "util/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"

static enum log_level log_min = LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};
static _Thread_local const char *request_id;

static atomic_llong flushed_sec;
static FILE *log_out;	/* NULL: stderr itself */

static FILE *out(void)
{
	return log_out ? log_out : stderr;
}

/* Log lines go through a buffered stream of their own on a copy of the stderr descriptor;
 * stderr itself stays unbuffered, so a message a library prints just before it aborts (an
 * assert, a panic) is written at once and not lost with a buffer. */
void log_buffered(void)
{
	int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	log_out = f;
}

void log_flush(void)
{
	fflush(out());
}

bool log_enabled(enum log_level level)
{
	return level >= log_min;
}

void log_set_request(const char *id)
{
	request_id = id;
}

int log_level_parse(const char *s, enum log_level *out)
{
	size_t i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (s && !strcmp(s, level_names[i])) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

void log_set_level(enum log_level min)
{
	log_min = min;
}

void log_emit(enum log_level level, const char *msg, const char *extra)
{
	static _Thread_local char when[32];
	static _Thread_local time_t when_sec = -1;
	struct timespec ts;
	struct tm tm;
	struct buf b;

	if (level < log_min)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != when_sec) {
		/* Formatted once a second per thread: a busy server logs thousands a second. */
		gmtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		when_sec = ts.tv_sec;
	}
	buf_init(&b, 1 << 16);
	buf_addf(&b, "{\"ts\":\"%s.%03ldZ\",\"level\":\"%s\",\"msg\":", when,
		 ts.tv_nsec / 1000000, level_names[level]);
	buf_add_json_str(&b, msg);
	if (request_id && *request_id && !(extra && strstr(extra, "\"request_id\":"))) {
		buf_adds(&b, ",\"request_id\":");
		buf_add_json_str(&b, request_id);
	}
	if (extra && *extra) {
		buf_addc(&b, ',');
		buf_adds(&b, extra);
	}
	buf_adds(&b, "}\n");
	fwrite(b.ptr, 1, b.len, out());
	if (level >= LOG_WARN || atomic_exchange(&flushed_sec, (long long)ts.tv_sec) != ts.tv_sec)
		fflush(out());
	buf_release(&b);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level < log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_emit(level, msg, NULL);
}
