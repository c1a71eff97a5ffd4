#include "util/secretbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEX_LEN (SECRETBOX_KEY_BYTES * 2)
#define BOX_PLAIN_MAX 4096

static int key_read(int fd, const char *path, unsigned char *key, struct err *e)
{
	char text[HEX_LEN + 8];
	ssize_t got = read(fd, text, sizeof(text) - 1);
	size_t len, bin_len = 0;

	if (got < 0)
		return err_set(e, ERR_INTERNAL, "cannot read secret key file %s: %s", path,
			       strerror(errno));
	len = (size_t)got;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		len--;
	text[len] = '\0';
	if (len != HEX_LEN ||
	    sodium_hex2bin(key, SECRETBOX_KEY_BYTES, text, len, NULL, &bin_len, NULL) != 0 ||
	    bin_len != SECRETBOX_KEY_BYTES)
		return err_set(e, ERR_INTERNAL, "secret key file %s must hold 64 hex digits",
			       path);
	return 0;
}

static int key_create(const char *path, unsigned char *key, struct err *e)
{
	char hex[HEX_LEN + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t len;

	if (fd < 0)
		return -1;	/* the caller reads what another process made, or reports */
	randombytes_buf(key, SECRETBOX_KEY_BYTES);
	sodium_bin2hex(hex, HEX_LEN + 1, key, SECRETBOX_KEY_BYTES);
	len = strlen(hex);
	hex[len++] = '\n';
	if (write(fd, hex, len) != (ssize_t)len || fsync(fd) != 0) {
		int err = errno;
		close(fd);
		unlink(path);
		return err_set(e, ERR_INTERNAL, "cannot write secret key file %s: %s", path,
			       strerror(err));
	}
	sodium_memzero(hex, sizeof(hex));
	close(fd);
	return 0;
}

int secretbox_key_load(const char *path, bool create, unsigned char key[SECRETBOX_KEY_BYTES],
		       struct err *e)
{
	int fd, rc;

	if (create && key_create(path, key, e) == 0)
		return 0;
	if (e->code != ERR_OK)
		return -1;
	/* Another process may have created it a moment ago: give its write time to land. */
	for (int tries = 0;; tries++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return err_set(e, ERR_INTERNAL, "cannot open secret key file %s: %s", path,
				       strerror(errno));
		rc = key_read(fd, path, key, e);
		close(fd);
		if (rc == 0 || tries == 20 || !create)
			return rc;
		err_init(e);
		usleep(50000);
	}
}

int secretbox_seal(const unsigned char key[SECRETBOX_KEY_BYTES], const char *plain, char *out,
		   size_t outsz, struct err *e)
{
	size_t plen = strlen(plain), blen = crypto_secretbox_NONCEBYTES +
					    crypto_secretbox_MACBYTES + plen;
	unsigned char *box;

	if (plen > BOX_PLAIN_MAX ||
	    sodium_base64_encoded_len(blen, sodium_base64_VARIANT_ORIGINAL) > outsz)
		return err_set(e, ERR_INVALID, "secret too long to store");
	box = malloc(blen);
	if (!box)
		abort();
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain,
			      plen, box, key);
	sodium_bin2base64(out, outsz, box, blen, sodium_base64_VARIANT_ORIGINAL);
	free(box);
	return 0;
}

int secretbox_open(const unsigned char key[SECRETBOX_KEY_BYTES], const char *box, char *out,
		   size_t outsz, struct err *e)
{
	size_t tlen = strlen(box), blen = 0;
	unsigned char *bin = malloc(tlen + 1);
	const size_t over = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;
	int rc = -1;

	if (!bin)
		abort();
	if (sodium_base642bin(bin, tlen + 1, box, tlen, NULL, &blen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    blen < over)
		err_set(e, ERR_INTERNAL, "a stored secret is damaged");
	else if (blen - over + 1 > outsz)
		err_set(e, ERR_INTERNAL, "a stored secret is too long");
	else if (crypto_secretbox_open_easy((unsigned char *)out, bin + crypto_secretbox_NONCEBYTES,
					    blen - crypto_secretbox_NONCEBYTES, bin, key) != 0)
		err_set(e, ERR_INTERNAL,
			"a stored secret does not open with this server's secret key");
	else {
		out[blen - over] = '\0';
		rc = 0;
	}
	sodium_memzero(bin, tlen + 1);
	free(bin);
	return rc;
}
