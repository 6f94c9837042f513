// SPDX-License-Identifier: MIT
/*
 * Op logging, statistics, failure reports and the crash handler.
 *
 * Each op builds a one-line description (name, arguments, result) in its
 * context; --verbose prints it, the watchdog and the crash handler print
 * it when the op never ends. Descriptions never contain fd numbers, pids,
 * addresses, mmap offsets or flink names, so two runs of one seed with
 * one thread print the same log.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static __thread struct ctx *tls_ctx;
static __thread sigjmp_buf *guard;

void set_tls_ctx(struct ctx *c)
{
	tls_ctx = c;
}

/* One write per message: lines of threads and children never mix. */
static void write_all(int fd, const char *s, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, s, n);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

void out(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	write_all(1, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

const char *errname(int e)
{
	static __thread char buf[16];
	const char *s = e > 0 ? strerrorname_np(e) : NULL;

	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

void note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->dlen >= sizeof(c->desc) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->desc + c->dlen, sizeof(c->desc) - c->dlen, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->dlen += (size_t)n;
	if (c->dlen > sizeof(c->desc) - 1)
		c->dlen = sizeof(c->desc) - 1;
}

void op_begin(struct ctx *c, enum op_id op)
{
	c->dlen = 0;
	if (c->child)
		note(c, "%d:%lu.c%lu %s", c->thread, c->fork_opi, c->opi,
		     op_table[op].name);
	else
		note(c, "%d:%lu %s", c->thread, c->opi, op_table[op].name);
	c->calls[op]++;
	c->cur_op = op;
	c->busy_since = now_ms();
}

/* The result of the op's main call: 0 or more for success, -errno. */
void op_result(struct ctx *c, enum op_id op, int ret)
{
	if (ret >= 0) {
		c->ok[op]++;
		note(c, " = %d", ret);
		return;
	}
	c->err[op][-ret < NERRNO ? -ret : 0]++;
	note(c, " = -%s", errname(-ret));
}

/* The last ops of every thread, printed with a failure. */
#define HIST	256

static char hist[HIST][DESC_LEN];
static unsigned long nhist;
static pthread_mutex_t hist_lock = PTHREAD_MUTEX_INITIALIZER;

static void hist_add(const struct ctx *c)
{
	pthread_mutex_lock(&hist_lock);
	memcpy(hist[nhist++ % HIST], c->desc, c->dlen);
	hist[(nhist - 1) % HIST][c->dlen] = 0;
	pthread_mutex_unlock(&hist_lock);
}

static void hist_print(void)
{
	unsigned long i = nhist > HIST ? nhist - HIST : 0;

	pthread_mutex_lock(&hist_lock);
	out("fuzz: the last %lu ops before it, all threads:\n", nhist - i);
	for (; i < nhist; i++)
		out("  %s\n", hist[i % HIST]);
	pthread_mutex_unlock(&hist_lock);
}

void op_end(struct ctx *c)
{
	if (!c->child)
		hist_add(c);
	if (g_opt.verbose) {
		note(c, "\n");
		write_all(1, c->desc, c->dlen);
	}
	c->ms[c->cur_op] += (unsigned long)(now_ms() - c->busy_since);
	c->busy_since = 0;
}

void op_skip(struct ctx *c, enum op_id op, const char *why)
{
	(void)op;
	note(c, " skip (%s)", why);
}

void fail(struct ctx *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out("fuzz: FAIL%s: op %.*s: %s\n", c->child ? " (in a child)" : "",
	    (int)c->dlen, c->desc, msg);
	/* A child leaves the verdict (and fault injection) to its parent. */
	if (c->child)
		_exit(1);
	if (!g_opt.verbose && !g_failed)
		hist_print();
	g_failed = 1;
	g_stop = 1;
}

/* Errors by errno over all threads, then one line per op. */
void print_summary(unsigned long total_ops)
{
	unsigned long tot[NERRNO] = { 0 }, calls, ok, ms, forks[3] = { 0 };
	unsigned long child_ops = 0;
	char line[2048];
	unsigned int t, op, e;
	size_t n;

	for (t = 0; t < g_opt.threads; t++) {
		for (op = 0; op < OP_COUNT; op++)
			for (e = 0; e < NERRNO; e++)
				tot[e] += g_ctx[t].err[op][e];
		for (e = 0; e < 3; e++)
			forks[e] += g_ctx[t].forks[e];
		child_ops += g_ctx[t].child_ops;
	}
	n = (size_t)snprintf(line, sizeof(line),
			     "fuzz: seed %llu, ops %lu, errors by errno:",
			     (unsigned long long)g_opt.seed, total_ops);
	for (e = 0; e < NERRNO; e++)
		if (tot[e] && n < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n,
					      " %s=%lu", errname((int)e), tot[e]);
	out("%s\n", line);
	out("fuzz: forks: %lu exited, %lu killed after a handshake, %lu killed at random; %lu ops in children\n",
	    forks[0], forks[1], forks[2], child_ops);
	for (op = 0; op < OP_COUNT; op++) {
		calls = ok = ms = 0;
		for (t = 0; t < g_opt.threads; t++) {
			calls += g_ctx[t].calls[op];
			ok += g_ctx[t].ok[op];
			ms += g_ctx[t].ms[op];
		}
		if (!calls)
			continue;
		n = (size_t)snprintf(line, sizeof(line),
				     "fuzz:   %-28s %6lu calls %6lu ok %6.1f s",
				     op_table[op].name, calls, ok,
				     (double)ms / 1000);
		for (e = 0; e < NERRNO; e++) {
			unsigned long v = 0;

			for (t = 0; t < g_opt.threads; t++)
				v += g_ctx[t].err[op][e];
			if (v && n < sizeof(line))
				n += (size_t)snprintf(line + n, sizeof(line) - n,
						      " %s=%lu", errname((int)e), v);
		}
		out("%s\n", line);
	}
}

/* Async-signal-safe: no stdio, no locks. */
static void crash_report(int sig)
{
	static const char head[] = "fuzz: CRASH: fatal signal ";
	char num[8];
	int n = 0, s = sig;

	do {
		num[n++] = (char)('0' + s % 10);
		s /= 10;
	} while (s && n < 7);
	write_all(2, head, sizeof(head) - 1);
	while (n)
		write_all(2, &num[--n], 1);
	if (tls_ctx) {
		write_all(2, " in op ", 7);
		write_all(2, tls_ctx->desc, tls_ctx->dlen);
	}
	write_all(2, "\n", 1);
}

static void on_fault(int sig)
{
	if (guard) {
		sigjmp_buf *g = guard;

		guard = NULL;
		siglongjmp(*g, sig);
	}
	crash_report(sig);
	failslab_stop();
	signal(sig, SIG_DFL);
	raise(sig);
}

void crash_handlers_install(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct sigaction sa;
	unsigned int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * Touch a mapping; a fault comes back as the signal number instead of
 * killing us, so that it can be reported with the op.
 */
int guarded_read(void *p, u64 *val)
{
	sigjmp_buf jb;
	int sig = sigsetjmp(jb, 1);

	if (sig)
		return sig;
	guard = &jb;
	*val = *(volatile u64 *)p;
	guard = NULL;
	return 0;
}

int guarded_write(void *p, u64 val)
{
	sigjmp_buf jb;
	int sig = sigsetjmp(jb, 1);

	if (sig)
		return sig;
	guard = &jb;
	*(volatile u64 *)p = val;
	guard = NULL;
	return 0;
}
