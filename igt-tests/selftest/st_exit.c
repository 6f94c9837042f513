// SPDX-License-Identifier: MIT
/* Harness self test: exit codes, and output surviving a kill. */
#include <unistd.h>

#include "igt_core.h"

igt_main
{
	igt_subtest("ok-1") {
	}

	igt_subtest("skip-1") {
		igt_skip("skip one\n");
	}

	igt_subtest("skip-2") {
		igt_require(0);
	}

	igt_subtest_group {
		igt_fixture {
			igt_require_f(0, "fixture requirement\n");
		}
		igt_subtest("fixture-skipped") {
		}
	}

	igt_subtest("hang") {
		igt_info("before hang\n");
		igt_warn("warn before hang\n");
		for (;;)
			pause();
	}
}
