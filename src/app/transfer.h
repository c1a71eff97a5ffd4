/* slotd export and import: a tenant as one versioned JSON document (docs/operations.md,
 * "Export and import").
 *
 *   {"format": "slotd-tenant", "version": 1, "exported_at": "<RFC 3339>",
 *    "tenant": {"id", "slug", "name", "created_at"},
 *    "tables": {"<table>": [{"<column>": value, ...}, ...], ...},
 *    "counts": {"<table>": rows, ...}}
 *
 * Values are the stored ones: integers, strings, null, and {"base64": "..."} for binary
 * columns. Both directions stream: export writes one row at a time, import reads one row
 * at a time (so "format" and "version" must come before "tables"); memory follows the
 * largest row, not the document. */
#ifndef SLOTD_APP_TRANSFER_H
#define SLOTD_APP_TRANSFER_H

#include <stdint.h>
#include <stdio.h>

#include "store/store.h"
#include "util/err.h"

#define TRANSFER_FORMAT "slotd-tenant"
#define TRANSFER_VERSION 1

/* Writes the document of the tenant with this slug to out; now (unix seconds) is its
 * exported_at. *rows counts the rows written. ERR_NOT_FOUND for an unknown slug; ERR_INTERNAL
 * when out cannot be written. */
int transfer_export(struct store *st, const char *slug, int64_t now, FILE *out, int64_t *rows,
		    struct err *e);

/* Reads a document from in and creates its tenant in st in one transaction; nothing is
 * written on failure. ERR_INVALID for a malformed document, another format or version, a
 * malformed row or counts that do not match the rows; ERR_CONFLICT when st has a tenant with
 * the same id or slug. After the commit, report gets each table's rows; slug (128 bytes)
 * receives the tenant's slug. The store must be opened for the import alone and closed
 * after it (its statements are built at run time). */
int transfer_import(struct store *st, FILE *in,
		    void (*report)(void *ctx, const char *table, int64_t rows), void *ctx,
		    char slug[128], struct err *e);

#endif
