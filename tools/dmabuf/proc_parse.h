/* SPDX-License-Identifier: MIT */
/*
 * Parsers of the procfs files that tell who holds a dma-buf:
 * /proc/PID/fdinfo/FD (fs/proc/fd.c, then the file's show_fdinfo: for a
 * dma-buf size, count, exp_name and name; for a DRM file drm-driver and
 * drm-client-id) and one line of /proc/PID/maps.
 */
#ifndef DMABUF_PROC_PARSE_H
#define DMABUF_PROC_PARSE_H

#include <stdbool.h>

/**
 * struct fdinfo - what /proc/PID/fdinfo/FD says
 * @flags: file flags (and O_CLOEXEC of the fd)
 * @ino: inode of the file
 * @has_ino: an "ino:" line was there (Linux 5.14 and later)
 * @is_dmabuf: it has dma-buf's "exp_name:" line
 * @size: dma-buf size
 * @count: file references, less procfs' own
 * @exp_name: exporter name, NULL for other files
 * @name: dma-buf name, NULL when none is set; the rest of the file
 * @drm_driver: "drm-driver:" of a DRM file, NULL for other files
 * @drm_client_id: "drm-client-id:" of a DRM file
 */
struct fdinfo {
	unsigned int flags;
	unsigned long ino;
	bool has_ino;
	bool is_dmabuf;
	unsigned long long size;
	long count;
	char *exp_name;
	char *name;
	char *drm_driver;
	unsigned long long drm_client_id;
};

/* Parses @text into @fi (zeroed first). False when it has no "flags:". */
bool fdinfo_parse(const char *text, struct fdinfo *fi);
void fdinfo_free(struct fdinfo *fi);

/**
 * struct maps_entry - one line of /proc/PID/maps
 * @start: first address
 * @end: address after the last
 * @perms: "rw-s" and the like
 * @offset: file offset of @start
 * @dev_major: device of the file
 * @dev_minor: device of the file
 * @ino: inode of the file, 0 for anonymous memory
 * @path: the rest of the line, "" for none (a newline in it is "\012")
 */
struct maps_entry {
	unsigned long long start, end, offset;
	char perms[5];
	unsigned int dev_major, dev_minor;
	unsigned long ino;
	char *path;
};

/* Parses one line (without its newline). False when it is none. */
bool maps_parse_line(const char *line, struct maps_entry *m);
void maps_entry_free(struct maps_entry *m);
/* A mapping of a dma-buf: its path is "/dmabuf:<name>". */
bool maps_is_dmabuf(const struct maps_entry *m);

#endif /* DMABUF_PROC_PARSE_H */
