/* SPDX-License-Identifier: MIT */
/*
 * Pipe CRC capture through debugfs crtc-N/crc/{control,data}, in the
 * spirit of IGT's igt_pipe_crc_* (lib/igt_debugfs.h): a capture is started
 * by writing the source to control and opening data, stopped by closing
 * data; data hands out one "frame crc" line per read().
 */
#ifndef IGT_PIPE_CRC_H
#define IGT_PIPE_CRC_H

#include <stdbool.h>
#include <stdint.h>

/**
 * struct igt_crc - one CRC entry
 * @frame: vblank count of the frame
 * @has_frame: the entry had a frame number
 * @crc: the value (drm_display has one per entry)
 */
struct igt_crc {
	uint32_t frame;
	bool has_frame;
	uint32_t crc;
};

/**
 * struct igt_pipe_crc - a CRTC's CRC capture
 * @drm_fd: the DRM device
 * @crtc_index: index of the CRTC
 * @dir: debugfs directory crtc-N/crc
 * @source: source name written to control
 * @data_fd: data while capturing, else -1
 */
struct igt_pipe_crc {
	int drm_fd;
	int crtc_index;
	char dir[128];
	char source[16];
	int data_fd;
};

/* Looks up crtc-@crtc_index/crc; skips when the driver has no CRC. */
void igt_pipe_crc_init(struct igt_pipe_crc *pc, int drm_fd, int crtc_index,
		       const char *source);

/* Writes @source to control: 0 or -errno. */
int igt_pipe_crc_set_source(struct igt_pipe_crc *pc, const char *source);
/* Contents of control, NUL-terminated, into @buf. */
void igt_pipe_crc_read_control(struct igt_pipe_crc *pc, char *buf,
			       size_t size);

/* Opens data (non-blocking): 0 or -errno, no assertion. */
int __igt_pipe_crc_start(struct igt_pipe_crc *pc);
/* Starts, and waits up to 10 s for the first entry (not consumed). */
void igt_pipe_crc_start(struct igt_pipe_crc *pc);
/* Closes data; safe when not started. */
void igt_pipe_crc_stop(struct igt_pipe_crc *pc);

/*
 * Reads one entry, waiting up to @timeout_ms for it; false on timeout.
 * Asserts that the line parses.
 */
bool igt_pipe_crc_read(struct igt_pipe_crc *pc, int timeout_ms,
		       struct igt_crc *crc);
/* The next entry; fails after 10 s without one. */
void igt_pipe_crc_get_single(struct igt_pipe_crc *pc, struct igt_crc *crc);
/* Reads every entry available now; returns how many, the last in @last. */
int igt_pipe_crc_drain(struct igt_pipe_crc *pc, struct igt_crc *last);
/*
 * The first entry of a frame after the current vblank: it shows what is
 * on screen now (everything committed before the call).
 */
void igt_pipe_crc_get_current(struct igt_pipe_crc *pc, struct igt_crc *crc);
/* Start, get_single, stop. */
void igt_pipe_crc_collect_crc(struct igt_pipe_crc *pc, struct igt_crc *crc);

#endif /* IGT_PIPE_CRC_H */
