// SPDX-License-Identifier: MIT
/*
 * drm_bench --profile OP: where the kernel spends an operation's time,
 * per pair. Runs OP (prime:SIZE, touch:SIZE, or compose:crc|wb:1pl|3pl:WxH,
 * a flip with CRC capture or writeback on) --profile-ops times on
 * each pair under ftrace's function_graph tracer, from the functions in
 * --graph down to --depth levels through the functions --filter lets
 * ftrace patch (default: the DRM and dma-buf modules and helpers, the
 * graph functions, shmem), and saves each pair's trace to
 * --trace-dir/<ours|upstream>.txt. tools/bench/graph-sum adds the
 * durations up per function.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const char default_filter[] =
	":mod:drm :mod:drm_kms_helper :mod:drm_shmem_helper :mod:vgem "
	":mod:vkms :mod:drm_vgem_plus :mod:drm_display dma_buf_* dma_resv_* "
	"shmem_* __fput dput sg_alloc_table* sg_free_table* "
	"vmap vunmap vm_map_ram vm_unmap_ram folio_* __alloc_pages* "
	"clear_page* set_pages_array_wc set_memory_wc dma_map_sgtable "
	"dma_unmap_sg_attrs dma_direct_* kvfree kvmalloc_node __kmalloc* kfree "
	"crc32_le* memcpy memset";

void bench_profile(void)
{
	struct profile_op po;
	char path[512];
	int k, i;

	if (!buffer_op(opt.profile, &po) && !compose_op(opt.profile, &po))
		die("--profile: prime:SIZE, touch:SIZE or compose:crc|wb:1pl|3pl:WxH");
	if (!opt.filter) {
		static char filter[2048];

		snprintf(filter, sizeof(filter), "%s %s", default_filter,
			 opt.graph ? opt.graph : "");
		opt.filter = filter;
	}
	if (!opt.graph || !opt.trace_dir)
		die("--profile needs --graph FUNCS and --trace-dir DIR");
	for (k = 0; k < NPAIRS; k++) {
		struct pair *p = &pairs[k];

		if (po.begin)
			po.begin(p, po.arg);
		/* Warm up, untraced. */
		for (i = 0; i < 3; i++)
			po.op(p, po.arg);
		if (!trace_setup_graph(opt.graph, opt.filter, opt.depth,
				       16384))
			die("cannot trace %s", opt.graph);
		trace_start();
		for (i = 0; i < opt.profile_ops; i++)
			po.op(p, po.arg);
		snprintf(path, sizeof(path), "%s/%s.txt", opt.trace_dir,
			 p->label);
		trace_save(path);
		trace_teardown();
		if (po.end)
			po.end(p, po.arg);
		note("profile %s: %s", p->label, path);
	}
}
