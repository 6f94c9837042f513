/* SPDX-License-Identifier: MIT */
/*
 * Parser of /sys/kernel/debug/dma_buf/bufinfo as Linux 6.12 writes it
 * (drivers/dma-buf/dma-buf.c, dma_buf_debug_show()):
 *
 *   <blank>
 *   Dma-buf Objects:
 *   size\tflags\tmode\tcount\texp_name\tino\tname      (padded with spaces)
 *   %08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s            one per buffer
 *   \t<kernel|write|read> fence:<driver> <timeline> seq <n> [un]signalled
 *   \tAttached Devices:
 *   \t<device name>                                   one per attachment
 *   Total <n> devices attached
 *   <blank>
 *   ...
 *   <blank>
 *   Total <n> objects, <bytes> bytes
 *
 * The name is the rest of its line and may hold spaces and tabs; a name
 * with a newline goes on over the following lines, up to the buffer's
 * first fence or "Attached Devices:" line. Shared by dmabuf-inspect and
 * the IGT test igt-tests/dmabuf_bufinfo.c.
 */
#ifndef DMABUF_BUFINFO_PARSE_H
#define DMABUF_BUFINFO_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct bufinfo_fence - one fence line of a buffer
 * @usage: "kernel", "write", "read" (6.12 never lists "bookkeep")
 * @driver: dma_fence_ops.get_driver_name()
 * @timeline: dma_fence_ops.get_timeline_name(); may hold spaces
 * @seqno: the fence's seqno
 * @signalled: "signalled" rather than "unsignalled"
 */
struct bufinfo_fence {
	char *usage;
	char *driver;
	char *timeline;
	unsigned long long seqno;
	bool signalled;
};

/**
 * struct bufinfo_buf - one buffer
 * @size: bytes
 * @flags: f_flags of the dma-buf's file (O_RDWR, ...)
 * @mode: f_mode of the file (FMODE_READ 0x1, FMODE_WRITE 0x2, ...)
 * @count: references to the file: fds, mappings and kernel users
 * @exp_name: exporter name (dma_buf_export_info.exp_name)
 * @ino: inode number, as fstat() on an fd of it and /proc/PID/maps show
 * @name: the name set with DMA_BUF_SET_NAME, NULL for "<none>"
 * @fences: its fence lines
 * @num_fences: entries in @fences
 * @attached: device names of its attachments (importers)
 * @num_attached: entries in @attached
 * @attached_total: what its "Total N devices attached" line says
 */
struct bufinfo_buf {
	unsigned long long size;
	unsigned int flags, mode;
	long count;
	char *exp_name;
	unsigned long ino;
	char *name;
	struct bufinfo_fence *fences;
	size_t num_fences, cap_fences;
	char **attached;
	size_t num_attached, cap_attached;
	long attached_total;
};

/**
 * struct bufinfo - a parsed bufinfo
 * @buffers: in the kernel's order (newest first)
 * @num_buffers: entries in @buffers
 * @has_totals: the final "Total N objects, M bytes" line was there
 * @total_objects: its N
 * @total_bytes: its M
 * @warnings: lines that did not fit the format, and blocks whose device
 *            count disagrees with their device lines
 * @num_warnings: entries in @warnings
 * @by_ino: @buffers sorted by inode, for bufinfo_lookup()
 */
struct bufinfo {
	struct bufinfo_buf *buffers;
	size_t num_buffers, cap_buffers;
	bool has_totals;
	unsigned long long total_objects, total_bytes;
	char **warnings;
	size_t num_warnings, cap_warnings;
	struct bufinfo_buf **by_ino;
};

/*
 * Parses @text into @bi (zeroed first). Returns 0, or -EINVAL when @text
 * has no bufinfo header line at all; lines that do not fit become
 * warnings.
 */
int bufinfo_parse(const char *text, struct bufinfo *bi);
void bufinfo_free(struct bufinfo *bi);

/* The buffer with inode @ino, NULL when not listed. */
const struct bufinfo_buf *bufinfo_lookup(const struct bufinfo *bi,
					  unsigned long ino);

/* Sum of the sizes of all buffers. */
unsigned long long bufinfo_sum_bytes(const struct bufinfo *bi);

/*
 * Parses a fence line without its leading tab ("write fence:drv tl seq 1
 * unsignalled") into @f (malloc'ed strings). False when it is none.
 */
bool bufinfo_parse_fence(const char *line, struct bufinfo_fence *f);
void bufinfo_fence_free(struct bufinfo_fence *f);

#endif /* DMABUF_BUFINFO_PARSE_H */
