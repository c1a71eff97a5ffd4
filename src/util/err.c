#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->code != ERR_OK)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return -1;
}

static void add_field(struct err *e, const char *pointer, const char *fmt, va_list ap)
{
	struct err_field *f;

	if (e->nfields >= ERR_MAX_FIELDS)
		return;
	f = &e->fields[e->nfields++];
	snprintf(f->pointer, sizeof(f->pointer), "%s", pointer);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
}

int err_field(struct err *e, const char *pointer, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	if (e->code == ERR_OK)
		err_set(e, ERR_INVALID, "request has invalid values");
	va_start(ap, fmt);
	add_field(e, pointer, fmt, ap);
	va_end(ap);
	return -1;
}

int err_field_code(struct err *e, enum err_code code, const char *pointer, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	if (e->code == ERR_OK)
		err_set(e, code, "request has invalid values");
	va_start(ap, fmt);
	add_field(e, pointer, fmt, ap);
	va_end(ap);
	return -1;
}
