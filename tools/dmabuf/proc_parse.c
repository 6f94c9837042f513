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

/* The value of "key:\tvalue" if @line is that key's line. */
static const char *fdinfo_value(const char *line, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(line, key, n) || line[n] != ':')
		return NULL;
	return line + n + 1 + strspn(line + n + 1, " \t");
}

static void fdinfo_line(struct fdinfo *fi, const char *line)
{
	unsigned long long v;
	const char *val;

	if ((val = fdinfo_value(line, "flags")) && parse_ull(val, 8, &v)) {
		fi->flags = v;
	} else if ((val = fdinfo_value(line, "ino")) &&
		   parse_ull(val, 10, &v)) {
		fi->ino = v;
		fi->has_ino = true;
	} else if ((val = fdinfo_value(line, "size")) &&
		   parse_ull(val, 10, &v)) {
		fi->size = v;
	} else if ((val = fdinfo_value(line, "count")) &&
		   parse_ull(val, 10, &v)) {
		fi->count = v;
	} else if ((val = fdinfo_value(line, "exp_name")) && !fi->exp_name) {
		fi->exp_name = xstrdup(val);
		fi->is_dmabuf = true;
	} else if ((val = fdinfo_value(line, "drm-driver")) && !fi->drm_driver) {
		fi->drm_driver = xstrdup(val);
	} else if ((val = fdinfo_value(line, "drm-client-id")) &&
		   parse_ull(val, 10, &v)) {
		fi->drm_client_id = v;
	}
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
