/* SPDX-License-Identifier: MIT */
/*
 * Minimal IGT-compatible test core: subtest enumeration and selection,
 * result reporting in IGT's test-binary protocol, assertions, skips and
 * forked children.  API names follow IGT's lib/igt_core.h.
 *
 * Control flow uses sigsetjmp()/siglongjmp(): a failed assertion or a skip
 * leaves the current subtest (or fixture) immediately.  As in IGT, local
 * variables of the igt_main body that are modified inside a subtest and read
 * after it ended through a failure/skip have unspecified values; keep such
 * state in static/global variables or only set it in fixtures.
 */
#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * Test code legitimately keeps main-body locals across the setjmp points
 * hidden in igt_fixture/igt_subtest (IGT builds with -Wno-clobbered too).
 */
#pragma GCC diagnostic ignored "-Wclobbered"

/* Exit codes of a test binary (same values as IGT). */
#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_TIMEOUT	78
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define igt_tokencat2__(x, y) x ## y
#define igt_tokencat(x, y) igt_tokencat2__(x, y)
#define igt_unique(prefix) igt_tokencat(prefix, __COUNTER__)

extern sigjmp_buf igt_subtest_jmpbuf;

/* ---- internal entry points used by the macros below ---- */
void igt_subtest_init(int argc, char **argv);
bool __igt_fixture(void);
void __igt_fixture_complete(void);
bool __igt_run_subtest(const char *name, const char *file, int line);
int __igt_subtest_group_save(void);
void __igt_subtest_group_restore(int state);
bool __igt_fork(void);

__attribute__((noreturn, format(printf, 5, 6)))
void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *assertion, const char *fmt, ...);
__attribute__((noreturn, format(printf, 5, 6)))
void __igt_skip_check(const char *file, int line, const char *func,
		      const char *check, const char *fmt, ...);

/* ---- test structure ---- */

/*
 * igt_main: defines main(); parses the standard options, runs the body,
 * then exits with the overall result (igt_exit()).
 */
#define igt_main \
	static void igt_main_body__(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init(argc, argv); \
		igt_main_body__(); \
		igt_exit(); \
	} \
	static void igt_main_body__(void)

/* Setup/teardown code outside subtests; never run while listing. */
#define igt_fixture igt_fixture__(igt_unique(igt_fixture_once_))
#define igt_fixture__(once) \
	for (volatile int once = 0; \
	     once < 1 && __igt_fixture() && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     once++, __igt_fixture_complete())

#define igt_subtest(name) \
	for (; __igt_run_subtest((name), __FILE__, __LINE__) && \
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

#define igt_subtest_f(...) igt_subtest_f__(igt_unique(igt_subtest_name_), __VA_ARGS__)
#define igt_subtest_f__(buf, ...) \
	for (char buf[256]; \
	     snprintf(buf, sizeof(buf), __VA_ARGS__), \
	     __igt_run_subtest(buf, __FILE__, __LINE__) && \
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0; \
	     igt_success())

/*
 * Scope for fixtures + subtests: a skip/failure in a fixture inside the group
 * only affects the subtests of that group.
 */
#define igt_subtest_group \
	igt_subtest_group__(igt_unique(igt_group_once_), igt_unique(igt_group_state_))
#define igt_subtest_group__(once, state) \
	for (int once = 0, state = __igt_subtest_group_save(); once < 1; \
	     once++, __igt_subtest_group_restore(state))

/* Description for the next subtest/group, printed by --describe. */
__attribute__((format(printf, 1, 2)))
void igt_describe_f(const char *fmt, ...);
#define igt_describe(text) igt_describe_f("%s", (text))

bool igt_only_list_subtests(void);
const char *igt_subtest_name(void);
const char *igt_test_name(void);

__attribute__((noreturn)) void igt_exit(void);

/*
 * Runs @fn at exit and on a fatal signal (then the signal's default
 * action), so that a test that dies still undoes what it changed. @fn
 * may only make system calls. One handler per test binary; asserts.
 */
void igt_install_exit_handler(void (*fn)(void));
__attribute__((noreturn)) void igt_success(void);
__attribute__((noreturn)) void igt_fail(int exitcode);
__attribute__((noreturn, format(printf, 1, 2)))
void igt_skip(const char *fmt, ...);

/* ---- logging ---- */
enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};
extern enum igt_log_level igt_log_level;

__attribute__((format(printf, 2, 3)))
void igt_log(enum igt_log_level level, const char *fmt, ...);
__attribute__((format(printf, 2, 0)))
void igt_vlog(enum igt_log_level level, const char *fmt, va_list ap);

#define igt_debug(...) igt_log(IGT_LOG_DEBUG, __VA_ARGS__)
#define igt_info(...) igt_log(IGT_LOG_INFO, __VA_ARGS__)
#define igt_warn(...) igt_log(IGT_LOG_WARN, __VA_ARGS__)
#define igt_critical(...) igt_log(IGT_LOG_CRITICAL, __VA_ARGS__)

/* Warns (stderr, does not fail) when cond is true; evaluates to cond. */
#define igt_warn_on(cond) __extension__ ({ \
	bool igt_warn_cond__ = (cond); \
	if (igt_warn_cond__) \
		igt_warn("Warning on condition %s in function %s, file %s:%i\n", \
			 #cond, __func__, __FILE__, __LINE__); \
	igt_warn_cond__; \
})

/* ---- assertions (fail the subtest) ---- */
#define igt_assert(expr) do { \
	if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, NULL); \
} while (0)

#define igt_assert_f(expr, ...) do { \
	if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, __VA_ARGS__); \
} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, ...) igt_assert_f(!(expr), __VA_ARGS__)

#define igt_assert_cmp__(type, pfmt, n1, cmp, ncmp, n2, str) do { \
	type igt_n1__ = (n1), igt_n2__ = (n2); \
	if (!(igt_n1__ cmp igt_n2__)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, str, \
				  "error: " pfmt " " #ncmp " " pfmt "\n", \
				  igt_n1__, igt_n2__); \
} while (0)

/* Failure output: "Failed assertion: n1 cmp n2" and "error: <n1> ncmp <n2>". */
#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	igt_assert_cmp__(int, "%d", n1, cmp, ncmp, n2, #n1 " " #cmp " " #n2)
#define igt_assert_cmpuint(n1, cmp, ncmp, n2) \
	igt_assert_cmp__(uint32_t, "%#x", n1, cmp, ncmp, n2, #n1 " " #cmp " " #n2)
#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	igt_assert_cmp__(unsigned long long, "%#llx", n1, cmp, ncmp, n2, #n1 " " #cmp " " #n2)
#define igt_assert_cmps64(n1, cmp, ncmp, n2) \
	igt_assert_cmp__(long long, "%lld", n1, cmp, ncmp, n2, #n1 " " #cmp " " #n2)

#define igt_assert_eq(n1, n2) \
	igt_assert_cmp__(int, "%d", n1, ==, !=, n2, #n1 " == " #n2)
#define igt_assert_neq(n1, n2) \
	igt_assert_cmp__(int, "%d", n1, !=, ==, n2, #n1 " != " #n2)
#define igt_assert_lt(n1, n2) \
	igt_assert_cmp__(int, "%d", n1, <, >=, n2, #n1 " < " #n2)
#define igt_assert_lte(n1, n2) \
	igt_assert_cmp__(int, "%d", n1, <=, >, n2, #n1 " <= " #n2)
#define igt_assert_eq_u32(n1, n2) \
	igt_assert_cmp__(uint32_t, "%#x", n1, ==, !=, n2, #n1 " == " #n2)
#define igt_assert_neq_u32(n1, n2) \
	igt_assert_cmp__(uint32_t, "%#x", n1, !=, ==, n2, #n1 " != " #n2)
#define igt_assert_eq_u64(n1, n2) \
	igt_assert_cmp__(unsigned long long, "%#llx", n1, ==, !=, n2, #n1 " == " #n2)
#define igt_assert_neq_u64(n1, n2) \
	igt_assert_cmp__(unsigned long long, "%#llx", n1, !=, ==, n2, #n1 " != " #n2)
#define igt_assert_eq_s64(n1, n2) \
	igt_assert_cmp__(long long, "%lld", n1, ==, !=, n2, #n1 " == " #n2)

/* ---- requirements (skip the subtest) ---- */
#define igt_require(expr) do { \
	if (!(expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, #expr, NULL); \
} while (0)

#define igt_require_f(expr, ...) do { \
	if (!(expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, #expr, __VA_ARGS__); \
} while (0)

#define igt_skip_on(expr) do { \
	if ((expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, "!(" #expr ")", NULL); \
} while (0)

#define igt_skip_on_f(expr, ...) do { \
	if ((expr)) \
		__igt_skip_check(__FILE__, __LINE__, __func__, "!(" #expr ")", __VA_ARGS__); \
} while (0)

/* ---- forked children ---- */

/*
 * Runs the block in num_children child processes (child = 0..n-1), only
 * allowed inside a subtest.  A failed assertion makes the child exit with
 * the failure code; igt_waitchildren() then fails the subtest.
 */
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); exit(IGT_EXIT_SUCCESS))

void igt_waitchildren(void);

/* ---- time ---- */
uint64_t igt_nsec_elapsed(struct timespec *start);
unsigned int igt_seconds_elapsed(struct timespec *start);

/* Loops until "seconds" have passed since the first iteration. */
#define igt_until_timeout(seconds) igt_until_timeout__(igt_unique(igt_tmo_), seconds)
#define igt_until_timeout__(t, seconds) \
	for (struct timespec t = { 0 }; igt_seconds_elapsed(&t) < (unsigned int)(seconds); )

#endif /* IGT_CORE_H */
