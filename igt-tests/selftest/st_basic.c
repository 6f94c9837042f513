// SPDX-License-Identifier: MIT
/* Harness self test: results of each assert/skip kind, fork, subtest_f. */
#include <errno.h>
#include <unistd.h>

#include "igt_core.h"

static int helper_fails(void)
{
	igt_assert_eq(1 + 1, 3);
	return 0;
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = 42;
	}

	igt_describe("Desc of pass-a");
	igt_subtest("pass-a") {
		igt_assert_eq(fd, 42);
		igt_info("info line from pass-a\n");
		igt_debug("debug line from pass-a\n");
	}

	igt_subtest("fail-assert") {
		int x = 0;

		errno = EINVAL;
		igt_assert(x == 1);
		igt_info("NOT REACHED\n");
	}

	igt_subtest("fail-assert-f") {
		igt_assert_f(fd == 0, "custom message %d\n", 4242);
		igt_info("NOT REACHED\n");
	}

	igt_subtest("fail-assert-eq") {
		int ret = -22;

		igt_assert_eq(ret, 0);
		igt_info("NOT REACHED\n");
	}

	igt_subtest("fail-assert-neq") {
		int ret = 5;

		igt_assert_neq(ret, 5);
	}

	igt_subtest("fail-assert-eq-u32") {
		uint32_t v = 0xdead;

		igt_assert_eq_u32(v, 0xbeef);
	}

	igt_subtest("fail-assert-eq-u64") {
		uint64_t v = 0x100000000ull;

		igt_assert_eq_u64(v, 1);
	}

	igt_subtest("fail-assert-lt") {
		igt_assert_lt(fd, 7);
	}

	igt_subtest("fail-assert-lte") {
		igt_assert_lte(fd, 41);
	}

	igt_subtest("fail-fail-on") {
		igt_fail_on(fd == 42);
	}

	igt_subtest("fail-fail-on-f") {
		igt_fail_on_f(fd == 42, "fd was %d\n", fd);
	}

	igt_subtest("fail-igt-fail") {
		igt_fail(IGT_EXIT_FAILURE);
	}

	igt_subtest("fail-in-helper") {
		helper_fails();
	}

	igt_subtest("skip-require") {
		igt_require(fd == 0);
		igt_info("NOT REACHED\n");
	}

	igt_subtest("skip-require-f") {
		igt_require_f(fd == 0, "need fd %d\n", 0);
	}

	igt_subtest("skip-skip") {
		igt_skip("plain skip %s\n", "reason");
	}

	igt_subtest("skip-skip-on") {
		igt_skip_on(fd == 42);
	}

	igt_subtest("skip-skip-on-f") {
		igt_skip_on_f(fd == 42, "skip-on-f says %d\n", 7);
	}

	igt_subtest("fork-ok") {
		igt_fork(child, 3) {
			igt_assert(child >= 0 && child < 3);
		}
		igt_waitchildren();
		igt_info("fork-ok done\n");
	}

	igt_subtest("fork-fail") {
		igt_fork(child, 2) {
			igt_assert_eq(child, 0);	/* child 1 fails */
		}
		igt_waitchildren();
		igt_info("NOT REACHED\n");
	}

	igt_subtest("until-timeout") {
		int loops = 0;

		igt_until_timeout(1) {
			loops++;
			usleep(10 * 1000);
		}
		igt_assert_lt(10, loops);
	}

	igt_subtest("warn-only") {
		igt_warn("just a warning\n");
	}

	for (int i = 0; i < 3; i++)
		igt_subtest_f("dyn-name-%d", i)
			igt_assert_lt(i, 3);

	igt_subtest("pass-b") {
		igt_assert_eq(fd, 42);
	}
}
