/* SPDX-License-Identifier: MIT */
/*
 * The state for people: one block per buffer, the totals, the notes.
 */
#ifndef DMABUF_PRINT_H
#define DMABUF_PRINT_H

#include <stdio.h>

#include "state.h"

/* "write drm_vgem_plus client-1 seq 1: unsignalled for 3.6 s (...)" */
void print_fence(FILE *f, const struct fence_info *fi);
/* The header line and every detail line of @b. */
void print_buffer(FILE *f, const struct state *s, const struct dbuf *b);
/* "plane-0 on crtc-0 of drm_display: commit by comm[pid] waits ..." */
void print_wait(FILE *f, const struct wait_ref *w);
/* "notes:" and one line per note, when there are any. */
void print_notes(FILE *f, const struct state *s);
/* "N buffers, SIZE (bufinfo: ...), N dark". */
void print_totals(FILE *f, const struct state *s);

#endif /* DMABUF_PRINT_H */
