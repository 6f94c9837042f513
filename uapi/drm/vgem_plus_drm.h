/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * drm_vgem_plus userspace interface.
 *
 * drm_vgem_plus registers itself with the DRM driver name "vgem" and keeps
 * upstream vgem's two ioctls with their numbers, structures and errno
 * behaviour, so this header is a superset of <drm/vgem_drm.h>: include one
 * or the other, not both. (vgem's part is repeated rather than included
 * because libdrm does not install vgem_drm.h.) The ioctls that only
 * drm_vgem_plus has are numbered after vgem's and prefixed VGEM_PLUS.
 */
#ifndef _UAPI_VGEM_PLUS_DRM_H_
#define _UAPI_VGEM_PLUS_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_VGEM_FENCE_ATTACH		0x1
#define DRM_VGEM_FENCE_SIGNAL		0x2
#define DRM_VGEM_PLUS_CREATE		0x3
#define DRM_VGEM_PLUS_MAP_OFFSET	0x4
#define DRM_VGEM_PLUS_FENCE_SIGNAL_ERROR 0x5
#define DRM_VGEM_PLUS_FENCE_EXPORT	0x6

#define DRM_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGEM_FENCE_ATTACH, \
		 struct drm_vgem_fence_attach)
#define DRM_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VGEM_FENCE_SIGNAL, \
		struct drm_vgem_fence_signal)
#define DRM_IOCTL_VGEM_PLUS_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGEM_PLUS_CREATE, \
		 struct drm_vgem_plus_create)
#define DRM_IOCTL_VGEM_PLUS_MAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGEM_PLUS_MAP_OFFSET, \
		 struct drm_vgem_plus_map_offset)
#define DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VGEM_PLUS_FENCE_SIGNAL_ERROR, \
		struct drm_vgem_plus_fence_signal_error)
#define DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VGEM_PLUS_FENCE_EXPORT, \
		 struct drm_vgem_plus_fence_export)

/**
 * struct drm_vgem_fence_attach - attach a new fence to an object
 *
 * Used by &DRM_IOCTL_VGEM_FENCE_ATTACH (card and render node). A new fence
 * is created and added to the object's reservation object, where every
 * importer of the object's dma-buf sees it, with
 * DMA_RESV_USAGE_WRITE usage when @flags has %VGEM_FENCE_WRITE and
 * DMA_RESV_USAGE_READ usage otherwise. The fence is identified by
 * @out_fence in later &DRM_IOCTL_VGEM_FENCE_SIGNAL,
 * &DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR and
 * &DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT calls on the same file.
 *
 * Unless %WIP_VGEM_FENCE_NOTIMEOUT is given, the fence signals by itself
 * with the error -ETIMEDOUT once the module parameter fence_timeout_ms has
 * passed (10 seconds by default), so that a forgotten fence cannot hang
 * its waiters. Every fence still unsignalled when the file is closed is
 * signalled then.
 *
 * Errors: -EINVAL for unknown @flags or a non-zero @pad, -ENOENT for an
 * unknown @handle, -EBUSY when a conflicting fence is unsignalled (any
 * fence for a write fence, a write fence for a read fence), -ENOMEM,
 * -ENOSPC once the file has used up its 2^31 fence ids (ids are not
 * reused, as in vgem).
 */
struct drm_vgem_fence_attach {
	/** @handle: GEM handle of the object to fence. */
	__u32 handle;
	/**
	 * @flags: %VGEM_FENCE_WRITE for a write (exclusive) fence, and
	 * %WIP_VGEM_FENCE_NOTIMEOUT for a fence that only signals when told to
	 * (or when the file is closed).
	 */
	__u32 flags;
#define VGEM_FENCE_WRITE		0x1
#define WIP_VGEM_FENCE_NOTIMEOUT	0x2
	/** @out_fence: returned fence id, never 0. */
	__u32 out_fence;
	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * struct drm_vgem_fence_signal - signal a fence
 *
 * Used by &DRM_IOCTL_VGEM_FENCE_SIGNAL. Signals the fence and forgets its
 * id: a second signal of the same id fails with -ENOENT.
 *
 * Errors: -EINVAL for non-zero @flags, -ENOENT for an id that this file
 * never returned or has already signalled, -ETIMEDOUT when the fence had
 * already signalled by its timeout (the id is forgotten all the same).
 */
struct drm_vgem_fence_signal {
	/** @fence: fence id from &drm_vgem_fence_attach.out_fence. */
	__u32 fence;
	/** @flags: must be zero. */
	__u32 flags;
};

/**
 * struct drm_vgem_plus_create - allocate an object (card or render node)
 *
 * Used by &DRM_IOCTL_VGEM_PLUS_CREATE. Unlike the dumb-buffer ioctls this
 * one is allowed on the render node. Give either @size alone, or @width,
 * @height and @format (with @size zero) to get an image laid out for that
 * DRM fourcc: each plane's pitch is the smallest multiple of
 * %VGEM_PLUS_PITCH_ALIGN that holds a row, and the planes follow each other
 * in one object, ready for drmModeAddFB2() with @pitches and @offsets.
 *
 * Errors: -EINVAL for non-zero @flags or @pad, a zero @size without a
 * complete image description, both a @size and an image description, an
 * unknown or block-compressed @format, or a size that overflows; -E2BIG
 * for objects larger than the system's memory; -ENOMEM.
 */
struct drm_vgem_plus_create {
	/**
	 * @size: in: bytes wanted, or 0 for an image. out: the object's size,
	 * rounded up to whole pages.
	 */
	__u64 size;
	/** @width: image width in pixels, or 0. */
	__u32 width;
	/** @height: image height in pixels, or 0. */
	__u32 height;
	/** @format: DRM_FORMAT_* fourcc of the image, or 0. */
	__u32 format;
	/** @flags: must be zero. */
	__u32 flags;
	/** @handle: out: GEM handle of the new object. */
	__u32 handle;
	/** @num_planes: out: planes of @format, 0 for a plain @size. */
	__u32 num_planes;
	/** @pitches: out: bytes per row of each plane. */
	__u32 pitches[4];
	/** @offsets: out: byte offset of each plane in the object. */
	__u32 offsets[4];
	/** @pad: must be zero. */
	__u64 pad;
};

/* Pitch alignment of image objects, in bytes: see &drm_vgem_plus_create. */
#define VGEM_PLUS_PITCH_ALIGN	64

/**
 * struct drm_vgem_plus_map_offset - get the fake offset for mmap()
 *
 * Used by &DRM_IOCTL_VGEM_PLUS_MAP_OFFSET, the render-node counterpart of
 * DRM_IOCTL_MODE_MAP_DUMB: @offset is what mmap() on the same DRM file
 * takes to map the object. Unlike MAP_DUMB it also maps imported objects
 * (through their exporter's mmap).
 *
 * Errors: -EINVAL for non-zero @flags, -ENOENT for an unknown @handle,
 * -ENOMEM.
 */
struct drm_vgem_plus_map_offset {
	/** @handle: GEM handle of the object. */
	__u32 handle;
	/** @flags: must be zero. */
	__u32 flags;
	/** @offset: out: the mmap() offset. */
	__u64 offset;
};

/**
 * struct drm_vgem_plus_fence_signal_error - signal a fence with an error
 *
 * Used by &DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR to model a failed job or
 * a GPU reset: the fence is signalled with @error as its status, which
 * waiters see in sync_file status and the dma_fence error. Otherwise it
 * behaves like &DRM_IOCTL_VGEM_FENCE_SIGNAL.
 *
 * Errors: those of &DRM_IOCTL_VGEM_FENCE_SIGNAL, and -EINVAL when @error is
 * not a negative errno (-4095..-1) or @pad is not zero.
 */
struct drm_vgem_plus_fence_signal_error {
	/** @fence: fence id from &drm_vgem_fence_attach.out_fence. */
	__u32 fence;
	/** @flags: must be zero. */
	__u32 flags;
	/** @error: negative errno to record, e.g. -EIO. */
	__s32 error;
	/** @pad: must be zero. */
	__u32 pad;
};

/**
 * struct drm_vgem_plus_fence_export - export a fence as a sync_file
 *
 * Used by &DRM_IOCTL_VGEM_PLUS_FENCE_EXPORT: returns a new sync_file fd
 * for a fence this file attached and has not yet signalled through
 * &DRM_IOCTL_VGEM_FENCE_SIGNAL or &DRM_IOCTL_VGEM_PLUS_FENCE_SIGNAL_ERROR,
 * so that a test has an explicit fence (IN_FENCE_FD, poll(),
 * SYNC_IOC_FILE_INFO) whose signalling it controls, without CONFIG_SW_SYNC.
 * A fence that has timed out but was not signalled by hand yet still
 * exports, already signalled with -ETIMEDOUT.
 *
 * Errors: -EINVAL for @flags other than %VGEM_PLUS_FENCE_EXPORT_CLOEXEC or a
 * non-zero @pad, -ENOENT for an unknown id or one already signalled by
 * hand, -EMFILE, -ENOMEM.
 */
struct drm_vgem_plus_fence_export {
	/** @fence: fence id from &drm_vgem_fence_attach.out_fence. */
	__u32 fence;
	/** @flags: %VGEM_PLUS_FENCE_EXPORT_CLOEXEC or 0. */
	__u32 flags;
#define VGEM_PLUS_FENCE_EXPORT_CLOEXEC	0x1
	/** @fd: out: the sync_file file descriptor. */
	__s32 fd;
	/** @pad: must be zero. */
	__u32 pad;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VGEM_PLUS_DRM_H_ */
