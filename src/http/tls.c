#include "http/tls.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdint.h>

#include "util/buf.h"

#define PEM_MAX (1u << 20)

static char *read_pem(const char *path, const char *what, struct err *e)
{
	FILE *f = fopen(path, "r");
	char chunk[4096];
	struct buf b;
	size_t n;

	if (!f) {
		err_set(e, ERR_INTERNAL, "cannot read the TLS %s %s: %s", what, path,
			strerror(errno));
		return NULL;
	}
	buf_init(&b, PEM_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && !b.failed)
		buf_add(&b, chunk, n);
	fclose(f);
	if (b.failed || b.len == 0 || !strstr(b.ptr, "-----BEGIN ")) {
		err_set(e, ERR_INTERNAL, "the TLS %s %s is not a PEM file%s", what, path,
			b.failed ? " (over 1 MiB)" : "");
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, &n);
}

int tls_files_load(struct tls_files *t, const char *cert_path, const char *key_path,
		   struct err *e)
{
	t->cert_pem = t->key_pem = NULL;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return err_set(e, ERR_INTERNAL, "this libmicrohttpd was built without TLS");
	t->cert_pem = read_pem(cert_path, "certificate", e);
	if (t->cert_pem)
		t->key_pem = read_pem(key_path, "key", e);
	if (!t->key_pem) {
		tls_files_release(t);
		return -1;
	}
	return 0;
}

void tls_files_mhd_options(const struct tls_files *t, struct MHD_OptionItem *ops, size_t *n)
{
	ops[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, t->cert_pem};
	ops[(*n)++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, t->key_pem};
}

void tls_files_release(struct tls_files *t)
{
	free(t->cert_pem);
	if (t->key_pem)
		explicit_bzero(t->key_pem, strlen(t->key_pem));	/* the private key */
	free(t->key_pem);
	t->cert_pem = t->key_pem = NULL;
}
