/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_CALTIME_H
#define RDV_CORE_CALTIME_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Calendar arithmetic on the proleptic Gregorian calendar, with no time zone:
 * a date is a day number, a time is a count of minutes. Whether a time is a
 * local wall-clock time or a UTC instant is the caller's convention (tz.h
 * converts between the two).
 */

typedef int32_t rdv_date; /* days since 1970-01-01 */
typedef int64_t rdv_time; /* minutes since 1970-01-01 00:00 */

#define CAL_MIN_PER_DAY 1440

rdv_date cal_date(int year, int month, int day); /* no validation */
bool cal_date_valid(int year, int month, int day);
void cal_ymd(rdv_date d, int *year, int *month, int *day);
int cal_weekday(rdv_date d); /* 0 = Monday … 6 = Sunday */
int cal_days_in_month(int year, int month);
bool cal_is_leap(int year);
rdv_date cal_week_start(rdv_date d); /* the Monday on or before d */
int cal_iso_week(rdv_date d);
rdv_date cal_easter(int year); /* Easter Sunday, Gregorian computus */

static inline rdv_time cal_time(rdv_date d, int minute_of_day)
{
	return (rdv_time)d * CAL_MIN_PER_DAY + minute_of_day;
}
rdv_date cal_time_date(rdv_time t);   /* floor division */
int cal_time_minute(rdv_time t);      /* 0 … 1439 */

/* Strict parsers; they return false on anything else (trailing text too). */
bool cal_parse_date(const char *s, rdv_date *out);       /* YYYY-MM-DD */
bool cal_parse_datetime(const char *s, rdv_time *out);   /* YYYY-MM-DDTHH:MM */
bool cal_parse_hhmm(const char *s, int *minute_of_day);  /* HH:MM, 00:00 … 24:00 */
bool cal_parse_date_fr(const char *s, rdv_date *out);    /* JJ/MM/AAAA */
bool cal_parse_until(const char *s, rdv_date *out);      /* YYYYMMDD */

/* Formatters write a NUL-terminated string into buf and return it. */
char *cal_format_date(rdv_date d, char buf[11]);         /* 2026-03-02 */
char *cal_format_datetime(rdv_time t, char buf[17]);     /* 2026-03-02T08:05 */
char *cal_format_hhmm(int minute_of_day, char buf[6]);   /* 08:05 */
char *cal_format_date_fr(rdv_date d, char buf[11]);      /* 02/03/2026 */
char *cal_format_ddmm_fr(rdv_date d, char buf[6]);       /* 02/03 */
char *cal_format_hour_fr(int minute_of_day, char buf[6]); /* 08h05 */
#define CAL_WHEN_FR_SIZE 48
/* "mercredi 13 mai 2026 à 10h30" */
char *cal_format_when_fr(rdv_time t, char buf[CAL_WHEN_FR_SIZE]);

/* French names, built in (no dependency on an installed fr_FR locale). */
const char *cal_weekday_name_fr(int weekday);   /* "lundi" */
const char *cal_weekday_abbr_fr(int weekday);   /* "lun." */
const char *cal_month_name_fr(int month);       /* "janvier" (1 … 12) */
const char *cal_month_abbr_fr(int month);       /* "janv." */

#endif
