/* The one list of a tenant's tables: every table slotd copy moves, in the order their
 * foreign keys need, with the columns both schemas share. slotd export and import walk the
 * same list, leaving out the tables marked TABLE_NOT_EXPORTED. Defined in sql_copy.c;
 * internal to the store. */
#ifndef SLOTD_STORE_SQL_TABLES_H
#define SLOTD_STORE_SQL_TABLES_H

#include <stddef.h>

enum copy_table_flags {
	/* Working state of one server, not the tenant's data: queues, idempotency outcomes,
	 * delivery attempts, calendar busy time (read again by the next sync). */
	TABLE_NOT_EXPORTED = 1 << 0,
	/* Rows of up to 256 KiB: an export reads a few at a time (the PostgreSQL driver holds a
	 * whole result in memory), keyed by the second and third columns (text, integer), which
	 * with tenant_id are the primary key. */
	TABLE_BIG_ROWS = 1 << 1,
};

struct copy_table {
	const char *name;
	const char *cols;	/* comma-separated column names, tenant_id (tenants: id) among them */
	unsigned flags;		/* enum copy_table_flags */
};

extern const struct copy_table copy_tables[];
extern const size_t copy_ntables;

#endif
