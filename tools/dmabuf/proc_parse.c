// SPDX-License-Identifier: MIT
/*
 * Parsers of /proc/PID/fdinfo/FD and /proc/PID/maps: see proc_parse.h.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc_parse.h"
#include "util.h"

/* Whether @line is "key:\tvalue" for @key; *@val gets the value. */
static bool fdinfo_key(const char *line, const char *key, const char **val)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) || line[n] != ':')
		return false;
	*val = line + n + 1 + strspn(line + n + 1, " \t");
	return true;
}

static void fdinfo_number(const char *line, const char *key, int base,
			  unsigned long long *out, bool *found)
{
	unsigned long long v;
	const char *val;

	if (fdinfo_key(line, key, &val) && parse_ull(val, base, &v)) {
		*out = v;
		if (found)
			*found = true;
	}
}

static void fdinfo_line(struct fdinfo *fi, const char *line)
{
	unsigned long long flags = fi->flags, ino = fi->ino, count = fi->count;
	const char *val;

	fdinfo_number(line, "flags", 8, &flags, NULL);
	fdinfo_number(line, "ino", 10, &ino, &fi->has_ino);
	fdinfo_number(line, "size", 10, &fi->size, NULL);
	fdinfo_number(line, "count", 10, &count, NULL);
	fdinfo_number(line, "drm-client-id", 10, &fi->drm_client_id, NULL);
	fi->flags = flags;
	fi->ino = ino;
	fi->count = count;

	if (!fi->exp_name && fdinfo_key(line, "exp_name", &val)) {
		fi->exp_name = xstrdup(val);
		fi->is_dmabuf = true;
	}
	if (!fi->drm_driver && fdinfo_key(line, "drm-driver", &val))
		fi->drm_driver = xstrdup(val);
}

bool fdinfo_parse(const char *text, struct fdinfo *fi)
{
	char *copy = xstrdup(text), *line, *next;
	bool seen_flags = false;
	size_t n;

	memset(fi, 0, sizeof(*fi));
	for (line = copy; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		seen_flags |= !strncmp(line, "flags:", 6);
		/* dma-buf's name is last and may hold tabs and newlines. */
		if (fi->is_dmabuf && !strncmp(line, "name:\t", 6)) {
			fi->name = xstrdup(text + (line + 6 - copy));
			n = strlen(fi->name);
			if (n && fi->name[n - 1] == '\n')
				fi->name[n - 1] = '\0';
			break;
		}
		fdinfo_line(fi, line);
	}
	free(copy);
	return seen_flags;
}

void fdinfo_free(struct fdinfo *fi)
{
	free(fi->exp_name);
	free(fi->name);
	free(fi->drm_driver);
	memset(fi, 0, sizeof(*fi));
}

/* "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", then the path. */
bool maps_parse_line(const char *line, struct maps_entry *m)
{
	int path = 0;

	memset(m, 0, sizeof(*m));
	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %lu%n", &m->start, &m->end,
		   m->perms, &m->offset, &m->dev_major, &m->dev_minor, &m->ino,
		   &path) != 7)
		return false;
	line += path;
	line += strspn(line, " ");
	m->path = xstrdup(line);
	return true;
}

void maps_entry_free(struct maps_entry *m)
{
	free(m->path);
	m->path = NULL;
}

bool maps_is_dmabuf(const struct maps_entry *m)
{
	return m->ino && !strncmp(m->path, "/dmabuf:", 8);
}
