/* The wire format of booking attachments (metadata only; the bytes are a download). */
#ifndef SLOTD_WIRE_WIRE_ATTACHMENTS_H
#define SLOTD_WIRE_WIRE_ATTACHMENTS_H

#include <jansson.h>

#include "store/store_attachments.h"

/* {"id", "booking_id", "filename", "content_type", "size", "sha256", "created_at"}. */
json_t *wire_attachment(const struct attachment *a);

#endif
