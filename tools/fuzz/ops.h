/* SPDX-License-Identifier: MIT */
/* Helpers shared by the op implementations (ops_*.c). */
#ifndef DRM_FUZZ_OPS_H
#define DRM_FUZZ_OPS_H

#include "fuzz.h"

/* A handle value to pass, and what the model knows about it. */
struct hpick {
	u32 val;
	struct ent *h;		/* live entry with that value in the device */
	const char *how;	/* live, stale, other-fd, bval */
};

/* A fence id to pass, with its device file. */
struct fpick {
	struct ent *dev;
	u32 val;
	struct ent *f;		/* live entry with that id in the device */
	const char *how;
};

/* An fd to pass: a model entry or a stray number. */
struct fdpick {
	int fd;
	struct ent *e;		/* NULL for stale or boundary numbers */
	const char *how;
};

void pick_handle(struct ctx *c, struct ent *dev, struct hpick *p);
void note_dev(struct ctx *c, struct ent *dev);
void note_handle(struct ctx *c, const struct hpick *p);
/* How a call got its handle: a new object, a new handle, maybe an old one. */
enum got { GOT_NEW_OBJ, GOT_NEW_HANDLE, GOT_IMPORT };

void got_handle(struct ctx *c, struct ent *dev, u32 handle, struct obj *o,
		u64 size, enum got how);
bool pick_fence(struct ctx *c, struct fpick *p);
void pick_fd(struct ctx *c, enum ent_kind want, struct fdpick *p);
void note_fd(struct ctx *c, const char *name, const struct fdpick *p);
void unuse_opt(struct ent *e);
void use_opt(struct ent *e);
void do_signal(struct ctx *c, enum op_id op, struct fpick *p, bool with_error,
	       int error, bool strict);

#endif /* DRM_FUZZ_OPS_H */
