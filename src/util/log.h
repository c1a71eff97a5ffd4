/* Structured logs: one JSON object per line on standard error. */
#ifndef SLOTD_UTIL_LOG_H
#define SLOTD_UTIL_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Messages below min are dropped; set once at start-up. */
void log_set_level(enum log_level min);
/* msg is plain text; extra is either NULL or pre-rendered JSON members ("\"k\":1,\"j\":\"x\""). */
void log_emit(enum log_level level, const char *msg, const char *extra);
/* The request this thread works for now (NULL: none): every line logged until it is
 * cleared names it as "request_id". id is read when a line is written, not copied. */
void log_set_request(const char *id);
/* Parses "debug", "info", "warn" or "error". Returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
