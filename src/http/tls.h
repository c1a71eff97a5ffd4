/* Optional TLS for the API listener: libmicrohttpd's GnuTLS support, fed the PEM files named
 * by --tls-cert and --tls-key. */
#ifndef SLOTD_HTTP_TLS_H
#define SLOTD_HTTP_TLS_H

#include <stddef.h>

#include "util/err.h"

struct MHD_OptionItem;

struct tls_files {
	char *cert_pem;		/* heap, owned; NULL when TLS is off */
	char *key_pem;
};

/* Reads both PEM files (each under 1 MiB) into t, after checking that this libmicrohttpd
 * was built with TLS. Returns 0, or -1 with e set (t left empty). */
int tls_files_load(struct tls_files *t, const char *cert_path, const char *key_path,
		   struct err *e);
/* Appends MHD_OPTION_HTTPS_MEM_CERT and _KEY to ops at *n (room for 2 more); t must stay
 * loaded until the daemon stopped. */
void tls_files_mhd_options(const struct tls_files *t, struct MHD_OptionItem *ops, size_t *n);
void tls_files_release(struct tls_files *t);

#endif
