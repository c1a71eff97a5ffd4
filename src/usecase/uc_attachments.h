/* Booking attachments: files customers and staff attach to a booking (a referral letter, a
 * photo, a form). Admins reach every booking's files, staff keys those of their providers'
 * bookings, a manage token those of its own booking (and may delete only the files uploaded
 * with a manage token); another tenant's booking is 404. */
#ifndef SLOTD_USECASE_UC_ATTACHMENTS_H
#define SLOTD_USECASE_UC_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_attachments.h"
#include "usecase/uc.h"

#define ATTACHMENT_MAX_BYTES_DEFAULT (10ll << 20)		/* one file */
#define ATTACHMENT_BOOKING_MAX_BYTES_DEFAULT (50ll << 20)	/* all files of a booking */
#define ATTACHMENTS_PER_BOOKING_MAX 100

/* The configured limits (uc_config), defaults filled in. */
int64_t uc_attachment_max_bytes(const struct uc_env *env);
int64_t uc_attachment_booking_max_bytes(const struct uc_env *env);

/* The stored media type of a file sent as content_type (a Content-Type value, parameters
 * ignored; NULL, "" or application/octet-stream: guessed from filename's extension), or
 * NULL when it is not on the allow-list (415). */
const char *uc_attachment_type(const char *content_type, const char *filename);
/* filename made safe to store and send back (UTF-8, at most ATTACHMENT_FILENAME_MAX bytes,
 * no path, no control characters, no leading dots) into out (size bytes, at least
 * ATTACHMENT_FILENAME_MAX + 1); "attachment" plus the type's extension when nothing is left. */
void uc_attachment_filename(const char *filename, const char *type, char *out, size_t size);

/* One upload: size bytes of the file at offset 0 of fd (read with pread; fd stays open). */
struct uc_upload {
	const char *booking_id;
	const char *filename;		/* as sent; sanitised here */
	const char *content_type;	/* as sent; checked here */
	int fd;
	int64_t size;
};

/* Stores the file in chunks in one transaction with booking.attachment_added; out is the
 * stored metadata. ERR_TOO_LARGE over either limit, ERR_MEDIA_TYPE for a type off the
 * allow-list, ERR_RECORD_LIMIT past ATTACHMENTS_PER_BOOKING_MAX files. */
int uc_attachment_add(struct uc_ctx *ctx, const struct uc_upload *in, struct attachment *out,
		      struct err *e);
/* Before an upload's body is read: the booking is in reach and has room for a file of
 * bytes (-1 when not known yet) under the per-booking total and file count. */
int uc_attachment_room(struct uc_ctx *ctx, const char *booking_id, int64_t bytes,
		       struct err *e);
/* The booking's attachments (rows in ctx->arena), oldest first. */
int uc_attachment_list(struct uc_ctx *ctx, const char *booking_id, struct attachment **out,
		       size_t *n, struct err *e);
/* One attachment's metadata, for a download. */
int uc_attachment_get(struct uc_ctx *ctx, const char *booking_id, const char *id,
		      struct attachment *out, struct err *e);
/* Deletes it with booking.attachment_removed. */
int uc_attachment_delete(struct uc_ctx *ctx, const char *booking_id, const char *id,
			 struct err *e);
/* Chunk seq of attachment id of tenant (a download in progress, after uc_attachment_get
 * allowed it) into buf (cap bytes, at least ATTACHMENT_CHUNK_BYTES). */
int uc_attachment_chunk(const struct uc_env *env, const char *tenant, const char *id,
			int64_t seq, void *buf, size_t cap, size_t *len, struct err *e);

#endif
