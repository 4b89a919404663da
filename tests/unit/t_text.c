/* SPDX-License-Identifier: MIT */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/caltime.h"
#include "core/text.h"
#include "tests/tap.h"

#define FFFD "\xEF\xBF\xBD"

static void
check_sanitize(const char *in, const char *want, const char *what)
{
	char *got = text_sanitize(in);
	is_str(got, want, "sanitize: %s", what);
	free(got);
}

static void
check_date(const char *text, bool valid, const char *what)
{
	rdv_date d;
	char buf[11];
	bool got = cal_parse_date(text, &d);
	ok(got == valid, "parse date %s: %s", text, what);
	if (got && valid)
		is_str(cal_format_date(d, buf), text, "date %s formats back", text);
}

int
main(void)
{
	/* Widths need a UTF-8 LC_CTYPE, as the program sets one. */
	ok(setlocale(LC_CTYPE, "C.UTF-8") != NULL, "C.UTF-8 locale");

	/* ---- text */
	check_sanitize("\x1b]0;x\x07", FFFD "]0;x" FFFD, "an OSC title sequence loses ESC and BEL");
	check_sanitize("\x1b[31mrouge", FFFD "[31mrouge", "a colour sequence loses ESC");
	check_sanitize("a\xC3(b", "a" FFFD "(b", "a truncated sequence");
	check_sanitize("\xFF", FFFD, "an invalid byte");
	check_sanitize("\xC0\xAF", FFFD FFFD, "an overlong encoding");
	check_sanitize("\xED\xA0\x80", FFFD FFFD FFFD, "a UTF-16 surrogate");
	check_sanitize("\xC2\x85", FFFD, "a C1 control (NEL)");
	check_sanitize("abc\xE2\x80\xAE"
	               "def",
	               "abc" FFFD "def", "a right-to-left override");
	check_sanitize("a\tb\nc\rd", "a b c d", "tab and newlines become spaces");
	check_sanitize("Hélène 中文 ✓", "Hélène 中文 ✓", "valid text is unchanged");
	check_sanitize("\x7f", FFFD, "DEL");
	check_sanitize(NULL, "", "NULL");
	ok(text_has_controls("\x1b]0;x\x07"), "has_controls: escape sequence");
	ok(text_has_controls("a\xFF"), "has_controls: invalid UTF-8");
	ok(!text_has_controls("Hélène"), "has_controls: plain French text");
	ok(!text_has_controls(NULL), "has_controls: NULL");

	is_int(text_width("é"), 1, "é is one column");
	is_int(text_width("e\xCC\x81"), 1, "e + combining acute is one column");
	is_int(text_width("中"), 2, "中 is two columns");
	is_int(text_width("café中文"), 8, "café中文 is eight columns");
	is_int(text_width(""), 0, "empty string");
	int w = -1;
	is_int(text_fit("中中", 3, &w), 3, "fit 中中 in 3 columns: one character (3 bytes)");
	is_int(w, 2, "… which is 2 columns wide");
	is_int(text_fit("éé", 1, &w), 2, "fit éé in 1 column: 2 bytes");
	is_int(text_fit("abc", 10, &w), 3, "fit abc in 10 columns: all");
	is_int(w, 3, "… 3 columns");
	unsigned cp = 0;
	is_int(text_decode("é", &cp), 2, "decode é: 2 bytes");
	is_int(cp, 0xE9, "decode é: U+00E9");
	is_int(text_decode("中", &cp), 3, "decode 中: 3 bytes");
	is_int(cp, 0x4E2D, "decode 中: U+4E2D");
	is_int(text_decode("\xF0\x9F\x98\x80", &cp), 4, "decode an emoji: 4 bytes");
	is_int(text_decode("\xF4\x90\x80\x80", &cp), -1, "decode past U+10FFFF: invalid");
	is_int(text_decode("", &cp), 0, "decode at NUL: 0");

	/* ---- caltime */
	char buf[17];
	is_int(cal_weekday(cal_date(2026, 3, 2)), 0, "2 March 2026 is a Monday");
	is_int(cal_weekday(cal_date(2026, 3, 29)), 6, "29 March 2026 is a Sunday");
	is_int(cal_weekday(cal_date(1969, 12, 31)), 2, "31 Dec 1969 is a Wednesday");
	is_int(cal_date(1970, 1, 1), 0, "the epoch is day 0");
	is_int(cal_date(2000, 3, 1) - cal_date(2000, 2, 28), 2, "2000 is a leap year");
	is_int(cal_date(2100, 3, 1) - cal_date(2100, 2, 28), 1, "2100 is not");
	is_int(cal_days_in_month(2024, 2), 29, "February 2024");
	is_int(cal_days_in_month(2026, 2), 28, "February 2026");
	is_int(cal_days_in_month(2026, 13), 0, "no month 13");
	is_int(cal_week_start(cal_date(2026, 3, 8)), cal_date(2026, 3, 2),
	       "week of Sunday 8 March");
	is_int(cal_iso_week(cal_date(2026, 1, 1)), 1, "ISO week of 1 Jan 2026");
	is_int(cal_iso_week(cal_date(2027, 1, 1)), 53, "1 Jan 2027 is in week 53 of 2026");
	is_int(cal_iso_week(cal_date(2024, 12, 30)), 1, "30 Dec 2024 is in week 1 of 2025");
	is_str(cal_format_date(cal_easter(2026), buf), "2026-04-05", "Easter 2026");
	is_str(cal_format_date(cal_easter(2008), buf), "2008-03-23", "Easter 2008");
	is_str(cal_format_date(cal_easter(2038), buf), "2038-04-25", "Easter 2038");
	int y, m, d, bad = 0;
	for (rdv_date x = cal_date(1899, 1, 1); x < cal_date(2201, 1, 1); x++) {
		cal_ymd(x, &y, &m, &d);
		bad += cal_date(y, m, d) != x;
	}
	is_int(bad, 0, "cal_date(cal_ymd(d)) == d from 1899 to 2200");
	is_int(cal_time_date(-1), -1, "one minute before the epoch is 31 Dec 1969");
	is_int(cal_time_minute(-1), 1439, "… at 23:59");

	check_date("2024-02-29", true, "leap day");
	check_date("2026-02-29", false, "not a leap year");
	check_date("2026-3-02", false, "one-digit month");
	check_date("2026-03-02 ", false, "trailing space");
	check_date("2026/03/02", false, "slashes");
	rdv_time t;
	ok(cal_parse_datetime("2026-03-02T08:05", &t) &&
	       strcmp(cal_format_datetime(t, buf), "2026-03-02T08:05") == 0,
	   "datetime round trip");
	ok(!cal_parse_datetime("2026-03-02T24:00", &t), "24:00 is not a time of a datetime");
	ok(!cal_parse_datetime("2026-03-02 08:05", &t), "a space instead of T");
	ok(!cal_parse_datetime("2026-03-02T08:60", &t), "minute 60");
	int mins;
	ok(cal_parse_hhmm("24:00", &mins) && mins == 1440, "24:00 ends a day");
	ok(!cal_parse_hhmm("24:01", &mins), "24:01");
	ok(!cal_parse_hhmm("9:00", &mins), "one-digit hour");
	rdv_date dd;
	ok(cal_parse_until("20260630", &dd) && dd == cal_date(2026, 6, 30), "UNTIL date");
	ok(!cal_parse_until("20260631", &dd), "UNTIL 31 June");
	ok(cal_parse_date_fr("02/03/2026", &dd) && dd == cal_date(2026, 3, 2), "French date");
	is_str(cal_format_date_fr(cal_date(2026, 3, 2), buf), "02/03/2026", "French format");
	is_str(cal_format_hhmm(1440, buf), "24:00", "24:00 formats");
	is_str(cal_format_ddmm_fr(cal_date(2026, 3, 2), buf), "02/03", "French day and month");
	is_str(cal_format_hour_fr(8 * 60 + 5, buf), "08h05", "French hour");
	is_str(cal_weekday_name_fr(2), "mercredi", "weekday name");
	is_str(cal_month_name_fr(8), "août", "month name");
	is_str(cal_month_abbr_fr(2), "févr.", "month abbreviation");
	is_str(cal_weekday_name_fr(7), "?", "no weekday 7");
	return done_testing();
}
