/* SPDX-License-Identifier: MIT */
#ifndef RDV_CORE_XMALLOC_H
#define RDV_CORE_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* Allocation that aborts on failure: callers never check for NULL. */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. Caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
