/* Booking attachments in the store: one row of metadata per file (attachments) and its bytes
 * in rows of at most ATTACHMENT_CHUNK_BYTES (attachment_chunks, seq 0, 1, …), so neither an
 * upload nor a download holds a whole file in memory. Every call runs in the caller's
 * transaction and tenant; ids are the tenant's. */
#ifndef SLOTD_STORE_STORE_ATTACHMENTS_H
#define SLOTD_STORE_STORE_ATTACHMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/ids.h"

#define ATTACHMENT_CHUNK_BYTES (256u << 10)
#define ATTACHMENT_FILENAME_MAX 200	/* bytes of UTF-8, sanitised */
#define ATTACHMENT_TYPE_MAX 128		/* a media type without parameters */
#define ATTACHMENT_ACTOR_MAX 48		/* "<actor type>:<id>" */

struct attachment {
	char id[ID_MAX];			/* att_… */
	char booking_id[ID_MAX];
	char filename[ATTACHMENT_FILENAME_MAX + 1];
	char content_type[ATTACHMENT_TYPE_MAX];
	int64_t size;				/* bytes */
	char sha256[65];			/* lower-case hex of the bytes */
	int64_t chunks;				/* chunk rows: ceil(size / ATTACHMENT_CHUNK_BYTES) */
	char actor[ATTACHMENT_ACTOR_MAX];	/* who uploaded it: "key:<id>", "manage_token:<booking>" */
	int64_t created_at;			/* UTC seconds */
};

/* Inserts a's metadata row (its chunks are written with tx_attachment_chunk_put). */
int tx_attachment_insert(struct store_tx *tx, const struct attachment *a, struct err *e);
/* Writes chunk seq (len bytes at data, at most ATTACHMENT_CHUNK_BYTES) of attachment id. */
int tx_attachment_chunk_put(struct store_tx *tx, const char *id, int64_t seq, const void *data,
			    size_t len, struct err *e);
/* The attachment id of booking booking_id; ERR_NOT_FOUND when there is none. */
int tx_attachment_get(struct store_tx *tx, const char *booking_id, const char *id,
		      struct attachment *out, struct err *e);
/* The attachments of booking booking_id, oldest first (rows from a). */
int tx_attachment_list(struct store_tx *tx, const char *booking_id, struct arena *a,
		       struct attachment **out, size_t *n, struct err *e);
/* The bytes (*bytes) and files (*count) booking booking_id holds. */
int tx_attachment_usage(struct store_tx *tx, const char *booking_id, int64_t *bytes,
			int64_t *count, struct err *e);
/* Copies chunk seq of attachment id into buf (cap bytes, at least the chunk's size) and sets
 * *len; ERR_NOT_FOUND when the chunk is gone (the attachment was deleted meanwhile). */
int tx_attachment_chunk_get(struct store_tx *tx, const char *id, int64_t seq, void *buf,
			    size_t cap, size_t *len, struct err *e);
/* Deletes attachment id and its chunks; ERR_NOT_FOUND when there is none. */
int tx_attachment_delete(struct store_tx *tx, const char *id, struct err *e);

#endif
