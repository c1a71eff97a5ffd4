/* /v1/bookings/{id}/attachments: upload (a raw body or multipart/form-data with one file
 * part, streamed to a temporary file by server.c), list, download (streamed from the chunk
 * rows) and delete. The rules live in src/usecase/uc_attachments.c. */
#include "http/handlers.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>

#include "http/h_common.h"
#include "usecase/uc_attachments.h"
#include "util/log.h"
#include "util/mem.h"
#include "wire/wire_attachments.h"

/* Room for a multipart body's part headers and boundaries around the file. */
#define MULTIPART_SLACK (64 << 10)

static bool is_multipart(const char *ct)
{
	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return !strncasecmp(ct, "multipart/form-data", 19) &&
	       (ct[19] == '\0' || ct[19] == ';' || ct[19] == ' ');
}

/* The first place needle (lower-case) occurs in h, ignoring case, or NULL. */
static const char *find_nocase(const char *h, const char *needle)
{
	size_t n = strlen(needle);

	for (; *h; h++)
		if (!strncasecmp(h, needle, n))
			return h;
	return NULL;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* Content-Disposition's filename: filename*=UTF-8''<percent-encoded> (RFC 6266, preferred)
 * or filename="…" / filename=token; NULL when it names none. Arena text. */
static const char *disposition_filename(struct req *r, const char *h)
{
	const char *p, *v;
	char *out;
	size_t o = 0;

	if (!h)
		return NULL;
	if ((p = find_nocase(h, "filename*=")) != NULL) {
		v = p + 10;
		if (!strncasecmp(v, "UTF-8''", 7)) {
			v += 7;
			out = arena_alloc(r->arena, strlen(v) + 1);
			for (; *v && *v != ';' && *v != ' '; v++) {
				if (*v == '%' && hexval((unsigned char)v[1]) >= 0 &&
				    hexval((unsigned char)v[2]) >= 0) {
					out[o++] = (char)(hexval((unsigned char)v[1]) * 16 +
							  hexval((unsigned char)v[2]));
					v += 2;
				} else {
					out[o++] = *v;
				}
			}
			out[o] = '\0';
			return out;
		}
	}
	for (p = h; (p = find_nocase(p, "filename=")) != NULL; p += 9) {
		if (p > h && p[-1] != ';' && p[-1] != ' ')
			continue;
		v = p + 9;
		out = arena_alloc(r->arena, strlen(v) + 1);
		if (*v == '"') {
			for (v++; *v && *v != '"'; v++) {
				if (*v == '\\' && v[1])
					v++;
				out[o++] = *v;
			}
		} else {
			for (; *v && *v != ';' && *v != ' '; v++)
				out[o++] = *v;
		}
		out[o] = '\0';
		return out;
	}
	return NULL;
}

/* The filename a raw upload gives: ?filename=, else Content-Disposition's. */
static const char *raw_filename(struct req *r)
{
	const char *q = req_query(r, "filename");

	return q ? q : disposition_filename(r, req_header(r, "Content-Disposition"));
}

int h_attachment_precheck(struct req *r, struct err *e)
{
	struct req_upload *u = r->upload;
	const char *ct = req_header(r, "Content-Type");
	const char *cl = req_header(r, "Content-Length");
	int64_t max = uc_attachment_max_bytes(&r->ctx->env), len = -1;
	const char *id;
	char *end;

	if (path_id(r, 0, "bkg", &id, e))
		return -1;
	u->multipart = is_multipart(ct);
	u->file_cap = max;
	u->cap = u->multipart ? max + MULTIPART_SLACK : max;
	if (cl) {
		errno = 0;
		len = strtoll(cl, &end, 10);
		if (errno || *end || len < 0)
			return err_set(e, ERR_MALFORMED, "Content-Length is not a number of bytes");
		if (len > u->cap)
			return err_set(e, ERR_TOO_LARGE, "the file is larger than %lld bytes",
				       (long long)max);
	}
	if (!u->multipart && !uc_attachment_type(ct, raw_filename(r)))
		return err_set(e, ERR_MEDIA_TYPE, "files of type %s may not be attached (see the"
			       " allowed types in the API documentation)", ct ? ct : "(none given)");
	if (u->multipart && len > MULTIPART_SLACK)
		len -= MULTIPART_SLACK;
	else if (u->multipart)
		len = -1;
	return uc_attachment_room(&r->uc, id, len, e);
}

int h_attachment_upload(struct req *r, struct err *e)
{
	struct req_upload *u = r->upload;
	struct uc_upload in;
	struct attachment a;
	const char *id, *q = req_query(r, "filename");
	char loc[128];

	if (path_id(r, 0, "bkg", &id, e))
		return -1;
	if (!u || u->fd < 0)
		return err_set(e, ERR_INTERNAL, "the upload's body was not kept");
	if (u->multipart && u->file_parts == 0)
		return err_field(e, "/file", "the multipart/form-data body has no file part (a part"
				 " with a filename)");
	memset(&in, 0, sizeof(in));
	in.booking_id = id;
	in.filename = q ? q : u->multipart ? u->filename : raw_filename(r);
	in.content_type = u->multipart ? u->content_type : req_header(r, "Content-Type");
	in.fd = u->fd;
	in.size = u->len;
	if (uc_attachment_add(&r->uc, &in, &a, e))
		return -1;
	snprintf(loc, sizeof(loc), "/v1/bookings/%s/attachments/%s", a.booking_id, a.id);
	req_add_header(r, "Location", arena_strdup(r->arena, loc));
	return reply_json(r, 201, wire_attachment(&a));
}

int h_attachment_list(struct req *r, struct err *e)
{
	struct attachment *rows;
	const char *id;
	json_t *data;
	size_t n, i;

	if (path_id(r, 0, "bkg", &id, e) || uc_attachment_list(&r->uc, id, &rows, &n, e))
		return -1;
	data = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(data, wire_attachment(&rows[i]));
	return reply_json(r, 200, json_pack("{s:o}", "data", data));
}

/* A download in progress: the chunk under the cursor. */
struct download {
	const struct uc_env *env;
	char tenant[ID_MAX];
	char id[ID_MAX];
	int64_t size;
	int64_t seq;			/* the chunk in buf, -1 none */
	size_t len;
	unsigned char *buf;		/* ATTACHMENT_CHUNK_BYTES */
};

static long download_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct download *d = cls;
	int64_t seq = (int64_t)(pos / ATTACHMENT_CHUNK_BYTES);
	size_t at = (size_t)(pos % ATTACHMENT_CHUNK_BYTES), n;
	int64_t want;
	struct err e;

	if ((int64_t)pos >= d->size)
		return 0;
	if (seq != d->seq) {
		err_init(&e);
		d->seq = -1;
		if (uc_attachment_chunk(d->env, d->tenant, d->id, seq, d->buf,
					ATTACHMENT_CHUNK_BYTES, &d->len, &e)) {
			/* The answer has begun: all that is left is to cut it short. */
			log_msg(LOG_WARN, "download of attachment %s stopped at byte %llu: %s",
				d->id, (unsigned long long)pos, e.message);
			return -1;
		}
		/* Every chunk but the last is whole, and the last ends at the size. */
		want = d->size - seq * (int64_t)ATTACHMENT_CHUNK_BYTES;
		if (want > (int64_t)ATTACHMENT_CHUNK_BYTES)
			want = ATTACHMENT_CHUNK_BYTES;
		if ((int64_t)d->len != want)
			return -1;
		d->seq = seq;
	}
	if (at >= d->len)
		return -1;
	n = d->len - at < max ? d->len - at : max;
	memcpy(out, d->buf + at, n);
	return (long)n;
}

static void download_free(void *cls)
{
	struct download *d = cls;

	free(d->buf);
	free(d);
}

/* Content-Disposition: attachment with an ASCII stand-in (filename=) and the exact name as
 * UTF-8 (filename*=, RFC 6266 / 8187). */
static const char *disposition(struct req *r, const char *name)
{
	static const char attr[] = "!#$&+-.^_`|~";
	static const char head[] = "attachment; filename=\"", mid[] = "\"; filename*=UTF-8''";
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(name), o, i;
	char *out = arena_alloc(r->arena, n * 4 + sizeof(head) + sizeof(mid));
	unsigned char c;

	memcpy(out, head, sizeof(head) - 1);
	o = sizeof(head) - 1;
	for (i = 0; i < n; i++) {
		c = (unsigned char)name[i];
		if ((c & 0xc0) == 0x80)
			continue;	/* one _ for each character outside ASCII */
		out[o++] = c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '%' ? '_'
										    : (char)c;
	}
	memcpy(out + o, mid, sizeof(mid) - 1);
	o += sizeof(mid) - 1;
	for (i = 0; i < n; i++) {
		c = (unsigned char)name[i];
		if (isalnum(c) || (c && strchr(attr, c))) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return out;
}

int h_attachment_download(struct req *r, struct err *e)
{
	struct attachment a;
	struct download *d;
	const char *bid, *id;

	if (path_id(r, 0, "bkg", &bid, e) || path_id(r, 1, "att", &id, e) ||
	    uc_attachment_get(&r->uc, bid, id, &a, e))
		return -1;
	d = xcalloc(1, sizeof(*d));
	d->env = &r->ctx->env;
	snprintf(d->tenant, sizeof(d->tenant), "%s", r->auth.tenant_id);
	snprintf(d->id, sizeof(d->id), "%s", a.id);
	d->size = a.size;
	d->seq = -1;
	d->buf = xmalloc(ATTACHMENT_CHUNK_BYTES);
	buf_reset(&r->out);
	r->status = 200;
	r->coding_chosen = true;
	r->content_type = arena_strdup(r->arena, a.content_type);
	r->stream.len = (uint64_t)a.size;
	r->stream.read = download_read;
	r->stream.free = download_free;
	r->stream.cls = d;
	req_add_header(r, "Content-Disposition", disposition(r, a.filename));
	req_add_header(r, "X-Content-Type-Options", "nosniff");
	req_add_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	req_add_header(r, "Cache-Control", "private, no-store");
	return 0;
}

int h_attachment_delete(struct req *r, struct err *e)
{
	const char *bid, *id;

	if (path_id(r, 0, "bkg", &bid, e) || path_id(r, 1, "att", &id, e) ||
	    uc_attachment_delete(&r->uc, bid, id, e))
		return -1;
	return reply_no_content(r);
}
