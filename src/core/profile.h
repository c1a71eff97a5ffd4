/* A provider's public profile: the rules its fields follow. The fields themselves are in
 * struct provider (core/model.h). */
#ifndef SLOTD_CORE_PROFILE_H
#define SLOTD_CORE_PROFILE_H

#include <stdbool.h>

#define PROFILE_BIO_MAX 4000		/* bytes */
#define PROFILE_LIST_MAX 20		/* specialties, languages */
#define PROFILE_SPECIALTY_MAX 100	/* bytes */
#define PROFILE_PHOTO_URL_MAX 2048
#define PROFILE_VIDEO_URL_MAX 1000	/* fits a booking's location */
#define PROFILE_LIST_TEXT_MAX 4096	/* a stored list's JSON text */

/* Whether s is a BCP 47 language tag in the usual form: a 2-3 letter language, then
 * subtags of 1-8 letters or digits separated by "-" (e.g. "en", "pt-BR", "zh-Hant-TW"),
 * at most 35 bytes. */
bool lang_tag_valid(const char *s);

#endif
