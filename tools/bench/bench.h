/* SPDX-License-Identifier: MIT */
/*
 * drm_bench: drm_vgem_plus + drm_display against upstream vgem + vkms,
 * side by side in one guest. Shared declarations.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xf86drmMode.h>

#define MAX_ROUNDS	16

/* The two pairs: index 0 is ours, 1 upstream. */
enum { OURS = 0, UP = 1, NPAIRS = 2 };

struct kms {
	uint32_t crtc;
	uint32_t conn;		/* the virtual connector */
	uint32_t wb_conn;	/* the writeback connector, 0 if none */
	uint32_t primary, overlay, cursor;
	uint32_t blob;		/* current MODE_ID blob */
	unsigned int width, height;	/* current mode, 0 when off */
	unsigned int vrefresh;
	double period;		/* seconds per frame of the mode */
};

struct dev {
	int fd;
	int minor;		/* card minor: /sys/kernel/debug/dri/<minor> */
	char platform[32];	/* platform device name from sysfs */
	char driver[32];	/* DRM driver name */
};

struct pair {
	const char *label;	/* "ours", "upstream" */
	const char *exp_name;	/* platform device of the exporter */
	const char *disp_name;	/* ... and of the display */
	const char *trace_fn;	/* the function that composes a frame */
	struct dev exp, disp;
	struct kms kms;
};

/*
 * One point of a curve: per round, the cost of each pair (lower is
 * better), optionally the cost of the limit the hardware allows.
 */
struct result {
	char name[40];
	char size[24];
	char unit[16];		/* unit of the costs, e.g. "us/op" */
	int rounds;
	double cost[NPAIRS][MAX_ROUNDS];
	double cpu[NPAIRS][MAX_ROUNDS];	/* CPU time per op, if has_cpu */
	bool has_cpu;
	double limit[MAX_ROUNDS];	/* cost of the limit, if has_limit */
	bool has_limit;
	bool counted;		/* its ratio goes into the summary */
	char note[160];
	/* Extra "key": value pairs for the JSON, already formatted. */
	char extra[1024];
};

struct opts {
	int rounds;
	bool quick;
	const char *only;	/* run only measurements containing this */
	const char *json;
	const char *table;
	int icount;		/* the guest's -icount shift, -1 if none */
	const char *profile;	/* profile.c: OP, functions, depth, out */
	const char *graph;
	const char *filter;
	int depth;
	const char *trace_dir;
	int profile_ops;
};

extern struct opts opt;
extern struct pair pairs[NPAIRS];

/* util.c */
double now_s(void);
double cpu_s(void);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
double median(const double *v, int n);
double minimum(const double *v, int n);
double maximum(const double *v, int n);
int read_file(const char *path, char *buf, size_t len);
int write_file(const char *path, const char *s);
long meminfo_kb(const char *key);
void sleep_s(double s);
int pair_order(int round, int i);

/*
 * One round of a measurement that is a repeated operation: @op runs on
 * each pair in turn (which first alternates), and with @limit set the
 * limit's operation too (@p NULL), until @budget seconds have passed and
 * each ran at least @min_ops times. Per pair, the median wall time of one
 * op goes to @wall[pair] (@wall[NPAIRS] for the limit) and the mean CPU
 * time of this process per op to @cpu[pair]. Interleaving op by op lets
 * a busy host slow both pairs alike; the median drops the ops that a
 * preemption stretched.
 */
typedef void (*op_fn)(struct pair *p, void *arg);
void time_round(op_fn op, op_fn limit, void *arg, double budget, int min_ops,
		int round, double wall[NPAIRS + 1], double cpu[NPAIRS + 1]);

/* dev.c */
void dev_open(struct dev *d, const char *platform);
int dumb_create(int fd, unsigned int w, unsigned int h, unsigned int bpp,
		uint32_t *handle, uint32_t *pitch, uint64_t *size);
void dumb_destroy(int fd, uint32_t handle);
void gem_close(int fd, uint32_t handle);
void *dumb_map(int fd, uint32_t handle, uint64_t size);
int vgem_fence_attach(int fd, uint32_t handle, bool write, uint32_t *fence);
int vgem_fence_signal(int fd, uint32_t fence);

/* kms.c */
struct fb {
	uint32_t handle, fb_id, pitch;
	uint64_t size;
	unsigned int w, h;
	uint32_t format;
	void *map;
};
void kms_init(struct pair *p);
int kms_modeset(struct pair *p, unsigned int w, unsigned int h,
		uint32_t fb_id, bool wb);
bool kms_has_mode(struct pair *p, unsigned int w, unsigned int h);
void fb_create(int fd, struct fb *fb, unsigned int w, unsigned int h,
	       uint32_t format);
void fb_destroy(int fd, struct fb *fb);
void fb_fill(struct fb *fb, uint32_t seed, uint8_t alpha);
uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name);
void kms_add(drmModeAtomicReqPtr req, struct pair *p, uint32_t obj,
	     uint32_t type, const char *name, uint64_t value);
void kms_add_plane(drmModeAtomicReqPtr req, struct pair *p, uint32_t plane,
		   uint32_t fb_id, int x, int y, unsigned int w,
		   unsigned int h);
int kms_flip(struct pair *p, uint32_t fb_id, void *event_data);

struct flip_event {
	bool done;
	unsigned int sequence;
	double time;	/* CLOCK_MONOTONIC seconds of the vblank */
};
int kms_wait_event(int fd, struct flip_event *ev, double timeout_s);
int kms_wait_vblank(int fd, unsigned int *seq, double *time);

/* trace.c */
bool trace_setup(const char *const *fns, int n);
bool trace_setup_graph(const char *list, const char *filter, int depth,
		       int buffer_kb);
int trace_save(const char *path);
void trace_start(void);
/* Durations of the calls of @fn since trace_start(), in seconds. */
int trace_stop(const char *fn, double *dur, int max);
int trace_peek(const char *fn, double *dur, int max);
void trace_teardown(void);

/* results.c */
struct result *result_new(const char *name, const char *size,
			  const char *unit, int rounds);
void results_print(void);
void results_json(const char *path);
double result_ratio(const struct result *r, double *lo, double *hi);

/* the measurements */
void bench_prime(void);
void bench_touch(void);
void bench_fence(void);
void bench_compose(void);
void bench_scale(void);
void bench_profile(void);
/* An operation --profile repeats: begin and end run untraced, per pair. */
struct profile_op {
	op_fn op, begin, end;
	void *arg;
};
bool buffer_op(const char *spec, struct profile_op *po);
bool compose_op(const char *spec, struct profile_op *po);

#endif /* BENCH_H */
