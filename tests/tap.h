/* SPDX-License-Identifier: MIT */
#ifndef RDV_TESTS_TAP_H
#define RDV_TESTS_TAP_H

/* A minimal TAP producer for automake's tap-driver.sh. */

#include <stdio.h>
#include <string.h>

static int tap_n = 0, tap_fail = 0;

#define ok(cond, ...)                                                                  \
	do {                                                                           \
		++tap_n;                                                               \
		int tap_c_ = !!(cond);                                                 \
		if (!tap_c_)                                                           \
			++tap_fail;                                                    \
		printf("%s %d - ", tap_c_ ? "ok" : "not ok", tap_n);                   \
		printf(__VA_ARGS__);                                                   \
		printf("\n");                                                          \
		if (!tap_c_)                                                           \
			printf("#   at %s:%d\n", __FILE__, __LINE__);                  \
	} while (0)

/* String equality with both values shown on failure. */
#define is_str(got, want, ...)                                                         \
	do {                                                                           \
		const char *tap_g_ = (got), *tap_w_ = (want);                          \
		int tap_e_ = (tap_g_ == NULL && tap_w_ == NULL) ||                     \
			     (tap_g_ && tap_w_ && strcmp(tap_g_, tap_w_) == 0);        \
		ok(tap_e_, __VA_ARGS__);                                               \
		if (!tap_e_)                                                           \
			printf("#   got:  %s\n#   want: %s\n", tap_g_ ? tap_g_ : "(null)", \
			       tap_w_ ? tap_w_ : "(null)");                            \
	} while (0)

#define is_int(got, want, ...)                                                         \
	do {                                                                           \
		long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);       \
		ok(tap_g_ == tap_w_, __VA_ARGS__);                                     \
		if (tap_g_ != tap_w_)                                                  \
			printf("#   got:  %lld\n#   want: %lld\n", tap_g_, tap_w_);         \
	} while (0)

#define done_testing() (printf("1..%d\n", tap_n), tap_fail ? 1 : 0)

#endif
