/* Booking attachments (uc_attachments.h). */
#include "usecase/uc_attachments.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <strings.h>
#include <unistd.h>

#include "usecase/uc_int.h"
#include "util/mem.h"
#include "wire/wire_attachments.h"

/* The allow-list: documents, images and text a booking plausibly needs (docs/api.md). The
 * first extension of a type names its files when the upload gives no name. */
static const struct {
	const char *type;
	const char *ext[3];
} types[] = {
	{"application/pdf", {".pdf"}},
	{"image/png", {".png"}},
	{"image/jpeg", {".jpg", ".jpeg", ".jpe"}},
	{"image/gif", {".gif"}},
	{"image/webp", {".webp"}},
	{"image/heic", {".heic"}},
	{"image/heif", {".heif"}},
	{"text/plain", {".txt", ".text"}},
	{"text/csv", {".csv"}},
	{"application/rtf", {".rtf"}},
	{"application/msword", {".doc"}},
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}},
	{"application/vnd.ms-excel", {".xls"}},
	{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}},
	{"application/vnd.ms-powerpoint", {".ppt"}},
	{"application/vnd.openxmlformats-officedocument.presentationml.presentation", {".pptx"}},
	{"application/vnd.oasis.opendocument.text", {".odt"}},
	{"application/vnd.oasis.opendocument.spreadsheet", {".ods"}},
	{"application/vnd.oasis.opendocument.presentation", {".odp"}},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

int64_t uc_attachment_max_bytes(const struct uc_env *env)
{
	return env->config.attachment_max_bytes > 0 ? env->config.attachment_max_bytes
						    : ATTACHMENT_MAX_BYTES_DEFAULT;
}

int64_t uc_attachment_booking_max_bytes(const struct uc_env *env)
{
	return env->config.attachment_booking_max_bytes > 0
		       ? env->config.attachment_booking_max_bytes
		       : ATTACHMENT_BOOKING_MAX_BYTES_DEFAULT;
}

static const char *type_by_ext(const char *filename)
{
	const char *dot = filename ? strrchr(filename, '.') : NULL;
	size_t i, j;

	if (!dot)
		return NULL;
	for (i = 0; i < NTYPES; i++)
		for (j = 0; j < 3 && types[i].ext[j]; j++)
			if (!strcasecmp(dot, types[i].ext[j]))
				return types[i].type;
	return NULL;
}

const char *uc_attachment_type(const char *content_type, const char *filename)
{
	size_t i, n;

	if (content_type) {
		while (*content_type == ' ' || *content_type == '\t')
			content_type++;
		n = strcspn(content_type, "; \t");
	} else {
		n = 0;
	}
	if (n == 0 || (n == 24 && !strncasecmp(content_type, "application/octet-stream", 24)))
		return type_by_ext(filename);
	if (n == 9 && !strncasecmp(content_type, "image/jpg", 9))
		return "image/jpeg";
	for (i = 0; i < NTYPES; i++)
		if (strlen(types[i].type) == n && !strncasecmp(content_type, types[i].type, n))
			return types[i].type;
	return NULL;
}

/* The length of the UTF-8 sequence at p (at most left bytes), or 0 when it is not a valid
 * one (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	size_t n, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	/* C1 controls (U+0080..U+009F) are controls too. */
	if (n == 2 && cp < 0xa0)
		return 0;
	/* So are the bidirectional ones, which can show "fdp.exe" as "exe.pdf". */
	if (n == 3 && (cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
		       (cp >= 0x2066 && cp <= 0x2069)))
		return 0;
	return n;
}

/* Makes out (len bytes, at most cap) end with an extension of type: a name that does not
 * gets the type's first one (cut on a character to fit), so that the file is saved as the
 * type it was taken as, never as what its name claims. */
static void type_extension(char *out, size_t len, size_t cap, const char *type)
{
	const char *dot = strrchr(out, '.');
	size_t i, j, n;

	for (i = 0; i < NTYPES; i++)
		if (type && !strcmp(types[i].type, type))
			break;
	if (i == NTYPES)
		return;
	for (j = 0; j < 3 && types[i].ext[j]; j++)
		if (dot && !strcasecmp(dot, types[i].ext[j]))
			return;
	n = strlen(types[i].ext[0]);
	if (len + n > cap) {
		len = cap - n;
		while (len && ((unsigned char)out[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(out + len, types[i].ext[0], n + 1);
}

void uc_attachment_filename(const char *filename, const char *type, char *out, size_t size)
{
	const unsigned char *p;
	const char *base = filename ? filename : "";
	size_t o = 0, n, i, cap = size - 1 < ATTACHMENT_FILENAME_MAX ? size - 1
								 : ATTACHMENT_FILENAME_MAX;

	/* The last path segment, whichever separator the client's system uses. */
	for (p = (const unsigned char *)base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = (const char *)p + 1;
	p = (const unsigned char *)base;
	while (*p == '.' || *p == ' ')
		p++;
	while (*p) {
		n = utf8_len(p, strlen((const char *)p));
		if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f))) {
			/* A control character or a byte that is not UTF-8: a space, runs of them one. */
			if (o && out[o - 1] != ' ' && o < cap)
				out[o++] = ' ';
			p += n ? n : 1;
			continue;
		}
		if (o == 0 && (*p == '.' || *p == ' ')) {
			p++;	/* leading, once the bytes before it are dropped */
			continue;
		}
		if (o + n > cap)
			break;
		for (i = 0; i < n; i++)
			out[o++] = (char)p[i];
		p += n;
	}
	while (o && (out[o - 1] == ' ' || out[o - 1] == '.'))
		o--;
	out[o] = '\0';
	if (o) {
		type_extension(out, o, cap, type);
		return;
	}
	for (i = 0; i < NTYPES; i++)
		if (type && !strcmp(types[i].type, type)) {
			snprintf(out, size, "attachment%s", types[i].ext[0]);
			return;
		}
	snprintf(out, size, "attachment");
}

struct add_job {
	const struct uc_upload *in;
	struct attachment *a;
	unsigned char *buf;		/* ATTACHMENT_CHUNK_BYTES */
};

/* Reads exactly len bytes at off of fd. */
static int read_at(int fd, unsigned char *buf, size_t len, int64_t off, struct err *e)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = pread(fd, buf + got, len - got, (off_t)(off + (int64_t)got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return err_set(e, ERR_INTERNAL, "cannot read the uploaded file back: %s",
				       n < 0 ? strerror(errno) : "it is shorter than received");
		got += (size_t)n;
	}
	return 0;
}

/* The lower-case hex SHA-256 of the upload's bytes, read in chunks through buf. */
static int file_sha256(const struct uc_upload *in, unsigned char *buf, char hex[65],
		       struct err *e)
{
	crypto_hash_sha256_state h;
	unsigned char digest[crypto_hash_sha256_BYTES];
	int64_t off;
	size_t len;

	crypto_hash_sha256_init(&h);
	for (off = 0; off < in->size; off += (int64_t)len) {
		len = in->size - off < ATTACHMENT_CHUNK_BYTES ? (size_t)(in->size - off)
							      : ATTACHMENT_CHUNK_BYTES;
		if (read_at(in->fd, buf, len, off, e))
			return -1;
		crypto_hash_sha256_update(&h, buf, len);
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
	return 0;
}

/* Whether a file of bytes (-1: any) still fits the booking: its file count and total. */
static int room_check(struct uc_ctx *ctx, struct store_tx *tx, const char *booking_id,
		      int64_t bytes, struct err *e)
{
	int64_t used, count;

	if (tx_attachment_usage(tx, booking_id, &used, &count, e))
		return -1;
	if (count >= ATTACHMENTS_PER_BOOKING_MAX)
		return err_set(e, ERR_RECORD_LIMIT, "booking %s already has %d attachments, the most"
			       " it may have", booking_id, ATTACHMENTS_PER_BOOKING_MAX);
	if (bytes > 0 && used + bytes > uc_attachment_booking_max_bytes(ctx->env))
		return err_set(e, ERR_TOO_LARGE, "the booking's attachments would hold %lld bytes,"
			       " more than the %lld allowed", (long long)(used + bytes),
			       (long long)uc_attachment_booking_max_bytes(ctx->env));
	return 0;
}

int uc_attachment_room(struct uc_ctx *ctx, const char *booking_id, int64_t bytes,
		       struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct booking b;
	int rc;

	if (!tx)
		return -1;
	rc = uc_booking_in_reach(ctx, tx, booking_id, &b, e) || room_check(ctx, tx, booking_id, bytes, e)
		     ? -1 : 0;
	uc_read_end(tx);
	return rc;
}

static int add_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct add_job *job = arg;
	const struct uc_upload *in = job->in;
	struct attachment *a = job->a;
	int64_t off, seq;
	struct booking b;
	size_t len;

	if (uc_booking_in_reach(ctx, tx, in->booking_id, &b, e) ||
	    room_check(ctx, tx, in->booking_id, in->size, e))
		return -1;
	if (tx_attachment_insert(tx, a, e))
		return -1;
	for (off = 0, seq = 0; off < in->size; off += (int64_t)len, seq++) {
		len = in->size - off < ATTACHMENT_CHUNK_BYTES ? (size_t)(in->size - off)
							      : ATTACHMENT_CHUNK_BYTES;
		if (read_at(in->fd, job->buf, len, off, e) ||
		    tx_attachment_chunk_put(tx, a->id, seq, job->buf, len, e))
			return -1;
	}
	return uc_emit(ctx, tx, "booking.attachment_added", in->booking_id, wire_attachment(a),
		       NULL, e);
}

int uc_attachment_add(struct uc_ctx *ctx, const struct uc_upload *in, struct attachment *out,
		      struct err *e)
{
	struct add_job job = {in, out, NULL};
	const char *type;
	int rc;

	if (in->size == 0)
		return err_field(e, "/file", "is empty: send the file's bytes");
	if (in->size > uc_attachment_max_bytes(ctx->env))
		return err_set(e, ERR_TOO_LARGE, "the file is larger than %lld bytes",
			       (long long)uc_attachment_max_bytes(ctx->env));
	type = uc_attachment_type(in->content_type, in->filename);
	if (!type)
		return err_set(e, ERR_MEDIA_TYPE, "files of type %s may not be attached (see the"
			       " allowed types in the API documentation)",
			       in->content_type && *in->content_type ? in->content_type
								     : "(none given)");
	memset(out, 0, sizeof(*out));
	id_new(out->id, "att");
	snprintf(out->booking_id, sizeof(out->booking_id), "%s", in->booking_id);
	uc_attachment_filename(in->filename, type, out->filename, sizeof(out->filename));
	snprintf(out->content_type, sizeof(out->content_type), "%s", type);
	out->size = in->size;
	out->chunks = (in->size + ATTACHMENT_CHUNK_BYTES - 1) / ATTACHMENT_CHUNK_BYTES;
	snprintf(out->actor, sizeof(out->actor), "%s:%s", actor_type_name(ctx->actor.type),
		 ctx->actor.id);
	out->created_at = ctx->now;
	job.buf = xmalloc(ATTACHMENT_CHUNK_BYTES);
	rc = file_sha256(in, job.buf, out->sha256, e) ? -1 : uc_write(ctx, add_tx, &job, e);
	free(job.buf);
	return rc;
}

int uc_attachment_list(struct uc_ctx *ctx, const char *booking_id, struct attachment **out,
		       size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct booking b;
	int rc;

	if (!tx)
		return -1;
	rc = uc_booking_in_reach(ctx, tx, booking_id, &b, e) ? -1
	     : tx_attachment_list(tx, booking_id, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

int uc_attachment_get(struct uc_ctx *ctx, const char *booking_id, const char *id,
		      struct attachment *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct booking b;
	int rc;

	if (!tx)
		return -1;
	rc = uc_booking_in_reach(ctx, tx, booking_id, &b, e) ? -1
	     : tx_attachment_get(tx, booking_id, id, out, e);
	uc_read_end(tx);
	return rc;
}

struct del_job {
	const char *booking_id;
	const char *id;
};

static int delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct del_job *job = arg;
	struct attachment a;
	struct booking b;

	if (uc_booking_in_reach(ctx, tx, job->booking_id, &b, e) ||
	    tx_attachment_get(tx, job->booking_id, job->id, &a, e))
		return -1;
	/* A manage token removes what the customer uploaded, not the business's own files. */
	if (*ctx->auth->booking_id && strncmp(a.actor, "manage_token:", 13) != 0)
		return err_set(e, ERR_FORBIDDEN, "a manage token may delete only the files uploaded"
			       " with it");
	if (tx_attachment_delete(tx, job->id, e))
		return -1;
	return uc_emit(ctx, tx, "booking.attachment_removed", job->booking_id,
		       wire_attachment(&a), NULL, e);
}

int uc_attachment_delete(struct uc_ctx *ctx, const char *booking_id, const char *id,
			 struct err *e)
{
	struct del_job job = {booking_id, id};

	return uc_write(ctx, delete_tx, &job, e);
}

int uc_attachment_chunk(const struct uc_env *env, const char *tenant, const char *id,
			int64_t seq, void *buf, size_t cap, size_t *len, struct err *e)
{
	struct store_tx *tx = store_begin(env->store, tenant, STORE_READ, e);
	struct err ignored;
	int rc;

	if (!tx)
		return -1;
	rc = tx_attachment_chunk_get(tx, id, seq, buf, cap, len, e);
	err_init(&ignored);
	store_end(tx, false, &ignored);
	return rc;
}
