/* SPDX-License-Identifier: MIT */
/*
 * Small KMS helpers for the drm_display tests, in the spirit of IGT's
 * lib/igt_kms.h but much smaller: property lookup, one output with its
 * primary plane, dumb framebuffers, atomic commits and DRM events.
 * Commit helpers return 0 or -errno; everything else asserts.
 */
#ifndef IGT_DISPLAY_H
#define IGT_DISPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

/* CLOSEFB is newer (6.8) than the libdrm headers of Debian 12. */
#ifndef DRM_IOCTL_MODE_CLOSEFB
struct drm_mode_closefb {
	__u32 fb_id;
	__u32 pad;
};
#define DRM_IOCTL_MODE_CLOSEFB	DRM_IOWR(0xD0, struct drm_mode_closefb)
#endif

/**
 * struct kms_output - a connected connector and the pipe that can drive it
 * @connector_id: connector
 * @encoder_id: its first encoder
 * @crtc_id: first CRTC the encoder can drive
 * @crtc_index: index of @crtc_id in the resources (vblank pipe)
 * @primary_id: primary plane of @crtc_id
 * @primary_fb_prop: its FB_ID property, looked up once for fast flips
 * @mode: the connector's preferred mode (else its first)
 */
struct kms_output {
	uint32_t connector_id;
	uint32_t encoder_id;
	uint32_t crtc_id;
	int crtc_index;
	uint32_t primary_id;
	uint32_t primary_fb_prop;
	drmModeModeInfo mode;
};

/**
 * struct kms_fb - a dumb buffer with a framebuffer on it
 * @fb_id: framebuffer
 * @handle: GEM handle of the dumb buffer
 * @width: pixels
 * @height: pixels
 * @format: DRM fourcc
 * @pitch: bytes per row
 * @size: bytes
 */
struct kms_fb {
	uint32_t fb_id;
	uint32_t handle;
	uint32_t width, height, format;
	uint32_t pitch;
	uint64_t size;
};

/* Sets DRM_CLIENT_CAP_UNIVERSAL_PLANES and ATOMIC; skips when refused. */
void kms_require_atomic(int fd);

/* Id of the property @name of a KMS object, 0 when it has none. */
uint32_t kms_prop_id(int fd, uint32_t obj_id, uint32_t obj_type,
		     const char *name);
/* Current value of the property @name; false when it has none. */
bool kms_prop_get(int fd, uint32_t obj_id, uint32_t obj_type,
		  const char *name, uint64_t *value);

/*
 * First connected connector with an encoder, CRTC and primary plane;
 * needs kms_require_atomic() first. Skips when nothing is connected.
 */
void kms_output_find(int fd, struct kms_output *out);

/* Frame duration of @mode in nanoseconds. */
uint64_t kms_mode_frame_ns(const drmModeModeInfo *mode);

/* A dumb buffer for a single-plane RGB @format and an ADDFB2 on it. */
void kms_dumb_fb_create(int fd, uint32_t width, uint32_t height,
			uint32_t format, struct kms_fb *fb);
/* RMFB and GEM close; clears @fb. */
void kms_fb_remove(int fd, struct kms_fb *fb);

/*
 * Atomic modeset of @out to @mode with @fb_id on the primary plane
 * (source and destination @mode's size), DRM_MODE_ATOMIC_ALLOW_MODESET
 * added to @flags.
 */
int kms_atomic_modeset(int fd, const struct kms_output *out,
		       const drmModeModeInfo *mode, uint32_t fb_id,
		       uint32_t flags, void *user_data);
/* Atomic commit of FB_ID alone on @out's primary plane. */
int kms_atomic_flip(int fd, const struct kms_output *out, uint32_t fb_id,
		    uint32_t flags, void *user_data);
/*
 * kms_atomic_flip() with explicit fences: IN_FENCE_FD @in_fence_fd on the
 * primary plane unless it is negative, and OUT_FENCE_PTR on the CRTC
 * pointing at @out_fence unless that is NULL (set to -1 first; the commit
 * stores the sync_file fd there).
 */
int kms_atomic_flip_fenced(int fd, const struct kms_output *out,
			   uint32_t fb_id, int in_fence_fd, int32_t *out_fence,
			   uint32_t flags, void *user_data);
/* Turns @out's CRTC, connector and primary plane off in one commit. */
int kms_atomic_disable(int fd, const struct kms_output *out, uint32_t flags,
		       void *user_data);
/* Disables every CRTC, plane and connector in one blocking commit. */
void kms_disable_all(int fd);

/*
 * Waits up to @timeout_ms for a vblank or flip-complete event and reads
 * exactly one; false on timeout.
 */
bool kms_read_event(int fd, int timeout_ms, struct drm_event_vblank *ev);
/* The event's timestamp in microseconds. */
uint64_t kms_event_usec(const struct drm_event_vblank *ev);

/* Current vblank count of the CRTC at @crtc_index (WAIT_VBLANK relative 0). */
uint32_t kms_vblank_count(int fd, int crtc_index);

/* CLOCK_MONOTONIC in microseconds, the clock of flip event timestamps. */
uint64_t kms_now_us(void);
/* An integer as the user_data pointer of a flip. */
void *kms_user_data(uintptr_t v);

#endif /* IGT_DISPLAY_H */
