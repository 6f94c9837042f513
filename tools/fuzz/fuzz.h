/* SPDX-License-Identifier: MIT */
/*
 * drm_fuzz: a bounded, seeded ioctl fuzzer for drm_vgem_plus and
 * drm_display. Shared declarations: the op table, the device table, the
 * model of live objects, per-thread context and the checks.
 */
#ifndef DRM_FUZZ_H
#define DRM_FUZZ_H

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint64_t u64;
typedef uint32_t u32;
typedef int64_t s64;
typedef int32_t s32;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PAGE		4096UL
#define MAX_THREADS	4
#define MAX_DEVICES	8
#define DESC_LEN	600
#define NERRNO		140

/* Limits that keep the guest's memory and fd table bounded. */
#define MAX_OBJ_SIZE	(8UL << 20)	/* bigger objects are closed at once */
#define MAX_LIVE_DEVS	8
#define MAX_LIVE_HANDLES 96
#define MAX_LIVE_FDS	64		/* dma-bufs, sync_files each */
#define MAX_LIVE_MAPS	32
#define MAX_OWN_FENCES	12
#define MAX_LIVE_FBS	48
#define MAX_LIVE_BLOBS	32

/* Fences are signalled by their owner after this many of its ops. */
#define FENCE_AGE	32
#define NOTIMEOUT_AGE	8

/* Cells: 8-byte slots in each page, one per writer, so writers never race. */
#define NCELLS		16
#define CELL_CHILD	4	/* + thread: its children */
#define CELL_UNSURE	8	/* + thread: writes through unsure mappings */
#define WREC		4

enum node_kind { NODE_CARD, NODE_RENDER, NODE_KINDS };

enum op_id {
	OP_OPEN, OP_CLOSE_DEV, OP_VERSION, OP_GET_CAP, OP_SET_CLIENT_CAP,
	OP_CREATE, OP_CREATE_DUMB, OP_MAP_DUMB, OP_DESTROY_DUMB, OP_MAP_OFFSET,
	OP_GEM_CLOSE, OP_FLINK, OP_GEM_OPEN, OP_PRIME_EXPORT, OP_PRIME_IMPORT,
	OP_FENCE_ATTACH, OP_FENCE_SIGNAL, OP_FENCE_SIGNAL_ERROR,
	OP_FENCE_EXPORT, OP_SYNCOBJ, OP_RAW_IOCTL, OP_MMAP_GEM, OP_FDINFO,
	OP_DEBUGFS, OP_DMABUF_SYNC, OP_DMABUF_SET_NAME, OP_DMABUF_EXPORT_SYNC,
	OP_DMABUF_IMPORT_SYNC, OP_POLL, OP_MMAP_DMABUF, OP_MAP_ACCESS,
	OP_MUNMAP, OP_SYNC_INFO, OP_SYNC_MERGE, OP_CLOSE_FD, OP_FORK,
	/* KMS (drm_display's card node), ops_kms.c, ops_fb.c, ops_commit.c */
	OP_MASTER, OP_GETRESOURCES, OP_GETCRTC, OP_SETCRTC, OP_GETENCODER,
	OP_GETCONNECTOR, OP_GETPLANERES, OP_GETPLANE, OP_SETPLANE,
	OP_GETPROPERTY, OP_GETPROPBLOB, OP_OBJ_GETPROPS, OP_OBJ_SETPROP,
	OP_CREATEPROPBLOB, OP_DESTROYPROPBLOB, OP_ADDFB, OP_ADDFB2, OP_RMFB,
	OP_CLOSEFB, OP_GETFB, OP_GETFB2, OP_DIRTYFB, OP_PAGE_FLIP, OP_CURSOR,
	OP_ATOMIC, OP_READ_EVENTS, OP_VBLANK, OP_GAMMA,
	OP_REAP,		/* not drawn: the owner signals an old fence */
	OP_COUNT
};

struct ctx;

struct op_desc {
	const char *name;
	unsigned int weight;	/* relative, per 1000; 0: never drawn */
	bool dev_scoped;	/* needs a device file of a type listing it */
	void (*fn)(struct ctx *c);
};

extern const struct op_desc op_table[OP_COUNT];

/*
 * A kind of device the fuzzer knows: how to recognise it and which ops
 * apply to its files. drm_display's card node gets its own entry.
 */
struct device_type {
	const char *name;		/* module / exporter name */
	const char *desc_match;		/* substring of drmVersion.desc */
	const char *drv_name;		/* or drmVersion.name exactly */
	bool kms;			/* drm_display: modesetting */
	const enum op_id *ops;		/* device-scoped ops that apply */
	unsigned int n_ops;
};

struct device {
	const struct device_type *type;
	char path[NODE_KINDS][64];	/* "" when the node is missing */
	int minor;			/* card minor: debugfs dri/<minor> */
};

extern struct device g_devices[MAX_DEVICES];
extern unsigned int g_ndevices;
bool device_has_op(const struct device *d, enum op_id op);
int devices_discover(void);

/* ---- the model of live objects ---- */

enum ent_kind { K_DEV, K_HANDLE, K_DMABUF, K_FENCE, K_SYNC, K_MAP, K_FLINK,
		K_FB, K_BLOB, K_KINDS };

/* A write through a mapping: what any mapping of the object must show. */
struct wrec {
	u64 off;
	u64 val;
};

/*
 * A buffer, as far as the model knows it. "unsure" objects stand for
 * whatever a stale or racing call got: no cross-checks on them.
 */
struct obj {
	unsigned int id;
	bool unsure;
	u64 size;
	unsigned int refs;	/* model entries pointing here */
	unsigned int handles;	/* live handle entries */
	unsigned int handles_on[MAX_DEVICES];	/* of them, per device */
	unsigned int name_devi;	/* the device whose flink name @name is */
	int home_devi;		/* the device that made it, -1: unknown.
				 * Elsewhere each file's import is an object
				 * of its own, with names of its own. */
	unsigned int fences;	/* our unsignalled fences on it */
	unsigned int dmabufs;	/* live sure dma-buf entries */
	unsigned int fbs;	/* live framebuffer entries on it */
	u32 name;		/* flink name, 0: none */
	unsigned long ino;	/* dma-buf inode while dmabufs > 0 */
	struct wrec wr[NCELLS][WREC];
	unsigned int nwr[NCELLS];
};

struct bitmap {
	unsigned long *bits;
	size_t nbits;
};

struct ent {
	enum ent_kind kind;
	unsigned int id;	/* per kind, for logs */
	bool live;		/* in the model */
	bool raced;		/* killed while an op used it */
	bool inherited;		/* a child's copy of its parent's entry */
	int users;		/* ops using it now */
	int deps;		/* entries pointing at it (handles, fences) */
	int fd;			/* DEV, DMABUF, SYNC */
	struct ent *dev;	/* HANDLE, FENCE, FB, BLOB: its device file */
	struct obj *obj;	/* HANDLE, DMABUF, MAP, FENCE, FLINK, FB */
	u32 val;		/* HANDLE: handle, FENCE: id, FLINK: name,
				 * FB: fb id, BLOB: blob id */
	/* DEV */
	unsigned int devi;
	enum node_kind node;
	/*
	 * Closes and signals of values the model did not know: they may
	 * have hit what a call in flight just made, which then is not
	 * tracked (its creator compares this before and after).
	 */
	unsigned long unknown_gen;
	/*
	 * Every handle closed: an import racing a close of the handle it
	 * returns gives that handle back, just closed (a userspace race).
	 */
	unsigned long close_gen;
	struct bitmap signalled;	/* fence ids signalled by hand */
	bool master;		/* DEV: believed to be DRM master */
	/*
	 * HANDLE: fake mmap offset, 0: unknown. Per handle, not per object:
	 * each import of a foreign dma-buf is an object of its own.
	 */
	u64 offset;
	/* FENCE */
	bool notimeout;
	bool abandoned;		/* never signalled by hand before the end */
	int owner;		/* cell of the ctx that must signal it */
	unsigned long birth;	/* owner's op index at attach */
	/* MAP */
	void *addr;
	size_t len;
	u64 obj_off;		/* byte offset of addr in the object */
	int prot;
	bool doomed;		/* munmap when the last user is done */
	unsigned int map_file;	/* the device file's id (MMAP_GEM), 0 */
	/* DMABUF */
	unsigned long ino;
	/* FB: what it was made with, for GETFB2 */
	u32 fb_w, fb_h, fb_fmt, fb_flags;
	u64 fb_mod;
	/* BLOB */
	u32 blob_len;
	bool blob_mode;		/* a valid struct drm_mode_modeinfo */
	/* the op that made it, for failure reports */
	char origin[48];
};

struct stale {
	u32 val;
	unsigned int dev_id;	/* HANDLE, FENCE: the dev entry's id */
};

void model_lock(void);
void model_unlock(void);
struct ent *ent_new(enum ent_kind k);
void ent_kill(struct ent *e);
void ent_use(struct ent *e);
void ent_unuse(struct ent *e);
unsigned int live_count(enum ent_kind k);
struct ent *live_at(enum ent_kind k, unsigned int i);
struct ent *pick_live(struct ctx *c, enum ent_kind k,
		      bool (*ok)(struct ctx *c, struct ent *e, const void *arg),
		      const void *arg);
bool pick_stale(struct ctx *c, enum ent_kind k, struct stale *out);
struct ent *find_handle(struct ent *dev, u32 handle);
struct ent *find_fence(struct ent *dev, u32 id);
struct ent *find_flink(u32 name);
struct ent *find_in_dev(enum ent_kind k, struct ent *dev, u32 val);
struct ent *find_in_device(enum ent_kind k, unsigned int devi, u32 val);
struct obj *obj_new(u64 size, bool unsure);
void ent_set_obj(struct ent *e, struct obj *o);
void ent_set_dev(struct ent *e, struct ent *dev);
void ent_origin(struct ent *e, const struct ctx *c);
unsigned int own_fences(struct ctx *c);
void bitmap_set(struct bitmap *b, size_t n);
bool bitmap_test(const struct bitmap *b, size_t n);
void model_mark_inherited(bool unsure);
void record_ino(unsigned long ino);
bool ino_is_ours(unsigned long ino);
const char *node_name(enum node_kind n);

/* ---- per-thread context ---- */

struct rng {
	u64 s[4];
};

struct ctx {
	int thread;		/* 0..MAX_THREADS-1 */
	int cell;		/* write cell of sure mappings */
	bool child;		/* a forked child's context */
	pid_t tid;
	struct rng rng;
	unsigned long opi;	/* index of the current op in this ctx */
	unsigned long fork_opi;	/* child: the parent's op that forked it */
	unsigned long ops_done;
	char desc[DESC_LEN];	/* the current op, for logs and the watchdog */
	size_t dlen;
	volatile s64 busy_since;	/* ms, 0 when between ops */
	timer_t itimer;		/* interrupts blocking ioctls */
	bool itimer_ok;
	int fail_fd;		/* /proc/thread-self/make-it-fail or -1 */
	/* statistics */
	enum op_id cur_op;
	unsigned long gen;	/* the device's unknown_gen before the call */
	unsigned long close_gen;	/* and its close_gen */
	unsigned long calls[OP_COUNT];
	unsigned long ms[OP_COUNT];	/* time spent in each op */
	unsigned long ok[OP_COUNT];
	unsigned long err[OP_COUNT][NERRNO];
	unsigned long forks[3];
	unsigned long child_ops;
};

extern struct ctx g_ctx[MAX_THREADS];

/* ---- options and global state ---- */

struct options {
	u64 seed;
	unsigned long ops;
	unsigned int seconds;
	unsigned int threads;
	bool verbose;
	unsigned int failslab;		/* percent, 0: off */
	bool kmemleak;
	unsigned int watchdog;		/* seconds */
	const char *failslab_module;	/* NULL: chosen from the seed */
	unsigned int display_fence_ms;	/* drm_display fence_timeout_ms, 0: keep */
};

extern struct options g_opt;
extern volatile sig_atomic_t g_stop;
extern volatile sig_atomic_t g_failed;
extern s64 g_start_ms;

s64 now_ms(void);

/* rng.c */
void rng_seed(struct rng *r, u64 seed, u64 stream);
u64 rnd64(struct ctx *c);
u32 rnd(struct ctx *c, u32 n);		/* 0..n-1 */
bool chance(struct ctx *c, u32 percent);
u32 bval32(struct ctx *c);		/* a boundary or random u32 */
u64 bval64(struct ctx *c);
u32 flags32(struct ctx *c, u32 valid, u32 percent_bad);
u32 pad32(struct ctx *c);
u64 gen_size(struct ctx *c);
const void *bad_ptr(struct ctx *c);

/* log.c */
void note(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void op_begin(struct ctx *c, enum op_id op);
void op_result(struct ctx *c, enum op_id op, int ret);
void op_end(struct ctx *c);
void op_skip(struct ctx *c, enum op_id op, const char *why);
void set_tls_ctx(struct ctx *c);
void fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *errname(int e);
void print_summary(unsigned long total_ops);
void crash_handlers_install(void);
int guarded_read(void *p, u64 *val);
int guarded_write(void *p, u64 val);

/* sys.c: every fuzzed system call goes through these. */
int x_ioctl(struct ctx *c, int fd, unsigned long req, void *arg);
int x_ioctl_blocking(struct ctx *c, int fd, unsigned long req, void *arg);
void *x_mmap(struct ctx *c, size_t len, int prot, int flags, int fd,
	     off_t off, int *err);
int x_close(struct ctx *c, int fd);
int x_open(struct ctx *c, const char *path, int flags);
void sys_thread_init(struct ctx *c);
void sys_thread_fini(struct ctx *c);
size_t read_file(const char *path, char *buf, size_t len);
int write_file(const char *path, const char *s);

/* ops_*.c */
void run_op(struct ctx *c, enum op_id op);
enum op_id draw_op(struct ctx *c);
struct ent *pick_dev(struct ctx *c, enum op_id op, bool own_only);
void fence_done(struct ent *dev, u32 id);
bool reap_one(struct ctx *c);
void signal_own_fences(struct ctx *c);
void kill_dev(struct ent *dev);
void close_handle_now(struct ctx *c, struct ent *h);
void add_sync(struct ctx *c, int fd, const char *what);
void add_dmabuf(struct ctx *c, int fd, struct obj *o, bool sure);
bool obj_sure(const struct obj *o);
void op_open(struct ctx *c);
void op_close_dev(struct ctx *c);
void op_version(struct ctx *c);
void op_get_cap(struct ctx *c);
void op_set_client_cap(struct ctx *c);
void op_create(struct ctx *c);
void op_create_dumb(struct ctx *c);
void op_map_dumb(struct ctx *c);
void op_destroy_dumb(struct ctx *c);
void op_map_offset(struct ctx *c);
void op_gem_close(struct ctx *c);
void op_flink(struct ctx *c);
void op_gem_open(struct ctx *c);
void op_prime_export(struct ctx *c);
void op_prime_import(struct ctx *c);
void op_fence_attach(struct ctx *c);
void op_fence_signal(struct ctx *c);
void op_fence_signal_error(struct ctx *c);
void op_fence_export(struct ctx *c);
void op_syncobj(struct ctx *c);
void op_raw_ioctl(struct ctx *c);
void op_mmap_gem(struct ctx *c);
void op_fdinfo(struct ctx *c);
void op_debugfs(struct ctx *c);
void op_dmabuf_sync(struct ctx *c);
void op_dmabuf_set_name(struct ctx *c);
void op_dmabuf_export_sync(struct ctx *c);
void op_dmabuf_import_sync(struct ctx *c);
void op_poll(struct ctx *c);
void op_mmap_dmabuf(struct ctx *c);
void op_map_access(struct ctx *c);
void op_munmap(struct ctx *c);
void op_sync_info(struct ctx *c);
void op_sync_merge(struct ctx *c);
void op_close_fd(struct ctx *c);
void op_fork(struct ctx *c);
void op_reap(struct ctx *c);
void op_master(struct ctx *c);
void op_getresources(struct ctx *c);
void op_getcrtc(struct ctx *c);
void op_setcrtc(struct ctx *c);
void op_getencoder(struct ctx *c);
void op_getconnector(struct ctx *c);
void op_getplaneres(struct ctx *c);
void op_getplane(struct ctx *c);
void op_setplane(struct ctx *c);
void op_getproperty(struct ctx *c);
void op_getpropblob(struct ctx *c);
void op_obj_getprops(struct ctx *c);
void op_obj_setprop(struct ctx *c);
void op_createpropblob(struct ctx *c);
void op_destroypropblob(struct ctx *c);
void op_addfb(struct ctx *c);
void op_addfb2(struct ctx *c);
void op_rmfb(struct ctx *c);
void op_closefb(struct ctx *c);
void op_getfb(struct ctx *c);
void op_getfb2(struct ctx *c);
void op_dirtyfb(struct ctx *c);
void op_page_flip(struct ctx *c);
void op_cursor(struct ctx *c);
void op_atomic(struct ctx *c);
void op_read_events(struct ctx *c);
void op_vblank(struct ctx *c);
void op_gamma(struct ctx *c);
void close_everything(void);

/* kdebug.c: fault injection, kmemleak, leak checks */
int failslab_setup(unsigned int percent);
void failslab_stop(void);		/* async-signal-safe */
void failslab_report(void);
void kmsg_start(void);
void kmsg_stop(void);
int kmemleak_setup(void);
int kmemleak_check(void);
void leak_baseline(void);
int leak_check(void);
bool failslab_task_mode(void);
int kdebug_fds(int *fds, int max);
void record_allow(const char *regex);

/* kms.c: drm_display's KMS objects, its module parameters, events */
int kms_discover(void);
void kms_params_setup(void);
void kms_params_restore(void);
void kms_file_opened(struct ctx *c, struct ent *dev);
void kms_file_closing(struct ent *dev);
bool kms_op_wants_master(enum op_id op);
void kms_settle(struct ctx *c);
void kms_final_check(void);
void kms_reset_display(void);
int kms_fb_leak_check(bool print);

#endif /* DRM_FUZZ_H */
