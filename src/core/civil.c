#include "core/civil.h"

#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
int64_t days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int weekday_from_days(int64_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	return (int)(((days % 7) + 7 + 3) % 7);
}

bool is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap_year(y) ? 29 : dim[m - 1];
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_ymd(const char *s, int64_t *day)
{
	int y, m, d;

	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return -1;
	*day = days_from_civil(y, m, d);
	if (*day < CIVIL_MIN_DAY || *day > CIVIL_MAX_DAY)
		return -1;
	return 0;
}

int date_parse(const char *s, int64_t *day)
{
	if (strlen(s) != 10)
		return -1;
	return parse_ymd(s, day);
}

static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

void date_format(int64_t day, char out[DATE_STR_MAX])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	put2(out, y / 100);
	put2(out + 2, y % 100);
	out[4] = '-';
	put2(out + 5, m);
	out[7] = '-';
	put2(out + 8, d);
	out[10] = '\0';
}

int hhmm_parse(const char *s, bool allow_24, int *minutes)
{
	int h, m;

	if (strlen(s) != 5 || digits(s, 2, &h) || s[2] != ':' || digits(s + 3, 2, &m))
		return -1;
	if (m > 59)
		return -1;
	if (h == 24 && m == 0 && allow_24) {
		*minutes = 1440;
		return 0;
	}
	if (h > 23)
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

void hhmm_format(int minutes, char out[6])
{
	put2(out, minutes / 60);
	out[2] = ':';
	put2(out + 3, minutes % 60);
	out[5] = '\0';
}

int rfc3339_parse(const char *s, int64_t *utc)
{
	int64_t day;
	int hh, mm, ss, oh, om;
	const char *p;

	if (strlen(s) < 20 || parse_ymd(s, &day))
		return -1;
	if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || digits(s + 11, 2, &hh) ||
	    s[13] != ':' || digits(s + 14, 2, &mm) || s[16] != ':' || digits(s + 17, 2, &ss))
		return -1;
	if (hh > 23 || mm > 59 || ss > 59)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		*utc = day * 86400 + hh * 3600 + mm * 60 + ss;
		return 0;
	}
	if ((*p != '+' && *p != '-') || strlen(p) != 6 || digits(p + 1, 2, &oh) || p[3] != ':' ||
	    digits(p + 4, 2, &om) || oh > 23 || om > 59)
		return -1;
	*utc = day * 86400 + hh * 3600 + mm * 60 + ss - (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
	return 0;
}

void rfc3339_format(int64_t utc, int offset_sec, char out[RFC3339_STR_MAX])
{
	int64_t wall = utc + offset_sec;
	int64_t day = floor_div(wall, 86400);
	int64_t sod = wall - day * 86400;
	int off = offset_sec < 0 ? -offset_sec : offset_sec;

	date_format(day, out);
	out[10] = 'T';
	put2(out + 11, (int)(sod / 3600));
	out[13] = ':';
	put2(out + 14, (int)(sod / 60 % 60));
	out[16] = ':';
	put2(out + 17, (int)(sod % 60));
	if (offset_sec == 0) {
		out[19] = 'Z';
		out[20] = '\0';
		return;
	}
	out[19] = offset_sec < 0 ? '-' : '+';
	put2(out + 20, off / 3600);
	out[22] = ':';
	put2(out + 23, off / 60 % 60);
	out[25] = '\0';
}
