/* Unit tests for util/secretbox: sealing and opening secrets at rest, and the key file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/ids.h"
#include "util/secretbox.h"

static int group_setup(void **state)
{
	(void)state;
	return ids_init();
}

static void key_of(unsigned char key[SECRETBOX_KEY_BYTES], unsigned char fill)
{
	memset(key, fill, SECRETBOX_KEY_BYTES);
}

static void test_round_trip(void **state)
{
	unsigned char key[SECRETBOX_KEY_BYTES];
	char box[512], box2[512], out[256];
	struct err e;

	(void)state;
	key_of(key, 7);
	err_init(&e);
	assert_int_equal(secretbox_seal(key, "s3cret pass", box, sizeof(box), &e), 0);
	/* Nothing of the secret shows in the sealed text. */
	assert_null(strstr(box, "s3cret"));
	assert_int_equal(secretbox_open(key, box, out, sizeof(out), &e), 0);
	assert_string_equal(out, "s3cret pass");
	/* A fresh nonce each time: the same secret seals differently. */
	assert_int_equal(secretbox_seal(key, "s3cret pass", box2, sizeof(box2), &e), 0);
	assert_string_not_equal(box, box2);
	assert_int_equal(secretbox_seal(key, "", box, sizeof(box), &e), 0);
	assert_int_equal(secretbox_open(key, box, out, sizeof(out), &e), 0);
	assert_string_equal(out, "");
}

static void test_wrong_key_or_damage_refused(void **state)
{
	unsigned char key[SECRETBOX_KEY_BYTES], other[SECRETBOX_KEY_BYTES];
	char box[512], out[256];
	struct err e;

	(void)state;
	key_of(key, 1);
	key_of(other, 2);
	err_init(&e);
	assert_int_equal(secretbox_seal(key, "password", box, sizeof(box), &e), 0);
	assert_int_equal(secretbox_open(other, box, out, sizeof(out), &e), -1);
	assert_int_equal(e.code, ERR_INTERNAL);
	assert_non_null(strstr(e.message, "secret key"));
	/* One character changed in the ciphertext. */
	err_init(&e);
	box[30] = box[30] == 'A' ? 'B' : 'A';
	assert_int_equal(secretbox_open(key, box, out, sizeof(out), &e), -1);
	err_init(&e);
	assert_int_equal(secretbox_open(key, "not base64 !!", out, sizeof(out), &e), -1);
	err_init(&e);
	assert_int_equal(secretbox_open(key, "AAAA", out, sizeof(out), &e), -1);
}

static void test_too_small_buffers(void **state)
{
	unsigned char key[SECRETBOX_KEY_BYTES];
	char box[512], out[4];
	struct err e;

	(void)state;
	key_of(key, 3);
	err_init(&e);
	assert_int_equal(secretbox_seal(key, "a longer secret", box, 20, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	err_init(&e);
	assert_int_equal(secretbox_seal(key, "a longer secret", box, sizeof(box), &e), 0);
	assert_int_equal(secretbox_open(key, box, out, sizeof(out), &e), -1);
}

static void test_key_file(void **state)
{
	char dir[] = "/tmp/slotd-keyXXXXXX", path[64];
	unsigned char k1[SECRETBOX_KEY_BYTES], k2[SECRETBOX_KEY_BYTES];
	struct stat st;
	struct err e;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/slotd.key", dir);
	err_init(&e);
	/* Missing without create: an error naming the file. */
	assert_int_equal(secretbox_key_load(path, false, k1, &e), -1);
	assert_non_null(strstr(e.message, path));
	err_init(&e);
	assert_int_equal(secretbox_key_load(path, true, k1, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Loaded again (with or without create): the same key. */
	assert_int_equal(secretbox_key_load(path, true, k2, &e), 0);
	assert_memory_equal(k1, k2, SECRETBOX_KEY_BYTES);
	assert_int_equal(secretbox_key_load(path, false, k2, &e), 0);
	assert_memory_equal(k1, k2, SECRETBOX_KEY_BYTES);
	/* A file that is not 64 hex digits. */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("0123abcd\n", f);
	fclose(f);
	assert_int_equal(secretbox_key_load(path, false, k2, &e), -1);
	assert_non_null(strstr(e.message, "64 hex digits"));
	/* A hand-written key is read as its bytes. */
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < SECRETBOX_KEY_BYTES; i++)
		fprintf(f, "%02x", i);
	fputc('\n', f);
	fclose(f);
	err_init(&e);
	assert_int_equal(secretbox_key_load(path, false, k2, &e), 0);
	for (int i = 0; i < SECRETBOX_KEY_BYTES; i++)
		assert_int_equal(k2[i], i);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_wrong_key_or_damage_refused),
	    cmocka_unit_test(test_too_small_buffers),
	    cmocka_unit_test(test_key_file),
	};

	return cmocka_run_group_tests_name("secretbox", tests, group_setup, NULL);
}
