/* SPDX-License-Identifier: MIT */
#include "config.h"
#include "export/writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xmalloc.h"
#include "export/backend.h"

struct export_writer {
	enum export_format format;
	char *path, *tmp;
	struct xlsx_out *xlsx;
	struct pdf_out *pdf;
};

int
export_format_parse(const char *s)
{
	if (strcmp(s, "xlsx") == 0)
		return EXPORT_XLSX;
	if (strcmp(s, "pdf") == 0)
		return EXPORT_PDF;
	return -1;
}

const char *
export_format_name(enum export_format f)
{
	return f == EXPORT_PDF ? "pdf" : "xlsx";
}

/*
 * Why a file could not be written, in French: the C library speaks English
 * under C.UTF-8, and these messages reach the status line and the CLI.
 */
static const char *
errno_fr(int e)
{
	switch (e) {
	case ENOENT:
		return "dossier introuvable";
	case EACCES:
	case EPERM:
		return "permission refusée";
	case EISDIR:
		return "c'est un dossier";
	case ENOTDIR:
		return "un élément du chemin n'est pas un dossier";
	case ENOSPC:
#ifdef EDQUOT
	case EDQUOT:
#endif
		return "plus de place sur le disque";
	case EROFS:
		return "système de fichiers en lecture seule";
	case ENAMETOOLONG:
		return "nom de fichier trop long";
	default:
		return strerror(e);
	}
}

/*
 * The file path names, as the export will replace it (caller frees): a
 * symbolic link is followed (renaming over it would replace the link
 * itself: "-o /dev/stdout" replaced that link), and what is there must be a
 * regular file or nothing (as root, "-o /dev/full" replaced the device).
 */
static char *
export_target(const char *path, char **err)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return xstrdup(path);
	char *target = NULL;
	if (S_ISLNK(st.st_mode)) {
		target = realpath(path, NULL);
		if (target == NULL && errno != ENOENT) {
			*err = xasprintf("impossible d'écrire « %s » : %s", path, errno_fr(errno));
			return NULL;
		}
		if (target == NULL || stat(target, &st) != 0) {
			/* A link to nothing yet, or to what cannot be named (a pipe). */
			free(target);
			*err = xasprintf("« %s » n'est pas un fichier ordinaire : donnez le nom d'un fichier",
			                 path);
			return NULL;
		}
	}
	if (!S_ISREG(st.st_mode)) {
		free(target);
		*err = xasprintf("« %s » n'est pas un fichier ordinaire : donnez le nom d'un fichier",
		                 path);
		return NULL;
	}
	return target ? target : xstrdup(path);
}

bool
export_target_ok(const char *path, char **err)
{
	char *target = export_target(path, err);
	free(target);
	return target != NULL;
}

/*
 * A new empty file beside path (same directory, so the final rename is
 * atomic), readable by its owner only: exports hold personal data. Caller
 * frees the name.
 */
static char *
temp_beside(const char *path, char **err)
{
	char *tmp = xasprintf("%s.part-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		*err = xasprintf("impossible de créer « %s » : %s", path, errno_fr(errno));
		free(tmp);
		return NULL;
	}
	close(fd);
	return tmp;
}

struct export_writer *
export_writer_open(enum export_format format, const char *path, const struct export_table *table,
                   char **err)
{
	char *target = export_target(path, err);
	if (target == NULL)
		return NULL;
	char *tmp = temp_beside(target, err);
	if (tmp == NULL) {
		free(target);
		return NULL;
	}
	struct export_writer *w = xcalloc(1, sizeof *w);
	w->format = format;
	w->path = target;
	w->tmp = tmp;
	if (format == EXPORT_XLSX)
		w->xlsx = xlsx_out_open(tmp, table, err);
	else
		w->pdf = pdf_out_open(tmp, table, err);
	if (w->xlsx == NULL && w->pdf == NULL) {
		unlink(tmp);
		free(w->tmp);
		free(w->path);
		free(w);
		return NULL;
	}
	return w;
}

bool
export_writer_row(struct export_writer *w, const char *const *cells, char **err)
{
	return w->xlsx ? xlsx_out_row(w->xlsx, cells, err) : pdf_out_row(w->pdf, cells, err);
}

static void
writer_free(struct export_writer *w)
{
	free(w->path);
	free(w->tmp);
	free(w);
}

bool
export_writer_close(struct export_writer *w, char **err)
{
	bool ok = w->xlsx ? xlsx_out_close(w->xlsx, err) : pdf_out_close(w->pdf, err);
	if (ok && rename(w->tmp, w->path) != 0) {
		*err = xasprintf("impossible d'écrire « %s » : %s", w->path, strerror(errno));
		ok = false;
	}
	if (!ok)
		unlink(w->tmp);
	writer_free(w);
	return ok;
}

void
export_writer_abort(struct export_writer *w)
{
	if (w == NULL)
		return;
	if (w->xlsx)
		xlsx_out_abort(w->xlsx);
	else
		pdf_out_abort(w->pdf);
	unlink(w->tmp);
	writer_free(w);
}

bool
export_file_write(const char *path, const void *data, size_t size, char **err)
{
	char *target = export_target(path, err);
	if (target == NULL)
		return false;
	char *tmp = temp_beside(target, err);
	if (tmp == NULL) {
		free(target);
		return false;
	}
	FILE *f = fopen(tmp, "wb");
	bool ok = f != NULL && fwrite(data, 1, size, f) == size;
	int saved = errno;
	if (f != NULL && fclose(f) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp, target) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		*err = xasprintf("impossible d'écrire « %s » : %s", path, errno_fr(saved));
		unlink(tmp);
	}
	free(tmp);
	free(target);
	return ok;
}

bool
export_file_read(const char *path, unsigned char **data, size_t *size, char **err)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		*err = xasprintf("impossible de lire « %s » : %s", path, strerror(errno));
		return false;
	}
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = xmalloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	bool ok = !ferror(f);
	fclose(f);
	if (!ok) {
		*err = xasprintf("impossible de lire « %s »", path);
		free(buf);
		return false;
	}
	*data = buf;
	*size = n;
	return true;
}
