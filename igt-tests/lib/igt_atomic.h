/* SPDX-License-Identifier: MIT */
/*
 * Atomic requests built property by property, for tests that drive
 * several planes, plane properties or writeback connectors at once.
 */
#ifndef IGT_ATOMIC_H
#define IGT_ATOMIC_H

#include <stdint.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

/**
 * struct kms_plane_pos - where a plane shows which part of a framebuffer
 * @fb_id: framebuffer, 0 to switch the plane off
 * @src_x: source rectangle in whole pixels
 * @src_y: ditto
 * @src_w: ditto
 * @src_h: ditto
 * @crtc_x: destination rectangle on the CRTC
 * @crtc_y: ditto
 * @crtc_w: ditto (no scaling: the same as @src_w)
 * @crtc_h: ditto
 */
struct kms_plane_pos {
	uint32_t fb_id;
	uint32_t src_x, src_y, src_w, src_h;
	int32_t crtc_x, crtc_y;
	uint32_t crtc_w, crtc_h;
};

/* An empty request; asserts. */
drmModeAtomicReqPtr kms_req_new(void);
/* Sets the property @name of an object; asserts that it exists. */
void kms_req_set(drmModeAtomicReqPtr req, int fd, uint32_t obj_id,
		 uint32_t obj_type, const char *name, uint64_t value);
/* A plane on @crtc_id at @pos, or off (CRTC and FB 0) when fb_id is 0. */
void kms_req_plane(drmModeAtomicReqPtr req, int fd, uint32_t plane_id,
		   uint32_t crtc_id, const struct kms_plane_pos *pos);
/* @pos for @fb_id shown whole, unscaled, at (x, y). */
struct kms_plane_pos kms_plane_at(uint32_t fb_id, uint32_t w, uint32_t h,
				  int32_t x, int32_t y);
/* Commits and frees @req: 0 or -errno. */
int kms_req_commit(int fd, drmModeAtomicReqPtr req, uint32_t flags,
		   void *user_data);

/*
 * The @n-th plane (0 first) of DRM type @type that can be on the CRTC of
 * index @crtc_index, in plane id order; 0 when there is none.
 */
uint32_t kms_find_plane(int fd, int crtc_index, uint64_t type, int n);

#endif /* IGT_ATOMIC_H */
