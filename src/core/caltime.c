/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "core/caltime.h"

#include <stdio.h>
#include <string.h>

/* Days from civil and back: Howard Hinnant's algorithms, exact for any year. */
rdv_date
cal_date(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const int yoe = y - era * 400;
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
cal_ymd(rdv_date z, int *year, int *month, int *day)
{
	z += 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const int doe = z - era * 146097;
	const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int mp = (5 * doy + 2) / 153;
	const int d = doy - (153 * mp + 2) / 5 + 1;
	const int m = mp + (mp < 10 ? 3 : -9);
	if (year)
		*year = yoe + era * 400 + (m <= 2);
	if (month)
		*month = m;
	if (day)
		*day = d;
}

bool
cal_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
cal_days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && cal_is_leap(y) ? 29 : days[m - 1];
}

bool
cal_date_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= cal_days_in_month(y, m);
}

int
cal_weekday(rdv_date d)
{
	/* 1970-01-01 was a Thursday (3 with Monday = 0). */
	int w = (int)((d + 3) % 7);
	return w < 0 ? w + 7 : w;
}

rdv_date
cal_week_start(rdv_date d)
{
	return d - cal_weekday(d);
}

int
cal_iso_week(rdv_date d)
{
	/* The ISO week of d is the week of its Thursday. */
	rdv_date thursday = d - cal_weekday(d) + 3;
	int y;
	cal_ymd(thursday, &y, NULL, NULL);
	return (thursday - cal_date(y, 1, 1)) / 7 + 1;
}

rdv_date
cal_easter(int year)
{
	/* Anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
	int a = year % 19, b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;
	return cal_date(year, month, day);
}

rdv_date
cal_time_date(rdv_time t)
{
	rdv_time q = t / CAL_MIN_PER_DAY;
	if (t % CAL_MIN_PER_DAY < 0)
		q--;
	return (rdv_date)q;
}

int
cal_time_minute(rdv_time t)
{
	int r = (int)(t % CAL_MIN_PER_DAY);
	return r < 0 ? r + CAL_MIN_PER_DAY : r;
}

/* Read exactly n decimal digits. */
static bool
digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool
cal_parse_date(const char *s, rdv_date *out)
{
	int y, m, d;
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d) ||
	    !cal_date_valid(y, m, d))
		return false;
	*out = cal_date(y, m, d);
	return true;
}

bool
cal_parse_until(const char *s, rdv_date *out)
{
	int y, m, d;
	if (s == NULL || strlen(s) != 8 || !digits(s, 4, &y) || !digits(s + 4, 2, &m) ||
	    !digits(s + 6, 2, &d) || !cal_date_valid(y, m, d))
		return false;
	*out = cal_date(y, m, d);
	return true;
}

bool
cal_parse_date_fr(const char *s, rdv_date *out)
{
	int y, m, d;
	if (s == NULL || strlen(s) != 10 || s[2] != '/' || s[5] != '/' ||
	    !digits(s, 2, &d) || !digits(s + 3, 2, &m) || !digits(s + 6, 4, &y) ||
	    !cal_date_valid(y, m, d))
		return false;
	*out = cal_date(y, m, d);
	return true;
}

bool
cal_parse_hhmm(const char *s, int *minute_of_day)
{
	int h, m;
	if (s == NULL || strlen(s) != 5 || s[2] != ':' || !digits(s, 2, &h) ||
	    !digits(s + 3, 2, &m) || m > 59 || h > 24 || (h == 24 && m != 0))
		return false;
	*minute_of_day = h * 60 + m;
	return true;
}

bool
cal_parse_datetime(const char *s, rdv_time *out)
{
	char date[11];
	rdv_date d;
	int mins;
	if (s == NULL || strlen(s) != 16 || s[10] != 'T')
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!cal_parse_date(date, &d) || !cal_parse_hhmm(s + 11, &mins) || mins >= CAL_MIN_PER_DAY)
		return false;
	*out = cal_time(d, mins);
	return true;
}

/* Write v as n decimal digits (v is taken modulo 10^n). */
static char *
put_digits(char *p, int v, int n)
{
	if (v < 0)
		v = -v;
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

char *
cal_format_date(rdv_date d, char buf[11])
{
	int y, m, dd;
	cal_ymd(d, &y, &m, &dd);
	char *p = put_digits(buf, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, dd, 2);
	*p = '\0';
	return buf;
}

char *
cal_format_date_fr(rdv_date d, char buf[11])
{
	int y, m, dd;
	cal_ymd(d, &y, &m, &dd);
	char *p = put_digits(buf, dd, 2);
	*p++ = '/';
	p = put_digits(p, m, 2);
	*p++ = '/';
	p = put_digits(p, y, 4);
	*p = '\0';
	return buf;
}

char *
cal_format_ddmm_fr(rdv_date d, char buf[6])
{
	int m, dd;
	cal_ymd(d, NULL, &m, &dd);
	char *p = put_digits(buf, dd, 2);
	*p++ = '/';
	p = put_digits(p, m, 2);
	*p = '\0';
	return buf;
}

char *
cal_format_hour_fr(int minute_of_day, char buf[6])
{
	char *p = put_digits(buf, minute_of_day / 60, 2);
	*p++ = 'h';
	p = put_digits(p, minute_of_day % 60, 2);
	*p = '\0';
	return buf;
}

char *
cal_format_hhmm(int minute_of_day, char buf[6])
{
	char *p = put_digits(buf, minute_of_day / 60, 2);
	*p++ = ':';
	p = put_digits(p, minute_of_day % 60, 2);
	*p = '\0';
	return buf;
}

char *
cal_format_datetime(rdv_time t, char buf[17])
{
	cal_format_date(cal_time_date(t), buf);
	buf[10] = 'T';
	cal_format_hhmm(cal_time_minute(t), buf + 11);
	return buf;
}

char *
cal_format_when_fr(rdv_time t, char buf[CAL_WHEN_FR_SIZE])
{
	rdv_date day = cal_time_date(t);
	int y, m, d;
	char hour[6];
	cal_ymd(day, &y, &m, &d);
	snprintf(buf, CAL_WHEN_FR_SIZE, "%s %d %s %d à %s", cal_weekday_name_fr(cal_weekday(day)),
		 d, cal_month_name_fr(m), y % 10000, cal_format_hour_fr(cal_time_minute(t), hour));
	return buf;
}

static const char *const weekday_names[] = {"lundi", "mardi", "mercredi", "jeudi",
					    "vendredi", "samedi", "dimanche"};
static const char *const weekday_abbrs[] = {"lun.", "mar.", "mer.", "jeu.",
					    "ven.", "sam.", "dim."};
static const char *const month_names[] = {"janvier", "février", "mars", "avril",
					  "mai", "juin", "juillet", "août",
					  "septembre", "octobre", "novembre", "décembre"};
static const char *const month_abbrs[] = {"janv.", "févr.", "mars", "avr.", "mai", "juin",
					  "juil.", "août", "sept.", "oct.", "nov.", "déc."};

const char *
cal_weekday_name_fr(int w)
{
	return w >= 0 && w < 7 ? weekday_names[w] : "?";
}

const char *
cal_weekday_abbr_fr(int w)
{
	return w >= 0 && w < 7 ? weekday_abbrs[w] : "?";
}

const char *
cal_month_name_fr(int m)
{
	return m >= 1 && m <= 12 ? month_names[m - 1] : "?";
}

const char *
cal_month_abbr_fr(int m)
{
	return m >= 1 && m <= 12 ? month_abbrs[m - 1] : "?";
}
