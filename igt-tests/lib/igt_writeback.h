/* SPDX-License-Identifier: MIT */
/*
 * Writeback connectors, in the spirit of IGT's kms_writeback helpers:
 * finding one, its formats, and waiting for its out-fences.
 */
#ifndef IGT_WRITEBACK_H
#define IGT_WRITEBACK_H

#include <stdbool.h>
#include <stdint.h>

#include <xf86drmMode.h>

/**
 * struct kms_writeback - a writeback connector and the CRTC it is on
 * @connector_id: the connector
 * @encoder_id: its encoder
 * @crtc_id: first CRTC the encoder can be on
 * @crtc_index: index of @crtc_id
 * @primary_id: primary plane of @crtc_id
 */
struct kms_writeback {
	uint32_t connector_id;
	uint32_t encoder_id;
	uint32_t crtc_id;
	int crtc_index;
	uint32_t primary_id;
};

/*
 * Sets DRM_CLIENT_CAP_WRITEBACK_CONNECTORS (after kms_require_atomic())
 * and finds the first writeback connector; skips without one.
 */
void kms_writeback_find(int fd, struct kms_writeback *wb);

/* The mode @w x @h at 60 Hz from the connector's list; asserts. */
void kms_connector_mode(int fd, uint32_t connector_id, uint16_t w, uint16_t h,
			drmModeModeInfo *mode);

/* WRITEBACK_PIXEL_FORMATS: up to @max fourccs into @formats; the count. */
int kms_writeback_formats(int fd, const struct kms_writeback *wb,
			  uint32_t *formats, int max);

/* Waits up to @timeout_ms for a sync_file to signal: false on timeout. */
bool kms_sync_file_wait(int sync_fd, int timeout_ms);
/* SYNC_IOC_FILE_INFO status: 1 signalled, 0 active, < 0 error. */
int kms_sync_file_status(int sync_fd);

#endif /* IGT_WRITEBACK_H */
