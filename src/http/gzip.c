#include "http/gzip.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "util/mem.h"

#define GZIP_LEVEL 4		/* slot lists: 1% larger than at level 6, in 40% of the time */
#define GZIP_WINDOW (15 + 16)	/* 32 KiB window, gzip framing */

/* One deflate state per server thread, reset between responses: setting one up allocates
 * about 256 KiB. */
struct gzip_state {
	z_stream z;
	struct buf out;
};

static pthread_key_t state_key;
static pthread_once_t state_once = PTHREAD_ONCE_INIT;

static void state_free(void *p)
{
	struct gzip_state *s = p;

	deflateEnd(&s->z);
	buf_release(&s->out);
	free(s);
}

static void state_key_make(void)
{
	if (pthread_key_create(&state_key, state_free))
		abort();
}

static struct gzip_state *state_get(void)
{
	struct gzip_state *s;

	pthread_once(&state_once, state_key_make);
	s = pthread_getspecific(state_key);
	if (s)
		return s;
	s = xcalloc(1, sizeof(*s));
	if (deflateInit2(&s->z, GZIP_LEVEL, Z_DEFLATED, GZIP_WINDOW, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		free(s);
		return NULL;
	}
	buf_init(&s->out, 0);
	pthread_setspecific(state_key, s);
	return s;
}

/* The q of one list member ("gzip;q=0.5"): 1 without a q parameter, 0 when it is
 * unparseable. */
static double member_q(const char *params, size_t n)
{
	const char *q = params;
	char num[8];
	size_t len;

	while ((q = memchr(q, ';', n - (size_t)(q - params))) != NULL) {
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if ((*q != 'q' && *q != 'Q') || q[1] != '=')
			continue;
		q += 2;
		len = strspn(q, "0123456789.");
		if (len == 0 || len >= sizeof(num) || (size_t)(q - params) + len > n)
			return 0;
		memcpy(num, q, len);
		num[len] = '\0';
		return strtod(num, NULL);
	}
	return 1;
}

bool gzip_accepted(const char *ae)
{
	double gzip_q = -1, star_q = -1;

	if (!ae)
		return false;
	while (*ae) {
		size_t n = strcspn(ae, ","), tok;
		const char *m = ae;

		while (n && (*m == ' ' || *m == '\t')) {
			m++;
			n--;
		}
		tok = strcspn(m, ";, \t");
		if (tok > n)
			tok = n;
		if ((tok == 4 && !strncasecmp(m, "gzip", 4)) ||
		    (tok == 6 && !strncasecmp(m, "x-gzip", 6)))
			gzip_q = member_q(m + tok, n - tok);
		else if (tok == 1 && *m == '*')
			star_q = member_q(m + tok, n - tok);
		ae = m + n;
		if (*ae == ',')
			ae++;
	}
	return gzip_q >= 0 ? gzip_q > 0 : star_q > 0;
}

static int gzip_encode(const void *in, size_t n, unsigned char **out, size_t *out_len)
{
	z_stream z;
	unsigned char *dst;
	uLong bound;
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, GZIP_WINDOW, 9, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -1;
	bound = deflateBound(&z, (uLong)n);
	dst = xmalloc(bound);
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = dst;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	*out_len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || *out_len >= n) {
		free(dst);
		return -1;
	}
	*out = dst;
	return 0;
}

const struct gzip_kept *gzip_kept(_Atomic(struct gzip_kept *) *slot, const void *data,
				  size_t len, const char *etag)
{
	struct gzip_kept *k = atomic_load_explicit(slot, memory_order_acquire), *none = NULL;

	if (k)
		return k->data ? k : NULL;
	k = xcalloc(1, sizeof(*k));
	if (gzip_encode(data, len, &k->data, &k->len))
		k->data = NULL;	/* remembered as "send it as it is" */
	snprintf(k->etag, sizeof(k->etag), "W/%s", etag);
	if (!atomic_compare_exchange_strong(slot, &none, k)) {
		free(k->data);
		free(k);
		k = none;
	}
	return k->data ? k : NULL;
}

void gzip_reply(struct req *r)
{
	struct gzip_state *s;
	int rc;

	if (r->out.len <= GZIP_MIN_BYTES || r->coding_chosen)
		return;
	req_add_header(r, "Vary", "Accept-Encoding");
	if (!gzip_accepted(req_header(r, "Accept-Encoding")) || !(s = state_get()))
		return;
	buf_reset(&s->out);
	if (!buf_reserve(&s->out, deflateBound(&s->z, r->out.len)))
		return;
	s->z.next_in = (unsigned char *)r->out.ptr;
	s->z.avail_in = (uInt)r->out.len;
	s->z.next_out = (unsigned char *)s->out.ptr;
	s->z.avail_out = (uInt)(s->out.cap - 1);
	rc = deflate(&s->z, Z_FINISH);
	s->out.len = s->z.total_out;
	deflateReset(&s->z);
	if (rc != Z_STREAM_END || s->out.len >= r->out.len)
		return;
	buf_reset(&r->out);
	buf_add(&r->out, s->out.ptr, s->out.len);
	req_add_header(r, "Content-Encoding", "gzip");
}
