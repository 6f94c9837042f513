/* SPDX-License-Identifier: MIT */
/*
 * drm_display's KMS side: the mode objects and properties found at the
 * start (they never change while the module is loaded), the events and
 * out-fences the fuzzer waits for, and helpers shared by the KMS ops.
 */
#ifndef DRM_FUZZ_KMS_H
#define DRM_FUZZ_KMS_H

#include <drm.h>
#include <drm_fourcc.h>
#include <drm_mode.h>

#include "ops.h"

#ifndef DRM_IOCTL_MODE_CLOSEFB
/* 6.8 uapi, missing from older libdrm headers. */
struct drm_mode_closefb {
	__u32 fb_id;
	__u32 pad;
};
#define DRM_IOCTL_MODE_CLOSEFB	DRM_IOWR(0xD0, struct drm_mode_closefb)
#endif

/* Values of a plane's "type" property. */
#define PLANE_OVERLAY	0
#define PLANE_PRIMARY	1
#define PLANE_CURSOR	2

#define KMS_MAX_CRTCS	4
#define KMS_MAX_PLANES	24
#define KMS_MAX_CONNS	4
#define KMS_OBJ_PROPS	24
#define KMS_MAX_PROPS	96
#define KMS_MAX_MODES	16
#define KMS_MAX_ENUMS	8

struct kprop {
	u32 id;
	char name[DRM_PROP_NAME_LEN];
	u32 flags;
	u64 min, max;			/* ranges */
	unsigned int nenum;
	u64 enums[KMS_MAX_ENUMS];	/* enum and bitmask values */
};

struct kobj {
	u32 id;
	u32 type;			/* DRM_MODE_OBJECT_* */
	unsigned int index;		/* CRTC index (crtc_id -> bit) */
	u32 plane_type;			/* DRM_PLANE_TYPE_* */
	u32 possible_crtcs;		/* planes: CRTC index mask */
	unsigned int nprops;
	const struct kprop *props[KMS_OBJ_PROPS];
};

struct kms {
	bool ok;
	struct kobj crtcs[KMS_MAX_CRTCS];
	unsigned int ncrtcs;
	struct kobj planes[KMS_MAX_PLANES];
	unsigned int nplanes;
	struct kobj conns[KMS_MAX_CONNS];
	unsigned int nconns;
	u32 encs[KMS_MAX_CONNS];
	unsigned int nencs;
	struct kprop props[KMS_MAX_PROPS];
	unsigned int nprops;
	struct drm_mode_modeinfo modes[KMS_MAX_MODES];
	unsigned int nmodes;
	unsigned int planes_per_crtc;
	int qfd;			/* a file of our own for queries */
	u32 kblobs[8];			/* the kernel's blobs (IN_FORMATS) */
	unsigned int nkblobs;
};

extern struct kms g_kms[MAX_DEVICES];

/* Event user_data: a tag in the top byte, a serial below. */
#define UD_ATOMIC	0xa1ULL
#define UD_FLIP		0xf1ULL
#define UD_VBLANK	0x5bULL
#define UD_SEQ		0x5cULL
u64 kms_user_data(u64 tag);

const struct kprop *kobj_prop(const struct kobj *o, const char *name);
const struct kobj *kms_crtc_by_id(const struct kms *k, u32 id);
const struct kobj *kms_random_obj(struct ctx *c, const struct kms *k);
u32 kms_obj_id(struct ctx *c, const struct kms *k, u32 *type);
u32 kms_random_prop_id(struct ctx *c, const struct kms *k);
void kms_random_mode(struct ctx *c, const struct kms *k,
		     struct drm_mode_modeinfo *m, bool *valid);

/* The file, picked as ops.h's helpers do; master-only ops prefer master. */
struct ent *kms_use_dev(struct ctx *c, enum op_id op, bool own_only);
void kms_unuse(struct ent *e);
void kms_master_denied(struct ent *dev, int ret);
/* A framebuffer or blob id: live, another file's, stale or boundary. */
struct idpick {
	u32 val;
	struct ent *e;		/* live model entry with that id */
	const char *how;
};
void kms_pick_id(struct ctx *c, enum ent_kind k, struct ent *dev,
		 struct idpick *p, bool own_only);
void note_id(struct ctx *c, const char *name, const struct idpick *p);
bool kms_new_id(struct ctx *c, struct ent *dev, u32 id, const char *what);

/* What a successful commit owes: events and out-fences. Under the lock. */
int kms_events_begin(struct ctx *c, struct ent *dev, u64 user_data,
		     u32 crtc_mask);
void kms_events_end(struct ctx *c, int rec, bool ok);
void kms_expect_fence(struct ctx *c, int fd);
/* Read every event of @dev (nonblocking), then check what is overdue. */
void kms_drain(struct ctx *c, struct ent *dev);
int kms_read_events(struct ctx *c, struct ent *dev, void *buf, size_t len);
void kms_check_fences(struct ctx *c);
s64 kms_bound_ms(void);
bool kms_async_done(void);
void kms_note_async(void);
void kms_note_async_locked(void);

#endif /* DRM_FUZZ_KMS_H */
