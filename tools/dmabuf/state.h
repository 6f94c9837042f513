/* SPDX-License-Identifier: MIT */
/*
 * What dmabuf-inspect knows about the system's dma-bufs at one moment:
 * every buffer, joined by inode across what the kernel shows (bufinfo,
 * the sysfs stats, every process's fdinfo and maps, the debugfs files of
 * drm_vgem_plus and drm_display), with what could not be seen and why.
 */
#ifndef DMABUF_STATE_H
#define DMABUF_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/**
 * struct proc_ref - a process holding a buffer by fd or by mapping
 * @pid: process id
 * @comm: its command name
 * @fd: the fd, -1 for a mapping
 * @start: first address of the mapping
 * @end: address after its end
 * @perms: its permissions, "rw-s"
 */
struct proc_ref {
	int pid;
	char *comm;
	int fd;
	unsigned long long start, end;
	char perms[5];
};

/**
 * struct wait_ref - a drm_display commit waiting for a fence
 * @device: the drm_display device (its debugfs directory name)
 * @plane: plane name
 * @crtc: CRTC name
 * @since_ms: how long it has waited
 * @driver: driver of the fence
 * @timeline: timeline of the fence
 * @seqno: seqno of the fence
 * @ino: inode of the dma-buf of the plane's buffer, 0 for none
 * @committer_pid: process that made the commit
 * @committer_comm: its command name
 * @on_buffer: the fence is one of a listed buffer's (implicit sync);
 *             false for an explicit IN_FENCE_FD
 */
struct wait_ref {
	char *device, *plane, *crtc;
	long long since_ms;
	char *driver, *timeline;
	unsigned long long seqno;
	unsigned long ino;
	int committer_pid;
	char *committer_comm;
	bool on_buffer;
};

/* Where a fence's age comes from; AGE_NONE: not known. */
enum age_source {
	AGE_NONE,
	AGE_VGEM,	/* drm_vgem_plus debugfs: since it was created */
	AGE_WAIT,	/* drm_display fence_waits: a commit waits that long */
	AGE_SNAPSHOT,	/* unsignalled in a snapshot taken that long ago */
	AGE_OBSERVED,	/* unsignalled in two looks that far apart */
};

/**
 * struct fence_info - one fence of a buffer
 * @usage: "kernel", "write" or "read"
 * @driver: fence driver name
 * @timeline: timeline name
 * @seqno: seqno
 * @signalled: signalled
 * @error_known: @error is known (bufinfo does not show errors)
 * @error: the fence's error, 0 for none
 * @age_ms: its age, -1 when not known
 * @age_source: where @age_ms comes from; all but AGE_VGEM give a lower
 *              bound
 */
struct fence_info {
	char *usage, *driver, *timeline;
	unsigned long long seqno;
	bool signalled;
	bool error_known;
	int error;
	long long age_ms;
	enum age_source age_source;
};

/**
 * struct gem_handle_ref - a GEM handle on a buffer's object
 * @client: drm-client-id of the DRM file
 * @handle: the handle
 * @pid: process holding the file (from fdinfo), else the driver's record
 * @comm: its command name
 * @fd: the DRM fd in @pid, -1 when not seen
 */
struct gem_handle_ref {
	unsigned long long client;
	unsigned int handle;
	int pid;
	char *comm;
	int fd;
};

/**
 * struct gem_ref - a GEM object behind a buffer (exporter's or an import)
 * @driver: the module, "drm_vgem_plus"
 * @object: object id in its debugfs
 * @imported: the object imports the buffer rather than exports it
 * @creator_pid: process that created the object
 * @creator_comm: its command name
 * @handles: handles on the object
 * @num_handles: entries in @handles
 */
struct gem_ref {
	char *driver;
	unsigned int object;
	bool imported;
	int creator_pid;
	char *creator_comm;
	struct gem_handle_ref *handles;
	size_t num_handles, cap_handles;
};

/**
 * struct fb_ref - a drm_display framebuffer on a buffer
 * @device: the drm_display device
 * @fb: framebuffer id
 * @owner_pid: process whose file owns it, 0 when none (CLOSEFB, RMFB of
 *             one still shown)
 * @owner_comm: its command name
 * @shown_on: planes showing it, comma-separated, "" for none
 * @committed_on: planes it is committed to, comma-separated
 * @waiting_on: planes whose commit of it waits for a fence
 */
struct fb_ref {
	char *device;
	unsigned int fb;
	int owner_pid;
	char *owner_comm;
	char *shown_on, *committed_on, *waiting_on;
};

/**
 * struct dbuf - one dma-buf
 * @ino: inode number: the key everything is joined by
 * @exporter: exporter name, NULL when not known (seen only in maps)
 * @size: bytes, 0 when not known
 * @name: name, NULL for none or not known
 * @count: references to its file, -1 when not known
 * @flags: file flags, from bufinfo
 * @mode: file mode, from bufinfo
 * @source: where it was listed: "bufinfo", "sysfs", "fdinfo" or "maps"
 * @fences: fences
 * @importers: attached devices
 * @fds: fds holding it
 * @maps: mappings of it
 * @gems: GEM objects behind it
 * @fbs: framebuffers on it
 * @dark: no fd and no mapping holds it; false when not every process
 *        could be read (see &state.dark_known)
 */
struct dbuf {
	unsigned long ino;
	char *exporter;
	unsigned long long size;
	char *name;
	long count;
	unsigned int flags, mode;
	const char *source;
	struct fence_info *fences;
	size_t num_fences, cap_fences;
	char **importers;
	size_t num_importers, cap_importers;
	struct proc_ref *fds;
	size_t num_fds, cap_fds;
	struct proc_ref *maps;
	size_t num_maps, cap_maps;
	struct gem_ref *gems;
	size_t num_gems, cap_gems;
	struct fb_ref *fbs;
	size_t num_fbs, cap_fbs;
	bool dark;
};

/**
 * struct drm_client_ref - an open DRM file seen in a process's fdinfo
 * @driver: drm-driver
 * @client: drm-client-id
 * @pid: the process
 * @comm: its command name
 * @fd: the fd
 */
struct drm_client_ref {
	char *driver;
	unsigned long long client;
	int pid;
	char *comm;
	int fd;
};

/**
 * struct blocked_thread - a thread of a holder asleep in a fence wait
 * @pid: its process
 * @tid: the thread
 * @comm: the thread's command name
 * @wchan: the kernel function it sleeps in
 */
struct blocked_thread {
	int pid, tid;
	char *comm;
	char *wchan;
};

/**
 * struct drm_dev_info - a DRM device with a debugfs directory
 * @dir: its debugfs directory
 * @driver: DRM driver name ("vgem" for drm_vgem_plus)
 * @device: device name, as attachments name it
 * @kind: "drm_vgem_plus", "drm_display" or "other": what is read of it
 * @nodes: its device nodes (from libdrm), space-separated, "" if unknown
 */
struct drm_dev_info {
	char *dir, *driver, *device, *kind, *nodes;
};

/**
 * struct source_status - whether a source could be read
 * @path: what was read
 * @ok: it was read
 * @err: errno when not
 */
struct source_status {
	char *path;
	bool ok;
	int err;
};

/**
 * struct state - everything seen at one moment
 * @boot_id: /proc/sys/kernel/random/boot_id
 * @taken_ms: CLOCK_BOOTTIME when it was taken
 * @realtime: wall-clock seconds when it was taken
 * @bufs: buffers, by inode
 * @num_bufs: entries in @bufs
 * @waits: drm_display commits waiting for a fence
 * @num_waits: entries in @waits
 * @clients: DRM files seen in fdinfo
 * @num_clients: entries in @clients
 * @blocked: threads of holders asleep in fence waits
 * @num_blocked: entries in @blocked
 * @devs: DRM devices with debugfs
 * @num_devs: entries in @devs
 * @bufinfo: /sys/kernel/debug/dma_buf/bufinfo
 * @sysfs: /sys/kernel/dmabuf/buffers
 * @debugfs_dri: /sys/kernel/debug/dri
 * @has_totals: bufinfo's totals line was read
 * @total_objects: its object count
 * @total_bytes: its byte count
 * @procs_seen: processes looked at
 * @procs_denied: processes whose fds or maps could not be read
 * @dark_known: every process could be read, so a buffer no fd or mapping
 *              holds is dark indeed
 * @notes: what could not be seen, in words
 * @num_notes: entries in @notes
 */
struct state {
	char boot_id[40];
	long long taken_ms;
	long long realtime;
	struct dbuf *bufs;
	size_t num_bufs, cap_bufs;
	struct wait_ref *waits;
	size_t num_waits, cap_waits;
	struct drm_client_ref *clients;
	size_t num_clients, cap_clients;
	struct blocked_thread *blocked;
	size_t num_blocked, cap_blocked;
	struct drm_dev_info *devs;
	size_t num_devs, cap_devs;
	struct source_status bufinfo, sysfs, debugfs_dri;
	bool has_totals;
	unsigned long long total_objects, total_bytes;
	unsigned int procs_seen, procs_denied;
	bool dark_known;
	char **notes;
	size_t num_notes, cap_notes;
};

/**
 * struct collect_opts - how to collect
 * @root: prefix of every path read ("" for the live system; the tests
 *        point it at captured trees)
 * @timeout_ms: bound on reading bufinfo (a reservation lock held forever
 *              blocks it)
 * @since: a snapshot to age fences by, NULL for none
 */
struct collect_opts {
	const char *root;
	int timeout_ms;
	const struct state *since;
};

/* Fills @s from the system. Never fails: what it cannot read is a note. */
void state_collect(struct state *s, const struct collect_opts *opts);
void state_free(struct state *s);

/* The buffer with inode @ino, NULL when none. */
struct dbuf *state_find(const struct state *s, unsigned long ino);
/* Inserts a buffer with inode @ino in order (or returns it if listed). */
struct dbuf *state_add(struct state *s, unsigned long ino);
__printf(2, 3)
void state_note(struct state *s, const char *fmt, ...);

/* Ages the unsignalled fences of @s that were unsignalled in @old too. */
void state_age_from(struct state *s, const struct state *old,
		    enum age_source source);

/* Whether @w waits for the fence @f. */
bool wait_is_for(const struct wait_ref *w, const struct fence_info *f);

/* "drm_vgem_plus debugfs", ...: for people. */
const char *age_source_name(enum age_source src);

/* Same fence: driver, timeline and seqno. */
bool fence_same(const struct fence_info *a, const struct fence_info *b);

#endif /* DMABUF_STATE_H */
