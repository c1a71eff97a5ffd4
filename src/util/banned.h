/* Calls we do not use: unbounded copies, hidden global state, unchecked conversions.
 * Included by every translation unit of ours through util/err.h. */
#ifndef SLOTD_UTIL_BANNED_H
#define SLOTD_UTIL_BANNED_H

#define BANNED(fn) sorry_##fn##_is_banned

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(x) BANNED(gmtime)
#undef localtime
#define localtime(x) BANNED(localtime)

#endif
