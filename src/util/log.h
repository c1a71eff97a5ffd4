/* Structured logs: one JSON object per line on standard error. */
#ifndef SLOTD_UTIL_LOG_H
#define SLOTD_UTIL_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Messages below min are dropped; set once at start-up. */
void log_set_level(enum log_level min);
/* Lines are collected in a 64 KB buffer and written when it fills, when a second turns, at a
 * warning or error, and at log_flush (call it a few times a second, and at exit): one write
 * per request was a tenth of a slot query's time. Call before anything is logged. The buffer
 * belongs to the log's own stream; stderr stays unbuffered for anything else written there. */
void log_buffered(void);
void log_flush(void);
/* Whether a message of level would be written (to skip building one that would not). */
bool log_enabled(enum log_level level);
/* msg is plain text; extra is either NULL or pre-rendered JSON members ("\"k\":1,\"j\":\"x\""). */
void log_emit(enum log_level level, const char *msg, const char *extra);
/* The request this thread works for now (NULL: none): every line logged until it is
 * cleared names it as "request_id". id is read when a line is written, not copied. */
void log_set_request(const char *id);
/* Parses "debug", "info", "warn" or "error". Returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
