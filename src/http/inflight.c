#include "http/inflight.h"

#include <pthread.h>
#include <string.h>

#include "util/err.h"
#include "util/ids.h"
#include "util/mem.h"

struct inflight {
	pthread_mutex_t lock;
	bool used[INFLIGHT_SLOTS];
	char tenant[INFLIGHT_SLOTS][ID_MAX];
	char key[INFLIGHT_SLOTS][256];
};

struct inflight *inflight_new(void)
{
	struct inflight *f = xcalloc(1, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	return f;
}

void inflight_free(struct inflight *f)
{
	if (!f)
		return;
	pthread_mutex_destroy(&f->lock);
	free(f);
}

bool inflight_claim(struct inflight *f, const char *tenant, const char *key, int *slot)
{
	int i, free_slot = -1;

	*slot = -1;
	pthread_mutex_lock(&f->lock);
	for (i = 0; i < INFLIGHT_SLOTS; i++) {
		if (!f->used[i]) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (!strcmp(f->key[i], key) && !strcmp(f->tenant[i], tenant)) {
			pthread_mutex_unlock(&f->lock);
			return false;
		}
	}
	if (free_slot >= 0) {
		f->used[free_slot] = true;
		snprintf(f->tenant[free_slot], ID_MAX, "%s", tenant);
		snprintf(f->key[free_slot], sizeof(f->key[0]), "%s", key);
		*slot = free_slot;
	}
	pthread_mutex_unlock(&f->lock);
	return true;
}

void inflight_release(struct inflight *f, int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&f->lock);
	f->used[slot] = false;
	pthread_mutex_unlock(&f->lock);
}
