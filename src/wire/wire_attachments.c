#include "wire/wire_attachments.h"

#include "wire/wire.h"

json_t *wire_attachment(const struct attachment *a)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "id", a->id, "booking_id",
			      a->booking_id, "filename", a->filename, "content_type",
			      a->content_type, "size", (json_int_t)a->size, "sha256", a->sha256);

	json_object_set_new(o, "created_at", wire_instant(a->created_at, NULL));
	return o;
}
